"""Socle datasets made through the action API, as a publisher would, on the real stack.

Shared by tests/dcat and tests/spatial: the plugins a portal loads for DCAT and map search, the
commune table with the Val-de-Marne fixture (plus Lyon with a hand-written outline, outside it),
organisations and socle datasets in the scheming field names of docs/contracts.md.
"""
from __future__ import annotations

import json

import pytest
from ckan.plugins import toolkit as tk
from ckan.tests import factories

# Infocom94's 17 member communes (Val-de-Marne), INSEE codes of the fixture.
INFOCOM94 = {
    "94004": "Boissy-Saint-Léger", "94019": "Chennevières-sur-Marne", "94028": "Créteil",
    "94042": "Joinville-le-Pont", "94060": "La Queue-en-Brie", "94044": "Limeil-Brévannes",
    "94046": "Maisons-Alfort", "94047": "Mandres-les-Roses", "94048": "Marolles-en-Brie",
    "94052": "Nogent-sur-Marne", "94055": "Ormesson-sur-Marne", "94056": "Périgny",
    "94068": "Saint-Maur-des-Fossés", "94069": "Saint-Maurice", "94071": "Sucy-en-Brie",
    "94075": "Villecresnes", "94079": "Villiers-sur-Marne",
}
INFOCOM94_SIREN = "200026706"  # a well-formed SIREN (Luhn): the tests check that it travels

# Lyon is not in the Val-de-Marne fixture: a rough hand-written outline of it.
LYON = "69123"
LYON_OUTLINE = {"type": "MultiPolygon", "coordinates": [[[
    [4.77, 45.71], [4.90, 45.70], [4.90, 45.81], [4.80, 45.81], [4.77, 45.71]]]]}

# `socle` before `spatial_query`: its before_dataset_index fills `spatial` first.
PLUGINS = "socle scheming_datasets scheming_organizations dcat spatial_metadata spatial_query"
PROFILES = "euro_dcat_ap_3 socle"

CONFIG = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.ckan_config("ckanext.dcat.rdf.profiles", PROFILES),
    pytest.mark.ckan_config("ckanext.spatial.search_backend", "solr-bbox"),
]


@pytest.fixture
def reference(clean_db, clean_index, migrate_db_for, with_plugins):
    """The socle tables, the Val-de-Marne fixture loaded, and Lyon with a hand-written outline."""
    from ckan.model import Session  # toolkit has no session

    from ckanext.socle.reference import sources, store
    from ckanext.socle.reference.model import Commune

    migrate_db_for("socle")
    loaded = store.load(sources.SAMPLE_DIR)
    Session.add(Commune(code=LYON, name="Lyon", search_name="lyon", kind="commune-actuelle", current=True,
                        siren="216901231", departement="69", region="84", cog_year=2026,
                        outline=json.dumps(LYON_OUTLINE)))
    Session.commit()
    return loaded


@pytest.fixture
def sysadmin(reference):
    return factories.Sysadmin()


def organization(user: dict, name: str, title: str, kind: str = "syndicat", **fields) -> dict:
    return tk.get_action("organization_create")(
        {"user": user["name"]}, {"name": name, "title": title, "socle_kind": kind, **fields}
    )


def socle_dataset(user: dict, org: dict, name: str, schema: str, communes, version: str | None = None,
                  level: str = "conforme", **fields) -> dict:
    resource = {"name": f"{schema} {version or ''}".strip(), "url": f"https://example.org/{name}.csv",
                "format": "CSV", "schema_name": schema}
    if version:
        resource["schema_version"] = version
    data = {
        "type": schema,
        "name": name,
        "title": fields.pop("title", name.replace("-", " ").capitalize()),
        "notes": "Jeu de test.",
        "owner_org": org["id"],
        "socle_communes": list(communes),
        "temporal_coverage": [{"start": "2025-01-01", "end": "2025-12-31"}],
        "frequency": "ANNUAL",
        "license_id": "fr-lo",
        "resources": [resource],
        **fields,
    }
    dataset = tk.get_action("package_create")({"user": user["name"]}, data)
    if level:  # what the validation job keeps on the resource (docs/contracts.md)
        tk.get_action("resource_patch")({"user": user["name"]}, {
            "id": dataset["resources"][0]["id"], "socle_conformity_level": level,
            "validation_timestamp": "2026-11-20T10:15:00+00:00"})
        dataset = tk.get_action("package_show")({"user": user["name"]}, {"id": dataset["id"]})
    return dataset
