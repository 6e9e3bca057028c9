"""Delivery tracking: for each dataset a contractor must deliver, is it on the portal, and how
conformant is it?

Contract of :func:`lookup_dataset` (the only place that knows where deliveries are found):
given an organisation and one annex row, return the portal dataset that fulfils the row, or
``None``. It looks for the dataset named in the row (``dataset``) when the row names one, else for
the organisation's most recently modified dataset of the socle type named like the row's schema
(dataset types are named like SCDL schemas, docs/contracts.md). The conformity level comes from
the ``socle_conformity_level`` extra that the validation plugin keeps on each resource (with
``validation_status`` as a fallback); no validation plugin, no level: « non vérifié ».
"""
from __future__ import annotations

import datetime as dt

import ckan.plugins.toolkit as tk

from . import schedule
from . import variables as V

LEVELS = {
    "conforme": ("Conforme", "Conformant", "success"),
    "a_ameliorer": ("À améliorer", "Needs improvement", "warning"),
    "non_conforme": ("Non conforme", "Not conformant", "danger"),
    "erreur": ("Erreur de contrôle", "Check error", "secondary"),
    "en_cours": ("Contrôle en cours", "Check running", "info"),
    "non_verifie": ("Non vérifié", "Not checked", "light"),
}
LEVEL_ORDER = ["non_conforme", "erreur", "a_ameliorer", "en_cours", "non_verifie", "conforme"]
_FROM_STATUS = {"success": "conforme", "failure": "non_conforme", "error": "erreur",
                "running": "en_cours", "created": "en_cours"}


def _context() -> dict:
    return {"ignore_auth": True}


def lookup_dataset(organization: dict, row: dict) -> dict | None:
    """The public, active dataset of ``organization`` that fulfils annex ``row`` (or None)."""
    name = row.get("dataset")
    if name:
        try:
            dataset = tk.get_action("package_show")(_context(), {"id": name})
        except (tk.ObjectNotFound, tk.NotAuthorized):
            return None
        if dataset.get("owner_org") != organization["id"] or dataset.get("state") != "active":
            return None
        return dataset
    schema = (row.get("schema") or "").split("@")[0]
    if not schema:
        return None
    result = tk.get_action("package_search")(_context(), {
        "fq": f'owner_org:"{organization["id"]}" AND dataset_type:"{schema}"',
        "sort": "metadata_modified desc", "rows": 1, "include_private": False,
    })
    return result["results"][0] if result["results"] else None


def conformity_level(dataset: dict, schema_ref: str = "") -> str:
    """The conformity level of a dataset's resources for a schema: the worst of them."""
    schema_name = (schema_ref or "").split("@")[0]
    levels = []
    for resource in dataset.get("resources") or []:
        if schema_name and resource.get("schema_name") not in (None, "", schema_name):
            continue
        level = resource.get("socle_conformity_level") or \
            _FROM_STATUS.get(resource.get("validation_status") or "")
        levels.append(level if level in LEVELS else "non_verifie")
    if not levels:
        return "non_verifie"
    return min(levels, key=LEVEL_ORDER.index)


def _modified(dataset: dict) -> dt.date | None:
    stamp = dataset.get("metadata_modified") or ""
    try:
        return dt.datetime.fromisoformat(stamp[:19]).date()
    except ValueError:
        return None


def track(instance: dict, organization: dict, today: dt.date | None = None) -> list[dict]:
    """One line per annex row: the row, the dataset found, its level and the delivery state."""
    today = today or dt.date.today()
    values = instance.get("values") or {}
    start, end = values.get("contract.start_date"), values.get("contract.end_date")
    lines = []
    for index, row in enumerate(values.get("datasets") or [], start=1):
        dataset = lookup_dataset(organization, row)
        published = bool(dataset and not dataset.get("private") and dataset.get("resources"))
        level = conformity_level(dataset, row.get("schema") or "") if dataset else None
        situation = schedule.situation(row, start, end, today,
                                       _modified(dataset) if dataset else None, published)
        lines.append({
            "index": index, "row": row, "published": published,
            "dataset": {"name": dataset["name"], "title": dataset.get("title") or dataset["name"],
                        "id": dataset["id"]} if dataset else None,
            "level": level,
            "level_label": LEVELS[level][0] if level else "",
            "level_class": LEVELS[level][2] if level else "",
            "state": situation["state"],
            "state_label": schedule.STATES[situation["state"]][0],
            "last_due": situation["last_due"].isoformat() if situation["last_due"] else None,
            "next_due": situation["next_due"].isoformat() if situation["next_due"] else None,
            "last_due_label": V.format_date(situation["last_due"]) if situation["last_due"] else "",
            "next_due_label": V.format_date(situation["next_due"]) if situation["next_due"] else "",
        })
    return lines
