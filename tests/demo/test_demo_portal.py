"""The Infocom94 demo portal, loaded by `ckan socle demo load` and served by a real `ckan run`."""
from __future__ import annotations

import json

import pytest
import requests
from ckan.plugins import toolkit as tk

from ckanext.socle.demo import generate
from ckanext.socle.demo.load import communes
from tests.conftest import screenshot

SAMPLE = ("94028", "94052", "94056")  # Créteil, Nogent-sur-Marne, Périgny-sur-Yerres
DEMO_PLUGINS = ("socle socle_validation socle_publish socle_clauses socle_compare scheming_datasets "
                "scheming_organizations dcat activity")


@pytest.fixture
def demo_loaded(cli, migrate_db_for):
    from ckan.cli.cli import ckan

    for plugin in ("activity", "socle", "socle_validation", "socle_clauses", "socle_compare"):
        migrate_db_for(plugin)
    # Three communes keep the test short; scripts/demo.sh loads all seventeen the same way.
    result = cli.invoke(ckan, ["socle", "demo", "load", "--communes", ",".join(SAMPLE)])
    assert result.exit_code == 0, result.output
    return result


@pytest.mark.ckan_config("ckan.plugins", DEMO_PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "with_extended_cli")
def test_demo_load_creates_the_communes_and_their_socle_datasets(demo_loaded, cli):
    sample = [c for c in communes() if c.insee in SAMPLE]
    expected = sum(len(generate.plan(c)) for c in sample)
    orgs = tk.get_action("organization_list")({}, {"all_fields": True, "limit": 100})
    assert {o["name"] for o in orgs} == {f"commune-{code}" for code in SAMPLE} | {"infocom94"}
    creteil = tk.get_action("organization_show")({}, {"id": "commune-94028"})
    assert creteil["insee_code"] == "94028" and creteil["siren"] == "219400280"

    search = tk.get_action("package_search")(
        {}, {"q": "*:*", "rows": 0, "facet.field": json.dumps(["organization", "dataset_type"]),
             "facet.limit": -1})
    assert search["count"] == expected
    types = {i["name"] for i in search["search_facets"]["dataset_type"]["items"]}
    assert types <= set(generate.DATASETS) and "deliberations" in types

    # A second run creates nothing: the demo command is idempotent.
    from ckan.cli.cli import ckan

    again = cli.invoke(ckan, ["socle", "demo", "load", "--communes", ",".join(SAMPLE)])
    assert again.exit_code == 0 and "0 jeux de données créés" in again.output


@pytest.mark.ckan_config("ckan.plugins", DEMO_PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "clean_queues", "with_extended_cli",
                         "with_test_worker")
def test_demo_portal_pages_in_a_browser(demo_loaded, live_ckan, page):
    from ckan.lib import jobs

    from ckanext.socle.validation.jobs import queue_name

    jobs.Worker([queue_name()]).work(burst=True)  # the real conformity jobs of the demo files
    levels = {r.get("socle_conformity_level") for d in tk.get_action("package_search")(
        {}, {"q": "organization:commune-94028", "rows": 50})["results"] for r in d["resources"]}
    assert levels <= {"conforme", "a_ameliorer", "non_conforme"} and "conforme" in levels

    home = requests.get(live_ckan.url + "/", timeout=30)
    assert home.status_code == 200

    page.goto(live_ckan.url + "/")
    assert page.locator("html").get_attribute("lang") == "fr"
    screenshot(page, "demo-home")

    page.goto(live_ckan.url + "/organization/commune-94028")
    assert "Créteil" in page.title()
    assert page.get_by_text("démonstration", exact=False).first.is_visible()
    screenshot(page, "demo-organisation-creteil")
