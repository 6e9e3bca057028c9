"""Background jobs of the comparison, and the subscription to the validation signal."""
from __future__ import annotations

import logging

import ckan.plugins.toolkit as tk

log = logging.getLogger(__name__)
SIGNAL = "socle_validation_run_completed"


def refresh_resource_job(resource_id: str, run: dict | None = None) -> dict:
    from . import consolidate

    return consolidate.refresh_resource(resource_id, run)


def refresh_package_job(package_id: str) -> list:
    from . import consolidate

    return consolidate.refresh_package(package_id)


def _enqueue(function, args: list, title: str) -> None:
    # One job id per target: a burst of updates (upload, then the validation's own resource_patch)
    # replaces the waiting job instead of piling up copies of it.
    job_id = f"socle_compare-{function.__name__}-{args[0]}"
    try:
        tk.enqueue_job(function, args, title=title, rq_kwargs={"job_id": job_id})
    except Exception as error:  # queue down: `ckan socle compare refresh` catches up later
        log.error("socle_compare: could not queue %s: %s", title, error)


def on_run_completed(sender, **kwargs) -> None:
    """Signal ``socle_validation_run_completed``: sender = resource id, ``run`` = the run dict."""
    run = kwargs.get("run") or {}
    resource_id = sender or run.get("resource_id")
    if resource_id:
        keep = {k: run.get(k) for k in ("resource_id", "package_id", "level", "schema_name",
                                         "schema_version", "created", "finished") if k in run}
        _enqueue(refresh_resource_job, [resource_id, keep], f"socle_compare: consolidation de {resource_id}")


def on_dataset_changed(package: dict) -> None:
    """A socle dataset was edited, made private or public, or deleted."""
    from .consolidate import SOCLE_TYPES

    if package.get("type") in SOCLE_TYPES or any(r.get("schema_name") for r in package.get("resources") or []):
        _enqueue(refresh_package_job, [package["id"]], f"socle_compare: jeu {package.get('name') or package['id']}")


def on_dataset_deleted(package: dict) -> None:
    """``after_dataset_delete`` only gets the id: refresh if the dataset was consolidated."""
    import sqlalchemy as sa
    from ckan.model import Session

    from .model import RESOURCE

    known = Session.execute(sa.select(RESOURCE.c.resource_id).where(RESOURCE.c.package_id == package.get("id")).limit(1)).first()
    if known:
        _enqueue(refresh_package_job, [package["id"]], f"socle_compare: jeu supprimé {package['id']}")


def subscriptions() -> dict:
    return {tk.signals.ckanext.signal(SIGNAL): [on_run_completed]}
