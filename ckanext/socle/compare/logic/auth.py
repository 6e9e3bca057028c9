"""Who may call the comparison actions: everyone may read (the figures come from public datasets
only); only sysadmins may trigger a full refresh."""
from __future__ import annotations

import ckan.plugins.toolkit as tk


@tk.auth_allow_anonymous_access
def socle_compare_read(context, data_dict):
    return {"success": True}


def socle_compare_refresh(context, data_dict):
    return {"success": False, "msg": tk._("Réservé aux administrateurs du portail.")}


def get_auth_functions() -> dict:
    return {
        "socle_coverage_matrix": socle_compare_read,
        "socle_indicator_list": socle_compare_read,
        "socle_compare": socle_compare_read,
        "socle_commune_card": socle_compare_read,
        "socle_compare_refresh": socle_compare_refresh,
    }
