"""Report page (HTML, JSON, CSV), SVG badges, templates, and who sees what (auth matrix)."""
from __future__ import annotations

import csv
import io
import json

import pytest
from ckan.tests import factories, helpers

from ckanext.socle.validation import badges

from .conftest import make_dataset, make_org, PLUGINS

pytestmark = [pytest.mark.ckan_config("ckan.plugins", PLUGINS), pytest.mark.usefixtures("socle_db")]

ROLES = ("anonymous", "outsider", "member", "editor", "admin", "sysadmin")


@pytest.fixture
def world(upload_resource, worker):
    """An organisation with its members, a public and a private dataset, each with a validated
    invalid file."""
    users = {name: factories.User(name=f"user-{name}") for name in ("outsider", "member", "editor", "admin")}
    users["sysadmin"] = factories.Sysadmin(name="user-sysadmin")
    org = make_org("commune-test", users=[
        {"name": users[r]["name"], "capacity": r} for r in ("member", "editor", "admin")])
    public = make_dataset(org, name="subventions-public", title="Subventions publiques")
    private = make_dataset(org, name="subventions-prive", title="Subventions privées", private=True)
    resources = {"public": upload_resource(public["id"], "invalid"), "private": upload_resource(private["id"], "invalid")}
    worker()
    tokens = {name: factories.APIToken(user=user["name"])["token"] for name, user in users.items()}
    return {"users": users, "org": org, "datasets": {"public": public, "private": private},
            "resources": resources, "tokens": tokens}


def _headers(world, role):
    return {} if role == "anonymous" else {"Authorization": world["tokens"][role]}


def _report_url(world, which, suffix=""):
    dataset, resource = world["datasets"][which], world["resources"][which]
    return f"/dataset/{dataset['name']}/resource/{resource['id']}/conformite{suffix}"


def test_report_page_is_server_rendered_in_french(app, world):
    response = app.get(_report_url(world, "public"))
    assert response.status_code == 200
    html = response.body
    assert "Rapport de conformité" in html and "non conforme" in html
    assert "Erreurs par type" in html and "Comment corriger" in html
    assert "Historique des vérifications" in html
    assert "https://schema.data.gouv.fr/scdl/subventions/2.1.1/" in html  # schema documentation
    assert "validata.fr" in html and "schema=https" in html  # second opinion
    assert "conformite.json" in html and "conformite.csv" in html
    assert "<script" not in html.split('<article class="module socle-validation-report"')[1].split("</article>")[0]


def test_report_downloads(app, world):
    data = json.loads(app.get(_report_url(world, "public", ".json")).body)
    assert data["level"] == "non_conforme" and data["report"]["errors"]
    response = app.get(_report_url(world, "public", ".csv"))
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.body.lstrip("\ufeff"))))
    assert len(rows) == len(data["report"]["errors"]) + len(data["report"]["warnings"])
    assert {"code", "row", "column", "value", "message", "hint"} <= set(rows[0])
    assert all(not (r["value"] or "").startswith(("=", "+", "@")) for r in rows)


def test_history_and_older_run(app, world):
    sysadmin = world["users"]["sysadmin"]
    resource = world["resources"]["public"]
    helpers.call_action("socle_validation_run", {"user": sysadmin["name"]}, resource_id=resource["id"], sync=True)
    runs = helpers.call_action("socle_validation_list", resource_id=resource["id"])
    assert len(runs) == 2 and runs[0]["trigger"] == "manual"
    older = app.get(_report_url(world, "public") + f"?run={runs[1]['id']}")
    assert older.status_code == 200 and f"run={runs[1]['id']}" in older.body.split("Historique")[0]
    assert app.get(_report_url(world, "public") + "?run=nope").status_code == 404


def test_svg_badges(app, world):
    resource = world["resources"]["public"]
    response = app.get(f"/socle/badge/resource/{resource['id']}.svg")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("image/svg+xml")
    assert "public, max-age=" in response.headers["Cache-Control"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "non conforme" in response.body and "<title>" in response.body
    dataset_svg = app.get(f"/socle/badge/dataset/{world['datasets']['public']['name']}.svg")
    assert dataset_svg.status_code == 200 and "non conforme" in dataset_svg.body
    private = app.get(f"/socle/badge/resource/{world['resources']['private']['id']}.svg",
                      headers=_headers(world, "member"))
    assert private.status_code == 200 and "no-store" in private.headers["Cache-Control"]


def test_badge_colours_have_enough_contrast():
    for state, colour in badges.COLOURS.items():
        assert badges.contrast("#ffffff", colour) >= 4.5, state
    assert badges.contrast("#ffffff", badges.LABEL_COLOUR) >= 4.5


def test_badges_on_dataset_resource_and_search_pages(app, world):
    dataset = world["datasets"]["public"]
    page = app.get(f"/dataset/{dataset['name']}").body
    assert "socle-badge--non_conforme" in page and "Conformité SCDL" in page
    resource_page = app.get(f"/dataset/{dataset['name']}/resource/{world['resources']['public']['id']}").body
    assert "Voir le rapport de conformité" in resource_page and "socle-badge--non_conforme" in resource_page
    search = app.get("/dataset/").body
    assert "socle-badge--non_conforme" in search and "Conformité au schéma" in search
    filtered = app.get("/dataset/?vocab_socle_conformity=non_conforme").body
    assert dataset["title"] in filtered


# -- auth matrix -----------------------------------------------------------------------------
SEE_PRIVATE = {"anonymous": False, "outsider": False, "member": True, "editor": True, "admin": True, "sysadmin": True}
CAN_RUN = {"anonymous": False, "outsider": False, "member": False, "editor": True, "admin": True, "sysadmin": True}


def test_reading_follows_dataset_visibility(app, world):
    for role in ROLES:
        _check_reading(app, world, role)


def _check_reading(app, world, role):
    headers = _headers(world, role)
    for which in ("public", "private"):
        expected = 200 if which == "public" or SEE_PRIVATE[role] else 404
        where = (role, which)
        for suffix in ("", ".json", ".csv"):
            assert app.get(_report_url(world, which, suffix), headers=headers).status_code == expected, (where, suffix)
        svg = app.get(f"/socle/badge/resource/{world['resources'][which]['id']}.svg", headers=headers)
        assert svg.status_code == expected, where
        dsvg = app.get(f"/socle/badge/dataset/{world['datasets'][which]['id']}.svg", headers=headers)
        assert dsvg.status_code == expected, where
        for action in ("socle_validation_show", "socle_validation_list"):
            api = app.get(f"/api/3/action/{action}", headers=headers,
                          query_string={"resource_id": world["resources"][which]["id"]})
            assert api.status_code == (200 if expected == 200 else 403), (where, action)


def test_running_follows_resource_update_and_batches_are_for_sysadmins(app, world):
    for role in ROLES:
        headers = _headers(world, role)
        for which in ("public", "private"):
            response = app.post("/api/3/action/socle_validation_run", headers=headers,
                                json={"resource_id": world["resources"][which]["id"]})
            assert (response.status_code == 200) is CAN_RUN[role], (role, which, response.body)
        batch = app.post("/api/3/action/socle_validation_run_batch", headers=headers,
                         json={"organization": world["org"]["name"]})
        assert (batch.status_code == 200) is (role == "sysadmin"), role
        if role == "sysadmin":
            assert batch.json["result"]["count"] == 2


def test_facets_and_summary_hide_private_datasets(app, world):
    for role in ROLES:
        headers = _headers(world, role)
        search = app.get("/api/3/action/package_search", headers=headers, query_string={
            "facet.field": '["vocab_socle_conformity"]', "include_private": "true"}).json["result"]
        counts = {i["name"]: i["count"] for i in search["search_facets"]["vocab_socle_conformity"]["items"]}
        assert counts == {"non_conforme": 2 if SEE_PRIVATE[role] else 1}, role
        summary = app.get("/api/3/action/socle_conformity_summary", headers=headers).json["result"]
        assert summary["levels"]["non_conforme"] == (2 if SEE_PRIVATE[role] else 1), role
    # The organisation page facets too.
    page = app.get(f"/organization/{world['org']['name']}").body
    assert "Conformité au schéma" in page


def test_check_before_publishing(app, world):
    from .conftest import DATA, FILES

    headers = _headers(world, "editor")
    assert app.get("/socle/verifier").status_code == 403
    page = app.get("/socle/verifier", headers=headers)
    assert page.status_code == 200 and "Vérifier un fichier avant de le publier" in page.body
    with open(DATA / FILES["valid"][0], "rb") as handle:
        response = app.post("/socle/verifier?fragment=1", headers=headers, data={
            "schema_name": "subventions@2.1.1", "upload": (handle, "subventions.csv")})
    assert response.status_code == 200
    assert "socle-badge--conforme" in response.body and "rien n" in response.body
    assert "<html" not in response.body  # a fragment for the resource form
    with open(DATA / FILES["invalid"][0], "rb") as handle:
        response = app.post("/socle/verifier", headers=headers, data={
            "schema_name": "subventions", "schema_version": "2.1.1", "upload": (handle, "bad.csv")})
    assert "socle-badge--non_conforme" in response.body and "<html" in response.body
    # Nothing was stored by the check.
    assert len(helpers.call_action("socle_validation_list", resource_id=world["resources"]["public"]["id"])) == 1


def test_resource_form_offers_the_check(app, world):
    dataset = world["datasets"]["public"]
    page = app.get(f"/dataset/{dataset['name']}/resource/new", headers=_headers(world, "editor")).body
    assert 'id="socle-check-panel"' in page and "Vérifier avant de publier" in page
    assert "/socle/verifier" in page
