"""Template helpers (registered by SocleValidationPlugin)."""
from __future__ import annotations

from typing import Any, Optional

import ckan.plugins.toolkit as tk

from . import badges, search, state


def _info(resource: dict, states: Optional[dict] = None) -> dict:
    if states is None:
        states = search.resource_states([resource])
    info = states.get(resource.get("id"))
    if not info:
        return {}
    return {**info, "label": state.label(info), "colour": badges.COLOURS.get(info["state"]),
            "icon": badges.ICONS.get(info["state"], "")}


def socle_validation_resource_state(resource: dict) -> dict:
    return _info(resource)


def socle_validation_package_states(pkg_dict: dict) -> dict[str, dict]:
    states = search.resource_states(pkg_dict.get("resources") or [])
    return {rid: _info({"id": rid, "schema_name": "x"}, {rid: info}) for rid, info in states.items()}


def socle_validation_dataset_state(pkg_dict: dict) -> dict:
    """Worst state among the socle resources, with counts per state."""
    states = search.resource_states(pkg_dict.get("resources") or [])
    if not states:
        return {}
    values = [info["state"] for info in states.values()]
    worst = state.worst(values)
    return {"state": worst, "label": state.labels()[worst], "colour": badges.COLOURS[worst],
            "icon": badges.ICONS[worst], "total": len(values),
            "counts": {s: values.count(s) for s in state.STATES if values.count(s)}}


def socle_validation_labels() -> dict[str, str]:
    return state.labels()


def socle_validation_facet_label(name: str, value: str) -> str:
    if name == "vocab_socle_conformity":
        return state.labels().get(value, value)
    return value


def socle_validation_schema_choices() -> list[dict]:
    from .views import _schema_choices

    return _schema_choices()


@tk.chained_helper
def get_organization(next_helper, org=None, include_datasets=False):
    """CKAN's helper, which also counts the organisation's datasets in Solr; while Solr is down
    the dataset page (where a publisher lands after saving) still shows, without the count."""
    from ckan.lib.search import SearchError, SolrConnectionError  # not in the toolkit

    try:
        return next_helper(org, include_datasets)
    except (SearchError, SolrConnectionError):
        from .. import organisations

        try:
            return organisations.show({}, org)
        except (tk.ObjectNotFound, tk.NotAuthorized):
            return {}


def get_helpers() -> dict[str, Any]:
    helpers = {name: func for name, func in globals().items() if name.startswith("socle_validation_")}
    return {**helpers, "get_organization": get_organization}
