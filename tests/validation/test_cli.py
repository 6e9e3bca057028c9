"""`ckan socle validate` on the real stack."""
from __future__ import annotations

import pytest
from ckan.cli.cli import ckan
from ckan.tests import helpers

from .conftest import PLUGINS, make_dataset, make_org

pytestmark = [pytest.mark.ckan_config("ckan.plugins", PLUGINS),
              pytest.mark.usefixtures("socle_db", "with_extended_cli")]


def test_validate_dataset_sync_and_org_queued(cli, upload_resource, worker):
    org = make_org()
    dataset = make_dataset(org)
    resource = upload_resource(dataset["id"], "cp1252")
    worker()
    result = cli.invoke(ckan, ["socle", "validate", "--dataset", dataset["name"], "--sync"])
    assert result.exit_code == 0, result.output
    assert "non_conforme" in result.output and "1 ressource(s) vérifiée(s)" in result.output
    runs = helpers.call_action("socle_validation_list", resource_id=resource["id"])
    assert [r["trigger"] for r in runs] == ["cli", "auto"]

    result = cli.invoke(ckan, ["socle", "validate", "--org", org["name"]])
    assert result.exit_code == 0 and "mise(s) en file d'attente" in result.output
    assert helpers.call_action("socle_validation_show", resource_id=resource["id"])["state"] == "en_cours"
    worker()
    assert helpers.call_action("socle_validation_show", resource_id=resource["id"])["state"] == "non_conforme"


def test_validate_all_urls_only_and_reap(cli, upload_resource):
    dataset = make_dataset(make_org())
    upload_resource(dataset["id"], "valid")
    result = cli.invoke(ckan, ["socle", "validate", "--all", "--urls-only", "--sync"])
    assert result.exit_code == 0 and "0 ressource(s)" in result.output  # uploads are skipped
    from ckan.lib import jobs as ckan_jobs

    from ckanext.socle.validation.jobs import queue_name

    ckan_jobs.get_queue(queue_name()).empty()
    result = cli.invoke(ckan, ["socle", "validate", "--reap"])
    assert result.exit_code == 0 and "1 vérification(s) perdue(s)" in result.output


def test_validate_needs_one_target(cli):
    result = cli.invoke(ckan, ["socle", "validate"])
    assert result.exit_code != 0 and "une seule cible" in result.output
