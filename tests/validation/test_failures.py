"""A crashed, timed-out or lost job, or a queue that is down, never leaves a resource stuck
*en cours* nor loses the publisher's save; the run can be started again."""
from __future__ import annotations

import pytest
from ckan.tests import factories, helpers

from ckanext.socle.validation import jobs
from ckanext.socle.validation.model import ValidationRun

from .conftest import make_dataset, make_org, PLUGINS
from .test_fetch import file_server  # noqa: F401 (fixture)

pytestmark = [pytest.mark.ckan_config("ckan.plugins", PLUGINS), pytest.mark.usefixtures("socle_db")]


def test_job_timeout_is_a_technical_error_and_can_be_rerun(file_server, ckan_config, monkeypatch, worker):  # noqa: F811
    monkeypatch.setitem(ckan_config, "ckanext.socle.validation.fetch.allowed_hosts", [f"127.0.0.1:{file_server.port}"])
    monkeypatch.setitem(ckan_config, "ckanext.socle.validation.job_timeout", 1)
    dataset = make_dataset(make_org())
    resource = factories.Resource(package_id=dataset["id"], url=file_server.base + "/slow.csv", format="CSV",
                                  schema_name="subventions", schema_version="2.1.1")
    worker()
    run = helpers.call_action("socle_validation_show", resource_id=resource["id"])
    assert run["status"] == "error" and run["state"] == "erreur"
    assert "temps maximal" in run["error"]
    assert helpers.call_action("resource_show", id=resource["id"])["validation_status"] == "error"

    # Fixed on the publisher's side: the run is started again and succeeds.
    file_server.routes["/slow.csv"] = file_server.routes["/valid.csv"]
    monkeypatch.setitem(ckan_config, "ckanext.socle.validation.job_timeout", 60)
    sysadmin = factories.Sysadmin()
    queued = helpers.call_action("socle_validation_run", {"user": sysadmin["name"]}, resource_id=resource["id"])
    assert queued["status"] == "queued"
    worker()
    assert helpers.call_action("socle_validation_show", resource_id=resource["id"])["level"] == "conforme"


@pytest.fixture
def redis_down(monkeypatch, ckan_config):
    """Point CKAN's job queue at a port where nothing listens (as if Redis had stopped)."""
    from ckan.lib import jobs as ckan_jobs
    from ckan.lib import redis as ckan_redis

    monkeypatch.setattr(ckan_jobs, "_queues", {})
    monkeypatch.setattr(ckan_redis, "_connection_pool", None)
    monkeypatch.setitem(ckan_config, "ckan.redis.url", "redis://127.0.0.1:9/0")
    yield
    ckan_redis._connection_pool = None
    ckan_jobs._queues.clear()


def test_queue_down_keeps_the_resource_and_records_why(upload_resource, redis_down):
    dataset = make_dataset(make_org())
    resource = upload_resource(dataset["id"], "valid")  # the save itself succeeds
    assert helpers.call_action("resource_show", id=resource["id"])["url"].endswith(".csv")
    run = helpers.call_action("socle_validation_show", resource_id=resource["id"])
    assert run["status"] == "error" and run["state"] == "erreur"
    assert "file d'attente" in run["error"]


def test_queue_back_then_rerun(upload_resource, redis_down, worker, monkeypatch, ckan_config):
    from ckan.lib import jobs as ckan_jobs
    from ckan.lib import redis as ckan_redis

    dataset = make_dataset(make_org())
    resource = upload_resource(dataset["id"], "valid")
    monkeypatch.undo()  # Redis is back
    ckan_redis._connection_pool = None
    ckan_jobs._queues.clear()
    sysadmin = factories.Sysadmin()
    result = helpers.call_action("socle_validation_run_batch", {"user": sysadmin["name"]}, dataset=dataset["id"])
    assert result["count"] == 1
    worker()
    assert helpers.call_action("socle_validation_show", resource_id=resource["id"])["level"] == "conforme"


def test_lost_job_is_reaped_into_a_technical_error(upload_resource):
    from ckan.lib import jobs as ckan_jobs

    dataset = make_dataset(make_org())
    resource = upload_resource(dataset["id"], "valid")
    run = helpers.call_action("socle_validation_show", resource_id=resource["id"])
    assert run["state"] == "en_cours"
    ckan_jobs.get_queue(jobs.queue_name()).empty()  # the queue lost its jobs (Redis flushed, worker killed)
    assert jobs.reap() == 1
    run = helpers.call_action("socle_validation_show", resource_id=resource["id"])
    assert run["status"] == "error" and run["state"] == "erreur" and "n'a pas abouti" in run["error"]
    assert helpers.call_action("resource_show", id=resource["id"])["validation_status"] == "error"


def test_worker_death_callback_marks_the_run(upload_resource):
    """RQ calls the failure callback for a job whose worker died (AbandonedJobError)."""
    from rq.exceptions import AbandonedJobError

    from ckan.lib import jobs as ckan_jobs

    dataset = make_dataset(make_org())
    resource = upload_resource(dataset["id"], "valid")
    job = ckan_jobs.get_queue(jobs.queue_name()).jobs[0]
    job.execute_failure_callback(__import__("rq").timeouts.UnixSignalDeathPenalty, AbandonedJobError,
                                 AbandonedJobError(), None)
    run = helpers.call_action("socle_validation_show", resource_id=resource["id"])
    assert run["status"] == "error" and "interrompue" in run["error"]


def test_a_run_older_than_the_timeout_is_not_shown_en_cours(upload_resource, ckan_config, monkeypatch):
    import datetime

    import ckan.model as model

    dataset = make_dataset(make_org())
    resource = upload_resource(dataset["id"], "valid")
    row = model.Session.query(ValidationRun).filter_by(resource_id=resource["id"]).one()
    row.status, row.started = "running", datetime.datetime.utcnow() - datetime.timedelta(hours=2)
    model.Session.commit()
    run = helpers.call_action("socle_validation_show", resource_id=resource["id"])
    assert run["state"] == "erreur" and run["technical"] is True
