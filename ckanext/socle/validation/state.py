"""What a resource's conformity state is, from its fields and its newest stored run.

Six states, one vocabulary everywhere (badges, index, API, SVG):
``conforme``, ``a_ameliorer``, ``non_conforme`` (the engine ran), ``erreur`` (the file could not be
read, or a technical error), ``en_cours`` (a job is waiting or running), ``non_verifie`` (no run,
or the newest run is about another file or schema version: *stale*).
"""
from __future__ import annotations

import datetime
import hashlib
import json
import os
from typing import Any, Optional
from urllib.parse import urlsplit

import ckan.plugins.toolkit as tk

STATES = ("conforme", "a_ameliorer", "non_conforme", "erreur", "en_cours", "non_verifie")
# Worst first: a dataset shows the worst state of its socle resources.
SEVERITY = ("erreur", "non_conforme", "a_ameliorer", "en_cours", "non_verifie", "conforme")
ENGINE_LEVELS = ("conforme", "a_ameliorer", "non_conforme", "erreur")
FINGERPRINT_FIELDS = ("url", "url_type", "format", "schema_name", "schema_version")


def config_list(key: str, default: str = "") -> list[str]:
    value = tk.config.get(key, default)
    if isinstance(value, str):
        value = value.split()
    return [str(v).strip().lower() for v in value or [] if str(v).strip()]


def is_candidate(resource: dict) -> bool:
    """A resource that carries an SCDL schema and holds a table (by format or URL extension)."""
    if not (resource.get("schema_name") or "").strip():
        return False
    formats = config_list("ckanext.socle.validation.formats", "csv tsv txt xlsx xls ods")
    fmt = (resource.get("format") or "").strip().lower().lstrip(".")
    if fmt:
        return fmt in formats or fmt.split("/")[-1] in formats
    ext = os.path.splitext(urlsplit(resource.get("url") or "").path)[1].lower().lstrip(".")
    return ext in formats


def fingerprint(resource: dict) -> str:
    """Hash of what a run validated: the file (URL, or upload and its date/size), its format and
    the schema and version. A job's own write (the summary fields) never changes it."""
    values: dict[str, Any] = {k: str(resource.get(k) or "").strip() for k in FINGERPRINT_FIELDS}
    values["format"] = values["format"].lower()
    if resource.get("url_type") == "upload":
        values["url"] = os.path.basename(urlsplit(values["url"]).path)
        values["size"] = str(resource.get("size") or "")
        values["last_modified"] = _stamp(resource.get("last_modified"))
    return hashlib.sha1(json.dumps(values, sort_keys=True).encode("utf-8")).hexdigest()[:20]


def _stamp(value: Any) -> str:
    """One text form for a date read from a dict or from the model (datetime or ISO text)."""
    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=None).isoformat()
    text = str(value or "").strip()
    try:
        return datetime.datetime.fromisoformat(text.replace("Z", "")).replace(tzinfo=None).isoformat()
    except ValueError:
        return text


def _timeout_passed(run: dict) -> bool:
    """A pending run older than the job time-out (plus margin) can no longer finish."""
    stamp = run.get("started") or run.get("created")
    if not stamp:
        return False
    limit = int(tk.config.get("ckanext.socle.validation.job_timeout") or 600)
    started = datetime.datetime.fromisoformat(stamp)
    queued_grace = 24 * 3600 if not run.get("started") else 0  # a queue may be long; a job is not
    return (datetime.datetime.utcnow() - started).total_seconds() > limit + 120 + queued_grace


def resource_state(resource: dict, run: Optional[dict]) -> dict:
    """``{"state", "stale", "technical", "run"}`` for a socle resource, ``{}`` for another one."""
    if not is_candidate(resource):
        return {}  # no schema, or not a table (a PDF notice in a socle dataset): no badge
    result = {"state": "non_verifie", "stale": False, "technical": False, "run": run}
    if not run:
        return result
    if run["status"] in ("queued", "running"):
        if _timeout_passed(run):
            result.update(state="erreur", technical=True)
        else:
            result["state"] = "en_cours"
        return result
    if run.get("fingerprint") != fingerprint(resource):
        result["stale"] = True
        return result
    if run["status"] == "error":
        result.update(state="erreur", technical=True)
    else:
        result["state"] = run.get("level") if run.get("level") in ENGINE_LEVELS else "erreur"
    return result


def worst(states: list[str]) -> Optional[str]:
    present = [s for s in states if s in SEVERITY]
    return min(present, key=SEVERITY.index) if present else None


def validation_status(run: dict) -> str:
    """ckanext-validation's ``validation_status`` for a run."""
    if run["status"] == "running":
        return "running"
    if run["status"] == "queued":
        return "created"
    if run["status"] == "error":
        return "error"
    return "success" if run.get("level") == "conforme" else "failure"


def labels() -> dict[str, str]:
    """French labels of the states (text on every badge: colour is never the only cue)."""
    return {
        "conforme": tk._("conforme"),
        "a_ameliorer": tk._("à améliorer"),
        "non_conforme": tk._("non conforme"),
        "erreur": tk._("erreur"),
        "en_cours": tk._("vérification en cours"),
        "non_verifie": tk._("non vérifié"),
    }


def label(state_info: dict) -> str:
    state = state_info.get("state")
    if state == "erreur" and state_info.get("technical"):
        return tk._("erreur technique")
    if state == "erreur":
        return tk._("fichier illisible")
    if state == "non_verifie" and state_info.get("stale"):
        return tk._("non vérifié (résultat périmé)")
    return labels().get(state, state or "")
