"""Socle dataset types through the web forms (Flask client on the real stack), in French."""
import pytest

from ckan.plugins import toolkit as tk
from ckan.tests import factories

from ckanext.socle.catalogue import get_catalogue

from .conftest import PLUGINS, TYPES

pytestmark = [pytest.mark.ckan_config("ckan.plugins", PLUGINS)]


@pytest.fixture
def headers(sysadmin):
    token = factories.APIToken(user=sysadmin["name"])["token"]
    return {"Authorization": token, "Accept-Language": "fr"}


def _dataset_form(dataset_type, org, **changes):
    form = {
        "_ckan_phase": "dataset_new_1",
        "pkg_name": "",
        "title": "Données 2025",
        "name": f"{dataset_type}-form-2025",
        "notes": "Publié depuis le formulaire.",
        "owner_org": org["id"],
        "socle_communes": "94028, Maisons-Alfort",
        "temporal_coverage-0-start": "2025-01-01",
        "temporal_coverage-0-end": "2025-12-31",
        "frequency": "http://publications.europa.eu/resource/authority/frequency/MONTHLY",
        "license_id": "odc-odbl",
        "contact-0-name": "Mairie",
        "contact-0-email": "mairie@example.fr",
        "tag_string": "socle",
        "save": "continue",
    }
    form.update(changes)
    return form


def test_chooser_page(app, communes):
    page = app.get(tk.url_for("socle_datasets.chooser"), headers={"Accept-Language": "fr"})
    assert page.status_code == 200
    assert "Publier un jeu du socle" in page.body
    assert "République numérique" in page.body
    for dataset_type in TYPES:
        assert get_catalogue().resolve(dataset_type).title in page.body or dataset_type == "irve-statique"
        assert f'href="/{dataset_type}/new"' in page.body


@pytest.mark.parametrize("dataset_type", TYPES)
def test_create_through_the_form(app, headers, creteil, dataset_type):
    entry = get_catalogue().resolve(dataset_type)
    page = app.get(f"/{dataset_type}/new", headers=headers)
    assert page.status_code == 200
    for text in ("Communes couvertes", "Période couverte", "Fréquence de mise à jour",
                 "Licence Ouverte / Open Licence 2.0", "data-module=\"socle-commune-picker\""):
        assert text in page.body
    response = app.post(f"/{dataset_type}/new", data=_dataset_form(dataset_type, creteil), headers=headers,
                        follow_redirects=False)
    assert response.status_code == 302, response.body
    assert "/resource/new" in response.headers["Location"]
    name = f"{dataset_type}-form-2025"
    page = app.get(f"/{dataset_type}/{name}/resource/new", headers=headers)
    assert "Version du schéma" in page.body and f"{entry.version} (la plus récente)" in page.body
    response = app.post(f"/{dataset_type}/{name}/resource/new", headers=headers, follow_redirects=False, data={
        "url": "https://example.com/donnees.csv", "name": "Données 2025", "format": "CSV",
        "schema_name": dataset_type, "schema_version": entry.version, "save": "go-metadata", "id": ""})
    assert response.status_code == 302, response.body
    dataset = tk.get_action("package_show")({"ignore_auth": True}, {"id": name})
    assert dataset["state"] == "active"
    assert dataset["socle_communes"] == ["94028", "94046"]
    assert dataset["license_id"] == "odc-odbl"
    assert dataset["resources"][0]["conforms_to"] == entry.url
    page = app.get(f"/{dataset_type}/{name}", headers={"Accept-Language": "fr"})
    assert "Maisons-Alfort" in page.body and "habitants" in page.body


@pytest.mark.parametrize("changes, message", [
    ({"license_id": "cc-by"}, "Licence non autorisée pour un jeu du socle"),
    ({"temporal_coverage-0-end": "2024-12-31"}, "La date de fin (31/12/2024) est antérieure à la date de début (01/01/2025)."),
    ({"socle_communes": "94028, Atlantide"}, "Commune inconnue : « Atlantide »"),
    ({"contact-0-email": "mairie"}, "Adresse électronique invalide : « mairie »."),
])
def test_form_shows_french_errors(app, headers, creteil, changes, message):
    response = app.post("/subventions/new", data=_dataset_form("subventions", creteil, **changes), headers=headers)
    assert response.status_code == 200
    body = response.body.replace("&#34;", '"').replace("&#39;", "'").replace("&#x27;", "'")
    assert message.replace("'", "'") in body
    # what was typed is kept
    assert "Données 2025" in body


def test_resource_form_rejects_an_unknown_version(app, headers, creteil):
    app.post("/budget/new", data=_dataset_form("budget", creteil), headers=headers)
    response = app.post("/budget/budget-form-2025/resource/new", headers=headers, data={
        "url": "https://example.com/b.csv", "schema_name": "budget", "schema_version": "0.5", "save": "go-metadata",
        "id": ""})
    assert "Version inconnue pour le schéma « budget » : « 0.5 »" in response.body.replace("&#34;", '"')
