"""The chooser, a creation form and a dataset page in headless Chromium (docs/screenshots/)."""
import pytest

from ckan.plugins import toolkit as tk
from ckan.tests import factories

from tests.conftest import screenshot

from .conftest import PLUGINS, good_dataset


@pytest.mark.browser
@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
def test_publisher_pages(sysadmin, creteil, live_ckan, page):
    dataset = tk.get_action("package_create")({"user": sysadmin["name"]}, good_dataset(
        "subventions", creteil, name="subventions-creteil-2025", title="Subventions aux associations 2025",
        notes="Les subventions de plus de 23 000 € attribuées par la Ville de Créteil en 2025.",
        socle_communes=["94028"], tag_string="associations,subventions"))
    token = factories.APIToken(user=sysadmin["name"])["token"]

    page.goto(f"{live_ckan.url}/publier")
    assert page.get_by_role("heading", name="Publier un jeu du socle").is_visible()
    assert page.locator(".socle-card").count() == 10
    screenshot(page, "datasets-chooser")

    page.set_extra_http_headers({"Authorization": token})
    page.goto(f"{live_ckan.url}/deliberations/new")
    page.fill("#field-title", "Délibérations du conseil municipal 2025")
    page.fill(".socle-picker-search", "maisons")
    page.wait_for_selector(".socle-picker-results li[data-code='94046']")
    page.click(".socle-picker-results li[data-code='94046']")
    assert page.input_value("#field-socle_communes") == "94046"
    page.fill(".socle-picker-search", "cré")
    page.wait_for_selector(".socle-picker-results li[data-code='94028']")
    screenshot(page, "datasets-form-deliberations")

    page.goto(f"{live_ckan.url}/subventions/{dataset['name']}")
    assert page.get_by_text("Créteil").first.is_visible()
    screenshot(page, "datasets-page-subventions")
