"""Headless Chromium against a real `ckan run`: badges, filtered search, report page (screenshots
kept in docs/screenshots/ for people to look at)."""
from __future__ import annotations

import pytest
from ckan.tests import helpers

from tests.conftest import SCREENSHOTS, screenshot

from .conftest import PLUGINS, make_dataset, make_org

pytestmark = [pytest.mark.browser, pytest.mark.ckan_config("ckan.plugins", PLUGINS),
              pytest.mark.usefixtures("socle_db")]


def test_pages_in_a_browser(live_ckan, page, upload_resource, worker):
    org = make_org("ville-de-creteil", title="Ville de Créteil")
    subsidies = make_dataset(org, name="subventions-2025", title="Subventions aux associations 2025")
    upload_resource(subsidies["id"], "valid", name="Subventions 2025 (CSV)")
    upload_resource(subsidies["id"], "invalid", name="Subventions 2024 (CSV, avec erreurs)")
    upload_resource(subsidies["id"], "xlsx", name="Subventions 2018 (tableur)")
    older = make_dataset(org, name="subventions-2017", title="Subventions 2017 (export historique)")
    bad = upload_resource(older["id"], "cp1252", name="Subventions 2017 (Windows-1252, ;)")
    names = make_dataset(org, "prenoms", name="prenoms-2017", title="Prénoms des nouveau-nés 2017")
    upload_resource(names["id"], "prenoms", name="Prénoms 2017")
    worker()

    page.goto(f"{live_ckan.url}/subventions/subventions-2025")
    assert page.locator(".socle-badge--conforme").count() >= 1
    assert page.locator(".socle-badge--non_conforme").count() >= 1
    assert page.get_by_text("à améliorer").count() >= 1
    screenshot(page, "validation-dataset-badges")

    page.goto(f"{live_ckan.url}/dataset/?vocab_socle_conformity=non_conforme")
    results = page.locator(".dataset-item")
    assert results.count() == 2
    assert page.get_by_text("Conformité au schéma").count() >= 1
    screenshot(page, "validation-search-non-conforme")

    page.goto(f"{live_ckan.url}/dataset/{older['name']}/resource/{bad['id']}/conformite")
    assert page.get_by_role("heading", name="Rapport de conformité", exact=False).count() >= 1
    assert page.get_by_text("Comment corriger").count() >= 1
    screenshot(page, "validation-report")

    svg = page.request.get(f"{live_ckan.url}/socle/badge/dataset/{subsidies['name']}.svg")
    assert svg.ok and "non conforme" in svg.text()
    assert helpers.call_action("socle_validation_show", resource_id=bad["id"])["state"] == "non_conforme"


def test_check_before_publishing_in_the_resource_form(live_ckan, page):
    from ckan.tests import factories

    from .conftest import DATA, FILES

    editor = factories.User(name="redacteur", password="correct-horse-12")
    org = make_org("ville-de-creteil", users=[{"name": editor["name"], "capacity": "editor"}])
    dataset = make_dataset(org, name="subventions-2026", title="Subventions 2026")

    page.goto(f"{live_ckan.url}/user/login")
    page.fill("#field-login", "redacteur")
    page.fill("#field-password", "correct-horse-12")
    page.locator("div.form-actions button[type=submit]").click()
    page.wait_for_load_state()

    page.goto(f"{live_ckan.url}/subventions/{dataset['name']}/resource/new")
    page.set_input_files('input[name="upload"]', str(DATA / FILES["invalid"][0]))
    page.fill("#field-name", "Subventions 2026 (brouillon)")  # after the file: CKAN names it after the file
    panel = page.locator("#socle-check-panel")
    assert panel.is_visible()
    panel.get_by_role("button", name="Vérifier avant de publier").click()
    page.locator(".socle-check-result").wait_for(timeout=30000)
    assert panel.locator(".socle-badge--non_conforme").count() == 1
    assert panel.get_by_text("Comment corriger").count() >= 1
    # The form kept what the publisher typed and nothing was saved.
    assert page.input_value("#field-name") == "Subventions 2026 (brouillon)"
    assert helpers.call_action("package_show", id=dataset["id"])["resources"] == []
    page.set_viewport_size({"width": 1280, "height": 1400})
    page.locator("#resource-edit").screenshot(path=str(SCREENSHOTS / "validation-check-before-publishing.png"))
