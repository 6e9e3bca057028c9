"""The catalogue is public."""
from ckan.plugins import toolkit as tk


@tk.auth_allow_anonymous_access
def public(context, data_dict):
    return {"success": True}


def get_auth_functions():
    return {"socle_schema_list": public, "socle_schema_show": public}
