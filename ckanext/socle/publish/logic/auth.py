"""Who may drop a file (any signed-in user: analysing creates nothing) and confirm a held dataset
(whoever may edit it)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk


def socle_publish_file(context, data_dict):
    if not context.get("auth_user_obj") and not context.get("user"):
        return {"success": False, "msg": tk._("Connectez-vous pour publier un fichier du socle.")}
    return {"success": True}


def socle_publish_confirm(context, data_dict):
    try:
        tk.check_access("package_update", dict(context), data_dict)
    except tk.NotAuthorized:
        return {"success": False, "msg": tk._("Vous ne pouvez pas modifier ce jeu de données.")}
    return {"success": True}


def get_auth_functions():
    return {"socle_publish_file": socle_publish_file, "socle_publish_confirm": socle_publish_confirm}
