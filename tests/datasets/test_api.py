"""Socle dataset types through the action API, on the real PostgreSQL and Solr."""
import json

import pytest

from ckan.plugins import toolkit as tk

from ckanext.socle.catalogue import get_catalogue

from .conftest import PLUGINS, TYPES, good_dataset

pytestmark = [pytest.mark.ckan_config("ckan.plugins", PLUGINS)]


def _create(user, data):
    return tk.get_action("package_create")({"user": user["name"]}, data)


def _errors(user, data) -> dict:
    with pytest.raises(tk.ValidationError) as caught:
        _create(user, data)
    return caught.value.error_dict


@pytest.mark.parametrize("dataset_type", TYPES)
def test_create_every_socle_type(dataset_type, sysadmin, creteil):
    entry = get_catalogue().resolve(dataset_type)
    dataset = _create(sysadmin, good_dataset(dataset_type, creteil))
    assert dataset["type"] == dataset_type
    assert dataset["socle_communes"] == ["94028", "94046"]
    assert dataset["license_id"] == "fr-lo"
    assert dataset["license_title"].startswith("Licence Ouverte")
    assert dataset["frequency"] == "http://publications.europa.eu/resource/authority/frequency/ANNUAL"
    assert dataset["temporal_coverage"] == [{"start": "2025-01-01", "end": "2025-12-31"}]
    assert dataset["contact"] == [{"name": "Service open data", "email": "opendata@ville-creteil.fr"}]
    resource = dataset["resources"][0]
    assert (resource["schema_name"], resource["schema_version"]) == (dataset_type, entry.version)
    assert resource["conforms_to"] == entry.url
    assert dataset["conforms_to"] == [entry.url]
    # derived in ckanext-dcat's shapes
    assert [s["text"] for s in dataset["spatial_coverage"]] == ["Créteil (94028)", "Maisons-Alfort (94046)"]
    assert json.loads(dataset["spatial_coverage"][0]["geom"])["type"] == "MultiPolygon"
    assert json.loads(dataset["spatial_coverage"][0]["centroid"])["type"] == "Point"
    assert dataset["publisher"][0]["name"] == "Ville de Créteil"
    assert dataset["publisher"][0]["identifier"] == "219400280"
    # indexed: the type is searchable
    found = tk.get_action("package_search")({}, {"fq": f"dataset_type:{dataset_type}"})
    assert found["count"] == 1


def test_schema_version_choice_and_names(sysadmin, creteil):
    data = good_dataset("subventions", creteil, resources=[
        {"url": "http://example.com/a.csv", "schema_version": "v2.0.2"},
        {"url": "http://example.com/b.csv", "schema_version": "1.1"},
        {"url": "http://example.com/c.csv"},
    ], socle_communes="Créteil, 94046")
    dataset = _create(sysadmin, data)
    assert [r["schema_version"] for r in dataset["resources"]] == ["2.0.2", "1.1.0", "2.1.1"]
    assert dataset["resources"][0]["conforms_to"].endswith("/scdl/subventions/2.0.2/schema.json")
    assert len(dataset["conforms_to"]) == 3
    assert dataset["socle_communes"] == ["94028", "94046"]


def test_communes_default_to_the_organisation(sysadmin, creteil):
    dataset = _create(sysadmin, good_dataset("prenoms", creteil, socle_communes=""))
    assert dataset["socle_communes"] == ["94028"]


def test_former_commune_code_is_accepted_and_shown(sysadmin, creteil):
    """A dataset that names a merged (former) commune keeps validating."""
    dataset = _create(sysadmin, good_dataset("budget", creteil, socle_communes=["75028"]))
    assert dataset["socle_communes"] == ["75028"]
    updated = tk.get_action("package_patch")({"user": sysadmin["name"]}, {"id": dataset["id"], "title": "Budget"})
    assert updated["socle_communes"] == ["75028"]


@pytest.mark.parametrize("changes, field, message", [
    ({"license_id": "cc-by"}, "license_id", "Licence non autorisée pour un jeu du socle : « cc-by »"),
    ({"license_id": ""}, "license_id", "Choisissez une licence"),
    ({"socle_communes": ["99999"]}, "socle_communes", "Code INSEE inconnu : « 99999 »"),
    ({"socle_communes": "Gotham"}, "socle_communes", "Commune inconnue : « Gotham »"),
    ({"frequency": "souvent"}, "frequency", "Fréquence inconnue"),
    ({"title": ""}, "title", "Ce champ est obligatoire."),
])
def test_bad_dataset_values(sysadmin, creteil, changes, field, message):
    errors = _errors(sysadmin, good_dataset("deliberations", creteil, **changes))
    assert message in " ".join(errors[field])


def test_end_before_start(sysadmin, creteil):
    errors = _errors(sysadmin, good_dataset("subventions", creteil, temporal_coverage=[
        {"start": "2025-12-31", "end": "2025-01-01"}]))
    text = json.dumps(errors, ensure_ascii=False)
    assert "La date de fin (01/01/2025) est antérieure à la date de début (31/12/2025)." in text


def test_bad_date_and_email(sysadmin, creteil):
    errors = _errors(sysadmin, good_dataset("subventions", creteil, temporal_coverage=[{"start": "31-12-2025"}],
                                            contact=[{"email": "pas-une-adresse"}]))
    text = json.dumps(errors, ensure_ascii=False)
    assert "Date invalide : « 31-12-2025 ». Format attendu : AAAA-MM-JJ" in text
    assert "Adresse électronique invalide : « pas-une-adresse »." in text


@pytest.mark.parametrize("resource, message", [
    ({"schema_version": "9.9"}, "Version inconnue pour le schéma « subventions » : « 9.9 »"),
    ({"schema_version": "2.0.1"}, "n'est pas disponible hors ligne"),
    ({"schema_name": "budjet"}, "Schéma inconnu : « budjet »"),
])
def test_bad_resource_schema(sysadmin, creteil, resource, message):
    errors = _errors(sysadmin, good_dataset("subventions", creteil, resources=[{"url": "http://e.com/x.csv", **resource}]))
    assert message in json.dumps(errors, ensure_ascii=False)


@pytest.mark.parametrize("dataset_type", TYPES)
def test_scheming_dataset_schema_show(communes, dataset_type):
    schema = tk.get_action("scheming_dataset_schema_show")({}, {"type": dataset_type})
    names = [f["field_name"] for f in schema["dataset_fields"]]
    for field in ("socle_communes", "temporal_coverage", "frequency", "license_id", "contact",
                  "conforms_to", "spatial_coverage", "publisher"):
        assert field in names
    resource_names = [f["field_name"] for f in schema["resource_fields"]]
    assert {"schema_name", "schema_version", "conforms_to"} <= set(resource_names)
    notes = next(f for f in schema["dataset_fields"] if f["field_name"] == "notes")
    assert get_catalogue().resolve(dataset_type).title in notes["help_text"]["fr"]


def test_schema_actions_are_public(communes):
    listed = tk.get_action("socle_schema_list")({"user": ""}, {})
    assert [s["name"] for s in listed][:2] == ["budget", "catalogue"]
    subventions = next(s for s in listed if s["name"] == "subventions")
    assert subventions["versions"] == ["2.1.1", "2.0.2", "1.1.0"]
    assert subventions["urls"]["2.0.2"] == "https://schema.data.gouv.fr/schemas/scdl/subventions/2.0.2/schema.json"
    retired = tk.get_action("socle_schema_list")({"user": ""}, {"status": "retired"})
    assert [s["name"] for s in retired] == ["adresses", "marches-publics"]

    shown = tk.get_action("socle_schema_show")({"user": ""}, {"name": "scdl/subventions@v2.0.2"})
    assert shown["version"]["version"] == "2.0.2"
    assert "idBeneficiaire" in [f["name"] for f in shown["version"]["fields"]]
    mp = tk.get_action("socle_schema_show")({"user": ""}, {"name": "marches-publics"})
    assert mp["status"] == "retired" and not mp["version"]["valid_tableschema"]
    with pytest.raises(tk.ObjectNotFound, match="Schéma inconnu"):
        tk.get_action("socle_schema_show")({"user": ""}, {"name": "budjet"})


def test_commune_actions(communes):
    by_name = tk.get_action("socle_commune_list")({"user": ""}, {"q": "creteil"})
    assert by_name[0]["code"] == "94028" and by_name[0]["label"] == "Créteil (94000)"
    by_postcode = tk.get_action("socle_commune_list")({"user": ""}, {"q": "94700"})
    assert [c["name"] for c in by_postcode] == ["Maisons-Alfort"]
    by_code = tk.get_action("socle_commune_list")({"user": ""}, {"q": "9404"})
    assert {c["code"][:4] for c in by_code} == {"9404"}
    hay = tk.get_action("socle_commune_list")({"user": ""}, {"q": "l hay les roses"})
    assert hay[0]["name"] == "L'Haÿ-les-Roses"
    shown = tk.get_action("socle_commune_show")({"user": ""}, {"code": "94028"})
    assert shown["population"] == 93397 and shown["population_year"] == 2023 and shown["cog_year"] == 2026
    assert shown["outline"]["type"] == "MultiPolygon"
    former = tk.get_action("socle_commune_show")({"user": ""}, {"code": "75028", "outline": False})
    assert former["current"] is False and former["successor"] == "94028"
    with pytest.raises(tk.ObjectNotFound, match="Code INSEE inconnu"):
        tk.get_action("socle_commune_show")({"user": ""}, {"code": "99999"})
    meta = tk.get_action("socle_reference_show")({"user": ""}, {})
    assert meta["population_year"] == "2023" and meta["decoupage_administratif_version"] == "6.0.0"


def test_generic_dataset_type(sysadmin, creteil):
    """Any other dataset: same metadata, all optional, any licence, a resource may name a schema."""
    dataset = _create(sysadmin, {
        "type": "dataset", "name": "parkings", "title": "Parkings", "owner_org": creteil["id"],
        "license_id": "cc-by", "resources": [
            {"url": "http://example.com/p.csv"},
            {"url": "http://example.com/s.csv", "schema_name": "scdl/subventions"}]})
    assert dataset["license_id"] == "cc-by"
    assert "schema_name" not in dataset["resources"][0] or not dataset["resources"][0]["schema_name"]
    assert dataset["resources"][1]["schema_name"] == "subventions"
    assert dataset["resources"][1]["conforms_to"].endswith("/scdl/subventions/2.1.1/schema.json")
    assert dataset["conforms_to"] == [dataset["resources"][1]["conforms_to"]]
    errors = _errors(sysadmin, {"type": "dataset", "name": "x", "title": "X", "owner_org": creteil["id"],
                                "socle_communes": "99999"})
    assert "Code INSEE inconnu" in " ".join(errors["socle_communes"])


def test_without_the_commune_tables(clean_db, clean_index, with_plugins, migrate_db_for, app):
    """Before `ckan db upgrade -p socle`: codes are checked for their shape, pages still render."""
    from ckan.tests import factories

    from ckanext.socle.reference import store

    migrate_db_for("socle", "base", False)
    store._TABLES_SEEN = False  # a live portal never drops them; this test does
    try:
        user = factories.Sysadmin()
        org = factories.Organization(user=user)
        dataset = _create(user, good_dataset("prenoms", org, socle_communes="94028"))
        assert dataset["socle_communes"] == ["94028"]
        errors = _errors(user, good_dataset("prenoms", org, name="x", socle_communes="Créteil"))
        assert "n'est pas un code INSEE" in " ".join(errors["socle_communes"])
        token = factories.APIToken(user=user["name"])["token"]
        page = app.get(f"/prenoms/{dataset['name']}", headers={"Authorization": token})
        assert page.status_code == 200, page.body[-3000:]
        assert "94028" in page.body
        assert tk.get_action("socle_commune_list")({}, {"q": "cré"}) == []
        assert tk.get_action("socle_reference_show")({}, {}) == {}
    finally:
        migrate_db_for("socle")
