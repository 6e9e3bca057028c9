"""Who may do what in the clause registry.

- Templates: anyone reads published (and deprecated) templates; sysadmins and the users listed in
  ``ckanext.socle.clauses.editors`` create and update templates, add versions, and see drafts.
- Instances: editors of an organisation (CKAN's ``create_dataset`` permission in it) create
  instances for it; an instance is readable by the organisation's members, or by anyone once it
  is public (``private`` false).
"""
from __future__ import annotations

import ckan.plugins.toolkit as tk

READABLE_STATUSES = ("published", "deprecated")


def _user(context) -> str:
    return context.get("user") or ""


def _user_obj(context):
    return context.get("auth_user_obj")


def is_sysadmin(context) -> bool:
    user = _user_obj(context)
    if user is not None and getattr(user, "sysadmin", False):
        return True
    name = _user(context)
    if not name:
        return False
    try:
        return bool(tk.get_action("user_show")({"ignore_auth": True}, {"id": name}).get("sysadmin"))
    except tk.ObjectNotFound:
        return False


def is_template_editor(context) -> bool:
    if is_sysadmin(context):
        return True
    editors = tk.config.get("ckanext.socle.clauses.editors") or []
    if isinstance(editors, str):
        editors = editors.split()
    return bool(_user(context)) and _user(context) in editors


def organizations_for(context, permission: str) -> set[str]:
    """Ids of the organisations where the user holds ``permission`` (sysadmins: all)."""
    if not _user(context):
        return set()
    orgs = tk.get_action("organization_list_for_user")(
        {"ignore_auth": True, "user": _user(context)},
        {"id": _user(context), "permission": permission, "include_dataset_count": False})
    return {org["id"] for org in orgs}


def can_edit_organization(context, organization_id: str) -> bool:
    return is_sysadmin(context) or organization_id in organizations_for(context, "create_dataset")


def can_read_instance(context, instance: dict) -> bool:
    if not instance.get("private"):
        return True
    return is_sysadmin(context) or instance["organization_id"] in organizations_for(context, "read")


def _refuse(message: str) -> dict:
    return {"success": False, "msg": message}


@tk.auth_allow_anonymous_access
def socle_clause_template_list(context, data_dict):
    return {"success": True}


@tk.auth_allow_anonymous_access
def socle_clause_template_show(context, data_dict):
    return {"success": True}     # drafts are filtered by the action (NotFound for readers)


def socle_clause_template_create(context, data_dict):
    if is_template_editor(context):
        return {"success": True}
    return _refuse(tk._("Seuls les administrateurs du registre peuvent modifier les modèles de clauses."))


socle_clause_template_update = socle_clause_template_create
socle_clause_version_create = socle_clause_template_create


@tk.auth_allow_anonymous_access
def socle_clause_render(context, data_dict):
    return {"success": True}     # instance rendering is checked against the instance


def socle_clause_instance_create(context, data_dict):
    organization_id = data_dict.get("organization_id") or ""
    if organization_id and can_edit_organization(context, organization_id):
        return {"success": True}
    return _refuse(tk._("Seuls les éditeurs de l'organisation peuvent y créer une clause."))


@tk.auth_allow_anonymous_access
def socle_clause_instance_show(context, data_dict):
    from ckanext.socle.clauses import model

    instance = model.get_instance(data_dict.get("id") or "")
    if instance is None or can_read_instance(context, instance.as_dict()):
        return {"success": True}
    return _refuse(tk._("Cette clause est privée à son organisation."))


@tk.auth_allow_anonymous_access
def socle_clause_instance_list(context, data_dict):
    return {"success": True}     # private instances are filtered by the action


def get_auth_functions() -> dict:
    return {name: fn for name, fn in globals().items()
            if name.startswith("socle_clause_") and callable(fn)}
