"""Map search (ckanext-spatial, solr-bbox backend) over socle datasets whose `spatial` comes from
their communes' outlines: publishers only pick communes."""
from __future__ import annotations

import ckan.lib.search as search
import pytest
from ckan.plugins import toolkit as tk

from ..dcat import factories as f

pytestmark = f.CONFIG
reference, sysadmin = f.reference, f.sysadmin

VAL_DE_MARNE = "2.30,48.68,2.62,48.87"  # west, south, east, north
LYON_AREA = "4.70,45.65,4.95,45.85"


@pytest.fixture
def datasets(sysadmin):
    infocom = f.organization(sysadmin, "infocom94", "Infocom'94", siren=f.INFOCOM94_SIREN)
    lyon = f.organization(sysadmin, "ville-de-lyon", "Ville de Lyon", kind="commune", insee_code=f.LYON)
    made = [
        f.socle_dataset(sysadmin, infocom, "subventions-infocom94", "subventions", f.INFOCOM94),
        f.socle_dataset(sysadmin, infocom, "deliberations-creteil", "deliberations", ["94028"]),
        f.socle_dataset(sysadmin, infocom, "budget-villecresnes", "budget", ["94075"]),
        f.socle_dataset(sysadmin, lyon, "subventions-lyon", "subventions", [f.LYON]),
    ]
    return {d["name"]: d for d in made}


def bbox_search(bbox: str) -> set[str]:
    found = tk.get_action("package_search")({}, {"extras": {"ext_bbox": bbox}, "rows": 100})
    return {d["name"] for d in found["results"]}


def test_bbox_over_val_de_marne_finds_infocom94_datasets_only(datasets):
    assert bbox_search(VAL_DE_MARNE) == {"subventions-infocom94", "deliberations-creteil", "budget-villecresnes"}
    assert bbox_search(LYON_AREA) == {"subventions-lyon"}  # its hand-written outline, from the table
    # A small box around Villecresnes (south-east): not Créteil's own dataset.
    assert bbox_search("2.52,48.70,2.55,48.73") == {"subventions-infocom94", "budget-villecresnes"}


def test_spatial_is_indexed_from_the_communes_with_its_year(datasets):
    docs = {d["name"]: d for d in search.make_connection().search(
        q="*:*", fq="site_id:*", fl="name,minx,maxx,miny,maxy", rows=10)}
    infocom = docs["subventions-infocom94"]
    assert 2.40 < infocom["minx"] < infocom["maxx"] < 2.65 and 48.68 < infocom["miny"] < infocom["maxy"] < 48.87
    assert docs["subventions-lyon"]["minx"] == pytest.approx(4.77)
    year = tk.get_action("package_search")({}, {"fq": "socle_spatial_year:2026", "rows": 0})
    assert year["count"] == 4  # the COG year of the outlines used
    # Publishers typed no geometry: the dataset itself carries none.
    assert not datasets["deliberations-creteil"].get("spatial")


def test_changing_the_communes_moves_the_dataset(datasets, sysadmin):
    tk.get_action("package_patch")({"user": sysadmin["name"]},
                                   {"id": datasets["budget-villecresnes"]["id"], "socle_communes": [f.LYON]})
    assert "budget-villecresnes" in bbox_search(LYON_AREA)
    assert "budget-villecresnes" not in bbox_search(VAL_DE_MARNE)
