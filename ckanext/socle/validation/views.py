"""Pages of socle_validation: report (HTML, JSON, CSV), embeddable SVG badges, pre-publication check."""
from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections import OrderedDict
from urllib.parse import urlencode

import ckan.plugins.toolkit as tk
from flask import Blueprint, Response, request

from . import badges, engine, fetch, helpers, search, state
from .logic.action import run_with_state
from .model import get as get_run, history, latest

blueprint = Blueprint("socle_validation", __name__)
CSV_COLUMNS = ("code", "severity", "scope", "row", "column", "column_number", "value", "message", "hint")


def _context() -> dict:
    return {"user": tk.current_user.name if tk.current_user.is_authenticated else "",
            "auth_user_obj": tk.current_user if tk.current_user.is_authenticated else None}


def _load(resource_id: str, dataset_id: str | None = None):
    """Resource and dataset as the current user may see them; 404 otherwise (private stays hidden)."""
    try:
        resource = tk.get_action("resource_show")(_context(), {"id": resource_id})
        package = tk.get_action("package_show")(_context(), {"id": resource["package_id"]})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return tk.abort(404, tk._("Ressource introuvable."))
    if dataset_id and dataset_id not in (package["id"], package["name"]):
        return tk.abort(404, tk._("Ressource introuvable."))
    return resource, package


def _selected_run(resource: dict):
    run_id = request.args.get("run")
    run = get_run(run_id) if run_id else latest(resource["id"])
    if run_id and (run is None or run.resource_id != resource["id"]):
        return tk.abort(404, tk._("Vérification introuvable."))
    return run


def _grouped(issues: list[dict]) -> list[dict]:
    groups: "OrderedDict[str, dict]" = OrderedDict()
    for issue in issues:
        group = groups.setdefault(issue.get("code") or "?", {"code": issue.get("code"), "items": [],
                                                             "hint": issue.get("hint"),
                                                             "scope": issue.get("scope")})
        group["items"].append(issue)
        group["hint"] = group["hint"] or issue.get("hint")
    return list(groups.values())


def _validata_link(resource: dict, package: dict, run: dict | None) -> str:
    """Validata with the schema, and the file's URL when Validata can read it (public dataset)."""
    base = tk.config.get("ckanext.socle.validation.validata_url")
    if not base or not run or not run.get("schema_url"):
        return ""
    params = {"schema": run["schema_url"]}
    if not package.get("private") and (resource.get("url") or "").startswith(("http://", "https://")):
        params["url"] = resource["url"]
    return f"{base}?{urlencode(params)}"


def report(id: str, resource_id: str):
    resource, package = _load(resource_id, id)
    run = _selected_run(resource)
    data = run_with_state(resource, run, with_report=True) if run else None
    rep = (data or {}).get("report") or {}
    entry = None
    try:
        from ckanext.socle.catalogue import get_catalogue

        entry = get_catalogue().get(engine.schema_spec(resource.get("schema_name") or "", resource.get("schema_version") or ""))
    except Exception:
        pass
    can_run = tk.h.check_access("socle_validation_run", {"resource_id": resource["id"]})
    return tk.render("socle/validation/report.html", {
        "pkg": package, "package": package, "res": resource, "run": data, "report": rep,
        "state": helpers.socle_validation_resource_state(resource),
        "error_groups": _grouped(rep.get("errors") or []), "warning_groups": _grouped(rep.get("warnings") or []),
        "history": [r.as_dict() for r in history(resource["id"], 50)], "schema_entry": entry,
        "validata_url": _validata_link(resource, package, data), "can_run": can_run,
    })


def report_json(id: str, resource_id: str):
    resource, _package = _load(resource_id, id)
    run = _selected_run(resource)
    if run is None:
        return tk.abort(404, tk._("Aucune vérification enregistrée pour cette ressource."))
    body = json.dumps(run_with_state(resource, run, with_report=True), ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="conformite-{resource["id"]}.json"'})


def report_csv(id: str, resource_id: str):
    resource, _package = _load(resource_id, id)
    run = _selected_run(resource)
    if run is None:
        return tk.abort(404, tk._("Aucune vérification enregistrée pour cette ressource."))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    rep = run.report or {}
    for issue in (rep.get("errors") or []) + (rep.get("warnings") or []):
        row = {k: issue.get(k) for k in CSV_COLUMNS}
        # Values come from the published file: defuse spreadsheet formulas.
        for key in ("value", "column"):
            if isinstance(row[key], str) and row[key][:1] in ("=", "+", "-", "@"):
                row[key] = "'" + row[key]
        writer.writerow(row)
    if run.status == "error" and run.error:
        writer.writerow({"code": "technical-error", "severity": "error", "message": run.error})
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="conformite-{resource["id"]}.csv"'})


def run_now(id: str, resource_id: str):
    resource, package = _load(resource_id, id)
    try:
        tk.get_action("socle_validation_run")(_context(), {"resource_id": resource["id"]})
        tk.h.flash_success(tk._("Vérification demandée : le résultat s'affichera dans quelques instants."))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Vous ne pouvez pas relancer cette vérification."))
    except tk.ValidationError as error:
        tk.h.flash_error(" ".join(str(v) for values in error.error_dict.values() for v in values))
    return tk.redirect_to("socle_validation.report", id=package["name"], resource_id=resource["id"])


# -- SVG badges --------------------------------------------------------------------------------
def _svg_response(body: str, public: bool) -> Response:
    max_age = int(tk.config.get("ckanext.socle.validation.badge.max_age") or 900)
    response = Response(body, mimetype="image/svg+xml")
    response.headers["Cache-Control"] = (f"public, max-age={max_age}" if public else "private, no-store")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response.headers["Access-Control-Allow-Origin"] = "*" if public else "null"
    return response


def resource_badge(resource_id: str):
    resource, package = _load(resource_id)
    info = helpers.socle_validation_resource_state(resource) or {"state": "non_verifie", "label": tk._("sans schéma")}
    response = _svg_response(badges.svg(tk._("SCDL"), info["label"], info["state"]), not package.get("private"))
    run = info.get("run")
    if run and run.get("finished"):
        response.headers["Last-Modified"] = _http_date(run["finished"])
    return response


def dataset_badge(id: str):
    try:
        package = tk.get_action("package_show")(_context(), {"id": id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return tk.abort(404, tk._("Jeu de données introuvable."))
    info = helpers.socle_validation_dataset_state(package)
    if not info:
        body = badges.svg(tk._("SCDL"), tk._("sans schéma"), "non_verifie")
    else:
        ok = info["counts"].get("conforme", 0)
        text = info["label"] if info["total"] == 1 else tk._("{label} ({ok}/{total} conformes)").format(
            label=info["label"], ok=ok, total=info["total"])
        body = badges.svg(tk._("SCDL"), text, info["state"])
    return _svg_response(body, not package.get("private"))


def _http_date(iso: str) -> str:
    import datetime
    from email.utils import format_datetime

    return format_datetime(datetime.datetime.fromisoformat(iso).replace(tzinfo=datetime.timezone.utc), usegmt=True)


# -- "vérifier avant de publier" ---------------------------------------------------------------
def check():
    """Run the engine on a chosen file (or URL) and a schema, without saving anything."""
    try:
        tk.check_access("socle_validation_check", _context(), {})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Connectez-vous pour vérifier un fichier."))
    fragment = request.args.get("fragment") == "1" or request.headers.get("X-Requested-With") == "XMLHttpRequest"
    extra = {"schemas": _schema_choices(), "form": request.form, "report": None, "problem": None}
    if request.method == "POST":
        extra.update(_run_check())
    template = "socle/validation/check_result.html" if fragment else "socle/validation/check.html"
    return tk.render(template, extra)


def _schema_choices() -> list[dict]:
    try:
        from ckanext.socle.catalogue import get_catalogue

        return [{"name": e.name, "version": e.version, "title": e.title} for e in get_catalogue().entries()]
    except Exception:
        return []


def _run_check() -> dict:
    name = (request.form.get("schema_name") or "").strip()
    version = (request.form.get("schema_version") or "").strip()
    if "@" in name and not version:
        name, version = name.split("@", 1)
    if not name:
        return {"problem": tk._("Choisissez le schéma SCDL du fichier.")}
    limit = int(tk.config.get("ckanext.socle.validation.check.max_bytes") or 10485760)
    upload = request.files.get("upload")
    url = (request.form.get("url") or "").strip()
    suffix = os.path.splitext(getattr(upload, "filename", "") or url)[1][:6]
    handle = tempfile.NamedTemporaryFile(prefix="socle-check-", suffix=suffix, delete=False)
    try:
        with handle:
            if upload and upload.filename:
                fetch._write_limited(iter(lambda: upload.stream.read(65536), b""), handle, limit)
            elif url:
                fetch.download(url, handle, limit=limit)
            else:
                return {"problem": tk._("Choisissez un fichier ou indiquez son adresse.")}
        rep = engine.run(handle.name, name, version, max_bytes=limit).to_dict()
    except fetch.FetchError as error:
        return {"problem": str(error)}
    finally:
        os.unlink(handle.name)
    info = {"state": rep["level"]}
    return {"report": rep, "state": {**info, "label": state.label(info), "colour": badges.COLOURS[rep["level"]]},
            "error_groups": _grouped(rep.get("errors") or []), "warning_groups": _grouped(rep.get("warnings") or []),
            "schema_name": name, "schema_version": version}


blueprint.add_url_rule("/dataset/<id>/resource/<resource_id>/conformite", view_func=report)
blueprint.add_url_rule("/dataset/<id>/resource/<resource_id>/conformite.json", view_func=report_json)
blueprint.add_url_rule("/dataset/<id>/resource/<resource_id>/conformite.csv", view_func=report_csv)
blueprint.add_url_rule("/dataset/<id>/resource/<resource_id>/conformite/verifier", view_func=run_now,
                       methods=["POST"])
blueprint.add_url_rule("/socle/badge/resource/<resource_id>.svg", view_func=resource_badge)
blueprint.add_url_rule("/socle/badge/dataset/<id>.svg", view_func=dataset_badge)
blueprint.add_url_rule("/socle/verifier", view_func=check, methods=["GET", "POST"])


def get_blueprints():
    return [blueprint]
