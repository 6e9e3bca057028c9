"""`socle` listed after `spatial_query` and `dcat`: the communes' outline is still indexed (the
socle hook calls ckanext-spatial's backend itself), not the point ckanext-dcat derives from
`spatial_coverage`, and no GeoJSON string reaches Solr."""
from __future__ import annotations

import ckan.lib.search as search
import pytest

from ..dcat import factories as f
from .test_bbox_search import LYON_AREA, VAL_DE_MARNE, bbox_search

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "dcat spatial_metadata spatial_query scheming_datasets "
                                            "scheming_organizations socle"),
    pytest.mark.ckan_config("ckanext.spatial.search_backend", "solr-bbox"),
]
reference, sysadmin = f.reference, f.sysadmin


def test_bbox_search_whatever_the_plugin_order(sysadmin):
    infocom = f.organization(sysadmin, "infocom94", "Infocom'94", siren=f.INFOCOM94_SIREN)
    f.socle_dataset(sysadmin, infocom, "subventions-infocom94", "subventions", f.INFOCOM94)
    assert bbox_search(VAL_DE_MARNE) == {"subventions-infocom94"}
    assert bbox_search(LYON_AREA) == set()
    (doc,) = search.make_connection().search(q="name:subventions-infocom94", fl="*")
    assert "spatial" not in doc and "extras_spatial" not in doc
    assert 2.4 < doc["minx"] < doc["maxx"] < 2.65 and 48.68 < doc["miny"] < doc["maxy"] < 48.87
