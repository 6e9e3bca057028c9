"""Read the portal's DCAT output the way a harvester (data.gouv.fr, another CKAN) does."""
from __future__ import annotations

import json

import pytest
import shapely.geometry
import shapely.wkt
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from ckanext.dcat.profiles.base import DCAT, DCT, FOAF, GEOJSON_IMT, GSP, LOCN
from ckanext.socle.catalogue import get_catalogue
from ckanext.socle.dcat.vocab import DQV, FREQ, LICENCE_OUVERTE_2, PROV, commune_code

from . import factories as f

HYDRA = "http://www.w3.org/ns/hydra/core#"

pytestmark = f.CONFIG
reference, sysadmin = f.reference, f.sysadmin


def geometry_of(literal) -> shapely.geometry.base.BaseGeometry:
    """A locn:geometry literal as a shape, whichever encoding ckanext-dcat was told to write."""
    if literal.datatype == GSP.wktLiteral:
        return shapely.wkt.loads(str(literal))
    assert literal.datatype == URIRef(GEOJSON_IMT), literal.datatype
    return shapely.geometry.shape(json.loads(str(literal)))


def location_literals(g, location):
    return [o for o in g.objects(location, None) if isinstance(o, Literal) and o.datatype is not None]


def get_graph(app, url: str, fmt: str = "turtle") -> Graph:
    response = app.get(url)
    assert response.status_code == 200, response.body[:500]
    graph = Graph()
    graph.parse(data=response.body, format=fmt)
    return graph


@pytest.fixture
def portal(sysadmin):
    infocom = f.organization(sysadmin, "infocom94", "Infocom'94", siren=f.INFOCOM94_SIREN)
    lyon = f.organization(sysadmin, "ville-de-lyon", "Ville de Lyon", kind="commune", insee_code=f.LYON)
    subventions = f.socle_dataset(sysadmin, infocom, "subventions-infocom94", "subventions", f.INFOCOM94,
                                  version="2.1.1")
    menus = f.socle_dataset(sysadmin, infocom, "menus-creteil", "menus-collectifs", ["94028"],
                            version="1.2.3", level="a_ameliorer", license_id="odc-odbl",
                            frequency="MONTHLY")
    equipements = f.socle_dataset(sysadmin, lyon, "equipements-lyon", "equipements", [f.LYON])
    return {"org": infocom, "datasets": [subventions, menus, equipements]}


def test_dataset_ttl_carries_schema_communes_publisher_and_conformity(app, portal):
    dataset = portal["datasets"][0]
    g = get_graph(app, f"/dataset/{dataset['id']}.ttl")
    ref = next(g.subjects(RDF.type, DCAT.Dataset))

    # Each distribution conforms to the versioned schema URL, a dct:Standard with its title.
    distributions = list(g.objects(ref, DCAT.distribution))
    assert len(distributions) == 1
    (standard,) = list(g.objects(distributions[0], DCT.conformsTo))
    assert str(standard) == "https://schema.data.gouv.fr/schemas/scdl/subventions/2.1.1/schema.json"
    entry = get_catalogue().resolve(str(standard))
    assert (entry.name, entry.version) == ("subventions", "2.1.1")
    assert (standard, RDF.type, DCT.Standard) in g
    assert str(g.value(standard, DCT.title)) == entry.title

    # dct:spatial: one location per commune, INSEE URI, (multi)polygon outline.
    locations = {commune_code(loc): loc for loc in g.objects(ref, DCT.spatial) if commune_code(loc)}
    assert set(locations) == set(f.INFOCOM94)
    for code, location in locations.items():
        assert str(location) == f"http://id.insee.fr/geo/commune/{code}"
        geometries = list(g.objects(location, LOCN.geometry))
        assert geometries, code
        for literal in geometries:
            shape = geometry_of(literal)
            assert shape.geom_type in ("Polygon", "MultiPolygon")
            assert 2.3 < shape.centroid.x < 2.7 and 48.6 < shape.centroid.y < 48.9
    assert str(g.value(locations["94028"], DCT.identifier)) == "94028"

    # Publisher: the organisation with its SIREN.
    (publisher,) = list(g.objects(ref, DCT.publisher))
    assert str(g.value(publisher, DCT.identifier)) == f.INFOCOM94_SIREN
    assert str(g.value(publisher, FOAF.name)) == "Infocom'94"

    # Temporal coverage, frequency as an EU authority URI, Licence Ouverte URI on the distribution.
    period = g.value(ref, DCT.temporal)
    assert g.value(period, DCAT.startDate) == Literal("2025-01-01", datatype=XSD.date)
    assert g.value(period, DCAT.endDate) == Literal("2025-12-31", datatype=XSD.date)
    assert g.value(ref, DCT.accrualPeriodicity) == FREQ.ANNUAL
    assert g.value(distributions[0], DCT.license) == URIRef(LICENCE_OUVERTE_2)
    assert g.value(ref, DCT.license) == URIRef(LICENCE_OUVERTE_2)
    assert str(g.value(URIRef(LICENCE_OUVERTE_2), DCT.title)) == "Licence Ouverte / Open Licence version 2.0"

    # Conformity: a DQV quality measurement with the validation date.
    measurement = g.value(distributions[0], DQV.hasQualityMeasurement)
    assert (measurement, RDF.type, DQV.QualityMeasurement) in g
    assert str(g.value(measurement, DQV.value)) == "conforme"
    assert g.value(measurement, PROV.generatedAtTime).datatype == XSD.dateTime
    assert (g.value(measurement, DQV.isMeasurementOf), RDF.type, DQV.Metric) in g


def test_every_geometry_is_a_polygon_and_odbl(app, portal):
    g = get_graph(app, "/catalog.ttl")
    literals = 0
    for dataset in g.subjects(RDF.type, DCAT.Dataset):
        for location in g.objects(dataset, DCT.spatial):
            for predicate in (LOCN.geometry, DCAT.bbox, DCAT.centroid):
                for literal in g.objects(location, predicate):
                    assert geometry_of(literal).geom_type in ("Polygon", "MultiPolygon"), (location, predicate)
                    literals += 1
    assert literals >= 19  # 17 + 1 commune outlines, and their bounding boxes

    # Read as data.gouv.fr does: only GeoJSON-typed literals count, all merged into one
    # MultiPolygon; every one must be a (multi)polygon, and no bounding box is among them.
    for dataset in g.subjects(RDF.type, DCAT.Dataset):
        geojson = [literal for location in g.objects(dataset, DCT.spatial) for literal in location_literals(g, location)
                   if literal.datatype == URIRef(GEOJSON_IMT)]
        assert geojson, dataset
        for literal in geojson:
            assert json.loads(str(literal))["type"] in ("Polygon", "MultiPolygon")
        for location in g.objects(dataset, DCT.spatial):
            assert not [b for b in g.objects(location, DCAT.bbox) if b.datatype == URIRef(GEOJSON_IMT)]
    lyon = URIRef("http://id.insee.fr/geo/commune/69123")
    assert geometry_of(g.value(lyon, LOCN.geometry)).bounds == pytest.approx((4.77, 45.70, 4.90, 45.81))

    menus = portal["datasets"][1]
    g = get_graph(app, f"/dataset/{menus['id']}.ttl")
    ref = next(g.subjects(RDF.type, DCAT.Dataset))
    distribution = g.value(ref, DCAT.distribution)
    assert str(g.value(distribution, DCT.license)) == "https://opendatacommons.org/licenses/odbl/1-0/"
    assert g.value(ref, DCT.accrualPeriodicity) == FREQ.MONTHLY
    assert str(g.value(g.value(distribution, DQV.hasQualityMeasurement), DQV.value)) == "a_ameliorer"


@pytest.mark.ckan_config("ckanext.dcat.datasets_per_page", "2")
def test_catalog_is_paginated_and_every_socle_resource_has_a_versioned_schema(app, portal):
    graphs = [get_graph(app, "/catalog.ttl")]
    first = graphs[0]
    (paging,) = list(first.subjects(RDF.type, URIRef(HYDRA + "PagedCollection")))
    assert int(first.value(paging, URIRef(HYDRA + "totalItems"))) == 3
    next_page = first.value(paging, URIRef(HYDRA + "next"))
    assert next_page and "page=2" in str(next_page)
    graphs.append(get_graph(app, "/catalog.ttl?page=2"))

    seen = {}
    for g in graphs:
        for dataset in g.subjects(RDF.type, DCAT.Dataset):
            for distribution in g.objects(dataset, DCAT.distribution):
                urls = [str(u) for u in g.objects(distribution, DCT.conformsTo)]
                assert len(urls) == 1, urls
                entry = get_catalogue().resolve(urls[0])
                assert f"/{entry.version}/" in urls[0]
                seen[str(dataset)] = entry.spec
    assert sorted(seen.values()) == ["equipements@0.1.5", "menus-collectifs@1.2.3", "subventions@2.1.1"]


def test_catalog_jsonld_parses(app, portal):
    g = get_graph(app, "/catalog.jsonld", fmt="json-ld")
    assert len(list(g.subjects(RDF.type, DCAT.Dataset))) == 3
    assert len(list(g.subjects(RDF.type, DCT.Standard))) == 3
