"""Saving a dataset while Solr is down: keep the save, index it later.

CKAN 2.12 indexes a dataset inside ``package_create`` / ``package_update``, before the database
commit: when Solr cannot be reached the whole save is rolled back, and a publisher who added a
resource loses it (the form comes back with an error). Every resource save goes through
``package_update`` (``resource_create``, ``resource_update``, ``resource_delete``, the patch
actions), so the suite chains those two actions:

1. the save is tried as usual;
2. if indexing fails, the transaction is rolled back and the save is replayed with CKAN's
   documented ``defer_commit`` + ``return_id_only`` context, which stops before indexing; the
   dataset is committed together with a row of ``socle_search_backlog`` naming it;
3. a background job (retried by RQ while Solr stays down) and ``ckan socle search-index retry``
   (for cron) reindex the backlog once Solr answers again.

The replay reuses the same data dict: CKAN has already given new resources their ids there and
stored uploaded files under those ids, so nothing is uploaded twice.
"""
from __future__ import annotations

import logging
from typing import Any, Callable

import ckan.model as model
import ckan.plugins.toolkit as tk
# The toolkit exposes neither the indexing error nor a way to reindex one dataset; these are what
# `ckan search-index rebuild ID` uses.
from ckan.lib.search import SearchIndexError
from ckan.lib.search import rebuild as rebuild_index

from .model import SearchBacklog, utcnow

log = logging.getLogger(__name__)

JOB_ID = "socle-search-backlog"
# Seconds between the job's attempts while Solr stays down (RQ's scheduler runs them); after the
# last one, cron's `ckan socle search-index retry` takes over.
RETRY_INTERVALS = [30, 60, 120, 300, 600, 900, 1800, 3600]


def guarded(action: Callable, context: dict, data_dict: dict) -> Any:
    """Run ``package_create``/``package_update``; on a Solr failure, save without indexing."""
    if context.get("defer_commit"):
        return action(context, data_dict)  # the caller commits (and indexes) itself
    try:
        return action(context, data_dict)
    except SearchIndexError as error:
        model.Session.rollback()
        log.warning("socle: Solr unavailable, dataset saved without indexing (%s)", error)
        reason = str(error)[:500]

    replay = dict(context, defer_commit=True, return_id_only=True)
    package_id = action(replay, data_dict)
    model.Session.merge(SearchBacklog(package_id=package_id, since=utcnow(), last_error=reason))
    model.repo.commit()
    enqueue_retry()
    if context.get("return_id_only"):
        return package_id
    return tk.get_action("package_show")(
        {"user": context.get("user"), "auth_user_obj": context.get("auth_user_obj"),
         "ignore_auth": context.get("ignore_auth", False)}, {"id": package_id})


def pending() -> list[str]:
    """Ids of the datasets saved while Solr was down and not reindexed since."""
    rows = model.Session.query(SearchBacklog.package_id).order_by(SearchBacklog.since)
    return [package_id for (package_id,) in rows]


def retry_backlog() -> dict:
    """Reindex every dataset of the backlog; stop at the first Solr failure, raised again so that
    RQ retries the job (this function, on the queue ``default``) later. Returns
    ``{"indexed": n, "left": 0}``."""
    indexed = 0
    while True:  # datasets may join the backlog while it is being worked through
        package_ids = pending()
        if not package_ids:
            return {"indexed": indexed, "left": 0}
        for package_id in package_ids:
            try:
                rebuild_index(package_id)
            except tk.ObjectNotFound:
                pass  # purged since: nothing left to index
            except SearchIndexError as error:
                model.Session.rollback()
                _record_failure(package_id, error)
                raise
            model.Session.query(SearchBacklog).filter_by(package_id=package_id).delete()
            model.repo.commit()
            indexed += 1


def _record_failure(package_id: str, error: Exception) -> None:
    row = model.Session.get(SearchBacklog, package_id)
    if row is not None:
        row.attempts = (row.attempts or 0) + 1
        row.last_error = str(error)[:500]
        model.repo.commit()


def enqueue_retry() -> bool:
    """Queue the retry job unless it already waits; a queue that is down too is only logged: the
    backlog stays in the database for cron."""
    try:
        from rq import Retry

        from .jobs import job_waiting

        # A started job reads the backlog again before it stops: it will see this dataset.
        if job_waiting(JOB_ID, "default"):
            return True
        tk.enqueue_job(retry_backlog, title="socle: réindexation après une panne de Solr",
                       rq_kwargs={"job_id": JOB_ID, "retry": Retry(max=len(RETRY_INTERVALS),
                                                                      interval=RETRY_INTERVALS)})
        return True
    except Exception:
        log.exception("socle: could not queue the search-index retry; run `ckan socle search-index retry`")
        return False
