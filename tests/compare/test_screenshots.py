"""The Infocom94 demo portal through our pages in headless Chromium: the coverage matrix and a
comparison (table, bar chart, time series, map), saved under docs/screenshots/ to be looked at."""
from __future__ import annotations

import io
import time

import pytest
import requests
from ckan.plugins import toolkit as tk
from werkzeug.datastructures import FileStorage

from ckanext.socle.demo import generate
from ckanext.socle.demo.load import communes
from tests.conftest import screenshot

from .conftest import run_worker

PLUGINS = "socle socle_validation socle_compare scheming_datasets scheming_organizations"


@pytest.fixture
def demo_portal(cli, migrate_db_for, with_test_worker):
    """`ckan socle demo load` (Infocom94's 17 communes, files of 2025), plus their 2024 grants so
    that the comparison has a time series; every file validated by the real worker."""
    from ckan.cli.cli import ckan
    from ckanext.socle.reference import sources, store

    for plugin in ("socle", "socle_validation", "socle_compare"):
        migrate_db_for(plugin)
    store.load(sources.SAMPLE_DIR)
    started = time.time()
    result = cli.invoke(ckan, ["socle", "demo", "load"])
    assert result.exit_code == 0, result.output
    print(f"demo load: {time.time() - started:.1f} s")
    context = {"user": "admin"}
    for commune in communes():
        for demo_file in generate.generate(commune, year=2024):
            if demo_file.dataset != "subventions":
                continue
            name = f"subventions-{commune.insee}-2025"
            try:
                dataset = tk.get_action("package_show")(dict(context), {"id": name})
            except tk.ObjectNotFound:
                continue
            tk.get_action("resource_create")(dict(context), {
                "package_id": dataset["id"], "name": demo_file.filename, "format": "CSV",
                "schema_name": "subventions", "schema_version": demo_file.version, "url": demo_file.filename,
                "upload": FileStorage(io.BytesIO(demo_file.content), filename=demo_file.filename,
                                      content_type="text/csv")})
    started = time.time()
    run_worker()
    print(f"validation and consolidation jobs: {time.time() - started:.1f} s")
    return result


INFOCOM94 = ",".join(sorted(generate.INFOCOM94))


@pytest.mark.browser
@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "clean_queues", "with_extended_cli")
def test_matrix_and_comparison_for_the_infocom94_communes(demo_portal, live_ckan, page):
    matrix = requests.get(f"{live_ckan.url}/comparaison/couverture?communes={INFOCOM94}", timeout=30)
    assert matrix.status_code == 200 and "Créteil" in matrix.text

    page.goto(f"{live_ckan.url}/comparaison/couverture?communes={INFOCOM94}")
    assert page.locator("table.socle-matrix tbody tr").count() == 17
    assert page.locator("td.socle-conforme").count() > 10
    screenshot(page, "compare-matrix-infocom94")

    page.goto(f"{live_ckan.url}/comparaison/indicateurs?indicator=subventions.montant&year=2025"
              "&communes=Créteil&departement=94")
    page.wait_for_selector("#socle-bars", state="visible")
    page.wait_for_selector("#socle-map .leaflet-interactive")
    assert page.locator("#socle-map path.leaflet-interactive").count() >= 40
    assert page.locator("#socle-series").is_visible()
    assert page.get_by_text("Population municipale INSEE 2023").first.is_visible()
    screenshot(page, "compare-indicator-subventions")

    page.goto(f"{live_ckan.url}/comparaison/commune/94028")
    assert page.get_by_text("Jeux du socle publiés").is_visible()
    screenshot(page, "compare-commune-creteil")
