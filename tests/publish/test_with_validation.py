"""With socle_validation loaded too: a published resource gets its background run and badge."""
from __future__ import annotations

import pytest

from ckan.plugins import toolkit as tk

from .conftest import SCDL, publish

pytestmark = [pytest.mark.ckan_config(
    "ckan.plugins", "socle socle_validation socle_publish scheming_datasets scheming_organizations")]


def test_with_the_validation_plugin_the_resource_gets_its_badge(admin, crach, migrate_db_for, clean_queues,
                                                                  with_test_worker):
    from tests.validation.conftest import run_worker

    migrate_db_for("socle_validation")
    result = publish(admin, SCDL / "real/prenoms/digne-les-bains_2017.csv", mode="publier",
                     schema="prenoms@1.1.6", owner_org=crach["id"], socle_communes="04070")
    assert result["conformity"]["level"] == "conforme"
    dataset = tk.get_action("package_show")({"user": admin["name"]}, {"id": result["publication"]["dataset"]["id"]})
    resource = dataset["resources"][0]
    run_worker()
    run = tk.get_action("socle_validation_show")({"user": admin["name"]}, {"resource_id": resource["id"]})
    assert run["level"] == "conforme" and run["schema_name"] == "prenoms"


def test_publishing_while_solr_is_down_keeps_the_dataset(admin, crach, migrate_db_for, clean_queues,
                                                         with_test_worker, monkeypatch, ckan_config):
    """The one-step publication reads organisations without Solr and its saves go through the
    socle_validation guard (docs/validation.md): the dataset is kept and indexed later."""
    from ckanext.socle.validation import search_outage

    migrate_db_for("socle_validation")
    real_url = ckan_config["solr_url"]
    monkeypatch.setitem(ckan_config, "solr_url", "http://127.0.0.1:9/solr/ckan")  # Solr stopped
    result = publish(admin, SCDL / "real/budget/commune-crach_bp-2022.csv", mode="publier")
    assert result["publication"]["action"] == "created"
    dataset_id = result["publication"]["dataset"]["id"]
    dataset = tk.get_action("package_show")({"user": admin["name"]}, {"id": dataset_id})
    assert dataset["resources"][0]["url_type"] == "upload"
    assert search_outage.pending() == [dataset_id]

    monkeypatch.setitem(ckan_config, "solr_url", real_url)
    assert search_outage.retry_backlog()["indexed"] == 1
    found = tk.get_action("package_search")({"user": admin["name"]}, {"fq": f'id:"{dataset_id}"'})
    assert found["count"] == 1 and found["results"][0]["num_resources"] == 1
