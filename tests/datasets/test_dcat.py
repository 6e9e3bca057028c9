"""ckanext-dcat's own DCAT-AP 3 profile maps the socle fields with no custom code (field names)."""
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS as DCT, FOAF, SKOS

from ckan.plugins import toolkit as tk

from .conftest import PLUGINS, good_dataset

DCAT = Namespace("http://www.w3.org/ns/dcat#")
LOCN = Namespace("http://www.w3.org/ns/locn#")


@pytest.mark.ckan_config("ckan.plugins", PLUGINS + " dcat")
@pytest.mark.ckan_config("ckanext.dcat.rdf.profiles", "euro_dcat_ap_3")
@pytest.mark.ckan_config("ckanext.dcat.resource.inherit.license", "true")
def test_dcat_export_of_a_socle_dataset(sysadmin, creteil):
    dataset = tk.get_action("package_create")({"user": sysadmin["name"]}, good_dataset("subventions", creteil))
    turtle = tk.get_action("dcat_dataset_show")({"user": sysadmin["name"]}, {"id": dataset["id"], "format": "ttl"})
    graph = Graph().parse(data=turtle, format="turtle")
    (ref,) = list(graph.subjects(DCT.identifier, Literal(dataset["id"])))
    schema = URIRef("https://schema.data.gouv.fr/schemas/scdl/subventions/2.1.1/schema.json")
    assert (ref, DCT.conformsTo, schema) in graph
    distribution = next(graph.objects(ref, DCAT.distribution))
    assert (distribution, DCT.conformsTo, schema) in graph
    assert (ref, DCT.accrualPeriodicity,
            URIRef("http://publications.europa.eu/resource/authority/frequency/ANNUAL")) in graph
    period = next(graph.objects(ref, DCT.temporal))
    assert str(next(graph.objects(period, DCAT.startDate))) == "2025-01-01"
    places = list(graph.objects(ref, DCT.spatial))
    labels = {str(graph.value(place, SKOS.prefLabel)) for place in places}
    assert labels == {"Créteil (94028)", "Maisons-Alfort (94046)"}
    assert all(graph.value(place, LOCN.geometry) is not None for place in places)
    publisher = next(graph.objects(ref, DCT.publisher))
    assert str(graph.value(publisher, FOAF.name)) == "Ville de Créteil"
    assert str(graph.value(publisher, DCT.identifier)) == "219400280"
    contact = next(graph.objects(ref, DCAT.contactPoint))
    assert contact is not None
    assert "etalab.gouv.fr/licence-ouverte" in str(graph.value(distribution, DCT.license))
