"""Upload real SCDL files, run the real worker, check runs, summaries and Solr facets."""
from __future__ import annotations

import pytest
from ckan.tests import factories, helpers

from ckanext.socle.validation import model as vmodel

from .conftest import FILES, PLUGINS

pytestmark = [pytest.mark.ckan_config("ckan.plugins", PLUGINS), pytest.mark.usefixtures("socle_db")]


def _runs(resource_id):
    return helpers.call_action("socle_validation_list", resource_id=resource_id)


def test_upload_queues_one_job_and_worker_stores_the_run(upload_resource, worker):
    org = factories.Organization()
    dataset = factories.Dataset(owner_org=org["id"])
    resource = upload_resource(dataset["id"], "valid")

    runs = _runs(resource["id"])
    assert [r["status"] for r in runs] == ["queued"]
    assert runs[0]["state"] == "en_cours"

    worker()

    run = helpers.call_action("socle_validation_show", resource_id=resource["id"])
    assert run["status"] == "success" and run["level"] == "conforme" and run["state"] == "conforme"
    assert run["schema_name"] == "subventions" and run["schema_version"] == "2.1.1"
    assert run["schema_url"].startswith("https://schema.data.gouv.fr/schemas/scdl/subventions/2.1.1/")
    assert run["badge"]["structure"] == "OK" and run["error_count"] == 0 and run["row_count"] > 0
    assert run["report"]["level"] == "conforme" and run["engine_version"]
    shown = helpers.call_action("resource_show", id=resource["id"])
    assert shown["validation_status"] == "success"
    assert shown["socle_conformity_level"] == "conforme"
    assert shown["validation_timestamp"].endswith("Z")
    # The job's own write did not queue another run.
    assert len(_runs(resource["id"])) == 1
