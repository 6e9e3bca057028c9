"""What SocleValidationPlugin's hooks do (kept out of plugins.py, which only wires)."""
from __future__ import annotations

import logging

import ckan.model as model
import ckan.plugins.toolkit as tk
import sqlalchemy as sa

from . import jobs

log = logging.getLogger(__name__)
_listening = {"done": False}


def listen_to_commits() -> None:
    """Queue the runs a dataset save prepared only once that save is committed."""
    if _listening["done"]:
        return
    sa.event.listen(model.Session, "after_commit", jobs.after_commit)
    sa.event.listen(model.Session, "after_soft_rollback", _soft_rollback)
    _listening["done"] = True


def _soft_rollback(session, previous_transaction) -> None:
    if not session.in_transaction():
        jobs.after_rollback(session)


def dataset_saved(context: dict, pkg_dict: dict) -> None:
    """after_dataset_create/update: prepare runs for changed socle resources. Never raises."""
    try:
        if not pkg_dict.get("id"):
            return
        if not any((r.get("schema_name") or "").strip() for r in pkg_dict.get("resources") or []):
            return  # no socle resource: not worth reading the dataset again
        shown = tk.get_action("package_show")({"ignore_auth": True, "use_cache": False, "user": ""},
                                             {"id": pkg_dict["id"]})
        jobs.schedule_dataset(shown)
    except Exception:
        log.exception("socle_validation: validation not scheduled for %s", pkg_dict.get("id"))


def commands():
    from . import cli

    return cli.standalone_commands()
