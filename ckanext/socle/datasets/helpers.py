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


def socle_type(dataset_type) -> dict | None:
    """The socle type of a dataset type (its catalogue entry and texts), or None."""
    return next((t for t in socle_types.socle_types() if t["name"] == dataset_type), None)


def socle_type_title(kind: dict) -> str:
    return kind["title_en"] if tk.h.lang() == "en" else kind.get("title_fr") or kind["title"]


def _humanize_texts() -> dict:
    return {
        "add link": tk._("Publier un jeu « {title} »"),
        "breadcrumb": "{title}",
        "create label": tk._("Publier"),
        "create title": tk._("Publier un jeu « {title} »"),
        "edit label": tk._("Modifier le jeu"),
        "facet label": "{title}",
        "form label": tk._("Jeu « {title} »"),
        "main nav": "{title}",
        "page title": "{title}",
        "no any objects": tk._("Aucun jeu « {title} » n'est encore publié."),
        "save label": tk._("Enregistrer"),
        "update label": tk._("Mettre à jour"),
        "search placeholder": tk._("Rechercher dans « {title} »…"),
        "content tab": tk._("Jeu de données"),
        "view label": tk._("Voir le jeu"),
    }


@tk.chained_helper
def humanize_entity_type(next_helper, entity_type, object_type, purpose):
    """French (or English) names for the socle dataset types in breadcrumbs, titles, buttons."""
    kind = socle_type(object_type) if entity_type == "package" else None
    text = _humanize_texts().get(purpose) if kind else None
    if text is None:
        return next_helper(entity_type, object_type, purpose)
    return text.format(title=socle_type_title(kind))


def socle_period(value) -> str:
    """temporal_coverage -> "du 01/01/2025 au 31/12/2025"."""
    import datetime as dt

    def french(day):
        try:
            return dt.date.fromisoformat(str(day)[:10]).strftime("%d/%m/%Y")
        except ValueError:
            return str(day)

    periods = []
    for item in value if isinstance(value, list) else []:
        start, end = item.get("start"), item.get("end")
        if start and end:
            periods.append(tk._("du {start} au {end}").format(start=french(start), end=french(end)))
        elif start:
            periods.append(tk._("depuis le {start}").format(start=french(start)))
        elif end:
            periods.append(tk._("jusqu'au {end}").format(end=french(end)))
    return " ; ".join(periods)


def socle_schema_of_url(url) -> dict | None:
    """The catalogue entry whose canonical URL is ``url`` (for "Conforme au schéma")."""
    entry = get_catalogue().get(str(url or ""))
    return {"title": entry.title, "version": entry.version, "url": entry.url,
            "documentation_url": entry.documentation_url} if entry else None


def get_helpers():
    helpers = {name: function for name, function in globals().items()
               if name.startswith("socle_") and callable(function)}
    helpers["humanize_entity_type"] = humanize_entity_type
    return helpers
