"""Group statistics of a comparison (pure Python): per inhabitant, rank, median, gap.

Communes without data stay in the table with empty figures: they are never ranked, never
counted as zero, and the group figures say how many communes they rest on.
"""
from __future__ import annotations

from . import values as v


def per_inhabitant(value, population, scale) -> float | None:
    if value is None or not scale or not population:
        return None
    return value * scale / population


def compare(entries: list[dict], scale: int | None) -> dict:
    """``entries``: dicts with ``value`` (or None) and ``population``. Adds ``per_inhabitant``,
    ``figure`` (the compared number: per inhabitant when the indicator has a scale), ``rank``
    (1 = highest figure, ties share a rank), ``gap`` and ``gap_pct`` to the group median.
    Returns the group summary: ``median``, ``mean``, ``min``, ``max``, ``communes_with_data``,
    ``communes``."""
    for entry in entries:
        entry["per_inhabitant"] = per_inhabitant(entry.get("value"), entry.get("population"), scale)
        entry["figure"] = entry["per_inhabitant"] if scale else entry.get("value")
    figures = [e["figure"] for e in entries if e["figure"] is not None]
    middle = v.median(figures)
    ranks: dict = {}
    for index, figure in enumerate(sorted(figures, reverse=True)):
        ranks.setdefault(figure, index + 1)
    for entry in entries:
        figure = entry["figure"]
        if figure is None:
            entry["rank"] = entry["gap"] = entry["gap_pct"] = None
            continue
        entry["rank"] = ranks[figure]
        entry["gap"] = figure - middle
        entry["gap_pct"] = (100 * (figure - middle) / middle) if middle else None
    return {
        "median": middle,
        "mean": (sum(figures) / len(figures)) if figures else None,
        "min": min(figures) if figures else None,
        "max": max(figures) if figures else None,
        "communes_with_data": len(figures),
        "communes": len(entries),
    }


POPULATION_BANDS = [
    ("0-499", 0, 500, "moins de 500 hab."),
    ("500-1999", 500, 2000, "500 à 1 999 hab."),
    ("2000-3499", 2000, 3500, "2 000 à 3 499 hab."),
    ("3500-4999", 3500, 5000, "3 500 à 4 999 hab."),
    ("5000-9999", 5000, 10000, "5 000 à 9 999 hab."),
    ("10000-19999", 10000, 20000, "10 000 à 19 999 hab."),
    ("20000-49999", 20000, 50000, "20 000 à 49 999 hab."),
    ("50000-99999", 50000, 100000, "50 000 à 99 999 hab."),
    ("100000+", 100000, None, "100 000 hab. et plus"),
]
OBLIGATION_THRESHOLD = 3500  # loi pour une République numérique: communes of 3 500 inhabitants or more


def population_band(population) -> str | None:
    """DGCL population stratum key of a population (None when unknown)."""
    if population is None:
        return None
    for key, low, high, _label in POPULATION_BANDS:
        if population >= low and (high is None or population < high):
            return key
    return None


def band_label(key: str) -> str:
    return next((label for k, _l, _h, label in POPULATION_BANDS if k == key), key or "")
