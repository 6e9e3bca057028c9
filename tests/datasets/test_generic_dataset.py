"""A portal's ordinary datasets keep working beside the socle types."""
import pytest
from ckan.plugins import toolkit as tk
from ckan.tests import factories

from .conftest import PLUGINS


@pytest.mark.ckan_config("ckan.plugins", PLUGINS + " socle_validation")
def test_plain_dataset_takes_an_uploaded_file(sysadmin, create_with_upload):
    org = factories.Organization()
    dataset = tk.get_action("package_create")({"user": sysadmin["name"]}, {
        "name": "plan-velo", "title": "Plan vélo", "owner_org": org["id"], "license_id": "fr-lo"})
    resource = create_with_upload("a,b\n1,2\n", "plan.csv", package_id=dataset["id"],
                                  context={"user": sysadmin["name"]})
    shown = tk.get_action("package_show")({}, {"id": dataset["id"]})
    assert shown["type"] == "dataset"
    assert shown["resources"][0]["id"] == resource["id"]
    assert "conforms_to" not in shown["resources"][0] or shown["resources"][0]["conforms_to"] in ("", None)
