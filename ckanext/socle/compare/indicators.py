"""Indicators, each defined once: formula, unit, source fields, caveats, and a pure function.

``Indicator.compute(rows)`` takes the consolidated rows of ONE commune for the indicator's schema
(dicts of strings keyed by schema field names, plus the provenance columns ``_modified`` etc.) and
returns ``{(year, dimension): Measure}``. ``dimension`` is ``""`` for a plain figure, or a category
(an ACTES theme, a type of facility...). A year or category with no readable row is absent: the
comparison never ranks missing data as zero.

Per-inhabitant figures are derived later from the commune's INSEE population (``per_inhabitant``
is the scale: 1 for "€ par habitant", 1000 for "pour 1 000 habitants", None when the figure is a
share or a median that must not be divided).

No CKAN import: ``pytest -p no:ckan -p no:ckan_fixtures tests/compare/test_indicators.py``.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable

from . import values as v

Key = tuple  # (year: int | None, dimension: str)


@dataclass(frozen=True)
class Measure:
    value: float
    rows: int  # rows the figure rests on


@dataclass(frozen=True)
class Indicator:
    id: str
    schema: str
    label: str
    unit: str
    formula: str
    source_fields: tuple
    caveats: str
    function: Callable[[list[dict]], dict]
    per_inhabitant: int | None = None
    per_inhabitant_unit: str = ""
    dimension_label: str = ""
    higher_is: str = ""  # "" neutral; the page never says "better"
    tags: tuple = field(default_factory=tuple)

    def compute(self, rows: list[dict]) -> dict:
        return self.function(rows)

    def as_dict(self) -> dict:
        return {
            "id": self.id, "schema": self.schema, "label": self.label, "unit": self.unit,
            "formula": self.formula, "source_fields": list(self.source_fields),
            "caveats": self.caveats, "per_inhabitant": self.per_inhabitant,
            "per_inhabitant_unit": self.per_inhabitant_unit,
            "dimension_label": self.dimension_label,
        }


# --- helpers -------------------------------------------------------------------------------------

def _group(rows, key_of):
    groups = defaultdict(list)
    for row in rows:
        key = key_of(row)
        if key is not None:
            groups[key].append(row)
    return groups


def _modified_year(row) -> int | None:
    return v.year(row.get("_modified"))


# --- subventions ---------------------------------------------------------------------------------

def _grant_year(row) -> int | None:
    """Year of the agreement; failing that, of the first payment date."""
    found = v.year(v.field(row, "dateConvention"))
    if found is None:
        first = v.field(row, "datesPeriodeVersement").replace("_", "/").split("/")
        found = v.year(first[0]) if first[0] else None
        if found is None and len(first) >= 3:  # "06/12/2022" written the French way
            found = v.year(v.field(row, "datesPeriodeVersement"))
    return found


def _grant_amount(row) -> float | None:
    return v.number(v.field(row, "montant"))


def _grants_by_year(rows):
    return _group((r for r in rows if _grant_amount(r) is not None), _grant_year)


def subventions_total(rows):
    return {(year, ""): Measure(sum(_grant_amount(r) for r in group), len(group))
            for year, group in _grants_by_year(rows).items()}


def subventions_count(rows):
    # A grant is counted when its row names a beneficiary, even if its amount is unreadable.
    groups = _group((r for r in rows if v.field(r, "nomBeneficiaire", "idBeneficiaire")), _grant_year)
    return {(year, ""): Measure(len(group), len(group)) for year, group in groups.items()}


def subventions_median(rows):
    return {(year, ""): Measure(v.median([_grant_amount(r) for r in group]), len(group))
            for year, group in _grants_by_year(rows).items()}


def _nature(row) -> str:
    kinds = {v.plain(k) for k in v.items(v.field(row, "nature"))}
    if kinds >= {"aide en numeraire", "aide en nature"}:
        return "aide en numéraire et en nature"
    if "aide en nature" in kinds:
        return "aide en nature"
    if "aide en numeraire" in kinds:
        return "aide en numéraire"
    return ""


def subventions_nature(rows):
    result = {}
    for year, group in _grants_by_year(rows).items():
        total = sum(_grant_amount(r) for r in group)
        typed = [r for r in group if _nature(r)]
        if not typed or not total:
            continue
        for nature, members in _group(typed, _nature).items():
            result[(year, nature)] = Measure(100 * sum(_grant_amount(r) for r in members) / total, len(group))
    return result


# --- délibérations -------------------------------------------------------------------------------

ACTES_THEMES = {
    "1": "Commande publique",
    "2": "Urbanisme",
    "3": "Domaine et patrimoine",
    "4": "Fonction publique",
    "5": "Institutions et vie politique",
    "6": "Libertés publiques et pouvoirs de police",
    "7": "Finances locales",
    "8": "Domaines de compétences par thèmes",
    "9": "Autres domaines de compétences",
}
_THEME_BY_NAME = {v.plain(name): name for name in ACTES_THEMES.values()}


def actes_theme(row) -> str:
    """Top-level ACTES matter: from DELIB_MATIERE_CODE's first digit, else the name before '/'."""
    code = v.field(row, "DELIB_MATIERE_CODE").strip()
    if code[:1] in ACTES_THEMES and (len(code) == 1 or code[1:2] == "."):
        return ACTES_THEMES[code[:1]]
    name = v.plain(v.field(row, "DELIB_MATIERE_NOM").split("/")[0])
    return _THEME_BY_NAME.get(name, "")


def _delib_year(row):
    return v.year(v.field(row, "DELIB_DATE"))


def deliberations_count(rows):
    return {(year, ""): Measure(len(group), len(group)) for year, group in _group(rows, _delib_year).items()}


def deliberations_theme(rows):
    result = {}
    for year, group in _group(rows, _delib_year).items():
        for theme, members in _group(group, lambda r: actes_theme(r) or None).items():
            result[(year, theme)] = Measure(len(members), len(members))
    return result


def deliberations_url_share(rows):
    return {(year, ""): Measure(100 * sum(1 for r in group if v.field(r, "DELIB_URL").strip()) / len(group), len(group))
            for year, group in _group(rows, _delib_year).items()}


# --- budget --------------------------------------------------------------------------------------

def _budget_real_spending(rows):
    """Rows of a compte administratif, real (not 'ordre') expenditure with a readable amount."""
    for row in rows:
        if v.plain(v.field(row, "BGT_NATDEC")) != "compte administratif":
            continue
        if v.plain(v.field(row, "BGT_OPBUDG")) != "reel" or v.plain(v.field(row, "BGT_CODRD")) != "depense":
            continue
        amount = v.number(v.field(row, "BGT_MTREAL"))
        year = v.year(v.field(row, "BGT_ANNEE"))
        if amount is None or year is None:
            continue
        yield year, v.plain(v.field(row, "BGT_SECTION")), v.field(row, "BGT_CONTNAT").strip(), amount


EQUIPMENT_CHAPTERS = {"20", "204", "21", "23"}


def budget_operating(rows):
    sums, counts = defaultdict(float), defaultdict(int)
    for year, section, _chapter, amount in _budget_real_spending(rows):
        if section == "fonctionnement":
            sums[year] += amount
            counts[year] += 1
    return {(year, ""): Measure(sums[year], counts[year]) for year in sums}


def budget_capital(rows):
    sums, counts = defaultdict(float), defaultdict(int)
    for year, section, chapter, amount in _budget_real_spending(rows):
        if section == "investissement" and chapter in EQUIPMENT_CHAPTERS:
            sums[year] += amount
            counts[year] += 1
    return {(year, ""): Measure(sums[year], counts[year]) for year in sums}


def budget_staff_share(rows):
    staff, operating, counts = defaultdict(float), defaultdict(float), defaultdict(int)
    for year, section, chapter, amount in _budget_real_spending(rows):
        if section == "fonctionnement":
            operating[year] += amount
            counts[year] += 1
            if chapter == "012":
                staff[year] += amount
    return {(year, ""): Measure(100 * staff[year] / operating[year], counts[year])
            for year in operating if operating[year]}


# --- équipements ---------------------------------------------------------------------------------

def equipements_count(rows):
    """Facilities listed in the latest file, counted in the year the file was last modified."""
    result = {}
    for year, group in _group(rows, _modified_year).items():
        result[(year, "")] = Measure(len(group), len(group))
        for kind, members in _group(group, lambda r: v.field(r, "EQUIP_TYPE").strip() or None).items():
            result[(year, kind)] = Measure(len(members), len(members))
    return result


# --- prénoms -------------------------------------------------------------------------------------

def prenoms_births(rows):
    sums, counts = defaultdict(float), defaultdict(int)
    for row in rows:
        year = v.year(v.field(row, "ANNEE"))
        count = v.number(v.field(row, "NOMBRE_OCCURRENCES"))
        if year is None or count is None:
            continue
        sums[year] += count
        counts[year] += 1
    return {(year, ""): Measure(sums[year], counts[year]) for year in sums}


# --- menus ---------------------------------------------------------------------------------------

def _menu_year(row):
    return v.year(v.field(row, "menuDate", "menu_date"))


def menus_siqo_share(rows):
    result = {}
    for year, group in _group(rows, _menu_year).items():
        signed = sum(1 for r in group if v.items(v.field(r, "menuPlatSiqo", "menu_siqo_plat")))
        result[(year, "")] = Measure(100 * signed / len(group), len(group))
    return result


def _is_vegetarian(row) -> bool:
    return any(v.plain(item).startswith("vegetarien") for item in v.items(v.field(row, "menuPlatRegime", "menu_reg_plat")))


def menus_vegetarian_per_week(rows):
    """Mean, over (restaurant, ISO week), of the meals having a vegetarian dish."""
    meals = defaultdict(set)  # (year, restaurant, week) -> {(date, meal type)}
    vegetarian = defaultdict(set)
    for row in rows:
        day = v.date(v.field(row, "menuDate", "menu_date"))
        if day is None:
            continue
        iso = day.isocalendar()
        restaurant = v.field(row, "menuRestaurantId", "menuRestaurantNom", "menu_rest_id", "menu_rest_nom").strip()
        key = (iso[0], restaurant, iso[1])
        meal = (day, v.plain(v.field(row, "menuRepasType", "menu_type_repas")))
        meals[key].add(meal)
        if _is_vegetarian(row):
            vegetarian[key].add(meal)
    per_year = defaultdict(list)
    for key in meals:
        per_year[key[0]].append(len(vegetarian[key]))
    rows_per_year = _group(rows, _menu_year)
    return {(year, ""): Measure(sum(weeks) / len(weeks), len(rows_per_year.get(year, [])))
            for year, weeks in per_year.items()}


# --- catalogue -----------------------------------------------------------------------------------

def catalogue_datasets(rows):
    result = {}
    for year, group in _group(rows, _modified_year).items():
        ids = {v.field(r, "ID").strip() for r in group if v.field(r, "ID").strip()}
        if ids:
            result[(year, "")] = Measure(len(ids), len(group))
    return result


# --- the registry --------------------------------------------------------------------------------

_BIRTHS_CAVEAT = ("Les naissances sont enregistrées dans la commune où elles ont lieu : une commune "
                  "dotée d'une maternité en compte bien plus que ses habitants n'en ont. Ce n'est "
                  "pas un taux de natalité.")

INDICATORS: dict[str, Indicator] = {ind.id: ind for ind in [
    Indicator(
        "subventions.montant", "subventions", "Subventions attribuées (montant total)", "€",
        "Somme de « montant » des conventions de l'année (année de « dateConvention », à défaut "
        "de la première date de « datesPeriodeVersement »).",
        ("montant", "dateConvention", "datesPeriodeVersement"),
        "Seules les subventions de plus de 23 000 € doivent être publiées : les petites aides "
        "peuvent manquer. Une convention pluriannuelle compte pour l'année de sa signature.",
        subventions_total, per_inhabitant=1, per_inhabitant_unit="€ par habitant"),
    Indicator(
        "subventions.nombre", "subventions", "Nombre de subventions", "subventions",
        "Nombre de lignes ayant un bénéficiaire, par année de convention.",
        ("nomBeneficiaire", "idBeneficiaire", "dateConvention"),
        "Dépend du seuil de publication (23 000 €) et de la façon de découper les conventions.",
        subventions_count, per_inhabitant=1000, per_inhabitant_unit="pour 1 000 habitants"),
    Indicator(
        "subventions.mediane", "subventions", "Montant médian d'une subvention", "€",
        "Médiane de « montant » des conventions de l'année.",
        ("montant", "dateConvention"),
        "La médiane résiste mieux qu'une moyenne à une très grosse subvention.",
        subventions_median),
    Indicator(
        "subventions.nature", "subventions", "Part du montant par nature d'aide", "%",
        "Somme de « montant » d'une nature ÷ somme de « montant » de l'année × 100.",
        ("montant", "nature", "dateConvention"),
        "Une aide en nature est valorisée par la collectivité elle-même.",
        subventions_nature, dimension_label="Nature de l'aide"),
    Indicator(
        "deliberations.nombre", "deliberations", "Délibérations adoptées", "délibérations",
        "Nombre de lignes par année de « DELIB_DATE ».",
        ("DELIB_DATE",),
        "Chaque assemblée découpe ses décisions à sa façon : comparer des évolutions plutôt "
        "que des niveaux.",
        deliberations_count, per_inhabitant=1000, per_inhabitant_unit="pour 1 000 habitants"),
    Indicator(
        "deliberations.theme", "deliberations", "Délibérations par thème ACTES", "délibérations",
        "Nombre de lignes par année et par matière ACTES de premier niveau (premier chiffre de "
        "« DELIB_MATIERE_CODE », à défaut début de « DELIB_MATIERE_NOM »).",
        ("DELIB_DATE", "DELIB_MATIERE_CODE", "DELIB_MATIERE_NOM"),
        "Une délibération sans matière lisible n'entre dans aucun thème.",
        deliberations_theme, dimension_label="Thème ACTES"),
    Indicator(
        "deliberations.url", "deliberations", "Part des délibérations avec le document en ligne", "%",
        "Lignes dont « DELIB_URL » est rempli ÷ lignes de l'année × 100.",
        ("DELIB_URL", "DELIB_DATE"),
        "Le lien n'est pas vérifié : un lien cassé compte comme publié.",
        deliberations_url_share),
    Indicator(
        "budget.fonctionnement", "budget", "Dépenses réelles de fonctionnement", "€",
        "Somme de « BGT_MTREAL » des lignes du compte administratif (BGT_NATDEC) en section de "
        "fonctionnement, opérations réelles, dépenses.",
        ("BGT_NATDEC", "BGT_ANNEE", "BGT_SECTION", "BGT_OPBUDG", "BGT_CODRD", "BGT_MTREAL"),
        "Comptes administratifs seulement (réalisé) ; budgets annexes compris s'ils sont publiés "
        "dans le même jeu. Nomenclatures M14 et M57 mêlées.",
        budget_operating, per_inhabitant=1, per_inhabitant_unit="€ par habitant"),
    Indicator(
        "budget.equipement", "budget", "Dépenses d'équipement", "€",
        "Somme de « BGT_MTREAL » du compte administratif, section d'investissement, opérations "
        "réelles, dépenses des chapitres 20, 204, 21 et 23 (« BGT_CONTNAT »).",
        ("BGT_NATDEC", "BGT_ANNEE", "BGT_SECTION", "BGT_OPBUDG", "BGT_CODRD", "BGT_CONTNAT", "BGT_MTREAL"),
        "Hors remboursement de la dette (chapitre 16). Comptes administratifs seulement.",
        budget_capital, per_inhabitant=1, per_inhabitant_unit="€ par habitant"),
    Indicator(
        "budget.personnel", "budget", "Part des charges de personnel", "%",
        "Chapitre 012 ÷ dépenses réelles de fonctionnement × 100 (compte administratif).",
        ("BGT_NATDEC", "BGT_ANNEE", "BGT_SECTION", "BGT_OPBUDG", "BGT_CODRD", "BGT_CONTNAT", "BGT_MTREAL"),
        "Dépend des compétences transférées à l'intercommunalité et des services externalisés.",
        budget_staff_share),
    Indicator(
        "equipements.nombre", "equipements", "Équipements publics", "équipements",
        "Nombre de lignes du dernier fichier (par « EQUIP_TYPE » ou en tout), compté l'année de sa "
        "dernière mise à jour.",
        ("EQUIP_TYPE", "EQUIP_UID"),
        "Un équipement intercommunal est rattaché à la commune où il se trouve (code INSEE de "
        "« EQUIP_UID ») quand le fichier est publié par l'EPCI.",
        equipements_count, per_inhabitant=1000, per_inhabitant_unit="pour 1 000 habitants",
        dimension_label="Type d'équipement"),
    Indicator(
        "prenoms.naissances", "prenoms", "Naissances enregistrées (prénoms déclarés)", "naissances",
        "Somme de « NOMBRE_OCCURRENCES » par « ANNEE ».",
        ("NOMBRE_OCCURRENCES", "ANNEE"), _BIRTHS_CAVEAT,
        prenoms_births, per_inhabitant=1000, per_inhabitant_unit="pour 1 000 habitants"),
    Indicator(
        "menus.siqo", "menus-collectifs", "Part des plats avec un signe officiel de qualité", "%",
        "Lignes (plats) dont « menuPlatSiqo » est rempli ÷ lignes de l'année × 100.",
        ("menuPlatSiqo", "menuDate"),
        "Part de plats, pas d'achats en valeur : un indicateur approché de la loi EGalim.",
        menus_siqo_share),
    Indicator(
        "menus.vegetarien", "menus-collectifs", "Repas végétariens par semaine", "repas par semaine",
        "Pour chaque restaurant et chaque semaine ISO : repas (date × type de repas) comptant au "
        "moins un plat « végétarien » dans « menuPlatRegime » ; moyenne sur les semaines publiées.",
        ("menuPlatRegime", "menuDate", "menuRepasType", "menuRestaurantId"),
        "La loi EGalim demande au moins un menu végétarien par semaine. Un plat végétarien "
        "proposé en option compte.",
        menus_vegetarian_per_week),
    Indicator(
        "catalogue.jeux", "catalogue", "Jeux de données au catalogue", "jeux de données",
        "Nombre d'« ID » distincts du catalogue SCDL publié, l'année de sa dernière mise à jour.",
        ("ID",),
        "Compte ce que la collectivité déclare dans son catalogue, où qu'elle publie.",
        catalogue_datasets),
]}


def for_schema(schema: str) -> list[Indicator]:
    return [ind for ind in INDICATORS.values() if ind.schema == schema]


def get(indicator_id: str) -> Indicator | None:
    return INDICATORS.get(indicator_id)


SCHEMAS = sorted({ind.schema for ind in INDICATORS.values()})
