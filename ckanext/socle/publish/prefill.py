"""Metadata proposed to the publisher: title, dataset name, communes, period, licence.

Pure functions, no CKAN import. The publisher reviews every value before anything is created.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, Iterable, List, Optional, Sequence

from ..conformity.messages import fold

DEFAULT_LICENSE = "fr-lo"  # Licence Ouverte 2.0 (the socle dataset types' default)

# The date that places a row in time, per schema (first found wins).
MAIN_DATE_FIELDS = (
    "dateConvention", "DELIB_DATE", "BGT_ANNEE", "ANNEE", "menuDate", "menu_date", "NOTIFICATION_DATE",
    "date_mise_en_service", "date_instal", "DATE_PUBL", "platPublicationDate", "date_der_maj",
)
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_FRENCH = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})")
_YEAR = re.compile(r"^(\d{4})(?:\.0)?$")


def as_date(value: Any, *, year_end: bool = False) -> Optional[date]:
    """A date from a cell: date objects, ISO ``2022-03-01``, French ``01/03/2022``, or a year."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1900 <= value <= 2100:
        value = str(int(value))
    text = str(value or "").strip()
    try:
        match = _ISO.match(text)
        if match:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        match = _FRENCH.match(text)
        if match:
            return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        match = _YEAR.match(text)
        if match and 1900 <= int(match.group(1)) <= 2100:
            year = int(match.group(1))
            return date(year, 12, 31) if year_end else date(year, 1, 1)
    except ValueError:
        return None
    return None


def date_column(headers: Sequence[str], mapping: Optional[dict]) -> Optional[int]:
    """The column giving each row's date: the schema's main date field, else a header naming a date."""
    by_field = {name: headers.index(header) for header, name in (mapping or {}).items() if header in headers}
    for name in MAIN_DATE_FIELDS:
        if name in by_field:
            return by_field[name]
    for index, header in enumerate(headers):
        key = fold(header or "")
        if key.startswith("date") or key in ("annee", "exercice") or key.startswith("annee"):
            return index
    return None


def temporal_coverage(headers: Sequence[str], rows: Iterable[Sequence[Any]], mapping: Optional[dict],
                      *, today: Optional[date] = None) -> Optional[dict]:
    """{"start", "end", "column"} from the dates of the main date column (ISO strings), or None."""
    column = date_column(headers, mapping)
    if column is None:
        return None
    today = today or date.today()
    start = end = None
    for row in rows:
        if column >= len(row):
            continue
        first = as_date(row[column])
        last = as_date(row[column], year_end=True)
        if first is None or first.year < 1950 or first > today.replace(year=today.year + 5):
            continue
        start = first if start is None or first < start else start
        end = last if end is None or last > end else end
    if start is None:
        return None
    whole_years = start.month == 1 and start.day == 1
    if whole_years and end and not (end.month == 12 and end.day == 31):
        end = date(end.year, 12, 31) if end.year == start.year else end
    return {"start": start.isoformat(), "end": end.isoformat(), "column": headers[column]}


def years_label(coverage: Optional[dict]) -> str:
    if not coverage:
        return ""
    first, last = coverage["start"][:4], coverage["end"][:4]
    return first if first == last else f"{first}-{last}"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


def dataset_name(schema_name: str, place: str, coverage: Optional[dict]) -> str:
    """``subventions-94028-2024``: the demo portal's naming, one dataset per schema, place and year."""
    parts = [schema_name, slug(place or "")]
    years = years_label(coverage)
    if years:
        parts.append(years)
    return "-".join(p for p in parts if p)[:100]


def title(schema_title: str, authority: str, coverage: Optional[dict]) -> str:
    years = years_label(coverage)
    text = f"{schema_title} — {authority}" if authority else schema_title
    return f"{text} {years}".strip() if years else text


def proposal(*, schema_name: str, schema_title: str, authority_title: str = "", place_code: str = "",
             communes: Optional[List[str]] = None, coverage: Optional[dict] = None,
             frequency: Optional[str] = None) -> dict:
    """The metadata shown for review (the fields of the socle dataset types)."""
    data = {
        "type": schema_name,
        "title": title(schema_title, authority_title, coverage),
        "name": dataset_name(schema_name, place_code or authority_title, coverage),
        "license_id": DEFAULT_LICENSE,
        "socle_communes": list(communes or []),
        "temporal_coverage": [{"start": coverage["start"], "end": coverage["end"]}] if coverage else [],
    }
    if frequency:
        data["frequency"] = frequency
    return data
