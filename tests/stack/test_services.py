"""Smoke tests proving the stack is real: PostgreSQL, Solr 9, Redis, an RQ worker, `ckan run`."""
from __future__ import annotations

import json
import os
import subprocess

import pytest
import requests
from ckan.plugins import toolkit as tk
from ckan.tests import factories

from tests.conftest import SOCLE_PLUGINS, TEST_INI, ckan_command


@pytest.mark.ckan_config("ckan.plugins", SOCLE_PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_datasets_are_indexed_in_solr_and_faceted():
    creteil = factories.Organization(name="creteil", title="Créteil")
    nogent = factories.Organization(name="nogent-sur-marne", title="Nogent-sur-Marne")
    for org, tags in ((creteil, ["budget"]), (creteil, ["budget", "subventions"]), (nogent, ["budget"])):
        factories.Dataset(owner_org=org["id"], tags=[{"name": t} for t in tags])

    result = tk.get_action("package_search")(
        {}, {"q": "*:*", "fq": "tags:budget", "facet.field": json.dumps(["organization", "tags"])}
    )

    assert result["count"] == 3
    orgs = {item["name"]: item["count"] for item in result["search_facets"]["organization"]["items"]}
    assert orgs == {"creteil": 2, "nogent-sur-marne": 1}
    tags = {item["name"]: item["count"] for item in result["search_facets"]["tags"]["items"]}
    assert tags == {"budget": 3, "subventions": 1}

    # The same documents, asked of Solr itself over HTTP: the index is a real Solr 9 core.
    solr = tk.config["solr_url"]
    direct = requests.get(f"{solr}/select", params={"q": "organization:creteil", "wt": "json"}, timeout=10).json()
    assert direct["response"]["numFound"] == 2
    system = requests.get(solr.rsplit("/", 1)[0] + "/admin/info/system", params={"wt": "json"}, timeout=10).json()
    assert system["lucene"]["solr-spec-version"].startswith("9.")


def test_solr_core_has_ckan_schema_and_spatial_fields():
    solr = tk.config["solr_url"]
    schema = requests.get(f"{solr}/schema", params={"wt": "json"}, timeout=10).json()["schema"]
    assert schema["name"] == "ckan-2.12"
    names = {field["name"] for field in schema["fields"]}
    assert {"minx", "maxx", "miny", "maxy", "bbox_area"} <= names


@pytest.mark.usefixtures("clean_db", "clean_queues", "with_test_worker")
def test_enqueued_job_runs_on_a_real_worker(tmp_path):
    marker = tmp_path / "made-by-the-worker"
    job = tk.enqueue_job(os.makedirs, [str(marker)], queue="socle-smoke")
    assert not marker.exists()

    from ckan.lib import jobs

    jobs.Worker(["socle-smoke"]).work(burst=True)

    assert marker.is_dir()
    assert job.get_status(refresh=True) == "finished"


@pytest.mark.usefixtures("clean_db", "clean_queues")
def test_worker_in_its_own_process_runs_the_job(tmp_path, ckan_config):
    """`ckan jobs worker --burst`, a separate process reading the same Redis, runs the job."""
    marker = tmp_path / "made-by-ckan-jobs-worker"
    tk.enqueue_job(os.makedirs, [str(marker)], queue="socle-smoke")

    # The job function is a plain stdlib one (os.makedirs): any worker process can import it.
    env = dict(os.environ)
    result = subprocess.run(ckan_command() + ["-c", str(TEST_INI), "jobs", "worker", "--burst", "socle-smoke"],
                            capture_output=True, text=True, timeout=120, env=env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert marker.is_dir(), result.stdout + result.stderr


@pytest.mark.ckan_config("ckan.plugins", SOCLE_PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_ckan_serves_pages_over_http(live_ckan):
    status = requests.get(live_ckan.url + "/api/3/action/status_show", timeout=10).json()
    assert status["success"] is True
    assert status["result"]["ckan_version"] == "2.12.0"
    assert set(SOCLE_PLUGINS.split()) <= set(status["result"]["extensions"])

    home = requests.get(live_ckan.url + "/", timeout=30)
    assert home.status_code == 200
    assert 'lang="fr"' in home.text  # French first
    # The main navigation leads to each capability whose plugin is loaded.
    nav = home.text.split('<nav class="navbar', 1)[1].split("</nav>", 1)[0]
    for href in ("/comparaison/couverture", "/comparaison/indicateurs", "/clauses"):
        assert f'href="{href}"' in nav, href
