"""API actions of the clause registry (plugin ``socle_clauses``).

Templates: ``socle_clause_template_list/show/create/update``, ``socle_clause_version_create``.
Rendering: ``socle_clause_render`` (a template version with values, or a stored instance).
Instances: ``socle_clause_instance_create/show/list``. Error messages are French.
"""
from __future__ import annotations

import base64

import ckan.plugins.toolkit as tk

from ckanext.socle.clauses import compose, model, registry, render, tracking, vocab
from ckanext.socle.clauses import variables as V
from ckanext.socle.clauses.logic import auth

_ = tk._
TEMPLATE_FIELDS = ("title", "title_en", "summary", "summary_en", "contract_kinds", "sectors",
                   "legal_references", "schemas", "text_licence", "attribution", "status",
                   "superseded_by")


def _require(data_dict: dict, key: str) -> str:
    value = data_dict.get(key)
    if value in (None, ""):
        raise tk.ValidationError({key: [_("Valeur obligatoire.")]})
    return value


def _template_or_404(context, ref: str) -> model.ClauseTemplate:
    template = model.get_template(ref)
    if template is None or (template.status not in auth.READABLE_STATUSES
                            and not auth.is_template_editor(context)):
        raise tk.ObjectNotFound(_("Modèle de clause introuvable."))
    return template


def _version_of(template: model.ClauseTemplate, number) -> model.ClauseVersion:
    if number in (None, ""):
        version = template.latest
    else:
        try:
            version = template.version(int(number))
        except (TypeError, ValueError):
            version = None
    if version is None:
        raise tk.ObjectNotFound(_("Version du modèle introuvable."))
    return version


def _as_list(value) -> list:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        return [item for item in value.replace(",", " ").split() if item]
    return list(value)


# ------------------------------------------------------------------------------ templates
@tk.side_effect_free
def socle_clause_template_list(context, data_dict):
    """Templates, French full-text search and filters.

    :param q: words searched in titles, summaries, legal references and texts (French)
    :param contract_kind: a code of ``vocab.CONTRACT_KINDS``
    :param sector: a code of ``vocab.SECTORS``
    :param schema: ``name`` or ``name@version``
    :param status: a status; readers only see published and deprecated templates
    """
    tk.check_access("socle_clause_template_list", context, data_dict)
    editor = auth.is_template_editor(context)
    status = data_dict.get("status") or ""
    if status:
        statuses = [status] if editor or status in auth.READABLE_STATUSES else ["__none__"]
    else:
        statuses = None if editor else list(auth.READABLE_STATUSES)
    found = model.search_templates(
        str(data_dict.get("q") or ""), statuses=statuses,
        contract_kind=data_dict.get("contract_kind") or "", sector=data_dict.get("sector") or "",
        schema=data_dict.get("schema") or "")
    return [template.as_dict() for template in found]


@tk.side_effect_free
def socle_clause_template_show(context, data_dict):
    """A template with its version history and one full version (``version``, default latest).

    :param id: id or slug
    :param version: version number (optional)
    """
    tk.check_access("socle_clause_template_show", context, data_dict)
    template = _template_or_404(context, _require(data_dict, "id"))
    version = _version_of(template, data_dict.get("version"))
    data = template.as_dict()
    data["versions"] = [v.as_dict(with_body=False) for v in template.versions]
    data["version"] = version.as_dict()
    return data


def _check_template_dict(data: dict):
    problems = registry.check_template(data)
    if problems:
        raise tk.ValidationError({"template": problems})


def _version_row(template_id: str, number: int, spec: dict, author: str) -> model.ClauseVersion:
    variables = registry.declared_variables(spec)
    return model.ClauseVersion(
        template_id=template_id, number=number, body=spec["body"],
        variables=[v.as_dict() for v in variables], changelog=spec.get("changelog") or "",
        legal_texts=list(spec.get("legal_texts") or []),
        schema_versions=list(spec.get("schema_versions") or []),
        author=spec.get("author") or author)


def create_template(data: dict, author: str = "") -> model.ClauseTemplate:
    """Store a checked template mapping (with all its versions). Used by the action and the CLI."""
    session = model.session()
    template = model.ClauseTemplate(**{key: data.get(key) for key in TEMPLATE_FIELDS},
                                    slug=data["slug"])
    template.superseded_by = template.superseded_by or None
    session.add(template)
    session.flush()
    for number, spec in enumerate(data["versions"], start=1):
        session.add(_version_row(template.id, int(spec.get("version") or number), spec, author))
    session.flush()
    session.refresh(template)
    template.refresh_search_text()
    session.commit()
    return template


def socle_clause_template_create(context, data_dict):
    """Create a template and its first version(s).

    Same shape as a seed file: ``slug, title, summary, ... , versions: [{body, variables, ...}]``;
    a single version may also be given at the top level (``body``, ``variables``, ``changelog``).
    """
    tk.check_access("socle_clause_template_create", context, data_dict)
    data = dict(data_dict)
    if not data.get("versions") and data.get("body"):
        data["versions"] = [{key: data.pop(key) for key in registry.VERSION_KEYS if key in data}]
    data = registry.normalise(data)
    _check_template_dict(data)
    if model.get_template(data["slug"]) is not None:
        raise tk.ValidationError({"slug": [_("Ce modèle existe déjà.")]})
    template = create_template(data, author=context.get("user") or "")
    return socle_clause_template_show(dict(context), {"id": template.id})


def socle_clause_template_update(context, data_dict):
    """Update a template's metadata (never its versions: add one with socle_clause_version_create).

    Status changes follow draft → reviewed → published → deprecated (see ``vocab``).
    """
    tk.check_access("socle_clause_template_update", context, data_dict)
    template = model.get_template(_require(data_dict, "id"))
    if template is None:
        raise tk.ObjectNotFound(_("Modèle de clause introuvable."))
    current = template.as_dict()
    merged = {**current, **{k: data_dict[k] for k in TEMPLATE_FIELDS if k in data_dict}}
    merged = registry.normalise(merged)
    problems = registry.check_metadata(merged)
    new_status = merged.get("status")
    if new_status != template.status and \
            new_status not in vocab.STATUS_TRANSITIONS.get(template.status, ()):
        problems.append(_("Changement de statut impossible : {old} → {new}.").format(
            old=vocab.label(vocab.STATUSES, template.status),
            new=vocab.label(vocab.STATUSES, new_status)))
    successor = merged.get("superseded_by") or ""
    if successor and (successor == template.slug or model.get_template(successor) is None):
        problems.append(_("Le modèle de remplacement « {slug} » est inconnu.").format(slug=successor))
    if problems:
        raise tk.ValidationError({"template": problems})
    for key in TEMPLATE_FIELDS:
        if key in data_dict:
            setattr(template, key, merged[key] if key != "superseded_by" else (successor or None))
    template.modified = model.utcnow()
    template.refresh_search_text()
    model.session().commit()
    return socle_clause_template_show(dict(context), {"id": template.id})


def socle_clause_version_create(context, data_dict):
    """Add an immutable version to a template.

    :param template: id or slug
    :param body: text with placeholders
    :param variables: list of shared names or variable mappings
    :param changelog: what changed (required)
    :param legal_texts, schema_versions: what the text was written against
    """
    tk.check_access("socle_clause_version_create", context, data_dict)
    template = model.get_template(_require(data_dict, "template"))
    if template is None:
        raise tk.ObjectNotFound(_("Modèle de clause introuvable."))
    _require(data_dict, "changelog")
    spec = {key: data_dict.get(key) for key in registry.VERSION_KEYS if key in data_dict}
    problems = registry.check_version(spec)
    if problems:
        raise tk.ValidationError({"body": problems})
    number = (template.latest.number if template.latest else 0) + 1
    model.session().add(_version_row(template.id, number, spec, context.get("user") or ""))
    template.modified = model.utcnow()
    model.session().flush()
    model.session().refresh(template)
    template.refresh_search_text()
    model.session().commit()
    return socle_clause_template_show(dict(context), {"id": template.id, "version": number})


# ------------------------------------------------------------------------------ rendering
def _organization(context, ref: str) -> dict:
    try:
        return tk.get_action("organization_show")(
            {"ignore_auth": True}, {"id": ref, "include_datasets": False,
                                    "include_users": False, "include_extras": True})
    except tk.ObjectNotFound:
        raise tk.ObjectNotFound(_("Organisation introuvable.")) from None


def prefilled_values(version: dict, organization: dict | None) -> dict:
    if not organization:
        return {}
    return V.prefill(compose.version_variables(version), organization,
                     portal_url=tk.config.get("ckan.site_url") or "")


def _encode(fmt: str, payload: bytes) -> dict:
    if fmt in ("html", "md", "csv"):
        return {"format": fmt, "content": payload.decode("utf-8")}
    return {"format": fmt, "content_base64": base64.b64encode(payload).decode("ascii")}


@tk.side_effect_free
def socle_clause_render(context, data_dict):
    """Render a clause.

    Either ``instance_id`` (a stored instance), or ``template`` (+ ``version``) with ``values``
    (flat dotted names; ``organization`` prefills the authority's values).

    :param format: ``html`` (default), ``md``, ``docx``, ``odt`` or ``csv`` (binary formats come
        back base64-encoded in ``content_base64``)
    :param preview: show missing values as placeholders instead of refusing (default false)
    :returns: ``{format, content | content_base64, errors}``; a final rendering with missing
        required values raises a ValidationError whose messages are French.
    """
    tk.check_access("socle_clause_render", context, data_dict)
    fmt = data_dict.get("format") or "html"
    if fmt not in compose.FORMATS:
        raise tk.ValidationError({"format": [_("Format inconnu : html, md, docx, odt ou csv.")]})
    preview = tk.asbool(data_dict.get("preview", False))
    if data_dict.get("instance_id"):
        doc, _instance = instance_document(context, data_dict["instance_id"])
        return {**_encode(fmt, compose.export(doc, fmt)), "errors": {}}
    template = _template_or_404(context, _require(data_dict, "template"))
    version = _version_of(template, data_dict.get("version")).as_dict()
    organization = _organization(context, data_dict["organization"]) \
        if data_dict.get("organization") else None
    raw = {**prefilled_values(version, organization), **(data_dict.get("values") or {})}
    clean, errors = V.validate(compose.version_variables(version), raw)
    if errors and not preview:
        raise tk.ValidationError({"values": errors})
    try:
        doc = compose.build_document(template.as_dict(), version, clean, preview=preview,
                                     max_chars=_max_chars())
    except render.ClauseRenderError as exc:
        raise tk.ValidationError({"render": exc.messages}) from None
    result = _encode(fmt, compose.export(doc, fmt))
    result["errors"] = errors
    return result


def instance_document(context, instance_id: str):
    """The document of a stored instance (access checked) and the instance dict."""
    instance = socle_clause_instance_show(context, {"id": instance_id})
    template = model.get_template(instance["template_id"])
    version = _version_of(template, instance["version"]).as_dict()
    meta = compose.instance_meta(instance, instance["organization"]["title"])
    try:
        doc = compose.build_document(template.as_dict(), version, instance["values"], meta=meta,
                                     max_chars=_max_chars())
    except render.ClauseRenderError as exc:
        raise tk.ValidationError({"render": exc.messages}) from None
    return doc, instance


def _max_chars() -> int:
    return tk.asint(tk.config.get("ckanext.socle.clauses.max_output_chars") or
                    render.MAX_OUTPUT_CHARS)


# ------------------------------------------------------------------------------ instances
def socle_clause_instance_create(context, data_dict):
    """Fill a template version for one organisation and one contract.

    :param template: id or slug (a published template)
    :param version: number (default latest)
    :param organization: id or name; the user must be an editor of it
    :param values: flat dotted names → raw values (``datasets``: list of annex rows);
        the organisation's own values (name, SIREN, INSEE code...) are prefilled
    :param private: default true (visible only to the organisation's members)
    """
    organization = _organization(context, _require(data_dict, "organization"))
    tk.check_access("socle_clause_instance_create", context,
                    {**data_dict, "organization_id": organization["id"]})
    template = _template_or_404(context, _require(data_dict, "template"))
    if template.status != "published":
        raise tk.ValidationError({"template": [_("Seul un modèle publié peut être utilisé.")]})
    version = _version_of(template, data_dict.get("version"))
    raw = {**prefilled_values(version.as_dict(), organization), **(data_dict.get("values") or {})}
    clean, errors = compose.validate_instance(version.as_dict(), raw)
    reference = clean.get("contract.reference") or ""
    if errors:
        raise tk.ValidationError(errors)
    try:   # refuse now what could not be rendered later
        compose.build_document(template.as_dict(), version.as_dict(), clean,
                               max_chars=_max_chars())
    except render.ClauseRenderError as exc:
        raise tk.ValidationError({"render": exc.messages}) from None
    user = tk.get_action("user_show")({"ignore_auth": True}, {"id": context["user"]}) \
        if context.get("user") else None
    instance = model.ClauseInstance(
        template_id=template.id, version_id=version.id, organization_id=organization["id"],
        contract_reference=reference,
        contract_object=clean.get("contract.object") or str(raw.get("contract.object") or "")[:500],
        values=clean, private=tk.asbool(data_dict.get("private", True)),
        creator_user_id=user["id"] if user else None)
    model.session().add(instance)
    model.session().commit()
    return socle_clause_instance_show(context, {"id": instance.id})


@tk.side_effect_free
def socle_clause_instance_show(context, data_dict):
    """An instance with its organisation and, with ``tracking`` true, its delivery tracking."""
    instance = model.get_instance(_require(data_dict, "id"))
    if instance is None:
        raise tk.ObjectNotFound(_("Clause introuvable."))
    tk.check_access("socle_clause_instance_show", context, {"id": instance.id})
    data = instance.as_dict()
    organization = _organization(context, instance.organization_id)
    data["organization"] = {"id": organization["id"], "name": organization["name"],
                            "title": organization.get("title") or organization["name"]}
    if tk.asbool(data_dict.get("tracking", False)):
        data["tracking"] = tracking.track(data, organization)
    return data


@tk.side_effect_free
def socle_clause_instance_list(context, data_dict):
    """Instances of an organisation (private ones only for its members), newest first.

    :param organization: id or name
    :param tracking: include delivery tracking (default false)
    """
    tk.check_access("socle_clause_instance_list", context, data_dict)
    organization = _organization(context, _require(data_dict, "organization"))
    query = model.session().query(model.ClauseInstance).filter(
        model.ClauseInstance.organization_id == organization["id"])
    member = auth.is_sysadmin(context) or \
        organization["id"] in auth.organizations_for(context, "read")
    if not member:
        query = query.filter(model.ClauseInstance.private.is_(False))
    with_tracking = tk.asbool(data_dict.get("tracking", False))
    out = []
    for instance in query.order_by(model.ClauseInstance.created.desc()).limit(500):
        data = instance.as_dict()
        data["organization"] = {"id": organization["id"], "name": organization["name"],
                                "title": organization.get("title") or organization["name"]}
        if with_tracking:
            data["tracking"] = tracking.track(data, organization)
        out.append(data)
    return out


def get_actions() -> dict:
    return {name: fn for name, fn in globals().items()
            if name.startswith("socle_clause_") and callable(fn)}


# ------------------------------------------------------------------------------ import / export
def export_templates() -> list[dict]:
    """Every template with all its versions, in the seed-file shape (for YAML export)."""
    out = []
    for template in model.session().query(model.ClauseTemplate).order_by(model.ClauseTemplate.slug):
        data = {key: value for key, value in template.as_dict().items()
                if key in registry.TEMPLATE_KEYS}
        data["versions"] = []
        for version in template.versions:
            item = version.as_dict()
            data["versions"].append({
                "version": item["number"], "date": item["created"][:10], "author": item["author"],
                "changelog": item["changelog"], "legal_texts": item["legal_texts"],
                "schema_versions": item["schema_versions"], "variables": item["variables"],
                "body": item["body"]})
        out.append(data)
    return out


def import_templates(templates: list[dict], author: str = "import") -> dict:
    """Create missing templates; for existing ones, update metadata and append the versions whose
    number is above the stored latest (stored versions are never changed). Returns counts and
    French problems per slug; a template with problems is skipped whole."""
    report = {"created": [], "updated": [], "unchanged": [], "refused": {}}
    for data in templates:
        data = registry.normalise(data)
        problems = registry.check_template(data)
        if problems:
            report["refused"][data.get("slug") or "?"] = problems
            continue
        template = model.get_template(data["slug"])
        if template is None:
            create_template(data, author=author)
            report["created"].append(data["slug"])
            continue
        latest = template.latest.number if template.latest else 0
        new_versions = [v for v in data["versions"] if int(v.get("version") or 0) > latest]
        changed = any(getattr(template, key) != (data.get(key) or None if key == "superseded_by"
                                                 else data.get(key))
                      for key in TEMPLATE_FIELDS)
        if not new_versions and not changed:
            report["unchanged"].append(data["slug"])
            continue
        for key in TEMPLATE_FIELDS:
            setattr(template, key, data.get(key) or None if key == "superseded_by" else data[key])
        for spec in new_versions:
            model.session().add(_version_row(template.id, int(spec["version"]), spec, author))
        template.modified = model.utcnow()
        model.session().flush()
        model.session().refresh(template)
        template.refresh_search_text()
        model.session().commit()
        report["updated"].append(data["slug"])
    return report
