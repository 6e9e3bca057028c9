"""Vocabularies the ``socle`` RDF profile maps CKAN values to (pure Python, no CKAN import).

See docs/dcat.md for the whole field -> property mapping.
"""
from __future__ import annotations

import re
import unicodedata

from rdflib import Namespace

DQV = Namespace("http://www.w3.org/ns/dqv#")
PROV = Namespace("http://www.w3.org/ns/prov#")
LDQD = Namespace("http://www.w3.org/2016/05/ldqd#")
FREQ = Namespace("http://publications.europa.eu/resource/authority/frequency/")
ADMS_PUBLISHER_TYPE = Namespace("http://purl.org/adms/publishertype/")

# INSEE's Linked Data identifier of a commune of the Code officiel géographique.
COMMUNE_URI = "http://id.insee.fr/geo/commune/{code}"
_COMMUNE_URI = re.compile(r"^https?://id\.insee\.fr/geo/commune/((?:\d{2}|2A|2B)\d{3})/?$", re.I)

# The conformity result of a distribution, as a DQV quality measurement of this metric.
CONFORMITY_METRIC_PATH = "/socle/qualite#conformite-scdl"
CONFORMITY_LEVELS = ("conforme", "a_ameliorer", "non_conforme", "erreur", "en_cours", "non_verifie")


def commune_uri(code: str) -> str:
    return COMMUNE_URI.format(code=code.strip().upper())


def commune_code(uri: str) -> str | None:
    match = _COMMUNE_URI.match(str(uri or "").strip())
    return match.group(1).upper() if match else None


def _key(text: str) -> str:
    plain = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


# -- dct:accrualPeriodicity: EU Publications Office frequency authority table -----------------
_FREQUENCIES = {
    "ANNUAL": ("annual", "annuel", "annuelle", "yearly", "an", "1-an", "tous-les-ans"),
    "ANNUAL_2": ("semiannual", "semestriel", "semestrielle", "biannual", "annual-2"),
    "ANNUAL_3": ("threeTimesAYear", "three-times-a-year", "quadrimestriel", "quadrimestrielle", "annual-3"),
    "BIENNIAL": ("biennial", "biennal", "biennale", "tous-les-deux-ans"),
    "TRIENNIAL": ("triennial", "triennal", "triennale"),
    "QUARTERLY": ("quarterly", "trimestriel", "trimestrielle"),
    "BIMONTHLY": ("bimonthly", "bimestriel", "bimestrielle"),
    "MONTHLY": ("monthly", "mensuel", "mensuelle"),
    "BIWEEKLY": ("biweekly", "fortnightly", "bimensuel", "bimensuelle", "quinzaine"),
    "WEEKLY": ("weekly", "hebdomadaire"),
    "DAILY": ("daily", "quotidien", "quotidienne", "journalier", "journaliere"),
    "HOURLY": ("hourly", "horaire"),
    "UPDATE_CONT": ("continuous", "continu", "continue", "cont", "temps-reel", "realtime", "update-cont"),
    "IRREG": ("irregular", "irreguliere", "irregulier", "irreg", "ponctuel", "ponctuelle", "punctual"),
    "NEVER": ("never", "jamais", "aucune", "none"),
    "UNKNOWN": ("unknown", "inconnue", "inconnu"),
    "OTHER": ("other", "autre"),
}
_FREQUENCY_BY_KEY = {_key(alias): code for code, aliases in _FREQUENCIES.items() for alias in (code, *aliases)}


def frequency_uri(value) -> str | None:
    """EU frequency URI for a frequency written as a code, an English or French word, or a URI."""
    text = str(value or "").strip()
    if not text:
        return None
    if text.startswith(str(FREQ)):
        return text
    if text.startswith(("http://", "https://")):
        tail = text.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
        code = _FREQUENCY_BY_KEY.get(_key(tail))
        return str(FREQ[code]) if code else text
    code = _FREQUENCY_BY_KEY.get(_key(text))
    return str(FREQ[code]) if code else None


# -- dct:license ------------------------------------------------------------------------------
LICENCE_OUVERTE_2 = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
ODBL = "https://opendatacommons.org/licenses/odbl/1-0/"
LICENCES = {
    LICENCE_OUVERTE_2: {
        "title": "Licence Ouverte / Open Licence version 2.0",
        "ids": ("lo-2.0", "lov2", "etalab-2.0", "licence-ouverte", "licence-ouverte-2-0", "fr-lo", "lo", "lo-2-0"),
        "urls": (
            "https://www.etalab.gouv.fr/licence-ouverte-open-licence",
            "https://www.etalab.gouv.fr/wp-content/uploads/2017/04/ETALAB-Licence-Ouverte-v2.0.pdf",
            "https://spdx.org/licenses/etalab-2.0.html",
            "http://spdx.org/licenses/etalab-2.0",
        ),
    },
    ODBL: {
        "title": "Open Data Commons Open Database License (ODbL)",
        "ids": ("odc-odbl", "odbl", "odbl-1-0"),
        "urls": (
            "http://www.opendefinition.org/licenses/odc-odbl",
            "https://opendatacommons.org/licenses/odbl/",
            "http://opendatacommons.org/licenses/odbl/1.0/",
            "http://opendatacommons.org/licenses/odbl/summary/",
            "http://publications.europa.eu/resource/authority/licence/ODC_BL",
            "http://spdx.org/licenses/ODbL-1.0",
        ),
    },
}


def _norm_url(url: str) -> str:
    return re.sub(r"^https?://", "", str(url or "").strip()).rstrip("/").lower()


def licence_uri(license_id=None, license_title=None, license_url=None) -> str | None:
    """The licence URI data.gouv.fr recognises for Licence Ouverte 2.0 and ODbL; else the
    dataset's own licence URL, if it has one."""
    keys = {_key(license_id), _key(license_title)}
    urls = {_norm_url(license_url)} if license_url else set()
    for uri, info in LICENCES.items():
        if keys & {_key(i) for i in info["ids"]} or _key(license_title) == _key(info["title"]):
            return uri
        if "licence-ouverte" in _key(license_title) or "open-licence" in _key(license_title):
            if uri == LICENCE_OUVERTE_2:
                return uri
        if urls & {_norm_url(u) for u in (uri, *info["urls"])}:
            return uri
    if license_url and str(license_url).startswith(("http://", "https://")):
        return str(license_url)
    return None


def licence_ids_for(uri: str) -> tuple[str, ...]:
    """Candidate CKAN licence ids for a licence URI (to map it back when harvesting)."""
    target = _norm_url(uri)
    for known, info in LICENCES.items():
        if target in {_norm_url(u) for u in (known, *info["urls"])}:
            return info["ids"]
    return ()


# -- dct:publisher type -----------------------------------------------------------------------
PUBLISHER_TYPES = {  # organisation socle_kind -> ADMS publisher type
    "commune": "LocalAuthority",
    "epci": "LocalAuthority",
    "departement": "RegionalAuthority",
    "region": "RegionalAuthority",
    "syndicat": "LocalAuthority",
}
