"""Controlled vocabularies of the clause registry, with French and English labels.

Codes are stable identifiers stored in the database and in the seed files; labels are what people
read. French first: ``label(VOCAB, code)`` returns French unless ``lang="en"``.
"""
from __future__ import annotations

# Kinds of contract a template is written for.
CONTRACT_KINDS = {
    "marche_fcs": ("Marché de fournitures et services courants (CCAG-FCS)",
                   "Supplies and services contract (CCAG-FCS)"),
    "marche_pi": ("Marché de prestations intellectuelles (CCAG-PI)",
                  "Intellectual services contract (CCAG-PI)"),
    "marche_tic": ("Marché de techniques de l'information et de la communication (CCAG-TIC)",
                   "ICT contract (CCAG-TIC)"),
    "marche_travaux": ("Marché de travaux (CCAG-Travaux)", "Works contract (CCAG-Travaux)"),
    "concession": ("Concession / délégation de service public", "Concession / public-service delegation"),
    "convention": ("Convention de subvention ou de partenariat", "Grant or partnership agreement"),
}

# Sectors, mostly meaningful for concessions (DSP by sector).
SECTORS = {
    "transversal": ("Tous secteurs", "All sectors"),
    "eau_assainissement": ("Eau potable et assainissement", "Water and sanitation"),
    "transport_mobilite": ("Transport et mobilité", "Transport and mobility"),
    "dechets": ("Déchets", "Waste"),
    "restauration_collective": ("Restauration collective", "Collective catering"),
    "energie_irve": ("Recharge des véhicules électriques (IRVE)", "EV charging"),
    "numerique": ("Logiciels et services numériques", "Software and digital services"),
    "commande_publique": ("Commande publique", "Public procurement"),
}

# Life cycle of a template: draft -> reviewed -> published -> deprecated.
STATUSES = {
    "draft": ("Brouillon", "Draft"),
    "reviewed": ("Relue par un juriste", "Legally reviewed"),
    "published": ("Publiée", "Published"),
    "deprecated": ("Retirée", "Deprecated"),
}
STATUS_TRANSITIONS = {
    "draft": {"reviewed", "published", "deprecated"},
    "reviewed": {"draft", "published", "deprecated"},
    "published": {"deprecated"},
    "deprecated": {"published"},
}

# Licences a contract may impose for free reuse (CRPA D323-2-1): nothing else is accepted.
REUSE_LICENCES = {
    "LO-2.0": ("Licence Ouverte / Open Licence version 2.0", "Etalab Open Licence 2.0"),
    "ODbL-1.0": ("Open Database License (ODbL) version 1.0", "Open Database License 1.0"),
}

# Licences under which the *text* of a template is distributed.
TEXT_LICENCES = {
    "LO-2.0": ("Licence Ouverte 2.0", "Etalab Open Licence 2.0"),
    "CC-BY-SA-4.0": ("Creative Commons BY-SA 4.0", "Creative Commons BY-SA 4.0"),
    "CC-BY-4.0": ("Creative Commons BY 4.0", "Creative Commons BY 4.0"),
}

# Columns of the delivery annex.
FORMATS = {code: (code, code) for code in (
    "CSV", "JSON", "GeoJSON", "GeoPackage", "XML", "GTFS", "GTFS-RT", "NeTEx", "SIRI", "GBFS", "API")}
FORMATS["CSV"] = ("CSV (UTF-8)", "CSV (UTF-8)")
FORMATS["API"] = ("API ouverte", "Open API")

FREQUENCIES = {
    "realtime": ("En temps réel", "Real time"),
    "daily": ("Quotidienne", "Daily"),
    "weekly": ("Hebdomadaire", "Weekly"),
    "monthly": ("Mensuelle", "Monthly"),
    "quarterly": ("Trimestrielle", "Quarterly"),
    "yearly": ("Annuelle", "Yearly"),
    "per_event": ("À chaque modification", "On each change"),
    "end_of_contract": ("En fin de contrat", "At the end of the contract"),
}

CHANNELS = {
    "portal_upload": ("Dépôt sur le portail de la collectivité", "Upload to the authority's portal"),
    "ckan_api": ("Publication par l'API du portail", "Push through the portal API"),
    "sftp": ("Dépôt SFTP", "SFTP drop"),
    "email": ("Envoi par courriel", "E-mail"),
    "public_api": ("API publique du titulaire", "Contractor's public API"),
}

AUTHORITY_KINDS = {
    "commune": ("Commune", "Municipality"),
    "epci": ("Établissement public de coopération intercommunale", "Inter-municipal body"),
    "departement": ("Département", "Département"),
    "region": ("Région", "Region"),
    "syndicat": ("Syndicat mixte", "Joint syndicate"),
    "autre": ("Autre organisme public", "Other public body"),
}

CCAG = {
    "FCS": ("CCAG-FCS", "CCAG-FCS"),
    "PI": ("CCAG-PI", "CCAG-PI"),
    "TIC": ("CCAG-TIC", "CCAG-TIC"),
    "Travaux": ("CCAG-Travaux", "CCAG-Travaux"),
    "MI": ("CCAG-MI", "CCAG-MI"),
    "MOE": ("CCAG-MOE", "CCAG-MOE"),
    "none": ("Aucun CCAG", "No CCAG"),
}

VOCABULARIES = {
    "contract_kinds": CONTRACT_KINDS,
    "sectors": SECTORS,
    "statuses": STATUSES,
    "reuse_licences": REUSE_LICENCES,
    "text_licences": TEXT_LICENCES,
    "formats": FORMATS,
    "frequencies": FREQUENCIES,
    "channels": CHANNELS,
    "authority_kinds": AUTHORITY_KINDS,
    "ccag": CCAG,
}


def label(vocabulary: dict, code, lang: str = "fr") -> str:
    """Label of ``code`` in ``vocabulary``; the code itself when unknown (never raises)."""
    pair = vocabulary.get(code)
    if not pair:
        return "" if code is None else str(code)
    return pair[1] if lang == "en" else pair[0]


def choices(vocabulary: dict, lang: str = "fr") -> list[tuple[str, str]]:
    return [(code, label(vocabulary, code, lang)) for code in vocabulary]
