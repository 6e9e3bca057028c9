"""Pages of the clause registry (blueprint ``socle_clauses``).

/clauses                                catalogue: French full-text search and filters
/clauses/modele/<slug>                  a template: text, variables, legal bases, history
/clauses/modele/<slug>/diff             differences between two versions
/clauses/modele/<slug>/utiliser         "utiliser cette clause": fill, preview, create
/clauses/instance/<id>                  a filled clause, downloads, delivery tracking
/clauses/instance/<id>/telecharger/<f>  html | md | docx | odt | csv
/organization/clauses/<id>              an organisation's clauses with delivery tracking
"""
from __future__ import annotations

import flask
from flask import Blueprint

import ckan.plugins.toolkit as tk

from ckanext.socle.clauses import compose, diff, render, schedule, tracking, vocab, writers
from ckanext.socle.clauses import variables as V
from ckanext.socle.clauses.logic import action, auth

_ = tk._
clauses = Blueprint("socle_clauses", __name__)
EMPTY_ROWS = 2


def _context() -> dict:
    return {"user": tk.current_user.name if tk.current_user.is_authenticated else "",
            "auth_user_obj": tk.current_user if tk.current_user.is_authenticated else None}


def _common() -> dict:
    return {"vocab": vocab, "label": vocab.label, "tracking_levels": tracking.LEVELS,
            "states": schedule.STATES, "formats": compose.FORMATS,
            "is_editor": auth.is_template_editor(_context())}


def _action(name, data, context=None):
    return tk.get_action(name)(context or _context(), data)


def _template(slug, version=None):
    try:
        return _action("socle_clause_template_show", {"id": slug, "version": version})
    except tk.ObjectNotFound:
        return tk.abort(404, _("Modèle de clause introuvable."))


def index():
    args = flask.request.args
    filters = {key: (args.get(key) or "").strip()[:100]
               for key in ("q", "contract_kind", "sector", "schema", "status")}
    templates = _action("socle_clause_template_list", dict(filters))
    schemas = sorted({ref.split("@")[0] for t in _action("socle_clause_template_list", {})
                      for ref in t["schemas"]})
    return tk.render("socle/clauses/index.html", {
        **_common(), "templates": templates, "filters": filters, "schema_choices": schemas})


def _preview_html(template, version, clean, preview=True):
    try:
        doc = compose.build_document(template, version, clean, preview=preview)
    except render.ClauseRenderError as exc:
        return None, exc.messages
    return writers.to_html(doc), []


def read(slug):
    version_number = flask.request.args.get("version")
    template = _template(slug, version_number)
    version = template["version"]
    html, problems = _preview_html(template, version, {})
    variables = compose.version_variables(version)
    return tk.render("socle/clauses/read.html", {
        **_common(), "template": template, "version": version, "preview": html,
        "problems": problems, "variables": variables,
        "superseded": _successor(template)})


def _successor(template):
    if not template.get("superseded_by"):
        return None
    try:
        return _action("socle_clause_template_show", {"id": template["superseded_by"]})
    except tk.ObjectNotFound:
        return None


def version_diff(slug):
    template = _template(slug)
    numbers = [v["number"] for v in template["versions"]]
    args = flask.request.args
    try:
        old = int(args.get("de") or (numbers[-2] if len(numbers) > 1 else numbers[-1]))
        new = int(args.get("a") or numbers[-1])
    except ValueError:
        return tk.abort(400, _("Numéros de version invalides."))
    if old not in numbers or new not in numbers:
        return tk.abort(404, _("Version du modèle introuvable."))
    before = _action("socle_clause_template_show", {"id": slug, "version": old})["version"]
    after = _action("socle_clause_template_show", {"id": slug, "version": new})["version"]
    lines = diff.body_diff(before["body"], after["body"])
    return tk.render("socle/clauses/diff.html", {
        **_common(), "template": template, "before": before, "after": after, "lines": lines,
        "stats": diff.stats(lines),
        "variables": diff.variables_diff(before["variables"], after["variables"])})


def _variables_yaml(version) -> str:
    """The version's variables as YAML: shared names stay names when unchanged."""
    import yaml

    items = []
    for spec in version["variables"]:
        shared = V.SHARED.get(spec["name"])
        items.append(spec["name"] if shared and shared.as_dict() == spec else spec)
    return yaml.safe_dump(items, allow_unicode=True, sort_keys=False, width=100)


def edit(slug):
    """Editors: change the status of a template, add a version."""
    import yaml

    if not auth.is_template_editor(_context()):
        return tk.abort(403, _("Seuls les administrateurs du registre peuvent modifier les modèles de clauses."))
    template = _template(slug)
    version = template["version"]
    form = flask.request.form
    errors: list[str] = []
    fields = {"body": version["body"], "variables": _variables_yaml(version), "changelog": "",
              "legal_texts": "\n".join(version["legal_texts"]),
              "schema_versions": "\n".join(version["schema_versions"])}
    if flask.request.method == "POST":
        step = form.get("step")
        try:
            if step == "status":
                _action("socle_clause_template_update", {
                    "id": template["id"], "status": form.get("status") or template["status"],
                    "superseded_by": form.get("superseded_by") or ""})
                tk.h.flash_success(_("Le modèle a été mis à jour."))
                return tk.redirect_to("socle_clauses.read", slug=slug)
            if step == "version":
                fields.update({key: form.get(key, "") for key in fields})
                try:
                    variables = yaml.safe_load(fields["variables"]) or []
                except yaml.YAMLError as exc:
                    raise tk.ValidationError({"variables": [
                        _("Variables illisibles (YAML) : {error}").format(error=exc)]}) from None
                if not isinstance(variables, list):
                    raise tk.ValidationError({"variables": [_("Les variables forment une liste.")]})
                created = _action("socle_clause_version_create", {
                    "template": template["id"], "body": fields["body"].replace("\r\n", "\n"),
                    "variables": variables, "changelog": fields["changelog"].strip(),
                    "legal_texts": [t.strip() for t in fields["legal_texts"].splitlines() if t.strip()],
                    "schema_versions": [t.strip() for t in fields["schema_versions"].splitlines()
                                        if t.strip()]})
                tk.h.flash_success(_("Version {n} enregistrée.").format(n=created["version"]["number"]))
                return tk.redirect_to("socle_clauses.read", slug=slug)
        except tk.ValidationError as exc:
            for value in exc.error_dict.values():
                errors += value if isinstance(value, list) else [str(value)]
    others = [t["slug"] for t in _action("socle_clause_template_list", {}) if t["slug"] != slug]
    transitions = [template["status"], *sorted(vocab.STATUS_TRANSITIONS[template["status"]])]
    return tk.render("socle/clauses/edit.html", {
        **_common(), "template": template, "version": version, "fields": fields,
        "errors": errors, "others": others, "transitions": transitions})


# ------------------------------------------------------------------------------ the form
def _user_organizations():
    if not tk.current_user.is_authenticated:
        return []
    return tk.get_action("organization_list_for_user")(
        {"ignore_auth": True, "user": tk.current_user.name},
        {"id": tk.current_user.name, "permission": "create_dataset"})


def _raw_from_form(form, variables) -> dict:
    raw = {}
    for var in variables:
        if var.type == "datasets":
            rows = []
            for index in range(V.MAX_ROWS):
                prefix = f"datasets-{index}-"
                if not any(key.startswith(prefix) for key in form):
                    break
                rows.append({col.name: form.get(prefix + col.name, "")
                             for col in V.DATASET_COLUMNS})
            raw[var.name] = rows
        elif var.type == "bool":
            raw[var.name] = bool(form.get(var.name))
        else:
            raw[var.name] = form.get(var.name, "")
    return raw


def _form_rows(raw_rows, extra: int) -> list[dict]:
    rows = [row for row in raw_rows or [] if any(str(v).strip() for v in row.values())]
    return rows + [{} for _ in range(extra)]


def use(slug):
    template = _template(slug)
    version = template["version"]
    variables = compose.instance_variables(version)
    organizations = _user_organizations()
    form = flask.request.form if flask.request.method == "POST" else flask.request.args
    org_ref = form.get("organization") or (organizations[0]["name"] if organizations else "")
    organization = next((o for o in organizations if org_ref in (o["id"], o["name"])), None)
    step = form.get("step") or ""
    errors, preview, problems = {}, None, []
    if flask.request.method == "POST" and step != "prefill":
        raw = _raw_from_form(form, variables)
    else:
        raw = {}
    if organization is not None:
        full_org = tk.get_action("organization_show")(
            {"ignore_auth": True}, {"id": organization["id"], "include_datasets": False})
        prefill = V.prefill(variables, full_org, portal_url=tk.config.get("ckan.site_url") or "")
        raw = {**prefill, **{k: v for k, v in raw.items() if v not in ("", None, [])}}
    extra_rows = EMPTY_ROWS + (3 if step == "add_rows" else 0)
    if flask.request.method == "POST" and step in ("preview", "create"):
        clean, errors = compose.validate_instance(version, raw)
        if step == "create" and not errors and organization is not None:
            try:
                instance = _action("socle_clause_instance_create", {
                    "template": template["slug"], "version": version["number"],
                    "organization": organization["id"], "values": raw,
                    "private": not form.get("public")})
            except tk.ValidationError as exc:
                errors = {k: (v if isinstance(v, str) else " ".join(map(str, v)))
                          for k, v in exc.error_dict.items()}
            except tk.NotAuthorized:
                return tk.abort(403, _("Seuls les éditeurs de l'organisation peuvent y créer une clause."))
            else:
                tk.h.flash_success(_("La clause a été créée. Vous pouvez la télécharger."))
                return tk.redirect_to("socle_clauses.instance", id=instance["id"])
        if step == "create" and organization is None:
            errors["organization"] = _("Choisissez l'organisation pour laquelle vous remplissez la clause.")
        preview, problems = _preview_html(template, version, clean, preview=True)
    return tk.render("socle/clauses/use.html", {
        **_common(), "template": template, "version": version, "variables": variables,
        "columns": V.DATASET_COLUMNS, "raw": raw,
        "rows": _form_rows(raw.get("datasets"), extra_rows), "errors": errors,
        "organizations": organizations, "organization": organization, "preview": preview,
        "problems": problems, "public": bool(form.get("public"))})


# ------------------------------------------------------------------------------ instances
def _instance(instance_id, with_tracking=False):
    try:
        return _action("socle_clause_instance_show", {"id": instance_id, "tracking": with_tracking})
    except tk.ObjectNotFound:
        return tk.abort(404, _("Clause introuvable."))
    except tk.NotAuthorized:
        return tk.abort(403, _("Cette clause est privée à son organisation."))


def instance(id):
    data = _instance(id, with_tracking=True)
    doc, _unused = action.instance_document(_context(), id)
    return tk.render("socle/clauses/instance.html", {
        **_common(), "instance": data, "document": writers.to_html(doc),
        "can_edit": auth.can_edit_organization(_context(), data["organization_id"])})


def download(id, fmt):
    data = _instance(id)
    if fmt not in compose.FORMATS:
        return tk.abort(404, _("Format inconnu."))
    result = _action("socle_clause_render", {"instance_id": id, "format": fmt})
    if "content_base64" in result:
        import base64
        payload = base64.b64decode(result["content_base64"])
    elif fmt == "csv":
        payload = ("\ufeff" + result["content"].lstrip("\ufeff")).encode("utf-8")
    else:
        payload = result["content"].encode("utf-8")
    mimetype, extension = compose.FORMATS[fmt]
    safe_ref = "".join(ch if ch.isalnum() or ch in "-_" else "-"
                       for ch in data["contract_reference"])[:60] or "contrat"
    name = f"clause-{data['template_slug']}-{safe_ref}{'-annexe' if fmt == 'csv' else ''}.{extension}"
    response = flask.make_response(payload)
    response.headers["Content-Type"] = mimetype
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def organization_instances(id):
    try:
        organization = tk.get_action("organization_show")(
            _context(), {"id": id, "include_datasets": False})
        instances = _action("socle_clause_instance_list", {"organization": id, "tracking": True})
    except tk.ObjectNotFound:
        return tk.abort(404, _("Organisation introuvable."))
    except tk.NotAuthorized:
        return tk.abort(403, _("Accès refusé."))
    return tk.render("socle/clauses/organization.html", {
        **_common(), "organization": organization, "group_dict": organization,
        "group_type": "organization", "instances": instances,
        "can_edit": auth.can_edit_organization(_context(), organization["id"])})


clauses.add_url_rule("/clauses", view_func=index)
clauses.add_url_rule("/clauses/modele/<slug>", view_func=read)
clauses.add_url_rule("/clauses/modele/<slug>/diff", view_func=version_diff)
clauses.add_url_rule("/clauses/modele/<slug>/edition", view_func=edit, methods=["GET", "POST"])
clauses.add_url_rule("/clauses/modele/<slug>/utiliser", view_func=use, methods=["GET", "POST"])
clauses.add_url_rule("/clauses/instance/<id>", view_func=instance)
clauses.add_url_rule("/clauses/instance/<id>/telecharger/<fmt>", view_func=download)
clauses.add_url_rule("/organization/clauses/<id>", view_func=organization_instances)


def get_blueprints():
    return [clauses]
