"""Due dates of the delivery annex (pure Python).

A row of the annex gives a first delivery (a date, or ``J+N`` days after the contract's start)
and a frequency; due dates repeat at that frequency until the contract's end (at most a few
hundred are computed). ``realtime`` and ``per_event`` deliveries have one first due date and are
then continuous; ``end_of_contract`` is due on the end date.
"""
from __future__ import annotations

import calendar
import datetime as dt

from . import variables as V

MAX_DUES = 400
STEP_MONTHS = {"monthly": 1, "quarterly": 3, "yearly": 12}
STEP_DAYS = {"daily": 1, "weekly": 7}


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def first_due(row: dict, start: dt.date | None, end: dt.date | None) -> dt.date | None:
    if row.get("frequency") == "end_of_contract":
        return end
    first = row.get("first_delivery")
    if not first:
        return start
    text = str(first)
    if text.startswith("J+"):
        return start + dt.timedelta(days=int(text[2:])) if start else None
    return V.parse_date(text)


def due_dates(row: dict, start=None, end=None, horizon: dt.date | None = None) -> list[dt.date]:
    """Due dates of one annex row, from the first one to ``end`` (or ``horizon``)."""
    start = V.parse_date(start) if start else None
    end = V.parse_date(end) if end else None
    first = first_due(row, start, end)
    if first is None:
        return []
    limit = end or horizon or add_months(first, 12 * 10)
    frequency = row.get("frequency")
    dues = [first]
    if frequency in STEP_MONTHS or frequency in STEP_DAYS:
        index = 1
        while len(dues) < MAX_DUES:
            if frequency in STEP_MONTHS:
                nxt = add_months(first, STEP_MONTHS[frequency] * index)
            else:
                nxt = first + dt.timedelta(days=STEP_DAYS[frequency] * index)
            if nxt > limit:
                break
            dues.append(nxt)
            index += 1
    return dues


def situation(row: dict, start, end, today: dt.date, last_update: dt.date | None,
              published: bool) -> dict:
    """Where a delivery stands today.

    ``state`` is ``a_venir`` (nothing due yet), ``livre`` (published and updated since the last
    due date), ``en_retard`` (a due date has passed without a matching publication) or
    ``inconnu`` (no due date can be computed: no start date for a ``J+N`` first delivery).
    """
    dues = due_dates(row, start, end, horizon=today + dt.timedelta(days=800))
    if not dues:
        return {"state": "inconnu", "last_due": None, "next_due": None}
    past = [d for d in dues if d <= today]
    future = [d for d in dues if d > today]
    last_due = past[-1] if past else None
    next_due = future[0] if future else None
    if last_due is None:
        state = "a_venir"
    elif published and (row.get("frequency") in ("realtime", "per_event") or
                        (last_update is not None and last_update >= last_due)):
        state = "livre"
    elif published and last_update is None:
        state = "livre"
    else:
        state = "en_retard"
    return {"state": state, "last_due": last_due, "next_due": next_due}


STATES = {
    "a_venir": ("À venir", "Upcoming"),
    "livre": ("Livré", "Delivered"),
    "en_retard": ("En retard", "Late"),
    "inconnu": ("Échéance inconnue", "Unknown due date"),
}
