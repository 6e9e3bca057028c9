"""Reading organisations without asking Solr.

``organization_show`` and ``organization_list(all_fields=True)`` count each organisation's datasets
in Solr by default. Saving or publishing a dataset reads its organisation (SIREN, INSEE code) and
must keep working while Solr is down (docs/validation.md), and the counts are never needed there.
"""
from __future__ import annotations

import ckan.plugins.toolkit as tk

WITHOUT_COUNTS = {"include_datasets": False, "include_dataset_count": False, "include_groups": False,
                  "include_users": False, "include_followers": False, "include_extras": True}


def show(context: dict, id_or_name: str) -> dict:
    """``organization_show`` with extras, without anything that needs Solr."""
    return tk.get_action("organization_show")(dict(context), {"id": id_or_name, **WITHOUT_COUNTS})


def list_all(context: dict, limit: int = 1000) -> list[dict]:
    """Every organisation (up to ``limit``), as :func:`show` gives them."""
    names = tk.get_action("organization_list")(dict(context), {"limit": limit})
    return [show(context, name) for name in names]
