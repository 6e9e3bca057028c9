"""Public actions on the commune reference data."""
from __future__ import annotations

from ckan.plugins import toolkit as tk

from .. import store

MAX_LIMIT = 50


def _label(row: dict) -> str:
    postcodes = ", ".join(row["postcodes"][:3])
    label = f"{row['name']} ({postcodes or row['code']})"
    if not row["current"]:
        label = tk._("{name} — ancienne commune").format(name=row["name"])
    return label


@tk.side_effect_free
def socle_commune_show(context, data_dict):
    """One commune by INSEE code: names, SIREN, population and its year, EPCI, outline.

    :param code: INSEE code (a former code gives the former commune, with its ``successor``)
    :param outline: include the GeoJSON outline (default true)
    """
    tk.check_access("socle_commune_show", context, data_dict)
    code = tk.get_or_bust(data_dict, "code")
    commune = store.get(code)
    if commune is None:
        raise tk.ObjectNotFound(tk._("Code INSEE inconnu : {code}").format(code=code))
    return commune.as_dict(outline=tk.asbool(data_dict.get("outline", True)))


@tk.side_effect_free
def socle_commune_list(context, data_dict):
    """Communes matching ``q`` (name, INSEE code or postcode), or of a ``departement``.

    :param q: text typed in the commune picker
    :param departement: département code, e.g. ``94``
    :param limit: at most 50 (default 10 with ``q``, 50 otherwise)
    """
    tk.check_access("socle_commune_list", context, data_dict)
    try:
        limit = min(int(data_dict.get("limit") or (10 if data_dict.get("q") else MAX_LIMIT)), MAX_LIMIT)
    except ValueError:
        raise tk.ValidationError({"limit": [tk._("Nombre entier attendu.")]})
    if data_dict.get("q"):
        rows = store.search(data_dict["q"], limit=limit)
    elif data_dict.get("departement"):
        rows = store.in_departement(data_dict["departement"], limit=limit)
    else:
        raise tk.ValidationError({"q": [tk._("Indiquez un nom, un code INSEE, un code postal ou un département.")]})
    results = []
    for commune in rows:
        row = commune.as_dict()
        row["label"] = _label(row)
        results.append(row)
    return results


@tk.side_effect_free
def socle_reference_show(context, data_dict):
    """Which reference data is loaded: source versions, COG and population years, load date."""
    tk.check_access("socle_commune_list", context, data_dict)
    return store.meta()


def get_actions():
    return {
        "socle_commune_show": socle_commune_show,
        "socle_commune_list": socle_commune_list,
        "socle_reference_show": socle_reference_show,
    }
