"""Headless Chromium against a real `ckan run`: badges, filtered search, report page (screenshots
kept in docs/screenshots/ for people to look at)."""
from __future__ import annotations

import pytest
from ckan.tests import helpers

from tests.conftest import screenshot

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
