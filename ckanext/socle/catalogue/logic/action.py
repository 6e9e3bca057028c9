"""Public actions on the SCDL schema catalogue."""
from __future__ import annotations

from ckan.plugins import toolkit as tk

from .. import UnknownSchema, get_catalogue


def _version(entry, with_fields: bool) -> dict:
    data = {
        "version": entry.version,
        "url": entry.url,
        "documentation_url": entry.documentation_url,
        "valid_tableschema": entry.valid,
        "warnings": entry.warnings,
        "field_count": len(entry.fields),
    }
    if with_fields:
        data["fields"] = [
            {"name": f.get("name"), "title": f.get("title", ""), "description": f.get("description", ""),
             "type": f.get("type"), "format": f.get("format"),
             "required": bool((f.get("constraints") or {}).get("required")),
             "constraints": f.get("constraints") or {}}
            for f in entry.fields
        ]
        data["custom_checks"] = entry.descriptor.get("custom_checks", [])
    return data


def _schema(name: str, with_fields: bool, version: str | None = None) -> dict:
    cat = get_catalogue()
    newest = cat.newest(name)
    info = cat.info(name)
    chosen = cat.resolve(f"{name}@{version}" if version else name)
    return {
        "name": newest.name,
        "identifier": newest.identifier,
        "title": newest.title,
        "description": newest.description,
        "status": newest.status,
        "note": info.get("note", ""),
        "homepage": info.get("homepage"),
        "contact": info.get("contact"),
        "examples": info.get("examples", []),
        "latest_version": newest.version,
        "versions": cat.versions(name),
        "listed_versions": cat.listed_versions(name),
        "version": _version(chosen, with_fields),
    }


@tk.side_effect_free
def socle_schema_list(context, data_dict):
    """Every schema of the socle: name, identifier, title, status, versions and their URLs.

    :param status: ``active`` or ``retired`` to keep only those (optional)
    """
    tk.check_access("socle_schema_list", context, data_dict)
    cat = get_catalogue()
    result = []
    for name in cat.names():
        item = _schema(name, with_fields=False)
        item["urls"] = {v: cat.resolve(f"{name}@{v}").url for v in cat.versions(name)}
        if data_dict.get("status") in (None, "", item["status"]):
            result.append(item)
    return result


@tk.side_effect_free
def socle_schema_show(context, data_dict):
    """One schema, one version with its fields (newest by default).

    :param name: ``subventions``, ``scdl/subventions``, ``subventions@2.1.1`` or the canonical URL
    :param version: optional, e.g. ``2.0.2`` or ``v2.0.2``
    """
    tk.check_access("socle_schema_show", context, data_dict)
    spec = tk.get_or_bust(data_dict, "name")
    try:
        entry = get_catalogue().resolve(spec if not data_dict.get("version") else f"{spec.split('@')[0]}@{data_dict['version']}")
    except UnknownSchema as error:
        raise tk.ObjectNotFound(str(error))
    return _schema(entry.name, with_fields=True, version=entry.version)


def get_actions():
    return {"socle_schema_list": socle_schema_list, "socle_schema_show": socle_schema_show}
