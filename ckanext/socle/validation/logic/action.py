"""API actions of socle_validation (see docs/validation.md)."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from .. import jobs, search_outage, state
from ..model import ValidationRun, history, latest
from ..model import get as get_run

LEVEL_FACET = "vocab_socle_conformity"
GROUPINGS = {"organization": "organization", "commune": "vocab_socle_commune", "schema": "vocab_socle_schema"}


def _resource(context: dict, data_dict: dict) -> dict:
    resource_id = data_dict.get("resource_id") or data_dict.get("id")
    if not resource_id:
        raise tk.ValidationError({"resource_id": [tk._("Champ obligatoire")]})
    return tk.get_action("resource_show")({**_read_context(context)}, {"id": resource_id})


def _read_context(context: dict) -> dict:
    return {"user": context.get("user"), "auth_user_obj": context.get("auth_user_obj"),
            "ignore_auth": context.get("ignore_auth", False)}


def run_with_state(resource: dict, run: ValidationRun | None, with_report: bool = False) -> dict:
    data = run.as_dict(with_report=with_report) if run else None
    info = state.resource_state(resource, data)
    result = dict(data or {"resource_id": resource["id"], "package_id": resource.get("package_id")})
    result.update(state=info.get("state"), state_label=state.label(info) if info else "",
                  stale=info.get("stale", False), technical=info.get("technical", False))
    return result


@tk.side_effect_free
def socle_validation_show(context, data_dict):
    """Newest run of a resource (``resource_id``), or the run ``run_id``; ``include_report``."""
    tk.check_access("socle_validation_show", context, data_dict)
    resource = _resource(context, data_dict)
    run_id = data_dict.get("run_id")
    run = get_run(run_id) if run_id else latest(resource["id"])
    if run is None or run.resource_id != resource["id"]:
        raise tk.ObjectNotFound(tk._("Aucune vérification enregistrée pour cette ressource."))
    return run_with_state(resource, run, with_report=tk.asbool(data_dict.get("include_report", True)))


@tk.side_effect_free
def socle_validation_list(context, data_dict):
    """History of the runs of a resource, newest first (``limit``, default 50)."""
    tk.check_access("socle_validation_list", context, data_dict)
    resource = _resource(context, data_dict)
    limit = min(int(data_dict.get("limit") or 50), 500)
    return [run_with_state(resource, run) for run in history(resource["id"], limit)]


def socle_validation_run(context, data_dict):
    """Validate one resource now: queued (default) or in this request with ``sync`` (sysadmins)."""
    tk.check_access("socle_validation_run", context, data_dict)
    resource = _resource(context, data_dict)
    if not state.is_candidate(resource):
        raise tk.ValidationError({"resource_id": [tk._(
            "Cette ressource n'a pas de schéma SCDL ou n'est pas un fichier tabulaire.")]})
    sync = tk.asbool(data_dict.get("sync")) and _is_sysadmin(context)
    runs = jobs.request_runs([(resource, resource["package_id"])], "manual", sync=sync)
    return runs[0]


def _is_sysadmin(context: dict) -> bool:
    user = context.get("auth_user_obj")
    return bool(getattr(user, "sysadmin", False)) or context.get("ignore_auth", False)


def _batch_packages(context: dict, data_dict: dict) -> list[dict]:
    read = {**_read_context(context), "ignore_auth": True}
    if data_dict.get("dataset"):
        return [tk.get_action("package_show")(read, {"id": data_dict["dataset"]})]
    fq = []
    if data_dict.get("organization"):
        org = tk.get_action("organization_show")(read, {"id": data_dict["organization"]})
        fq.append(f'owner_org:"{org["id"]}"')
    if not (data_dict.get("organization") or data_dict.get("q") or tk.asbool(data_dict.get("all"))):
        raise tk.ValidationError({"dataset": [tk._("Indiquez un jeu de données, une organisation, une requête ou all.")]})
    packages, start = [], 0
    while True:
        found = tk.get_action("package_search")(read, {
            "q": data_dict.get("q") or "*:*", "fq": " ".join(fq), "rows": 100, "start": start,
            "include_private": True, "include_drafts": False})
        packages.extend(found["results"])
        start += 100
        if start >= found["count"]:
            return packages


def socle_validation_run_batch(context, data_dict):
    """Sysadmins: validate every socle resource of ``dataset``, ``organization``, a ``q`` query
    or ``all``; ``sync`` runs in the request (CLI), otherwise one job per resource."""
    tk.check_access("socle_validation_run_batch", context, data_dict)
    urls_only = tk.asbool(data_dict.get("urls_only"))
    targets = [(r, pkg["id"]) for pkg in _batch_packages(context, data_dict)
               for r in pkg.get("resources") or []
               if state.is_candidate(r) and not (urls_only and r.get("url_type") == "upload")]
    runs = jobs.request_runs(targets, data_dict.get("trigger") or "batch", sync=tk.asbool(data_dict.get("sync")))
    return {"count": len(runs), "runs": runs}


@tk.side_effect_free
def socle_conformity_summary(context, data_dict):
    """Datasets per conformity level, grouped ``by`` organization (default), commune or schema;
    ``q``/``fq`` narrow the datasets. Built on package_search: private datasets count only for
    users who may see them."""
    tk.check_access("socle_conformity_summary", context, data_dict)
    by = data_dict.get("by") or "organization"
    if by not in GROUPINGS:
        raise tk.ValidationError({"by": [tk._("Valeurs possibles : organization, commune, schema.")]})
    field = GROUPINGS[by]
    search = tk.get_action("package_search")
    base_fq = data_dict.get("fq") or ""
    groups: dict[str, dict[str, Any]] = {}
    totals = {}
    for level in state.STATES:
        result = search({**_read_context(context)}, {
            "q": data_dict.get("q") or "*:*", "fq": f'{base_fq} +{LEVEL_FACET}:"{level}"'.strip(),
            "rows": 0, "facet": "true", "facet.field": [field], "facet.limit": -1,
            "include_private": True})
        totals[level] = result["count"]
        for item in result["search_facets"].get(field, {}).get("items", []):
            group = groups.setdefault(item["name"], {"name": item["name"], "display_name": item["display_name"],
                                                     "levels": {s: 0 for s in state.STATES}})
            group["levels"][level] = item["count"]
    return {"by": by, "levels": totals, "labels": state.labels(),
            "groups": sorted(groups.values(), key=lambda g: g["name"])}


# A save while Solr is down keeps the dataset and indexes it later (validation/search_outage.py).
@tk.chained_action
def package_create(original_action, context, data_dict):
    return search_outage.guarded(original_action, context, data_dict)


@tk.chained_action
def package_update(original_action, context, data_dict):
    return search_outage.guarded(original_action, context, data_dict)


def get_actions() -> dict:
    actions = {name: func for name, func in globals().items() if name.startswith("socle_") and callable(func)}
    return {**actions, "package_create": package_create, "package_update": package_update}
