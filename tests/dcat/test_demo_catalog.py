"""The Infocom94 demo portal's catalog.ttl, all pages: valid RDF, and a versioned dct:conformsTo
for every socle resource (what data.gouv.fr's harvester needs to know each file's schema)."""
from __future__ import annotations

import pytest
from ckan.plugins import toolkit as tk
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from ckanext.dcat.profiles.base import DCAT, DCT, LOCN
from ckanext.socle.catalogue import get_catalogue

from . import factories as f
from .test_rdf import HYDRA, geometry_of

# scripts/demo.sh's plugins, in its order.
DEMO_PLUGINS = ("socle socle_validation socle_clauses socle_compare scheming_datasets "
                "scheming_organizations dcat spatial_metadata spatial_query activity")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.ckan_config("ckan.plugins", DEMO_PLUGINS),
    pytest.mark.ckan_config("ckanext.dcat.rdf.profiles", f.PROFILES),
    pytest.mark.ckan_config("ckanext.spatial.search_backend", "solr-bbox"),
    pytest.mark.ckan_config("ckanext.dcat.datasets_per_page", "25"),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "with_extended_cli"),
]


@pytest.fixture
def demo(cli, migrate_db_for):
    from ckan.cli.cli import ckan

    for plugin in ("activity", "socle", "socle_validation", "socle_clauses", "socle_compare"):
        migrate_db_for(plugin)
    result = cli.invoke(ckan, ["socle", "demo", "load"])
    assert result.exit_code == 0, result.output


def test_demo_catalog_ttl_is_valid_rdf_with_versioned_schemas(app, demo):
    search = tk.get_action("package_search")({}, {"q": "*:*", "rows": 1000})
    socle_resources = {r["id"]: r for d in search["results"] for r in d["resources"] if r.get("schema_name")}
    assert len(socle_resources) >= 17

    graph, url, pages = Graph(), "/catalog.ttl", 0
    while url:
        response = app.get(url)
        assert response.status_code == 200, response.body[:300]
        page = Graph().parse(data=response.body, format="turtle")  # raises on invalid Turtle
        graph += page
        pages += 1
        paging = next(page.subjects(RDF.type, URIRef(HYDRA + "PagedCollection")), None)
        following = page.value(paging, URIRef(HYDRA + "next")) if paging is not None else None
        url = str(following).replace("http://test.ckan.net", "") if following else None
    assert pages == -(-search["count"] // 25)

    distributions = {str(d): d for d in graph.subjects(RDF.type, DCAT.Distribution)}
    for resource in socle_resources.values():
        ref = next(d for uri, d in distributions.items() if uri.endswith("/resource/" + resource["id"]))
        (standard,) = list(graph.objects(ref, DCT.conformsTo))
        entry = get_catalogue().resolve(str(standard))
        assert (entry.name, entry.version) == (resource["schema_name"], resource["schema_version"])
        assert str(standard) == entry.url and f"/{entry.version}/" in str(standard)
        assert (standard, RDF.type, DCT.Standard) in graph

    for dataset in graph.subjects(RDF.type, DCAT.Dataset):
        locations = list(graph.objects(dataset, DCT.spatial))
        assert locations, dataset
        for location in locations:
            for literal in graph.objects(location, LOCN.geometry):
                assert geometry_of(literal).geom_type in ("Polygon", "MultiPolygon")
