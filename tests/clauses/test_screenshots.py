"""The clause registry of the Infocom94 demo portal in headless Chromium: catalogue, a template,
the filled form and a commune's clauses with delivery tracking, saved under docs/screenshots/."""
from __future__ import annotations

import pytest
import requests
from ckan.plugins import toolkit as tk
from ckan.tests import factories

from tests.conftest import screenshot

PLUGINS = ("socle socle_validation socle_clauses socle_compare scheming_datasets "
           "scheming_organizations")
PASSWORD = "Clauses-Demo-2027!"


@pytest.fixture
def clauses_demo(cli, migrate_db_for, with_test_worker):
    """`ckan socle demo load`, every file validated by a real worker, then
    `ckan socle clauses demo` (15 templates, clauses for Créteil, Nogent, Maisons-Alfort...)."""
    from ckan.cli.cli import ckan
    from ckan.lib import jobs as ckan_jobs
    from ckanext.socle.clauses import cli as clauses_cli
    from ckanext.socle.validation.jobs import queue_name

    for plugin in ("socle", "socle_validation", "socle_clauses", "socle_compare"):
        migrate_db_for(plugin)
    # The four communes the clause demo fills clauses for (the full demo takes minutes more).
    result = cli.invoke(ckan, ["socle", "demo", "load", "--communes", "94028,94052,94046,94068"])
    assert result.exit_code == 0, result.output
    ckan_jobs.Worker([queue_name(), "default"]).work(burst=True)
    result = cli.invoke(clauses_cli.clauses, ["demo"])
    assert result.exit_code == 0, result.output
    assert "clauses de démonstration créées : 5" in result.output
    user = factories.User(name="juriste-creteil", password=PASSWORD)
    tk.get_action("organization_member_create")({"ignore_auth": True}, {
        "id": "commune-94028", "username": user["name"], "role": "editor"})
    return user


@pytest.mark.browser
@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "clean_queues",
                         "with_extended_cli")
def test_clause_pages_in_chromium(clauses_demo, live_ckan, page):
    url = live_ckan.url
    assert requests.get(f"{url}/clauses", timeout=30).status_code == 200

    page.goto(f"{url}/clauses")
    assert page.locator(".clause-card").count() == 15
    screenshot(page, "clauses-catalogue")

    page.goto(f"{url}/clauses/modele/od-fourniture-donnees-marche")
    assert page.get_by_role("link", name="Utiliser cette clause").is_visible()
    assert page.locator(".clause-document mark.clause-missing").count() > 3
    screenshot(page, "clauses-template")

    page.goto(f"{url}/user/login")
    page.fill("#field-login", "juriste-creteil")
    page.fill("#field-password", PASSWORD)
    page.locator("div.form-actions button[type=submit]").click()
    page.wait_for_load_state()

    page.goto(f"{url}/clauses/modele/od-fourniture-donnees-marche/utiliser")
    assert page.input_value("#field-authority-name") == "Créteil"      # prefilled
    page.fill("#field-contract-reference", "2027-008")
    page.fill("#field-contract-object", "Collecte et valorisation des biodéchets")
    page.fill("#field-contract-start_date", "2027-01-01")
    page.fill("#field-contract-end_date", "2030-12-31")
    page.fill("#field-contractor-name", "Terre Vive Services SCOP")
    page.fill("#field-penalty-per_day", "120")
    page.fill("#field-penalty-cap", "5 %")
    page.fill("input[name=datasets-0-title]", "Tonnages mensuels de biodéchets collectés")
    page.select_option("select[name=datasets-0-format]", "CSV")
    page.select_option("select[name=datasets-0-frequency]", "monthly")
    page.fill("input[name=datasets-0-first_delivery]", "J+30")
    page.select_option("select[name=datasets-0-channel]", "portal_upload")
    page.fill("input[name=datasets-1-title]", "Points d'apport volontaire")
    page.fill("input[name=datasets-1-schema]", "equipements@0.1.5")
    page.select_option("select[name=datasets-1-format]", "GeoJSON")
    page.select_option("select[name=datasets-1-frequency]", "yearly")
    page.fill("input[name=datasets-1-first_delivery]", "2027-06-30")
    page.select_option("select[name=datasets-1-channel]", "ckan_api")
    page.get_by_role("button", name="Aperçu").click()
    page.wait_for_load_state()
    assert page.locator(".clause-document table").is_visible()
    screenshot(page, "clauses-form")
    page.get_by_role("button", name="Créer la clause").click()
    page.wait_for_load_state()
    assert page.locator("#clause-downloads").is_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Word (.docx)").click()
    assert download.value.suggested_filename.endswith("-2027-008.docx")

    page.goto(f"{url}/organization/clauses/commune-94028")
    assert page.locator("section.clause-card").count() == 3
    assert page.locator(".tracking-table .badge", has_text="Conforme").count() >= 1
    screenshot(page, "clauses-organisation-creteil")
