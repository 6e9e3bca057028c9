"""Generate SCDL-format demo files for one commune (pure Python, seeded, no CKAN import).

Each commune gets a deterministic mix: most files conform, some carry a few errors (a badge
"à améliorer"), some many (a badge "non conforme"), and some datasets are not published at all,
so that the coverage matrix and the conformity facets have something to show.
"""
from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from datetime import date, timedelta

from ckanext.socle import identifiers

# The syndicate Infocom94's member communes (INSEE codes, Val-de-Marne).
INFOCOM94 = {
    "94004": "Boissy-Saint-Léger", "94019": "Chennevières-sur-Marne", "94028": "Créteil",
    "94042": "Joinville-le-Pont", "94060": "La Queue-en-Brie", "94044": "Limeil-Brévannes",
    "94046": "Maisons-Alfort", "94047": "Mandres-les-Roses", "94048": "Marolles-en-Brie",
    "94052": "Nogent-sur-Marne", "94055": "Ormesson-sur-Marne", "94056": "Périgny-sur-Yerres",  # "Périgny" in the COG
    "94068": "Saint-Maur-des-Fossés", "94069": "Saint-Maurice", "94071": "Sucy-en-Brie",
    "94075": "Villecresnes", "94079": "Villiers-sur-Marne",
}

# What each demo commune publishes, and how well: a quality per dataset, drawn once per commune.
DATASETS = ("deliberations", "subventions", "budget", "equipements", "prenoms", "catalogue")
QUALITIES = ("conforme", "conforme", "conforme", "a_ameliorer", "non_conforme", "absent")

DEMO_NOTICE = ("Données de démonstration générées au format SCDL : elles ne décrivent pas la "
               "commune réelle.")


@dataclass(frozen=True)
class Commune:
    insee: str
    name: str
    siren: str
    population: int | None = None

    @property
    def siret(self) -> str:
        """A valid-looking town-hall SIRET (SIREN + the first NIC that passes Luhn): demo only."""
        for nic in range(10, 100000):
            candidate = f"{self.siren}{nic:05d}"
            if identifiers.is_siret(candidate):
                return candidate
        raise ValueError(self.siren)


@dataclass(frozen=True)
class DemoFile:
    dataset: str          # SCDL schema name
    version: str          # schema version the file follows
    quality: str          # intended badge: conforme | a_ameliorer | non_conforme
    filename: str
    content: bytes
    year: int


SCHEMA_VERSIONS = {
    "deliberations": "2.1.5", "subventions": "2.1.1", "budget": "0.8.3",
    "equipements": "0.1.5", "prenoms": "1.1.6", "catalogue": "0.1.3",
}


def plan(commune: Commune) -> dict[str, str]:
    """Dataset → intended quality for this commune (absent ones are left out)."""
    rng = random.Random(f"plan-{commune.insee}")
    chosen = {name: rng.choice(QUALITIES) for name in DATASETS}
    chosen["deliberations"] = chosen["deliberations"] if chosen["deliberations"] != "absent" else "conforme"
    return {name: quality for name, quality in chosen.items() if quality != "absent"}


def generate(commune: Commune, year: int = 2025) -> list[DemoFile]:
    files = []
    for dataset, quality in plan(commune).items():
        rng = random.Random(f"{dataset}-{commune.insee}-{year}")
        rows = ROWS[dataset](commune, rng, year)
        header = list(rows[0].keys())
        if quality == "a_ameliorer":
            _spoil(rows, rng, count=1)  # one bad cell: below the acceptability threshold
        elif quality == "non_conforme":
            _spoil(rows, rng, count=len(rows), every_cell=True)  # mistakes everywhere
        files.append(DemoFile(
            dataset=dataset, version=SCHEMA_VERSIONS[dataset], quality=quality, year=year,
            filename=f"demo-{commune.insee}-{dataset}-{year}.csv", content=_csv(header, rows),
        ))
    return files


def _csv(header: list[str], rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _spoil(rows: list[dict], rng: random.Random, count: int, every_cell: bool = False) -> None:
    """Typical publisher mistakes on ``count`` rows: French dates, broken SIRET, decimal commas,
    a label where a code is expected. One cell per row, or every cell that can go wrong."""
    for row in rng.sample(rows, count):
        for key, value in row.items():
            spoiled = _mistake(key, value)
            if spoiled is not None:
                row[key] = spoiled
                if not every_cell:
                    break


def _mistake(key: str, value: str) -> str | None:
    if len(value) == 10 and value[4] == "-" and value[7] == "-":
        return f"{value[8:10]}/{value[5:7]}/{value[0:4]}"
    if key.endswith(("SIRET", "Attribuant")) and value.isdigit():
        return value[:-1] + str((int(value[-1]) + 1) % 10)
    if "." in value and value.replace(".", "").isdigit():
        return value.replace(".", ",")
    if key == "ENFANT_SEXE":
        return {"M": "Garçon", "F": "Fille"}.get(value, value)
    if key in CAPITALISED_BY_MISTAKE and value:
        return value.capitalize()  # enum values are lower case in the schemas
    return None


CAPITALISED_BY_MISTAKE = {"BGT_NATDEC", "BGT_SECTION", "BGT_OPBUDG", "BGT_CODRD", "nature"}


def _days(rng: random.Random, year: int, count: int) -> list[date]:
    start = date(year, 1, 1)
    return sorted(start + timedelta(days=rng.randrange(365)) for _ in range(count))


# ACTES nomenclature: "matter/sub-matter", the matter being one of the nine top-level ones.
ACTES = [
    ("1.1", "Commande publique/Marchés publics"), ("2.1", "Urbanisme/Documents d'urbanisme"),
    ("3.1", "Domaine et patrimoine/Acquisitions"), ("4.1", "Fonction publique/Personnel titulaire"),
    ("5.2", "Institutions et vie politique/Fonctionnement des assemblées"),
    ("7.1", "Finances locales/Décisions budgétaires"),
    ("8.5", "Domaines de compétences par thèmes/Politique de la ville"),
]
OBJETS = [
    "Approbation du compte rendu de la séance précédente", "Attribution d'une subvention au club sportif",
    "Modification du tableau des effectifs", "Convention avec le département pour la voirie",
    "Tarifs de la restauration scolaire", "Acquisition d'une parcelle pour un équipement public",
    "Vote du budget primitif", "Adhésion au groupement de commandes informatiques",
]


def _deliberations(c: Commune, rng: random.Random, year: int) -> list[dict]:
    rows = []
    for index, day in enumerate(_days(rng, year, rng.randint(25, 60)), start=1):
        code, matiere = rng.choice(ACTES)
        members = 33 if (c.population or 0) > 30000 else 29
        present = rng.randint(members - 8, members)
        contre, abst = rng.randint(0, 4), rng.randint(0, 3)
        rows.append({
            "COLL_NOM": f"Commune de {c.name}", "COLL_SIRET": c.siret,
            "DELIB_ID": f"{year}-{index:03d}", "DELIB_DATE": day.isoformat(),
            "DELIB_MATIERE_CODE": code, "DELIB_MATIERE_NOM": matiere,
            "DELIB_OBJET": rng.choice(OBJETS), "BUDGET_ANNEE": "", "BUDGET_NOM": "",
            "PREF_ID": f"094-{c.siren}-{day:%Y%m%d}-{index:03d}-DE",
            "PREF_DATE": (day + timedelta(days=rng.randint(1, 10))).isoformat(),
            "VOTE_EFFECTIF": str(members), "VOTE_REEL": str(present),
            "VOTE_POUR": str(present - contre - abst), "VOTE_CONTRE": str(contre),
            "VOTE_ABSTENTION": str(abst),
            "DELIB_URL": f"https://demo.example.org/{c.insee}/deliberations/{year}-{index:03d}.pdf",
        })
    return rows


ASSOCIATIONS = [
    ("Association sportive", "W94{:07d}"), ("Comité des fêtes", "W94{:07d}"),
    ("Amicale des locataires", "W94{:07d}"), ("Club de lecture", "W94{:07d}"),
    ("École de musique", "W94{:07d}"), ("Secours populaire, comité local", "W94{:07d}"),
]


def _subventions(c: Commune, rng: random.Random, year: int) -> list[dict]:
    rows = []
    for index, day in enumerate(_days(rng, year, rng.randint(15, 40)), start=1):
        label, rna = rng.choice(ASSOCIATIONS)
        amount = round(rng.choice([23000, 25000, 30000, 45000, 60000, 120000]) * rng.uniform(1, 1.5), 2)
        rows.append({
            "nomAttribuant": f"Commune de {c.name}", "idAttribuant": c.siret,
            "dateConvention": day.isoformat(), "referenceDecision": f"{year}-{index:03d}",
            "nomBeneficiaire": f"{label} de {c.name}", "idBeneficiaire": "",
            "rnaBeneficiaire": rna.format(rng.randrange(10 ** 7)),
            "objet": "Subvention de fonctionnement", "montant": f"{amount:.2f}",
            "nature": "aide en numéraire", "conditionsVersement": "unique",
            "datesPeriodeVersement": (day + timedelta(days=30)).isoformat(),
            "idRAE": "", "notificationUE": "non", "pourcentageSubvention": "1",
            "dispositifAide": "",
        })
    return rows


BUDGET_LINES = [
    ("012", "Charges de personnel", "6411", "Personnel titulaire", "fonctionnement", "dépense", 520),
    ("011", "Charges à caractère général", "6068", "Autres matières et fournitures", "fonctionnement", "dépense", 210),
    ("65", "Autres charges de gestion courante", "6574", "Subventions aux associations", "fonctionnement", "dépense", 60),
    ("21", "Immobilisations corporelles", "2135", "Installations générales", "investissement", "dépense", 150),
    ("23", "Immobilisations en cours", "2313", "Constructions", "investissement", "dépense", 120),
    ("73", "Impôts et taxes", "73111", "Taxes foncières et d'habitation", "fonctionnement", "recette", 640),
    ("74", "Dotations et participations", "7411", "Dotation forfaitaire", "fonctionnement", "recette", 180),
]


def _budget(c: Commune, rng: random.Random, year: int) -> list[dict]:
    population = c.population or 10000
    rows = []
    for chapter, chapter_label, nature, nature_label, section, direction, per_head in BUDGET_LINES:
        amount = round(population * per_head * rng.uniform(0.8, 1.2), 2)
        rows.append({
            "BGT_NATDEC": "compte administratif", "BGT_ANNEE": str(year - 1), "BGT_SIRET": c.siret,
            "BGT_NOM": f"Commune de {c.name}", "BGT_CONTNAT": chapter, "BGT_CONTNAT_LABEL": chapter_label,
            "BGT_NATURE": nature, "BGT_NATURE_LABEL": nature_label, "BGT_FONCTION": "", "BGT_FONCTION_LABEL": "",
            "BGT_OPERATION": "", "BGT_SECTION": section, "BGT_OPBUDG": "réel", "BGT_CODRD": direction,
            "BGT_MTREAL": f"{amount:.2f}", "BGT_MTBUDGPREC": "", "BGT_MTRARPREC": "", "BGT_MTPROPNOUV": "",
            "BGT_MTPREV": "", "BGT_CREDOUV": "", "BGT_MTRAR3112": "", "BGT_ARTSPE": "non spécialisé",
        })
    return rows


EQUIPMENTS = [
    ("Equipement sportif et de loisirs", "Gymnase", "Gymnase municipal"),
    ("Equipement culturel", "Médiathèque", "Médiathèque"),
    ("Equipement d'enseignement", "École élémentaire", "École élémentaire Jean Jaurès"),
    ("Equipement administratif", "Mairie", "Hôtel de ville"),
    ("Equipement social et d'animation", "Centre social", "Centre social et culturel"),
]


def _equipements(c: Commune, rng: random.Random, year: int) -> list[dict]:
    rows = []
    for index, (theme, kind, name) in enumerate(EQUIPMENTS, start=1):
        rows.append({
            "COLL_NOM": f"Commune de {c.name}", "COLL_SIRET": c.siret,
            "EQUIP_UID": f"{c.insee}-{year}0101-{index:03d}", "EQUIP_THEME": theme,
            "EQUIP_CODE": f"E{index:03d}", "EQUIP_TYPE": kind, "EQUIP_NOM": name,
            "ADR_NUMERO": str(rng.randint(1, 120)), "ADR_NOMVOIE": "Rue de la Republique",
            "ADR_CODEPOSTAL": "94" + c.insee[2:], "ADR_COMMUNE": c.name.replace("'", " "),
            "ADR_CLE_INTEROP": "", "ERP_ID": "", "ERP_TYPE": "", "ERP_CATEGORIE": "",
            "EQUIP_LAT": f"{48.75 + rng.uniform(0, 0.1):.5f}", "EQUIP_LONG": f"{2.45 + rng.uniform(0, 0.15):.5f}",
            "EQUIP_OUVERTURE": "", "EQUIP_TEL": "", "EQUIP_EMAIL": "", "EQUIP_WEB": "",
        })
    return rows


FIRST_NAMES = [("Louise", "F"), ("Jade", "F"), ("Ambre", "F"), ("Alba", "F"), ("Emma", "F"),
               ("Gabriel", "M"), ("Raphaël", "M"), ("Léo", "M"), ("Adam", "M"), ("Maël", "M")]


def _prenoms(c: Commune, rng: random.Random, year: int) -> list[dict]:
    return [{
        "COMMUNE_NOM": c.name, "COLL_INSEE": c.insee, "ENFANT_SEXE": sex, "ENFANT_PRENOM": name,
        "NOMBRE_OCCURRENCES": str(rng.randint(3, 25)), "ANNEE": str(year - 1),
    } for name, sex in FIRST_NAMES]


def _catalogue(c: Commune, rng: random.Random, year: int) -> list[dict]:
    rows = []
    for index, dataset in enumerate(DATASETS[:-1], start=1):
        rows.append({
            "COLL_NOM": f"Commune de {c.name}", "COLL_SIRET": c.siret, "ID": f"{c.insee}-{index:02d}",
            "TITRE": f"{dataset.capitalize()} (démonstration)", "DESCRIPTION": DEMO_NOTICE,
            "THEME": "Administration", "PRODUCTEUR_NOM": f"Commune de {c.name}",
            "PRODUCTEUR_SIRET": c.siret, "COUV_SPAT_MAILLE": "Communale", "COUV_SPAT_NOM": c.name,
            "COUV_TEMP_DEBUT": f"{year}-01-01", "COUV_TEMP_FIN": f"{year}-12-31",
            "DATE_PUBL": f"{year}-06-30", "FREQ_MAJ": "Annuelle", "DATE_MAJ": f"{year}-06-30",
            "MOTS_CLES": dataset, "LICENCE": "Licence Ouverte-LO", "NOMBRE_RESSOURCES": "1",
            "FORMAT_RESSOURCES": "csv", "URL": f"https://demo.example.org/{c.insee}/{dataset}",
        })
    return rows


ROWS = {
    "deliberations": _deliberations, "subventions": _subventions, "budget": _budget,
    "equipements": _equipements, "prenoms": _prenoms, "catalogue": _catalogue,
}
