"""Harvest the portal's own DCAT output back, with ckanext-dcat's RDF parser, into a second
organisation: the SCDL schema, its version and the spatial coverage must survive the trip."""
from __future__ import annotations

import json

import ckan.plugins.toolkit as tk
import pytest
import shapely.geometry
import shapely.ops

from ckanext.dcat.processors import RDFParser

from . import factories as f

pytestmark = f.CONFIG
reference, sysadmin = f.reference, f.sysadmin


def extra(dataset: dict, key: str):
    if dataset.get(key) not in (None, ""):
        return dataset[key]
    return next((e["value"] for e in dataset.get("extras", []) if e["key"] == key), None)


def test_harvest_own_catalog_into_second_organisation(app, sysadmin):
    user = sysadmin
    infocom = f.organization(user, "infocom94", "Infocom'94", siren=f.INFOCOM94_SIREN)
    mirror = f.organization(user, "miroir", "Portail moissonneur", kind="autre")
    sources = {
        d["name"]: d for d in (
            f.socle_dataset(user, infocom, "subventions-infocom94", "subventions", f.INFOCOM94,
                            version="2.0.2"),
            f.socle_dataset(user, infocom, "deliberations-creteil", "deliberations", ["94028"]),
        )
    }

    response = app.get("/catalog.ttl")
    assert response.status_code == 200
    parser = RDFParser(profiles=f.PROFILES.split())
    parser.parse(response.body, _format="turtle")
    harvested = list(parser.datasets())
    assert len(harvested) == 2

    created = {}
    for dataset in harvested:
        original = next(d for d in sources.values() if d["title"] == dataset["title"])
        dataset.update(name="moisson-" + original["name"], owner_org=mirror["id"])
        created[original["name"]] = tk.get_action("package_create")({"user": user["name"]}, dataset)

    for name, original in sources.items():
        copy = tk.get_action("package_show")({"ignore_auth": True}, {"id": created[name]["id"]})
        assert copy["organization"]["name"] == "miroir"
        assert copy["type"] == original["type"]
        (resource,) = copy["resources"]
        source_resource = original["resources"][0]
        assert resource["schema_name"] == source_resource["schema_name"]
        assert resource["schema_version"] == source_resource["schema_version"]
        assert resource["conforms_to"].endswith(f"/{resource['schema_version']}/schema.json")
        assert resource["url"] == source_resource["url"]

        assert sorted(copy["socle_communes"]) == sorted(original["socle_communes"])
        geometries = [shapely.geometry.shape(json.loads(s["geom"])) for s in copy["spatial_coverage"]]
        assert len(geometries) == len(original["socle_communes"])
        assert {g.geom_type for g in geometries} <= {"Polygon", "MultiPolygon"}
        west, south, east, north = shapely.ops.unary_union(geometries).bounds
        assert 2.3 < west < east < 2.7 and 48.6 < south < north < 48.9
        assert copy["license_id"] == original["license_id"] == "fr-lo"
        assert copy["frequency"] == original["frequency"]
        assert copy["temporal_coverage"] == original["temporal_coverage"]

    # The copies are on the map too: a bbox around Créteil finds both the source and the copy.
    found = tk.get_action("package_search")(
        {"ignore_auth": True}, {"extras": {"ext_bbox": "2.44,48.76,2.48,48.80"}, "rows": 50})
    names = {d["name"] for d in found["results"]}
    assert {"deliberations-creteil", "moisson-deliberations-creteil"} <= names
