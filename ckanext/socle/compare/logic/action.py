"""API actions of the comparison: JSON with the provenance and the number of communes."""
from __future__ import annotations

import datetime as dt

import ckan.plugins.toolkit as tk

from .. import indicators as I
from .. import queries


def _json(value):
    """Dates to ISO strings, tuples to lists: the API speaks JSON."""
    if isinstance(value, dict):
        return {str(k): _json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json(v) for v in value]
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return value


def _int(data, key, default, low=1, high=None):
    try:
        value = int(data.get(key) or default)
    except (TypeError, ValueError):
        raise tk.ValidationError({key: [tk._("Nombre entier attendu.")]})
    value = max(low, value)
    return min(value, high) if high else value


def _schemas(data) -> list[str]:
    from ..consolidate import matrix_schemas

    wanted = data.get("schemas")
    schemas = matrix_schemas()
    if wanted:
        wanted = wanted.split(",") if isinstance(wanted, str) else list(wanted)
        schemas = [s for s in schemas if s in wanted]
    return schemas


@tk.side_effect_free
def socle_coverage_matrix(context, data_dict):
    """Communes × socle datasets. Filters: departement, epci (SIREN), population_band,
    obligation (≥ 3 500 inhabitants), communes (INSEE codes); page, per_page (≤ 1000)."""
    tk.check_access("socle_coverage_matrix", context, data_dict)
    filters = queries.clean_filters(data_dict)
    result = queries.coverage_matrix(filters, _schemas(data_dict), page=_int(data_dict, "page", 1),
                                     per_page=_int(data_dict, "per_page", 100, high=1000))
    result["statuses"] = queries.status_labels()
    return _json(result)


@tk.side_effect_free
def socle_indicator_list(context, data_dict):
    """Every indicator with its formula, unit, source fields, caveats and the years it has."""
    tk.check_access("socle_indicator_list", context, data_dict)
    return [ind.as_dict() | {"years": queries.indicator_years(ind.id, "")
                             if not ind.dimension_label else None,
                             "dimensions": queries.indicator_dimensions(ind.id) if ind.dimension_label else []}
            for ind in I.INDICATORS.values()]


@tk.side_effect_free
def socle_compare(context, data_dict):
    """One indicator for a year across communes and/or a reference group: value, per inhabitant,
    rank in group, gap to the group median, time series, provenance and the number of communes."""
    tk.check_access("socle_compare", context, data_dict)
    indicator = data_dict.get("indicator")
    if not indicator:
        raise tk.ValidationError({"indicator": [tk._("Choisissez un indicateur.")]})
    year = data_dict.get("year")
    try:
        year = int(year) if year not in (None, "") else None
    except (TypeError, ValueError):
        raise tk.ValidationError({"year": [tk._("Année invalide.")]})
    result = queries.compare(indicator, queries.clean_filters(data_dict), year=year,
                             dimension=str(data_dict.get("dimension") or ""),
                             page=_int(data_dict, "page", 1), per_page=_int(data_dict, "per_page", 50, high=5000))
    return _json(result)


@tk.side_effect_free
def socle_commune_card(context, data_dict):
    tk.check_access("socle_commune_card", context, data_dict)
    card = queries.commune_card(str(data_dict.get("code") or "").upper(), _schemas(data_dict))
    if card is None:
        raise tk.ObjectNotFound(tk._("Commune inconnue."))
    return _json(card)


def socle_compare_refresh(context, data_dict):
    """Rebuild the consolidation (sysadmin); ``resource_id`` for one resource only."""
    tk.check_access("socle_compare_refresh", context, data_dict)
    from .. import consolidate

    if data_dict.get("resource_id"):
        return _json(consolidate.refresh_resource(data_dict["resource_id"]))
    return _json(consolidate.refresh_all())


def get_actions() -> dict:
    return {f.__name__: f for f in (socle_coverage_matrix, socle_indicator_list, socle_compare,
                                    socle_commune_card, socle_compare_refresh)}
