"""The local-authority organisation schema: kind, SIREN, INSEE code, population, obligation."""
import pytest

from ckan.plugins import toolkit as tk

from .conftest import PLUGINS

pytestmark = [pytest.mark.ckan_config("ckan.plugins", PLUGINS)]


def _create(user, **data):
    return tk.get_action("organization_create")({"user": user["name"]}, {"name": "org", "title": "Org", **data})


def _errors(user, **data) -> dict:
    with pytest.raises(tk.ValidationError) as caught:
        _create(user, **data)
    return caught.value.error_dict


def test_commune_filled_from_the_reference(creteil):
    assert creteil["socle_kind"] == "commune"
    assert creteil["insee_code"] == "94028"
    assert creteil["siren"] == "219400280"  # filled in from the commune
    assert creteil["population"] == 93397 and creteil["population_year"] == 2023
    assert creteil["socle_obligation"] == "true"


def test_small_commune_or_few_agents_is_not_obliged(sysadmin):
    # Marolles-en-Brie: about 5 000 inhabitants, but declared under 50 agents
    org = _create(sysadmin, socle_kind="commune", insee_code="94048", agents_50="false")
    assert org["population"] > 3500 and org["socle_obligation"] == "false"
    small = tk.get_action("organization_create")({"user": sysadmin["name"]}, {
        "name": "petite", "title": "Petite commune", "socle_kind": "commune", "insee_code": "94071",
        "population": "2 900", "agents_50": "true"})
    assert small["population"] == 2900 and small["socle_obligation"] == "false"


def test_epci_with_its_own_siren_and_population(sysadmin):
    org = _create(sysadmin, socle_kind="epci", siren="200 054 781", population="7163419", agents_50="true")
    assert org["siren"] == "200054781" and org["socle_obligation"] == "true"


@pytest.mark.parametrize("data, field, message", [
    ({"siren": "219400281"}, "siren", "SIREN invalide : « 219400281 ». La clé de contrôle ne correspond pas"),
    ({"siren": "2194002"}, "siren", "Un SIREN compte 9 chiffres"),
    ({"insee_code": "94999"}, "insee_code", "Code INSEE inconnu dans le référentiel des communes : « 94999 »"),
    ({"insee_code": "Gotham"}, "insee_code", "Commune inconnue : « Gotham »"),
    ({"socle_kind": "commune", "insee_code": "94028", "siren": "217500016"}, "siren",
     "Ce SIREN n'est pas celui de la commune Créteil (94028), qui est 219400280."),
    ({"population": "beaucoup"}, "population", "Population : un nombre entier est attendu"),
    ({"population_year": "3000"}, "population_year", "Année invalide"),
    ({"title": ""}, "title", "Ce champ est obligatoire."),
])
def test_bad_organisation_values(sysadmin, data, field, message):
    errors = _errors(sysadmin, **data)
    assert message in " ".join(errors[field])


def test_organisation_page_shows_the_obligation(app, creteil):
    page = app.get(tk.url_for("organization.read", id="ville-de-creteil"), headers={"Accept-Language": "fr"})
    assert "Soumise à l&#39;obligation d&#39;ouverture des données" in page.body or \
        "Soumise à l'obligation d'ouverture des données" in page.body
    assert "219400280" in page.body
    assert "Publier un jeu du socle" in page.body


def test_organisation_form(app, sysadmin):
    from ckan.tests import factories

    token = factories.APIToken(user=sysadmin["name"])["token"]
    headers = {"Authorization": token, "Accept-Language": "fr"}
    page = app.get("/organization/new", headers=headers)
    for text in ("Type de collectivité", "Code INSEE de la commune", "SIREN",
                 "La collectivité emploie au moins 50 agents", 'data-module="socle-commune-picker"'):
        assert text in page.body
    response = app.post("/organization/new", headers=headers, data={
        "title": "Ville de Vitry", "name": "ville-de-vitry", "socle_kind": "commune",
        "insee_code": "Atlantide", "agents_50": "true", "save": ""})
    assert "Commune inconnue : « Atlantide »" in response.body.replace("&#34;", '"')
    # without JavaScript, the commune's name is enough when it is unambiguous
    response = app.post("/organization/new", headers=headers, follow_redirects=False, data={
        "title": "Ville de Vitry", "name": "ville-de-vitry", "socle_kind": "commune",
        "insee_code": "Vitry-sur-Seine", "agents_50": "true", "save": ""})
    assert response.status_code == 302
    org = tk.get_action("organization_show")({"ignore_auth": True}, {"id": "ville-de-vitry"})
    assert org["insee_code"] == "94081"
    assert org["siren"] and org["population"] > 3500 and org["socle_obligation"] == "true"
