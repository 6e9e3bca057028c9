"""Background validation: which resources need a run, the queue, the job and its failures.

One job per resource run, on the queue ``ckanext.socle.validation.queue``. A resource has at most
one *queued* run: a new change before the worker picks it up updates that run instead of queueing
another job (duplicates collapse). Runs created while a dataset is saved are committed with the
dataset and queued only after the commit, so a worker never reads a half-saved resource; a queue
that is down leaves the run in *erreur technique* (with the reason) and the dataset saved.
"""
from __future__ import annotations

import datetime
import logging
import time
import traceback
from typing import Any, Iterable, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from rq.timeouts import JobTimeoutException

from . import engine, fetch, state
from .model import PENDING, ValidationRun, latest_by_resource, utcnow
from .model import get as get_run

log = logging.getLogger(__name__)

PENDING_KEY = "socle_validation_to_enqueue"
SIGNAL = "socle_validation_run_completed"


def queue_name() -> str:
    return tk.config.get("ckanext.socle.validation.queue") or "socle_validation"


def job_timeout() -> int:
    return int(tk.config.get("ckanext.socle.validation.job_timeout") or 600)


# -- deciding ----------------------------------------------------------------------------------
def _schema_of(resource: dict) -> tuple[str, str, str]:
    """(name, version, canonical URL) of the resource's schema; version defaults to the newest."""
    name = (resource.get("schema_name") or "").strip()
    version = (resource.get("schema_version") or "").strip()
    url = (resource.get("conforms_to") or "").strip()
    try:
        from ckanext.socle.catalogue import get_catalogue

        entry = get_catalogue().resolve(engine.schema_spec(name, version))
        return entry.name, entry.version, entry.url
    except Exception:  # unknown schema: the engine reports it in French
        return name, version, url


def prepare_run(resource: dict, package_id: str, trigger: str, *, force: bool = False) -> Optional[ValidationRun]:
    """The queued run to (re)use for ``resource``, added to the session (not committed), or None
    when nothing changed since the newest run (and ``force`` is off)."""
    current = state.fingerprint(resource)
    newest = latest_by_resource([resource["id"]]).get(resource["id"])
    if newest and not force and newest.fingerprint == current and (
            newest.status != "running" or not state._timeout_passed(newest.as_dict())):
        return None
    name, version, url = _schema_of(resource)
    if newest and newest.status == "queued":
        run = newest  # collapse: the waiting job will validate the newest state
    else:
        run = ValidationRun(resource_id=resource["id"], package_id=package_id, status="queued",
                            created=utcnow())
        model.Session.add(run)
    run.fingerprint = current
    run.schema_name, run.schema_version, run.schema_url = name, version, url
    run.source = resource.get("url") or ""
    run.trigger = trigger
    return run


def schedule_dataset(pkg_dict: dict, trigger: str = "auto") -> list[str]:
    """Called while a dataset is saved: prepare a run for each changed socle resource and queue it
    after the commit. Never raises (the publisher's save comes first)."""
    try:
        if not tk.asbool(tk.config.get("ckanext.socle.validation.auto", True)):
            return []
        resources = [r for r in pkg_dict.get("resources") or [] if r.get("id") and state.is_candidate(r)]
        if not resources or not _table_ready():
            return []
        runs = [prepare_run(r, pkg_dict["id"], trigger) for r in resources]
        ids = [run.id or _assign_id(run) for run in runs if run is not None]
        if ids:
            model.Session.flush()
            model.Session().info.setdefault(PENDING_KEY, set()).update(ids)
        return ids
    except Exception:
        log.exception("socle_validation: could not schedule the validation of %s", pkg_dict.get("id"))
        return []


def _assign_id(run: ValidationRun) -> str:
    import uuid

    run.id = str(uuid.uuid4())
    return run.id


_table_checked = {"ok": False}


def _table_ready() -> bool:
    if not _table_checked["ok"]:
        from .model import table_exists

        _table_checked["ok"] = table_exists()
        if not _table_checked["ok"]:
            log.warning("socle_validation: table missing, run `ckan db upgrade -p socle_validation`")
    return _table_checked["ok"]


def after_commit(session) -> None:
    """SQLAlchemy ``after_commit`` listener: queue the runs the commit made durable. It also fires
    when a savepoint is released (package_update uses one): wait for the outermost commit."""
    if session.in_nested_transaction():
        return
    ids = session.info.pop(PENDING_KEY, None)
    if ids:
        for run_id in ids:
            enqueue(run_id, in_transaction=False)


def after_rollback(session) -> None:
    session.info.pop(PENDING_KEY, None)


# -- the queue ---------------------------------------------------------------------------------
def _job_id(run_id: str) -> str:
    return f"socle_validation-{run_id}"


def job_waiting(job_id: str, queue: str) -> bool:
    """Whether the RQ job ``job_id`` is queued, scheduled or running (then it is not queued again);
    a finished or failed job of that id is deleted so that the id can be reused."""
    from ckan.lib import jobs as ckan_jobs
    from rq.exceptions import NoSuchJobError
    from rq.job import Job, JobStatus

    try:
        existing = Job.fetch(job_id, connection=ckan_jobs.get_queue(queue).connection)
    except NoSuchJobError:
        return False
    if existing.get_status() in (JobStatus.QUEUED, JobStatus.STARTED, JobStatus.DEFERRED, JobStatus.SCHEDULED):
        return True
    existing.delete()
    return False


def enqueue(run_id: str, *, in_transaction: bool = True) -> bool:
    """Put the run's job on the queue unless it already waits there. On failure (queue down) the
    run is stored as a technical error. ``in_transaction=False`` writes through its own connection
    (from ``after_commit``, where the session cannot be used)."""
    try:
        if job_waiting(_job_id(run_id), queue_name()):
            return True
        tk.enqueue_job(validate_run, [run_id], title=f"socle validation {run_id}", queue=queue_name(),
                       rq_kwargs={"job_id": _job_id(run_id), "timeout": job_timeout(),
                                  "on_failure": on_failure, "failure_ttl": 7 * 86400,
                                  "result_ttl": 3600})
        return True
    except Exception as error:
        log.exception("socle_validation: could not queue run %s", run_id)
        reason = tk._("La file d'attente des vérifications est indisponible ({reason}) : relancez la "
                      "vérification plus tard.").format(reason=type(error).__name__)
        _mark_error(run_id, reason, in_transaction=in_transaction)
        return False


def _mark_error(run_id: str, reason: str, *, in_transaction: bool) -> None:
    values = {"status": "error", "level": "erreur", "error": reason, "finished": utcnow()}
    if in_transaction:
        run = get_run(run_id)
        if run is not None and run.status in PENDING:
            for key, value in values.items():
                setattr(run, key, value)
        return
    table = ValidationRun.__table__
    with model.meta.engine.begin() as connection:
        connection.execute(sa.update(table).where(table.c.id == run_id, table.c.status.in_(PENDING))
                           .values(**values))


def _timeout_reason() -> str:
    return tk._("La vérification a dépassé le temps maximal ({seconds} s).").format(seconds=job_timeout())


def on_failure(job, connection, exc_type, exc_value, tb) -> None:
    """RQ failure callback: the job crashed, timed out or its worker died."""
    run_id = (job.args or [None])[0]
    if not run_id:
        return
    name = getattr(exc_type, "__name__", str(exc_type))
    if "Timeout" in name:
        reason = _timeout_reason()
    elif "Abandoned" in name:
        reason = tk._("La vérification a été interrompue (arrêt du processus de traitement).")
    else:
        reason = tk._("La vérification a échoué sur une erreur interne ({reason}).").format(reason=name)
    try:
        model.Session.rollback()
        _finish_error(run_id, reason)
    except Exception:
        log.exception("socle_validation: could not record the failure of run %s", run_id)


def reap(older_than: Optional[int] = None) -> int:
    """Pending runs whose job is gone (failed, lost, killed) or too old become technical errors."""
    from ckan.lib import jobs as ckan_jobs
    from rq.job import Job, JobStatus
    from rq.exceptions import NoSuchJobError

    count = 0
    connection = ckan_jobs.get_queue(queue_name()).connection
    for run in model.Session.query(ValidationRun).filter(ValidationRun.status.in_(PENDING)).all():
        try:
            status = Job.fetch(_job_id(run.id), connection=connection).get_status()
        except NoSuchJobError:
            status = None
        gone = status in (None, JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED, JobStatus.FINISHED)
        if gone or state._timeout_passed(run.as_dict()):
            _finish_error(run.id, tk._("La vérification n'a pas abouti (traitement perdu ou interrompu)."))
            count += 1
    return count


# -- the job -----------------------------------------------------------------------------------
def _site_context() -> dict:
    user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"ignore_auth": True, "user": user["name"]}


def validate_run(run_id: str) -> Optional[dict]:
    """The job: fetch the resource's file, run the engine, store the run and the summary."""
    run = get_run(run_id)
    if run is None or run.status != "queued":
        return None  # superseded or already handled
    run.status, run.started, run.job_id = "running", utcnow(), _job_id(run_id)
    model.Session.commit()
    clock = time.monotonic()
    try:
        resource = tk.get_action("resource_show")(_site_context(), {"id": run.resource_id})
    except tk.ObjectNotFound:
        run.status, run.error, run.finished = "error", tk._("La ressource a été supprimée."), utcnow()
        model.Session.commit()
        return run.as_dict()
    name, version, url = _schema_of(resource)
    run.fingerprint = state.fingerprint(resource)
    run.schema_name, run.schema_version, run.schema_url = name, version, url
    run.source = resource.get("url") or ""
    model.Session.commit()
    try:
        with fetch.open_resource(resource) as path:
            report = engine.run(path, name, version, max_bytes=fetch.max_bytes())
    except fetch.FetchError as error:
        return _finish_error(run_id, str(error), duration=time.monotonic() - clock)
    except JobTimeoutException:
        model.Session.rollback()
        return _finish_error(run_id, _timeout_reason(), duration=time.monotonic() - clock)
    except Exception as error:
        log.exception("socle_validation: run %s failed", run_id)
        return _finish_error(run_id, tk._("La vérification a échoué sur une erreur interne ({reason}).").format(
            reason=type(error).__name__), duration=time.monotonic() - clock)
    return store_report(run_id, report, duration=time.monotonic() - clock)


def store_report(run_id: str, report: Any, *, duration: Optional[float] = None) -> dict:
    run = get_run(run_id)
    data = report.to_dict()
    run.level = report.level
    run.status = "success" if report.level == "conforme" else "failure"
    run.badge_structure = report.badge.structure
    run.badge_body = report.badge.body
    run.error_ratio = report.badge.error_ratio
    run.error_count = report.error_count
    run.warning_count = sum((report.warning_counts or {}).values())
    run.row_count = report.rows
    run.counts = dict(report.counts)
    run.report = data
    run.engine_version = (data.get("engine") or {}).get("version") or engine.version()
    run.finished, run.duration, run.error = utcnow(), duration, None
    model.Session.commit()
    return _completed(run)


def _finish_error(run_id: str, reason: str, *, duration: Optional[float] = None) -> Optional[dict]:
    run = get_run(run_id)
    if run is None or run.status not in PENDING:
        return None
    run.status, run.level, run.error, run.finished, run.duration = "error", "erreur", reason, utcnow(), duration
    try:
        run.engine_version = engine.version()
    except Exception:
        pass
    model.Session.commit()
    return _completed(run)


def _completed(run: ValidationRun) -> dict:
    """Write the resource summary (ckanext-validation's fields + ours), then send the signal."""
    data = run.as_dict()
    try:
        _write_summary(run)
    except Exception:
        log.exception("socle_validation: could not write the summary of resource %s", run.resource_id)
        model.Session.rollback()
    tk.signals.ckanext.signal(SIGNAL).send(run.resource_id, run=data)
    return data


def _write_summary(run: ValidationRun) -> None:
    stamp = (run.finished or utcnow()).replace(microsecond=0).isoformat() + "Z"
    level = "erreur" if run.status == "error" else run.level
    tk.get_action("resource_patch")(_site_context(), {
        "id": run.resource_id,
        "validation_status": state.validation_status(run.as_dict()),
        "validation_timestamp": stamp,
        "socle_conformity_level": level,
    })


# -- explicit runs (action, batch, CLI) --------------------------------------------------------
def request_runs(resources: Iterable[tuple[dict, str]], trigger: str, *, sync: bool = False,
                 force: bool = True) -> list[dict]:
    """Prepare, commit and queue (or run now with ``sync``) a run per ``(resource, package_id)``."""
    prepared = []
    for resource, package_id in resources:
        run = prepare_run(resource, package_id, trigger, force=force)
        if run is not None:
            prepared.append(run.id or _assign_id(run))
    model.Session.commit()
    results = []
    for run_id in prepared:
        if sync:
            results.append(validate_run(run_id) or get_run(run_id).as_dict())
        else:
            enqueue(run_id)
            model.Session.commit()
            results.append(get_run(run_id).as_dict())
    return results
