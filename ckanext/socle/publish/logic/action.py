"""Actions of socle_publish: ``socle_publish_file`` (analyse, publish, draft) and
``socle_publish_confirm`` (a held dataset becomes public after a person's check)."""
from __future__ import annotations

import datetime as dt
import logging
import os
from typing import Any, Optional

import ckan.plugins.toolkit as tk
from werkzeug.datastructures import FileStorage

from .. import analyse as analysis
from .. import stash
from ... import organisations as organisation_store
from ...privacy import Settings as PrivacySettings

log = logging.getLogger(__name__)

MODES = ("analyser", "publier", "brouillon")
OVERRIDABLE = ("title", "name", "notes", "license_id", "frequency")


def _config_int(key: str, default: int) -> int:
    try:
        return int(tk.config.get(key) if tk.config.get(key) is not None else default)
    except (TypeError, ValueError):
        return default


def settings() -> analysis.Settings:
    from ckanext.socle.datasets import types

    return analysis.Settings(
        max_bytes=_config_int("ckanext.socle.publish.max_bytes", 52428800) or None,
        privacy=PrivacySettings(small_count_threshold=_config_int("ckanext.socle.publish.small_count_threshold", 0)),
        publishable=types.type_names(),
    )


def hold_private() -> bool:
    return tk.asbool(tk.config.get("ckanext.socle.publish.hold_private", True))


def _fresh(context: dict) -> dict:
    """A new context for a nested action (never share CKAN's per-call bookkeeping)."""
    return {"user": context.get("user"), "auth_user_obj": context.get("auth_user_obj")}


def _site_context(context: dict) -> dict:
    return {"user": context.get("user"), "ignore_auth": True}


def organisations(context: dict) -> list[dict]:
    """Every organisation with its SIREN / INSEE code, and whether the user may publish for it."""
    orgs = organisation_store.list_all(_site_context(context))
    allowed = {o["id"] for o in tk.get_action("organization_list_for_user")(
        {"user": context.get("user")}, {"permission": "create_dataset"})}
    result = []
    for org in orgs:
        extras = {e.get("key"): e.get("value") for e in org.get("extras") or [] if isinstance(e, dict)}
        result.append({
            "id": org["id"], "name": org["name"], "title": org.get("title") or org["name"],
            "siren": org.get("siren") or extras.get("siren") or "",
            "insee_code": org.get("insee_code") or extras.get("insee_code") or "",
            "can_publish": org["id"] in allowed,
        })
    return result


def find_commune(siren: Optional[str] = None, insee: Optional[str] = None) -> Optional[dict]:
    try:
        from ckanext.socle.reference import store

        row = store.by_siren(siren) if siren else store.current_of(insee) if insee else None
    except Exception:  # reference data not loaded: authority from organisations only
        log.debug("commune reference look-up failed", exc_info=True)
        return None
    if row is None:
        return None
    return {"code": row.code, "name": row.name, "siren": row.siren}


def _file_from(data_dict: dict, user: str, limit: Optional[int]) -> tuple[str, str, str]:
    """(token, path, file name) of the dropped file: a new upload or a token from the page."""
    upload = data_dict.get("upload")
    if isinstance(upload, FileStorage) or hasattr(upload, "stream"):
        filename = getattr(upload, "filename", "") or "fichier.csv"
        token, path = stash.save(upload.stream, filename, user, limit)
        return token, path, os.path.basename(path)
    token = (data_dict.get("token") or "").strip()
    if token:
        path = stash.find(token, user)
        if not path:
            raise tk.ValidationError({"token": [tk._(
                "Ce fichier n'est plus disponible (délai dépassé ou déjà publié) : déposez-le à nouveau.")]})
        return token, path, os.path.basename(path)
    raise tk.ValidationError({"upload": [tk._("Déposez un fichier CSV, XLSX, XLS ou ODS.")]})


def _list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.replace(";", ",").split(",") if v.strip()]
    return [str(v).strip() for v in value if str(v).strip()]


def _metadata(result: dict, data_dict: dict) -> dict:
    proposal = dict(result["proposal"])
    for key in OVERRIDABLE:
        if data_dict.get(key) not in (None, ""):
            proposal[key] = data_dict[key]
    if data_dict.get("socle_communes") not in (None, "", []):
        proposal["socle_communes"] = _list(data_dict["socle_communes"])
    start, end = data_dict.get("temporal_start"), data_dict.get("temporal_end")
    if start or end:
        proposal["temporal_coverage"] = [{"start": start or "", "end": end or ""}]
    if not proposal.get("frequency"):
        from ckanext.socle.datasets import types

        kind = next((t for t in types.socle_types() if t["name"] == proposal["type"]), {})
        proposal["frequency"] = types.FREQUENCY_BASE + kind.get("frequency", "ANNUAL")
    return proposal


def _blocking(result: dict, owner_org: Optional[str]) -> list[dict]:
    blocking = [p for p in result["problems"] if p["code"].startswith("schema")]
    detection = result["detection"]
    if not blocking and detection["status"] != "sure" and not result["schema"]["chosen_by_user"]:
        blocking.append({"code": "schema-a-confirmer", "message": tk._(
            "Le type de données n'est reconnu qu'avec un score de {score}/100 ({title}) : confirmez-le en le "
            "choisissant (paramètre « schema », par exemple {spec}).").format(
            score=round(detection["score"]), title=result["schema"]["title"],
            spec=f"{result['schema']['name']}@{result['schema']['version']}")})
    if not owner_org:
        blocking += [p for p in result["problems"] if p["code"].startswith("authority")] or [
            {"code": "authority-absente", "message": tk._("Choisissez l'organisation qui publie.")}]
    return blocking


def _resource_dict(result: dict, path: str, filename: str) -> dict:
    fmt = (result["file"].get("format") or os.path.splitext(filename)[1].lstrip(".")).upper()
    return {
        "name": filename,
        "format": fmt,
        "schema_name": result["schema"]["name"],
        "schema_version": result["schema"]["version"],
        "url": filename,
        "upload": FileStorage(open(path, "rb"), filename=filename),
    }


def _purge(context: dict, dataset_id: str) -> None:
    try:
        tk.get_action("dataset_purge")(_site_context(context), {"id": dataset_id})
    except Exception:  # pragma: no cover - log, the original error is what the user needs
        log.exception("could not purge half-created dataset %s", dataset_id)


def _publish(context: dict, data_dict: dict, result: dict, path: str, filename: str, mode: str) -> dict:
    found = result["authority"]
    owner_org = data_dict.get("owner_org") or (found.get("organisation") or {}).get("id")
    blocking = _blocking(result, owner_org)
    if not data_dict.get("owner_org") and found.get("by") == "nom":
        blocking.append({"code": "authority-a-confirmer", "message": tk._(
            "La collectivité n'est reconnue que par son nom ({title}) : confirmez-la en la choisissant "
            "(paramètre « owner_org »).").format(title=found["organisation"]["title"])})
    if blocking:
        raise tk.ValidationError({"publication": [p["message"] for p in blocking]})
    metadata = _metadata(result, data_dict)
    metadata["owner_org"] = owner_org
    tk.check_access("package_create", _fresh(context), {"owner_org": owner_org, "type": metadata["type"]})
    held = hold_private() and bool(result["privacy"]["findings"])
    metadata["private"] = mode == "brouillon" or held
    existing = None
    dataset_id = data_dict.get("dataset_id")
    try:
        existing = tk.get_action("package_show")(_fresh(context), {"id": dataset_id or metadata["name"]})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        if dataset_id:
            raise tk.ValidationError({"dataset_id": [tk._("Jeu de données à mettre à jour introuvable.")]})
    resource = _resource_dict(result, path, filename)
    if existing is not None:
        return _update(context, existing, metadata, resource, held, result)
    payload = {k: v for k, v in metadata.items() if k not in ("schema_version",)}
    stream = resource["upload"].stream
    dataset = tk.get_action("package_create")(_fresh(context), payload)
    try:
        resource["package_id"] = dataset["id"]
        created = tk.get_action("resource_create")(_fresh(context), resource)
    except Exception:
        _purge(context, dataset["id"])
        raise
    finally:
        stream.close()
    dataset = tk.get_action("package_show")(_fresh(context), {"id": dataset["id"]})
    return {"action": "created", "dataset": _summary(dataset), "resource": {"id": created["id"], "name": created["name"]},
            "held_private": held}


def _update(context: dict, existing: dict, metadata: dict, resource: dict, held: bool, result: dict) -> dict:
    """A new file for an existing socle dataset: the socle resource of the same schema gets the new
    file (CKAN's activity stream keeps the previous versions), or a resource is added."""
    if existing.get("type") != metadata["type"]:
        raise tk.ValidationError({"name": [tk._(
            "L'adresse « {name} » est déjà prise par un jeu d'un autre type : choisissez-en une autre.").format(
            name=existing["name"])]})
    tk.check_access("package_update", _fresh(context), {"id": existing["id"]})
    previous = next((r for r in existing.get("resources") or []
                     if r.get("schema_name") == metadata["type"]), None)
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%d/%m/%Y")
    stream = resource["upload"].stream
    try:
        if previous is not None:
            resource["id"] = previous["id"]
            resource["package_id"] = existing["id"]
            resource["description"] = tk._("Fichier remplacé le {date} (version précédente : historique des "
                                           "activités du jeu).").format(date=stamp)
            saved = tk.get_action("resource_update")(_fresh(context), resource)
        else:
            resource["package_id"] = existing["id"]
            saved = tk.get_action("resource_create")(_fresh(context), resource)
    finally:
        stream.close()
    patch = {"id": existing["id"]}
    if metadata.get("temporal_coverage"):
        patch["temporal_coverage"] = metadata["temporal_coverage"]
    if held or metadata["private"]:
        patch["private"] = True
    if len(patch) > 1:
        tk.get_action("package_patch")(_fresh(context), patch)
    dataset = tk.get_action("package_show")(_fresh(context), {"id": existing["id"]})
    return {"action": "updated", "dataset": _summary(dataset), "resource": {"id": saved["id"], "name": saved["name"]},
            "held_private": held}


def _summary(dataset: dict) -> dict:
    return {"id": dataset["id"], "name": dataset["name"], "title": dataset["title"], "type": dataset["type"],
            "private": dataset.get("private", False),
            "url": tk.url_for(f"{dataset['type']}.read", id=dataset["name"], _external=True)}


def socle_publish_file(context, data_dict):
    """Upload a socle file (multipart ``upload``) or reuse a dropped one (``token``).

    ``mode``: ``analyser`` (default: nothing is created), ``publier`` or ``brouillon`` (private).
    Optional: ``schema`` (``name@version``), ``owner_org``, ``title``, ``name``, ``notes``,
    ``license_id``, ``frequency``, ``socle_communes``, ``temporal_start``, ``temporal_end``,
    ``dataset_id`` (the dataset to update). Returns the detection, the authority, the conformity
    report with its ``privacy`` section, the proposed metadata and, when published, the dataset.
    """
    tk.check_access("socle_publish_file", context, data_dict)
    mode = (data_dict.get("mode") or "analyser").strip()
    if mode not in MODES:
        raise tk.ValidationError({"mode": [tk._("Mode inconnu : analyser, publier ou brouillon.")]})
    user = context.get("user") or ""
    config = settings()
    try:
        token, path, filename = _file_from(data_dict, user, config.max_bytes)
    except analysis.PublishProblem as problem:
        raise tk.ValidationError({"upload": [problem.message]})
    orgs = organisations(context)
    try:
        result = analysis.analyse(path, filename=filename, schema=data_dict.get("schema") or None,
                                  owner_org=data_dict.get("owner_org") or None, organisations=orgs,
                                  find_commune=find_commune, settings=config)
    except analysis.PublishProblem as problem:
        stash.discard(token, user)
        raise tk.ValidationError({"upload": [problem.message]})
    result["token"] = token
    result["mode"] = mode
    result["hold_private"] = hold_private()
    org = result["authority"].get("organisation")
    if org:
        org["can_publish"] = next((o["can_publish"] for o in orgs if o["id"] == org["id"]), False)
    if mode == "analyser":
        return result
    try:
        result["publication"] = _publish(context, data_dict, result, path, filename, mode)
    except (tk.ValidationError, tk.NotAuthorized):
        if not data_dict.get("token"):  # one API call: no token was handed out, forget the file
            stash.discard(token, user)
        raise
    stash.discard(token, user)
    result.pop("token", None)
    return result


def socle_publish_confirm(context, data_dict):
    """A person checked the personal-data findings: the dataset becomes public."""
    dataset_id = tk.get_or_bust(data_dict, "id")
    tk.check_access("socle_publish_confirm", context, {"id": dataset_id})
    if not tk.asbool(data_dict.get("confirm")):
        raise tk.ValidationError({"confirm": [tk._(
            "Cochez la case qui confirme que le fichier ne contient pas de données personnelles.")]})
    tk.get_action("package_patch")(_fresh(context), {"id": dataset_id, "private": False})
    dataset = tk.get_action("package_show")(_fresh(context), {"id": dataset_id})
    return _summary(dataset)


def get_actions():
    return {"socle_publish_file": socle_publish_file, "socle_publish_confirm": socle_publish_confirm}
