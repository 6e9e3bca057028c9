import pytest

from ckan.plugins import toolkit as tk

from .conftest import PLUGINS


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
def test_org_and_dataset(creteil, sysadmin):
    print(creteil)
    assert creteil["population"] == 93397
    assert creteil["siren"] == "219400280"
    assert creteil["socle_obligation"] == "true"
    dataset = tk.get_action("package_create")({"user": sysadmin["name"]}, {
        "type": "subventions", "name": "subventions-2025", "title": "Subventions 2025",
        "owner_org": creteil["id"], "frequency": "ANNUAL", "license_id": "fr-lo",
        "temporal_coverage": [{"start": "2025-01-01", "end": "2025-12-31"}],
        "resources": [{"url": "http://example.com/s.csv", "name": "s"}],
    })
    print(dataset)
    assert dataset["socle_communes"] == ["94028"]
