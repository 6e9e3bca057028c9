"""Who may do what with validation runs. Reading follows the resource (private stays private),
running follows ``resource_update``, batches are for sysadmins only."""
from __future__ import annotations

import ckan.plugins.toolkit as tk


def _resource_id(data_dict: dict) -> str:
    return data_dict.get("resource_id") or data_dict.get("id") or ""


def _delegate(action: str, context: dict, data_dict: dict) -> dict:
    try:
        tk.check_access(action, context, {"id": _resource_id(data_dict)})
    except tk.NotAuthorized:
        return {"success": False, "msg": tk._("Vous n'avez pas accès à cette ressource.")}
    return {"success": True}


def socle_validation_run(context, data_dict):
    return _delegate("resource_update", context, data_dict)


@tk.auth_allow_anonymous_access
def socle_validation_show(context, data_dict):
    return _delegate("resource_show", context, data_dict)


@tk.auth_allow_anonymous_access
def socle_validation_list(context, data_dict):
    return _delegate("resource_show", context, data_dict)


def socle_validation_run_batch(context, data_dict):
    # Sysadmins never reach auth functions; everybody else is refused.
    return {"success": False, "msg": tk._("Seuls les administrateurs du portail peuvent lancer des vérifications en lot.")}


@tk.auth_allow_anonymous_access
def socle_conformity_summary(context, data_dict):
    return {"success": True}  # counts come from package_search, which hides private datasets


@tk.auth_allow_anonymous_access
def socle_validation_check(context, data_dict):
    """The "vérifier avant de publier" check: anyone who may create a dataset somewhere."""
    if not context.get("auth_user_obj") and not context.get("user"):
        return {"success": False, "msg": tk._("Connectez-vous pour vérifier un fichier.")}
    return {"success": True}


def get_auth_functions() -> dict:
    return {name: func for name, func in globals().items() if name.startswith("socle_")}
