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
