"""Template helpers of the socle dataset types, organisations and commune picker."""
from __future__ import annotations

from ckan.plugins import toolkit as tk

from ..catalogue import get_catalogue
from ..reference import store
from . import types as socle_types
from .validators import OBLIGATION_POPULATION


def socle_text(value) -> str:
    """A {fr, en} dict in the page's language (French when missing)."""
    if not isinstance(value, dict):
        return value or ""
    return value.get(tk.h.lang()) or value.get("fr") or next(iter(value.values()), "")


def socle_dataset_types() -> list[dict]:
    return socle_types.socle_types()


def socle_law() -> str:
    return socle_text(socle_types.law())


def socle_schema_choices(field=None) -> list[dict]:
    cat = get_catalogue()
    return [{"value": name, "label": cat.newest(name).title}
            for name in cat.names() if cat.newest(name).status == "active"]


def socle_schema_version_choices(field) -> list[dict]:
    cat = get_catalogue()
    name = field.get("socle_schema")
    versions = cat.versions(name) if name in cat else []
    return [{"value": v, "label": v if i else tk._("{version} (la plus récente)").format(version=v)}
            for i, v in enumerate(versions)]


def socle_commune(code) -> dict | None:
    if not code:
        return None
    commune = store.get(str(code))
    if commune is None:
        return None
    data = commune.as_dict()
    if not commune.current and commune.successor:
        successor = store.current_of(commune.code)
        data["successor_name"] = successor.name if successor else ""
    return data


def socle_communes(codes) -> list[dict]:
    """Display rows for a list of INSEE codes (unknown codes kept, with only their code)."""
    if isinstance(codes, str):
        import json

        try:
            codes = json.loads(codes)
        except ValueError:
            codes = [c.strip() for c in codes.split(",") if c.strip()]
    return [socle_commune(code) or {"code": code, "name": code, "current": True} for code in codes or []]


def socle_obligation_threshold() -> int:
    return OBLIGATION_POPULATION


def socle_reference_meta() -> dict:
    return store.meta()


def socle_number(value) -> str:
    """12345 -> "12 345" (French grouping with a narrow no-break space)."""
    try:
        return f"{int(value):,}".replace(",", "\u202f")
    except (TypeError, ValueError):
        return str(value or "")


def get_helpers():
    return {name: function for name, function in globals().items()
            if name.startswith("socle_") and callable(function)}
