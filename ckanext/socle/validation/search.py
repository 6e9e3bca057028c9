"""Dataset-level summary in Solr and French facets (fields named in docs/contracts.md)."""
from __future__ import annotations

import json
import logging
from typing import Any

import ckan.plugins.toolkit as tk

from . import state
from .model import latest_by_resource

log = logging.getLogger(__name__)

FIELDS = ("vocab_socle_conformity", "vocab_socle_schema", "vocab_socle_schema_version", "vocab_socle_commune")


def facet_titles() -> dict[str, str]:
    return {
        "vocab_socle_conformity": tk._("Conformité au schéma"),
        "vocab_socle_schema": tk._("Schéma SCDL"),
        "vocab_socle_schema_version": tk._("Version du schéma"),
        "vocab_socle_commune": tk._("Commune"),
    }


def add_facets(facets: dict) -> dict:
    facets.update(facet_titles())
    return facets


def resource_states(resources: list[dict]) -> dict[str, dict]:
    """State of each socle resource of a dataset (one query for all of them)."""
    socle = [r for r in resources if r.get("id") and state.is_candidate(r)]
    if not socle:
        return {}
    runs = latest_by_resource([r["id"] for r in socle])
    return {r["id"]: state.resource_state(r, runs[r["id"]].as_dict() if r["id"] in runs else None)
            for r in socle}


def _communes(value: Any) -> list[str]:
    """``socle_communes`` (list, JSON list or separated text) as sorted INSEE codes."""
    from ckanext.socle.dcat.spatial import parse_codes

    return sorted(parse_codes(value))


def index_fields(pkg_dict: dict) -> dict:
    """IPackageController.before_dataset_index: the four vocab_socle_* fields. Never raises."""
    try:
        data = json.loads(pkg_dict.get("validated_data_dict") or "{}")
        resources = data.get("resources") or []
        states = resource_states(resources)
        levels, schemas, versions = set(), set(), set()
        for resource in resources:
            info = states.get(resource.get("id"))
            if not info:
                continue
            levels.add(info["state"])
            name = resource["schema_name"].strip()
            schemas.add(name)
            if (resource.get("schema_version") or "").strip():
                versions.add(f"{name}@{resource['schema_version'].strip()}")
        communes = _communes(data.get("socle_communes") or pkg_dict.get("socle_communes"))
        for field, values in zip(FIELDS, (levels, schemas, versions, communes)):
            if values:
                pkg_dict[field] = sorted(values)
            else:
                pkg_dict.pop(field, None)
    except Exception:
        log.exception("socle_validation: could not index the conformity of %s", pkg_dict.get("id"))
    return pkg_dict


def relabel_facets(search_results: dict) -> dict:
    """IPackageController.after_dataset_search: readable labels of the facet items (French state
    names, schema titles with versions, commune names with their INSEE code). Never raises."""
    facets = search_results.get("search_facets") or {}
    labellers = {"vocab_socle_conformity": state.labels().get, "vocab_socle_schema": _schema_label,
                 "vocab_socle_schema_version": _schema_label, "vocab_socle_commune": _commune_label}
    for name, labeller in labellers.items():
        for item in (facets.get(name) or {}).get("items", []):
            try:
                item["display_name"] = labeller(item["name"]) or item["name"]
            except Exception:
                log.debug("socle_validation: no label for %s=%s", name, item["name"], exc_info=True)
    return search_results


def _schema_label(value: str) -> str:
    from ckanext.socle.catalogue import get_catalogue

    name, _, version = value.partition("@")
    entry = get_catalogue().get(value)
    if entry is None:
        return value
    title = get_catalogue().info(name).get("title") or entry.title
    return f"{title} {version}" if version else title


def _commune_label(code: str) -> str:
    from ckanext.socle.reference import store

    commune = store.get(code)
    return f"{commune.name} ({code})" if commune is not None else code


def overlay(pkg_dict: dict) -> dict:
    """IPackageController.after_dataset_show: live ``socle_conformity_level``/``validation_status``
    (a run waiting, or a file changed since the last run, shows here at once)."""
    try:
        states = resource_states(pkg_dict.get("resources") or [])
        for resource in pkg_dict.get("resources") or []:
            info = states.get(resource.get("id"))
            if not info or not info.get("run"):
                if info:
                    resource["socle_conformity_level"] = "non_verifie"
                continue
            resource["socle_conformity_level"] = info["state"]
            if info["state"] == "en_cours":
                resource["validation_status"] = "running" if info["run"]["status"] == "running" else "created"
    except Exception:
        log.exception("socle_validation: could not read the runs of %s", pkg_dict.get("id"))
    return pkg_dict
