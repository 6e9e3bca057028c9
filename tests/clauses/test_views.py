"""The pages: catalogue, template, diff, form, instance, downloads, organisation."""
from __future__ import annotations

import io
import re

import pytest

import ckan.plugins.toolkit as tk

from tests.clauses.conftest import ctx, values

pytestmark = [pytest.mark.ckan_config("ckan.plugins", "socle_clauses"),
              pytest.mark.usefixtures("with_plugins", "clean_index")]


def auth(user):
    return {"Authorization": user["token"]}


def test_catalogue_lists_searches_and_filters(app, seeded):
    page = app.get("/clauses").body
    assert "Clauses open data des contrats publics" in page
    assert page.count('class="clause-card"') == 15 and "15 modèles de clauses" in page
    page = app.get("/clauses", query_string={"q": "réversibilité"}).body
    assert 'id="clause-reversibilite-fin-contrat"' in page
    page = app.get("/clauses", query_string={"sector": "energie_irve"}).body
    assert page.count('class="clause-card"') == 2 and 'id="clause-irve-donnees-bornes"' in page
    page = app.get("/clauses", query_string={"schema": "menus-collectifs"}).body
    assert 'id="clause-restauration-menus-egalim"' in page and page.count('class="clause-card"') == 1
    page = app.get("/clauses", query_string={"q": "<script>x</script>"}).body
    assert "<script>x</script>" not in page


def test_template_page_history_and_diff(app, seeded, people):
    tk.get_action("socle_clause_version_create")(ctx(people["sysadmin"]), {
        "template": "od-preambule", "changelog": "Précision sur les secrets protégés.",
        "variables": ["authority.name", "authority.portal_url", "contract.reference",
                      "contract.object", "licence"],
        "body": "## Politique de données ouvertes\n\n{{ authority.name }} publie ses données.\n"})
    page = app.get("/clauses/modele/od-preambule").body
    assert "Utiliser cette clause" in page and "Historique des versions" in page
    assert "Précision sur les secrets protégés." in page and "Version 2 du" in page
    assert "[Nom de l&#39;autorité contractante]" in page       # placeholders shown
    assert "Fondements juridiques" in page and 'class="verify"' in page
    old = app.get("/clauses/modele/od-preambule", query_string={"version": 1}).body
    assert "voir la dernière version" in old and "secret des affaires" in old
    diff = app.get("/clauses/modele/od-preambule/diff", query_string={"de": 1, "a": 2}).body
    assert "Version 1 → version 2" in diff and 'class="delete"' in diff and 'class="insert"' in diff
    assert "− « Adresse électronique" not in diff and "Courriel du référent" in diff
    assert app.get("/clauses/modele/nope").status_code == 404
    assert app.get("/clauses/modele/od-preambule/diff", query_string={"de": 9}).status_code == 404


def form_data(**extra):
    data = {"organization": "ivry-sur-seine", "contract.reference": "2027-042",
            "contract.object": "Restauration scolaire", "contract.ccag": "FCS",
            "contract.start_date": "2027-01-01", "contract.end_date": "2029-12-31",
            "authority.name": "Ivry-sur-Seine", "authority.portal_url": "https://data.ivry94.fr",
            "licence": "LO-2.0", "penalty.per_day": "150",
            "datasets-0-title": "Menus des cantines", "datasets-0-schema": "menus-collectifs@1.2.3",
            "datasets-0-format": "CSV", "datasets-0-frequency": "monthly",
            "datasets-0-first_delivery": "J+30", "datasets-0-channel": "portal_upload",
            "datasets-1-title": "", "datasets-1-format": ""}
    data.update(extra)
    return data


def test_form_prefills_previews_refuses_and_creates(app, seeded, people):
    url = "/clauses/modele/od-fourniture-donnees-marche/utiliser"
    anonymous = app.get(url).body
    assert "Connectez-vous" in anonymous
    page = app.get(url, headers=auth(people["editor"])).body
    assert 'value="Ivry-sur-Seine"' in page                  # prefilled from the organisation
    preview = app.post(url, headers=auth(people["editor"]),
                       data=form_data(step="preview", **{"contract.object": "<b>x</b>"})).body
    assert "Menus des cantines" in preview and "&lt;b&gt;x&lt;/b&gt;" in preview
    refused = app.post(url, headers=auth(people["editor"]),
                       data=form_data(step="create", **{"penalty.per_day": "",
                                                        "datasets-0-format": "PDF"})).body
    assert "La clause ne peut pas encore être créée" in refused
    assert "« Pénalité par jour de retard » est obligatoire." in refused
    assert "ligne 1 : « Format » : valeur « PDF » non autorisée" in refused
    created = app.post(url, headers=auth(people["editor"]), data=form_data(step="create"),
                       follow_redirects=False)
    assert created.status_code == 302
    instance_url = created.headers["Location"]
    assert "/clauses/instance/" in instance_url
    page = app.get(instance_url, headers=auth(people["editor"])).body
    assert "Clause du contrat" in page and "2027-042" in page and "Suivi des livraisons" in page
    assert "Word (.docx)" in page and "Menus des cantines" in page
    # private: another organisation's editor may not see it
    assert app.get(instance_url, headers=auth(people["other"])).status_code == 403
    assert app.get(instance_url).status_code == 403


def test_outsiders_cannot_create_for_an_organisation(app, seeded, people):
    url = "/clauses/modele/od-fourniture-donnees-marche/utiliser"
    page = app.post(url, headers=auth(people["outsider"]), data=form_data(step="create")).body
    assert "Vous devez être éditeur" in page
    assert tk.get_action("socle_clause_instance_list")(
        ctx(people["sysadmin"]), {"organization": "ivry-sur-seine"}) == []


@pytest.mark.parametrize("fmt,mimetype,check", [
    ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK"),
    ("odt", "application/vnd.oasis.opendocument.text", b"PK"),
    ("md", "text/markdown; charset=utf-8", "# Remise des données".encode()),
    ("html", "text/html; charset=utf-8", b"<!DOCTYPE html>"),
    ("csv", "text/csv; charset=utf-8", "\ufeffN°".encode()),
])
def test_downloads(app, seeded, people, fmt, mimetype, check):
    instance = tk.get_action("socle_clause_instance_create")(ctx(people["editor"]), {
        "template": "od-fourniture-donnees-marche", "organization": "ivry-sur-seine",
        "values": values(datasets=[{**values()["datasets"][0],
                                    "title": "=HYPERLINK(\"http://evil\")"}])})
    response = app.get(f"/clauses/instance/{instance['id']}/telecharger/{fmt}",
                       headers=auth(people["member"]))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == mimetype
    assert re.match(r'attachment; filename="clause-od-fourniture-donnees-marche-2027-015'
                    r'(-annexe)?\.\w+"', response.headers["Content-Disposition"])
    assert response.data.startswith(check)
    if fmt == "csv":
        assert "'=HYPERLINK" in response.data.decode("utf-8-sig")
    if fmt == "docx":
        import docx
        assert docx.Document(io.BytesIO(response.data)).tables[0].rows[1].cells[1].text == \
            '=HYPERLINK("http://evil")'
    assert app.get(f"/clauses/instance/{instance['id']}/telecharger/{fmt}").status_code == 403
    assert app.get(f"/clauses/instance/{instance['id']}/telecharger/exe",
                   headers=auth(people["member"])).status_code == 404


def test_organisation_page_lists_instances_with_delivery_tracking(app, seeded, people):
    from ckan.tests import factories

    action = tk.get_action("socle_clause_instance_create")
    action(ctx(people["editor"]), {"template": "od-fourniture-donnees-marche",
                                   "organization": "ivry-sur-seine", "values": values(),
                                   "private": False})
    action(ctx(people["editor"]), {"template": "reversibilite-fin-contrat",
                                   "organization": "ivry-sur-seine", "private": True,
                                   "values": values(**{"contract.reference": "2027-099",
                                                       "penalty.per_day": "50"})})
    factories.Dataset(name="menus-ivry", type="menus-collectifs", owner_org=people["ivry"]["id"],
                      resources=[{"url": "http://example.org/m.csv", "format": "CSV",
                                  "schema_name": "menus-collectifs",
                                  "socle_conformity_level": "conforme"}])
    page = app.get("/organization/clauses/ivry-sur-seine", headers=auth(people["member"])).body
    assert "Clauses open data de Ivry-sur-Seine" in page
    assert page.count('class="clause-card"') == 2 and "2027-099" in page
    assert 'href="/dataset/menus-ivry"' in page and ">Conforme<" in page
    public = app.get("/organization/clauses/ivry-sur-seine").body
    assert public.count('class="clause-card"') == 1 and "2027-099" not in public
    assert app.get("/organization/clauses/nope").status_code == 404


def test_editors_add_versions_and_change_status_through_the_page(app, seeded, people):
    url = "/clauses/modele/od-preambule/edition"
    assert app.get(url, headers=auth(people["editor"])).status_code == 403
    assert app.get(url).status_code == 403
    page = app.get(url, headers=auth(people["sysadmin"])).body
    assert "Nouvelle version (actuelle : 1)" in page and "- authority.name" in page
    hostile = app.post(url, headers=auth(people["sysadmin"]), data={
        "step": "version", "body": "{{ ''.__class__ }}", "variables": "- authority.name",
        "changelog": "x"}).body
    assert "Accès interdit à « __class__ »" in hostile
    bad_yaml = app.post(url, headers=auth(people["sysadmin"]), data={
        "step": "version", "body": "x", "variables": "- [", "changelog": "x"}).body
    assert "Variables illisibles (YAML)" in bad_yaml
    created = app.post(url, headers=auth(people["sysadmin"]), data={
        "step": "version", "body": "## Préambule\r\n\r\n{{ authority.name }} ouvre ses données.",
        "variables": "- authority.name\n", "changelog": "Texte resserré.",
        "legal_texts": "CRPA\n", "schema_versions": ""}, follow_redirects=False)
    assert created.status_code == 302
    shown = tk.get_action("socle_clause_template_show")(ctx(None), {"id": "od-preambule"})
    assert shown["version"]["number"] == 2 and shown["version"]["legal_texts"] == ["CRPA"]
    moved = app.post(url, headers=auth(people["sysadmin"]), data={
        "step": "status", "status": "deprecated", "superseded_by": "od-fourniture-donnees-marche"},
        follow_redirects=False)
    assert moved.status_code == 302
    page = app.get("/clauses/modele/od-preambule").body
    assert "Ce modèle est remplacé par" in page and "/utiliser" not in page
