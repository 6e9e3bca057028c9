"""Validata's custom checks (``custom_checks`` in SCDL schemas), written from their documented rules.

Two kinds:
- cell checks look at one non-empty cell (SIRET, SIREN, ACTES nomenclature, year interval, phone
  number, opening hours, GPS coordinates);
- row checks look at several cells of a row (cohesive columns, column comparison, column sum,
  one-of-required).

A check whose column is absent from the file is skipped (the ``required`` constraint already
reports missing columns). Cell checks skip empty cells (like Validata they also run on cells that
failed their type or constraints: a 9-digit SIRET is both a pattern and a SIRET error).
``compare-columns-value`` and ``sum-columns-value`` skip a
row when an involved cell is empty; ``cohesive-columns-value`` and ``one-of-required`` are about
empty cells.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from ..identifiers import is_siren, is_siret
from .messages import detail, fold

# Newer Validata names of the same checks.
ALIASES = {
    "siret": "french-siret-value",
    "siren": "french-siren-value",
    "nomenclature-acte": "nomenclature-actes-value",
}

CELL_CHECKS = (
    "french-siret-value",
    "french-siren-value",
    "nomenclature-actes-value",
    "year-interval-value",
    "phone-number-value",
    "opening-hours-value",
    "french-gps-coordinates",
)
ROW_CHECKS = ("cohesive-columns-value", "compare-columns-value", "sum-columns-value", "one-of-required")
KNOWN_CHECKS = CELL_CHECKS + ROW_CHECKS

OPERATORS = ("<", "<=", "==", ">=", ">")


class CheckConfigError(ValueError):
    """A custom check entry of a schema has missing or wrong parameters (French message)."""


@dataclass
class CheckSpec:
    """One ``custom_checks`` entry of a schema, normalised."""

    name: str  # canonical name
    declared_name: str
    column: str  # the column the error is reported on
    columns: List[str] = field(default_factory=list)  # every column involved, ``column`` first
    params: Dict[str, Any] = field(default_factory=dict)

    @property
    def is_row_check(self) -> bool:
        return self.name in ROW_CHECKS


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("yes", "oui", "true", "1", "y")
    return bool(value)


def parse_check(entry: Any) -> CheckSpec:
    """Normalise one ``custom_checks`` entry; raises KeyError for an unknown name."""
    if not isinstance(entry, dict) or "name" not in entry:
        raise CheckConfigError(detail("check-no-name"))
    declared = str(entry["name"])
    name = ALIASES.get(declared, declared)
    if name not in KNOWN_CHECKS:
        raise KeyError(declared)
    params = entry.get("params") or {}
    if not isinstance(params, dict):
        raise CheckConfigError(detail("check-params-not-object"))

    def need(key: str) -> Any:
        if key not in params or params[key] in (None, "", []):
            raise CheckConfigError(detail("check-param-missing", key=key))
        return params[key]

    def need_list(key: str) -> List[str]:
        value = need(key)
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise CheckConfigError(detail("check-param-not-list", key=key))
        return list(value)

    if name == "one-of-required":
        first, second = need("column1"), need("column2")
        return CheckSpec(name, declared, first, [first, second], dict(params))
    column = need("column")
    if name == "cohesive-columns-value":
        return CheckSpec(name, declared, column, [column] + need_list("othercolumns"), dict(params))
    if name == "compare-columns-value":
        op = need("op")
        if op not in OPERATORS:
            raise CheckConfigError(detail("check-unknown-operator", op=op, operators=" ".join(OPERATORS)))
        return CheckSpec(name, declared, column, [column, need("column2")], dict(params))
    if name == "sum-columns-value":
        return CheckSpec(name, declared, column, [column] + need_list("columns"), dict(params))
    return CheckSpec(name, declared, column, [column], dict(params))


# ---------------------------------------------------------------------------------------------
# Cell values as text, and numbers as the checks understand them
# ---------------------------------------------------------------------------------------------
def cell_text(value: Any) -> str:
    """Text of a cell read from CSV (already text) or from a spreadsheet (native value)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


# A plain decimal number, optional sign and exponent, surrounding ASCII blanks allowed.
NUMBER_PATTERN = r"^[ \t]*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[ \t]*$"
_NUMBER = re.compile(NUMBER_PATTERN)


def to_number(value: Any) -> Optional[Decimal]:
    """The number a cell holds for compare/sum checks, or None when it is not a plain number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str) and _NUMBER.fullmatch(value):
        try:
            return Decimal(value.strip(" \t"))
        except InvalidOperation:  # pragma: no cover - the pattern only lets numbers through
            return None
    return None


def compare(left: Any, op: str, right: Any) -> bool:
    """Compare two cells: as numbers when both are numbers, as text otherwise."""
    a, b = to_number(left), to_number(right)
    if a is None or b is None:
        a, b = cell_text(left), cell_text(right)  # type: ignore[assignment]
    if op == "<":
        return a < b  # type: ignore[operator]
    if op == "<=":
        return a <= b  # type: ignore[operator]
    if op == "==":
        return a == b
    if op == ">=":
        return a >= b  # type: ignore[operator]
    return a > b  # type: ignore[operator]


# ---------------------------------------------------------------------------------------------
# Cell checks: value (non-empty) -> bool
# ---------------------------------------------------------------------------------------------
ACTES_MATTERS = (
    "Commande publique",
    "Urbanisme",
    "Domaine et patrimoine",
    "Fonction publique",
    "Institutions et vie politique",
    "Libertés publiques et pouvoirs de police",
    "Finances locales",
    "Domaines de compétences par thèmes",
    "Autres domaines de compétences",
)
_ACTES_FOLDED = frozenset(fold(m) for m in ACTES_MATTERS)


def check_siret(value: Any, spec: Optional[CheckSpec] = None) -> bool:
    return is_siret(cell_text(value))


def check_siren(value: Any, spec: Optional[CheckSpec] = None) -> bool:
    return is_siren(cell_text(value))


def check_nomenclature_actes(value: Any, spec: Optional[CheckSpec] = None) -> bool:
    text = cell_text(value)
    if "/" not in text:
        return False
    matter, rest = text.split("/", 1)
    if rest[:1].isspace():
        return False
    return fold(matter) in _ACTES_FOLDED


_YEAR_INTERVAL = re.compile(r"^([0-9]{4})/([0-9]{4})$")
_YEAR = re.compile(r"^[0-9]{4}$")


def check_year_interval(value: Any, spec: Optional[CheckSpec] = None) -> bool:
    text = cell_text(value)
    match = _YEAR_INTERVAL.match(text)
    if match:
        return int(match.group(2)) > int(match.group(1))
    allow_year_only = bool(spec and _truthy(spec.params.get("allow-year-only", False)))
    return bool(allow_year_only and _YEAR.match(text))


_PHONE_SEPARATORS = re.compile(r"[ .\-\u00a0\u202f()]")
_PHONE_PATTERNS = (
    re.compile(r"^0[1-9][0-9]{8}$"),  # French national number
    re.compile(r"^\+33[1-9][0-9]{8}$"),  # French number, international form
    re.compile(r"^(?:\+|00)[1-9][0-9]{6,14}$"),  # any E.164 international number
    re.compile(r"^1[0-9]{1,2}$|^3[0-9]{3}$"),  # French short numbers: 15, 112, 3949...
)


def check_phone_number(value: Any, spec: Optional[CheckSpec] = None) -> bool:
    text = _PHONE_SEPARATORS.sub("", cell_text(value).strip())
    text = text.replace("+33(0)", "+33")
    return any(p.match(text) for p in _PHONE_PATTERNS)


# OpenStreetMap opening_hours: the common subset (weekdays, months, public holidays, times,
# "off"/"closed"/"open", "24/7", comments in quotes). Rules are separated by ";" or "||".
_DAY = r"(?:Mo|Tu|We|Th|Fr|Sa|Su)(?:\[-?[1-5](?:,-?[1-5])*\])?"
_DAYS = rf"(?:{_DAY}(?:-{_DAY})?|PH|SH)(?:,(?:{_DAY}(?:-{_DAY})?|PH|SH))*"
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
_MONTHDAY = rf"(?:[0-9]{{4}} )?{_MONTH}(?: [0-3]?[0-9])?"
_MONTHS = rf"{_MONTHDAY}(?:-{_MONTHDAY})?(?:,{_MONTHDAY}(?:-{_MONTHDAY})?)*"
_WEEKS = r"week [0-5]?[0-9](?:-[0-5]?[0-9])?(?:/[0-9]+)?(?:,[0-5]?[0-9](?:-[0-5]?[0-9])?)*"
_HHMM = r"(?:[01]?[0-9]|2[0-4]):[0-5][0-9]"
_SPAN = rf"{_HHMM}(?:-(?:{_HHMM}|(?:2[5-9]|[34][0-9]):[0-5][0-9])\+?|\+)?"
_TIMES = rf"{_SPAN}(?:,{_SPAN})*"
_STATE = r'(?:off|closed|open|unknown)(?: "[^"]*")?|"[^"]*"'
_RULE = re.compile(
    rf"^(?:(?:{_MONTHS}|{_WEEKS}) ?)?(?:{_DAYS} ?)?(?:{_TIMES})?(?: ?(?:{_STATE}))?$"
)


def check_opening_hours(value: Any, spec: Optional[CheckSpec] = None) -> bool:
    text = cell_text(value).strip()
    if not text:
        return False
    if text == "24/7":
        return True
    for rule in re.split(r"\s*(?:;|\|\|)\s*", text):
        if not rule:
            continue  # a trailing ";" is tolerated
        if rule == "24/7" or (_RULE.match(rule) and rule.strip()):
            continue
        return False
    return True


# (lon_min, lon_max, lat_min, lat_max): metropolitan France with Corsica and the overseas
# departments and collectivities.
FRANCE_BOXES = (
    (-5.3, 9.7, 41.3, 51.2),  # métropole et Corse
    (-61.9, -60.9, 15.8, 16.6),  # Guadeloupe
    (-63.2, -62.7, 17.8, 18.2),  # Saint-Martin, Saint-Barthélemy
    (-61.3, -60.8, 14.3, 14.95),  # Martinique
    (-54.7, -51.5, 2.0, 5.9),  # Guyane
    (55.2, 55.9, -21.5, -20.8),  # La Réunion
    (44.9, 45.4, -13.1, -12.5),  # Mayotte
    (-56.5, -56.1, 46.7, 47.2),  # Saint-Pierre-et-Miquelon
    (-178.3, -176.0, -14.5, -13.1),  # Wallis-et-Futuna
    (-154.8, -134.9, -28.0, -7.8),  # Polynésie française
    (163.5, 168.2, -22.9, -19.5),  # Nouvelle-Calédonie
)
_GPS = re.compile(
    r"^\s*\[?\s*([+-]?[0-9]+(?:\.[0-9]+)?)\s*[,;]\s*([+-]?[0-9]+(?:\.[0-9]+)?)\s*\]?\s*$"
)


def check_gps(value: Any, spec: Optional[CheckSpec] = None) -> bool:
    if isinstance(value, (list, tuple)) and len(value) == 2:
        text = f"{value[0]},{value[1]}"
    else:
        text = cell_text(value)
    match = _GPS.match(text)
    if not match:
        return False
    lon, lat = float(match.group(1)), float(match.group(2))
    return any(x0 <= lon <= x1 and y0 <= lat <= y1 for x0, x1, y0, y1 in FRANCE_BOXES)


CELL_CHECK_FUNCTIONS: Dict[str, Callable[[Any, Optional[CheckSpec]], bool]] = {
    "french-siret-value": check_siret,
    "french-siren-value": check_siren,
    "nomenclature-actes-value": check_nomenclature_actes,
    "year-interval-value": check_year_interval,
    "phone-number-value": check_phone_number,
    "opening-hours-value": check_opening_hours,
    "french-gps-coordinates": check_gps,
}


# ---------------------------------------------------------------------------------------------
# Row checks: cells (None when empty) -> None when fine, else the message parameters
# ---------------------------------------------------------------------------------------------
def run_row_check(
    spec: CheckSpec, cells: Sequence[Any], invalid: Sequence[bool] = ()
) -> Optional[Dict[str, Any]]:
    """``cells`` follow ``spec.columns``; an empty cell is None. ``invalid[i]`` tells that cell i
    already failed its type or constraints: it counts as filled, but compare/sum skip the row."""
    name = spec.name
    if name == "one-of-required":
        if all(c is None for c in cells):
            return {"column2": spec.columns[1]}
        return None
    if name == "cohesive-columns-value":
        filled = [c is not None for c in cells]
        if any(filled) and not all(filled):
            return {"columns": ", ".join(f"« {c} »" for c in spec.columns)}
        return None
    if any(c is None for c in cells) or any(invalid):
        return None
    if name == "compare-columns-value":
        op = spec.params["op"]
        if compare(cells[0], op, cells[1]):
            return None
        return {
            "op": op,
            "column2": spec.columns[1],
            "value2": cell_text(cells[1]),
        }
    if name == "sum-columns-value":
        numbers = [to_number(c) for c in cells]
        if any(n is None for n in numbers):
            return None  # type errors are reported by the schema
        total = sum(numbers[1:], Decimal(0))
        if numbers[0] == total:
            return None
        return {
            "columns": ", ".join(f"« {c} »" for c in spec.columns[1:]),
            "total": format(total, "f"),
        }
    raise KeyError(name)  # pragma: no cover


def compile_cell_check(spec: CheckSpec, cache_limit: int = 50_000) -> Callable[[Any], bool]:
    """The check as a function of the cell, memoised for text cells."""
    function = CELL_CHECK_FUNCTIONS[spec.name]
    cache: Dict[str, bool] = {}

    def check(value: Any) -> bool:
        if type(value) is not str:
            return function(value, spec)
        result = cache.get(value)
        if result is None:
            result = function(value, spec)
            if len(cache) < cache_limit:
                cache[value] = result
        return result

    return check


def row_check_tuple(spec: CheckSpec) -> Tuple[str, ...]:
    return tuple(spec.columns)
