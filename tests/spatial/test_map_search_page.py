"""The map search on the dataset search page, in Chromium, against a real `ckan run`: the tile
server is the one configured (here a local address: no request leaves 127.0.0.1)."""
from __future__ import annotations

from urllib.parse import urlparse

import pytest

from tests.conftest import LiveCkan, screenshot, write_ini

from ..dcat import factories as f
from .test_bbox_search import VAL_DE_MARNE

pytestmark = [*f.CONFIG, pytest.mark.browser]
reference, sysadmin = f.reference, f.sysadmin


@pytest.fixture
def portal(sysadmin, tmp_path):
    infocom = f.organization(sysadmin, "infocom94", "Infocom'94", siren=f.INFOCOM94_SIREN)
    lyon = f.organization(sysadmin, "ville-de-lyon", "Ville de Lyon", kind="commune", insee_code=f.LYON)
    f.socle_dataset(sysadmin, infocom, "subventions-infocom94", "subventions", f.INFOCOM94)
    f.socle_dataset(sysadmin, infocom, "deliberations-creteil", "deliberations", ["94028"])
    f.socle_dataset(sysadmin, lyon, "subventions-lyon", "subventions", [f.LYON])
    options = {
        "ckan.plugins": f.PLUGINS,
        "ckanext.dcat.rdf.profiles": f.PROFILES,
        "ckanext.spatial.search_backend": "solr-bbox",
        "ckanext.spatial.common_map.type": "custom",
        # Any XYZ tile server; a path of the portal itself here (answers 404: no internet needed).
        "ckanext.spatial.common_map.custom_url": "/tuiles-locales/{z}/{x}/{y}.png",
        "ckanext.spatial.common_map.attribution": "Fond de carte de test",
    }
    server = LiveCkan(write_ini(tmp_path / "map.ini", **options), tmp_path / "ckan-run.log").wait()
    yield server
    server.stop()


def test_map_search_box_and_bbox_results(portal, page):
    hosts = set()
    page.on("request", lambda request: hosts.add(urlparse(request.url).hostname))

    page.goto(portal.url + "/dataset/")
    assert page.locator("#dataset-map .leaflet-container").count() == 1
    page.wait_for_selector("#dataset-map img.leaflet-tile", state="attached")
    tile = page.locator("#dataset-map img.leaflet-tile").first.get_attribute("src")
    assert "/tuiles-locales/" in tile
    assert "Fond de carte de test" in page.locator("#dataset-map").inner_text()
    assert "Chercher sur la carte" in page.locator("#dataset-map h2").inner_text()
    screenshot(page, "dcat-map-search")

    page.goto(portal.url + f"/dataset/?ext_bbox={VAL_DE_MARNE}")
    titles = page.locator(".dataset-list .dataset-heading a").all_inner_texts()
    names = {t.strip().lower() for t in titles}
    assert names == {"subventions infocom94", "deliberations creteil"}
    assert page.locator("#dataset-map .leaflet-interactive").count() >= 1  # the box drawn
    assert page.get_by_role("link", name="Effacer la zone").is_visible()
    screenshot(page, "dcat-map-search-val-de-marne")

    assert hosts <= {"127.0.0.1"}, hosts
