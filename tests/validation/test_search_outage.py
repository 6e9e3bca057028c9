"""Solr down while a publisher saves: the dataset and its resource are kept, badge included, and
the search index catches up once Solr answers again (ckanext/socle/validation/search_outage.py).

The outage is real, not mocked: CKAN is pointed at a port where nothing listens (as when Solr is
stopped) or at a core that does not exist (Solr answers 404, as when a core failed to load).
"""
from __future__ import annotations

import io

import pytest
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.socle.validation import search_outage

from .conftest import PLUGINS, data_bytes, make_dataset, make_org
from .test_failures import redis_down  # noqa: F401 (fixture)

pytestmark = [pytest.mark.ckan_config("ckan.plugins", PLUGINS), pytest.mark.usefixtures("socle_db")]


@pytest.fixture(params=["stopped", "missing core"])
def solr(request, monkeypatch, ckan_config):
    """``solr.down()`` makes Solr unreachable the way ``request.param`` says; ``solr.up()`` heals."""
    real_url = ckan_config["solr_url"]
    broken = ("http://127.0.0.1:9/solr/ckan" if request.param == "stopped"
              else real_url.rstrip("/").rsplit("/", 1)[0] + "/no_such_core")

    # The environment variable too: CKAN reloads its configuration from it in the CLI and in
    # forked workers (and scripts/test.sh sets it for parallel runs).
    class Solr:
        kind = request.param

        @staticmethod
        def down():
            monkeypatch.setitem(ckan_config, "solr_url", broken)
            monkeypatch.setenv("CKAN_SOLR_URL", broken)

        @staticmethod
        def up():
            monkeypatch.setitem(ckan_config, "solr_url", real_url)
            monkeypatch.setenv("CKAN_SOLR_URL", real_url)

    yield Solr
    Solr.up()


def _indexed(name: str) -> list[dict]:
    return helpers.call_action("package_search", fq=f'name:"{name}"', include_private=True)["results"]


def test_resource_saved_during_an_outage_is_kept_validated_and_indexed_later(solr, upload_resource, worker):
    dataset = make_dataset(make_org())
    solr.down()
    resource = upload_resource(dataset["id"], "valid")  # resource_create → package_update

    # The save went through: the resource is in the database with its stored file...
    shown = helpers.call_action("package_show", id=dataset["id"])
    assert [r["id"] for r in shown["resources"]] == [resource["id"]]
    assert resource["url_type"] == "upload" and resource["url"].endswith("exemple_valide.csv")
    assert search_outage.pending() == [dataset["id"]]
    # ...and its validation was queued after the commit, like any other save.
    assert helpers.call_action("socle_validation_show", resource_id=resource["id"])["state"] == "en_cours"
    worker()
    assert helpers.call_action("socle_validation_show", resource_id=resource["id"])["level"] == "conforme"

    # Still down: a retry keeps the backlog and counts the attempt.
    with pytest.raises(search_outage.SearchIndexError):
        search_outage.retry_backlog()
    assert search_outage.pending() == [dataset["id"]]

    solr.up()
    assert _indexed(dataset["name"])[0]["num_resources"] == 0  # the index still has the old version
    assert search_outage.retry_backlog() == {"indexed": 1, "left": 0}
    result = _indexed(dataset["name"])[0]
    assert result["num_resources"] == 1 and result["resources"][0]["id"] == resource["id"]
    assert search_outage.pending() == []
    # The badge reached the index too: the conformity facet counts the dataset.
    facets = helpers.call_action("package_search", fq=f'id:"{dataset["id"]}"',
                                 **{"facet.field": '["vocab_socle_conformity"]'})["search_facets"]
    assert [item["name"] for item in facets["vocab_socle_conformity"]["items"]] == ["conforme"]


def test_dataset_created_during_an_outage(solr):
    org = make_org()
    solr.down()
    created = make_dataset(org, title="Subventions créées pendant la panne")
    assert created["title"] == "Subventions créées pendant la panne"  # the full dict, as usual
    assert created["type"] == "subventions" and created["socle_communes"] == ["94028"]
    assert helpers.call_action("package_show", id=created["name"])["id"] == created["id"]
    solr.up()
    assert _indexed(created["name"]) == []
    search_outage.retry_backlog()
    assert [d["id"] for d in _indexed(created["name"])] == [created["id"]]


def test_the_resource_form_saves_during_an_outage(solr, app):
    sysadmin = factories.Sysadmin()
    headers = {"Authorization": factories.APIToken(user=sysadmin["name"])["token"], "Accept-Language": "fr"}
    dataset = make_dataset(make_org())
    solr.down()
    response = app.post(f"/subventions/{dataset['name']}/resource/new", headers=headers, follow_redirects=False,
                        data={"upload": (io.BytesIO(data_bytes("valid")), "subventions-2025.csv"),
                              "url": "", "name": "Subventions 2025", "format": "CSV",
                              "schema_name": "subventions", "schema_version": "2.1.1",
                              "save": "go-metadata", "id": ""})
    assert response.status_code == 302, response.body
    resources = helpers.call_action("package_show", id=dataset["id"])["resources"]
    assert [r["name"] for r in resources] == ["Subventions 2025"]
    assert resources[0]["url_type"] == "upload" and resources[0]["size"] == len(data_bytes("valid"))
    # The publisher lands on the dataset page, which shows the new resource, Solr still down.
    page = app.get(response.headers["Location"], headers=headers)
    assert page.status_code == 200 and "Subventions 2025" in page.body
    assert "Creteil" in page.body  # the organisation box, without its dataset count


def test_update_during_an_outage_then_the_job_reindexes(solr, with_test_worker):
    """The retry job is queued with RQ retries; run by a worker once Solr is back, it empties the
    backlog. (A worker that does not fork: a forked one reloads the configuration, Solr's URL
    included, from the environment.)"""
    from ckan.lib import jobs as ckan_jobs
    from rq.job import Job

    dataset = make_dataset(make_org())
    solr.down()
    helpers.call_action("package_patch", id=dataset["id"], title="Titre changé pendant la panne")
    job = Job.fetch(search_outage.JOB_ID, connection=ckan_jobs.get_queue().connection)
    assert job.retries_left == len(search_outage.RETRY_INTERVALS)
    assert search_outage.enqueue_retry()  # a second outage save does not queue a second job
    assert len([j for j in ckan_jobs.get_queue().jobs if j.id == search_outage.JOB_ID]) == 1

    # Run while Solr is still down, the job fails and RQ schedules its next attempt.
    queue = ckan_jobs.get_queue()
    ckan_jobs.Worker(["default"]).work(burst=True)
    job.refresh()
    assert job.get_status() == "scheduled" and job.retries_left == len(search_outage.RETRY_INTERVALS) - 1
    assert search_outage.pending() == [dataset["id"]]

    solr.up()
    queue.enqueue_job(job)  # its time has come (the interval is 30 s; a test does not wait)
    ckan_jobs.Worker(["default"]).work(burst=True)
    assert search_outage.pending() == []
    assert _indexed(dataset["name"])[0]["title"] == "Titre changé pendant la panne"


@pytest.mark.usefixtures("with_extended_cli")
def test_cli_retry(solr, cli):
    from ckan.cli.cli import ckan

    dataset = make_dataset(make_org())
    solr.down()
    helpers.call_action("package_patch", id=dataset["id"], notes="Modifié pendant la panne.")
    result = cli.invoke(ckan, ["socle", "search-index", "retry"])
    assert result.exit_code != 0 and "1 jeu(x) en attente" in result.output
    listed = cli.invoke(ckan, ["socle", "search-index", "pending"])
    assert listed.output.split() == [dataset["id"]]
    solr.up()
    result = cli.invoke(ckan, ["socle", "search-index", "retry"])
    assert result.exit_code == 0 and "1 jeu(x) réindexé(s)." in result.output
    assert _indexed(dataset["name"])[0]["notes"] == "Modifié pendant la panne."


def test_a_validation_error_is_not_an_outage(solr):
    """Only indexing failures are replayed: a form error still comes back to the publisher."""
    dataset = make_dataset(make_org())
    solr.down()
    with pytest.raises(tk.ValidationError):
        helpers.call_action("package_patch", id=dataset["id"], license_id="cc-by")
    assert search_outage.pending() == []


def test_solr_and_redis_down_together(solr, upload_resource, redis_down):  # noqa: F811
    """Nothing can be queued: the save is still kept, the run says why, cron reindexes later."""
    dataset = make_dataset(make_org())
    solr.down()
    resource = upload_resource(dataset["id"], "valid")
    assert helpers.call_action("resource_show", id=resource["id"])["name"] == "valid"
    assert "file d'attente" in helpers.call_action("socle_validation_show", resource_id=resource["id"])["error"]
    assert search_outage.pending() == [dataset["id"]]
