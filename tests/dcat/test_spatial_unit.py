"""The pure part of the spatial coverage (runs alone: pytest -p no:ckan -p no:ckan_fixtures)."""
import json

from ckanext.socle.dcat import spatial
from ckanext.socle.dcat.vocab import commune_code, commune_uri, frequency_uri, licence_uri
from ckanext.socle.reference import sources

SQUARE = [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]


def test_spatial_from_communes_is_a_multipolygon_of_every_outline():
    outlines = {
        "94028": {"type": "Polygon", "coordinates": SQUARE},
        "94046": {"type": "MultiPolygon", "coordinates": [SQUARE, SQUARE]},
        "94080": {"type": "Point", "coordinates": [2.4, 48.8]},
    }
    geometry = spatial.spatial_from_communes(["94028", "94046", "94080", "99999"], outlines)
    assert geometry["type"] == "MultiPolygon"
    assert len(geometry["coordinates"]) == 3  # the point is no outline and is left out
    assert spatial.spatial_from_communes('["94028"]', outlines)["coordinates"] == [SQUARE]
    assert spatial.spatial_from_communes([], outlines) is None
    assert spatial.spatial_from_communes(["94080"], outlines) is None


def test_parse_codes():
    assert spatial.parse_codes('["94028", "94046"]') == ["94028", "94046"]
    assert spatial.parse_codes("94028, 94046 2a004") == ["94028", "94046", "2A004"]
    assert spatial.parse_codes(None) == []


def test_file_reference_reads_only_the_codes_asked():
    reference = spatial._FileReference(sources.SAMPLE_DIR)
    found = reference.get(["94028", "75028", "69123"])
    assert set(found) == {"94028", "75028"}  # 69123 is not in the Val-de-Marne sample
    assert found["94028"].name == "Créteil" and found["94028"].year == 2026
    assert found["75028"].successor == "94028"  # Créteil's former Seine code
    assert found["75028"].geometry == found["94028"].geometry
    assert set(reference.outlines) == {"94028"}


def test_communes_geometry_and_explicit_geometry(monkeypatch):
    monkeypatch.setattr(spatial, "reference_folder", lambda: sources.SAMPLE_DIR)
    geometry, year = spatial.communes_geometry({"name": "x", "extras_socle_communes": '["94028", "94046"]'})
    assert geometry["type"] == "MultiPolygon" and len(geometry["coordinates"]) >= 2
    assert year == 2026
    explicit = json.dumps({"type": "Polygon", "coordinates": SQUARE})
    assert spatial.communes_geometry({"socle_communes": ["94028"], "extras_spatial": explicit}) == (None, None)
    assert spatial.communes_geometry({"socle_communes": ["99999"]}) == (None, None)
    broken = {"name": "z", "socle_communes": {"not": "codes"}}
    assert spatial.index_spatial(broken) is broken  # never raises inside a dataset write


def test_vocabularies():
    assert commune_code(commune_uri("2a004")) == "2A004"
    assert commune_code("https://example.org/94028") is None
    assert frequency_uri("Annuelle").endswith("/frequency/ANNUAL")
    assert frequency_uri("trimestrielle").endswith("/QUARTERLY")
    assert frequency_uri("http://purl.org/cld/freq/monthly").endswith("/MONTHLY")
    assert frequency_uri("n'importe quoi") is None
    assert licence_uri("lo-2.0") == "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
    assert licence_uri(None, "Licence Ouverte / Open Licence version 2.0") == licence_uri("etalab-2.0")
    assert licence_uri("odc-odbl").startswith("https://opendatacommons.org/licenses/odbl")
    assert licence_uri("cc-by", "CC BY", "http://www.opendefinition.org/licenses/cc-by") == \
        "http://www.opendefinition.org/licenses/cc-by"
