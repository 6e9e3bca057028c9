"""Tolerant readings of cell values (pure Python): numbers, years, SIREN, lists, plain text.

Each returns ``None`` when the cell cannot be read: an indicator then leaves the row out of the
figure it cannot support (it never counts it as zero).
"""
from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata

_SPACES = re.compile(r"[\s\u00a0\u202f]")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_FR_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})")
_YEAR = re.compile(r"^(\d{4})$")


def plain(text) -> str:
    """Lower case, no accents, single spaces: "Réel " -> "reel"."""
    decomposed = unicodedata.normalize("NFKD", str(text or ""))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


def number(text) -> float | None:
    """"1 234,5" / "1234.5" / "840690.0" / "1,5E+3" -> float; "" or junk -> None."""
    if text is None:
        return None
    if isinstance(text, (int, float)):
        return float(text)
    value = _SPACES.sub("", str(text)).replace("€", "")
    if not value:
        return None
    if "," in value and "." in value:
        # "1.234,5" (French thousands dots) or "1,234.5" (English thousands commas)
        if value.rfind(",") > value.rfind("."):
            value = value.replace(".", "").replace(",", ".")
        else:
            value = value.replace(",", "")
    else:
        value = value.replace(",", ".")
    try:
        result = float(value)
    except ValueError:
        return None
    return result if result == result and result not in (float("inf"), float("-inf")) else None


def date(text) -> dt.date | None:
    """ISO 8601 ("2022-03-24", "2025-02-03T23:30:04Z") or French ("24/03/2022") -> date."""
    value = str(text or "").strip()
    match = _ISO_DATE.match(value)
    try:
        if match:
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        match = _FR_DATE.match(value)
        if match:
            return dt.date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        return None
    return None


def year(text) -> int | None:
    """Year of a date, or a bare "2021" / "2021.0"."""
    found = date(text)
    if found:
        return found.year
    value = str(text or "").strip()
    if value.endswith(".0"):
        value = value[:-2]
    match = _YEAR.match(value)
    if match and 1900 <= int(match[1]) <= 2100:
        return int(match[1])
    return None


def siren(text) -> str | None:
    """The SIREN (first 9 digits) of a SIRET or SIREN; None when it was mangled ("2,43E+13")."""
    value = _SPACES.sub("", str(text or "")).replace(".", "")
    if value.endswith("0") and str(text).strip().endswith(".0"):
        value = value[:-1]  # "21860194600000.0" lost nothing but the ".0"
    if not value.isdigit() or len(value) not in (9, 14):
        return None
    return value[:9]


def items(text) -> list[str]:
    """An array cell: JSON ('["a","b"]') or separated by ';' '|' ','. Empty -> []."""
    value = str(text or "").strip()
    if not value:
        return []
    if value.startswith("["):
        try:
            parsed = json.loads(value)
            if isinstance(parsed, list):
                return [str(v).strip() for v in parsed if str(v).strip()]
        except ValueError:
            value = value.strip("[]")
    for separator in ("|", ";", ","):
        if separator in value:
            return [part.strip().strip('"') for part in value.split(separator) if part.strip()]
    return [value.strip('"')]


def field(row: dict, *names: str) -> str:
    """First non-empty value among field names (schema versions name a column differently)."""
    for name in names:
        value = row.get(name)
        if value not in (None, ""):
            return str(value)
    return ""


def median(values: list[float]) -> float | None:
    ordered = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2
