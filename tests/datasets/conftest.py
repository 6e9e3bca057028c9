"""Fixtures of the socle dataset types: the plugins, the tables, the Val-de-Marne communes."""
import pytest

from ckan.plugins import toolkit as tk

PLUGINS = "socle scheming_datasets scheming_organizations"
TYPES = ["deliberations", "subventions", "budget", "equipements", "catalogue", "prenoms",
         "menus-collectifs", "plats-menus-collectifs", "irve-statique", "dae"]


@pytest.fixture
def creteil(sysadmin):
    """The organisation of the Ville de Créteil (commune, 93 397 inhabitants, ≥ 50 agents)."""
    return tk.get_action("organization_create")(
        {"user": sysadmin["name"]},
        {"name": "ville-de-creteil", "title": "Ville de Créteil", "socle_kind": "commune",
         "insee_code": "94028", "agents_50": "true"},
    )


def good_dataset(dataset_type, org, **changes):
    data = {
        "type": dataset_type,
        "name": f"{dataset_type}-2025",
        "title": f"{dataset_type} 2025",
        "notes": "Données 2025 de la ville.",
        "owner_org": org["id"],
        "socle_communes": ["94028", "94046"],
        "temporal_coverage": [{"start": "2025-01-01", "end": "2025-12-31"}],
        "frequency": "ANNUAL",
        "license_id": "fr-lo",
        "contact": [{"name": "Service open data", "email": "opendata@ville-creteil.fr"}],
        "resources": [{"url": f"http://example.com/{dataset_type}.csv", "name": f"{dataset_type} 2025", "format": "CSV"}],
    }
    data.update(changes)
    return data
