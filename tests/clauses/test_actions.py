"""API actions and permissions on the real stack."""
from __future__ import annotations

import base64
import io

import pytest

import ckan.plugins.toolkit as tk

from tests.clauses.conftest import ctx, values

pytestmark = [pytest.mark.ckan_config("ckan.plugins", "socle_clauses"),
              pytest.mark.usefixtures("with_plugins")]

NEW_TEMPLATE = {
    "slug": "clause-test", "title": "Clause de test", "summary": "Pour les tests.",
    "contract_kinds": ["marche_fcs"], "sectors": ["transversal"], "status": "draft",
    "body": "## Test\n\n{{ authority.name }} — {{ contract.reference }}.",
    "variables": ["authority.name", "contract.reference"], "changelog": "Création.",
}


def call(name, user, **data):
    return tk.get_action(name)(ctx(user), data)


def test_anyone_lists_and_reads_published_templates(seeded):
    listed = call("socle_clause_template_list", None)
    assert len(listed) == 15 and {t["status"] for t in listed} == {"published"}
    shown = call("socle_clause_template_show", None, id="dsp-donnees-concession")
    assert shown["version"]["number"] == 1 and "L3131-2" in shown["version"]["body"]
    assert shown["versions"][0]["changelog"].startswith("Première rédaction")
    assert call("socle_clause_template_list", None, q="cantines", sector="restauration_collective")


def test_only_sysadmins_and_configured_editors_edit_templates(seeded, people):
    with pytest.raises(tk.NotAuthorized):
        call("socle_clause_template_create", people["editor"], **NEW_TEMPLATE)
    with pytest.raises(tk.NotAuthorized):
        call("socle_clause_template_create", None, **NEW_TEMPLATE)
    created = call("socle_clause_template_create", people["sysadmin"], **NEW_TEMPLATE)
    assert created["status"] == "draft" and created["version"]["number"] == 1
    # drafts are invisible to readers
    with pytest.raises(tk.ObjectNotFound):
        call("socle_clause_template_show", people["editor"], id="clause-test")
    assert "clause-test" not in [t["slug"] for t in call("socle_clause_template_list", None)]
    assert call("socle_clause_template_list", people["sysadmin"], status="draft")[0]["slug"] == \
        "clause-test"


@pytest.mark.ckan_config("ckanext.socle.clauses.editors", "juriste editrice-ivry")
def test_configured_editors_may_edit(seeded, people):
    created = call("socle_clause_template_create", people["editor"], **NEW_TEMPLATE)
    assert created["slug"] == "clause-test"
    with pytest.raises(tk.NotAuthorized):
        call("socle_clause_version_create", people["other"], template="clause-test",
             body="x", variables=[], changelog="x")


def test_hostile_bodies_are_refused_by_the_api(seeded, people):
    for body in ("{{ ''.__class__.__mro__ }}", "{% for i in range(10**9) %}x{% endfor %}",
                 "{{ cycler.__init__.__globals__ }}", "{% include 'page.html' %}"):
        with pytest.raises(tk.ValidationError) as caught:
            call("socle_clause_template_create", people["sysadmin"], **{**NEW_TEMPLATE, "body": body})
        assert any("Version 1" in p for p in caught.value.error_dict["template"])
        with pytest.raises(tk.ValidationError):
            call("socle_clause_version_create", people["sysadmin"], template="od-preambule",
                 body=body, variables=["authority.name"], changelog="hostile")


def test_versions_are_appended_and_status_follows_its_workflow(seeded, people):
    admin = people["sysadmin"]
    call("socle_clause_template_create", admin, **NEW_TEMPLATE)
    shown = call("socle_clause_version_create", admin, template="clause-test",
                 body="## Test\n\nNouveau texte pour {{ authority.name }}.",
                 variables=["authority.name"], changelog="Texte simplifié.")
    assert shown["version"]["number"] == 2 and len(shown["versions"]) == 2
    first = call("socle_clause_template_show", admin, id="clause-test", version=1)["version"]
    assert "contract.reference" in first["body"]           # version 1 unchanged
    with pytest.raises(tk.ValidationError, match="changelog"):
        call("socle_clause_version_create", admin, template="clause-test", body="x",
             variables=[])
    assert call("socle_clause_template_update", admin, id="clause-test",
                status="published")["status"] == "published"
    with pytest.raises(tk.ValidationError) as caught:
        call("socle_clause_template_update", admin, id="clause-test", status="draft")
    assert "Changement de statut impossible" in caught.value.error_dict["template"][0]
    updated = call("socle_clause_template_update", admin, id="clause-test", status="deprecated",
                   superseded_by="od-preambule")
    assert updated["superseded_by"] == "od-preambule"
    with pytest.raises(tk.ValidationError):
        call("socle_clause_template_update", admin, id="clause-test", superseded_by="nope")
    with pytest.raises(tk.NotAuthorized):
        call("socle_clause_template_update", people["editor"], id="clause-test", title="x")


@pytest.mark.parametrize("fmt", ["html", "md", "docx", "odt", "csv"])
def test_render_every_format(seeded, people, fmt):
    result = call("socle_clause_render", None, template="od-fourniture-donnees-marche",
                  organization="ivry-sur-seine", values=values(), format=fmt)
    if fmt in ("docx", "odt"):
        payload = base64.b64decode(result["content_base64"])
        assert payload[:2] == b"PK"
        if fmt == "docx":
            import docx
            text = "\n".join(p.text for p in docx.Document(io.BytesIO(payload)).paragraphs)
            assert "Ivry-sur-Seine" in text and "2027-015" in text
    else:
        assert "Menus des cantines" in result["content"]
    if fmt == "html":
        assert "Ivry-sur-Seine" in result["content"]          # prefilled from the organisation


def test_render_refuses_missing_values_in_french(seeded):
    with pytest.raises(tk.ValidationError) as caught:
        call("socle_clause_render", None, template="od-fourniture-donnees-marche",
             values={"contract.reference": "X"})
    errors = caught.value.error_dict["values"]
    assert errors["authority.name"] == "« Nom de l'autorité contractante » est obligatoire."
    assert "au moins un jeu de données" in errors["datasets"]
    preview = call("socle_clause_render", None, template="od-fourniture-donnees-marche",
                   values={}, preview=True)
    assert "clause-missing" in preview["content"] and preview["errors"]


def test_hostile_values_are_escaped_in_the_api_output(seeded, people):
    hostile = '<img src=x onerror=alert(1)>{{ 7*7 }}'
    result = call("socle_clause_render", None, template="od-fourniture-donnees-marche",
                  organization="ivry-sur-seine", values=values(**{"contract.object": hostile}))
    assert "<img" not in result["content"] and "&lt;img" in result["content"]
    assert "{{ 7*7 }}" in result["content"]


def test_instances_are_created_by_organisation_editors_only(seeded, people):
    data = {"template": "od-fourniture-donnees-marche", "organization": "ivry-sur-seine",
            "values": values()}
    for user in (None, people["member"], people["other"], people["outsider"]):
        with pytest.raises(tk.NotAuthorized):
            call("socle_clause_instance_create", user, **data)
    instance = call("socle_clause_instance_create", people["editor"], **data)
    assert instance["private"] is True and instance["version"] == 1
    assert instance["values"]["authority.name"] == "Ivry-sur-Seine"     # prefilled
    assert instance["contract_reference"] == "2027-015"
    assert instance["organization"]["name"] == "ivry-sur-seine"
    with pytest.raises(tk.ValidationError) as caught:
        call("socle_clause_instance_create", people["editor"],
             **{**data, "values": values(**{"contact.email": "pas un courriel"})})
    assert "adresse électronique invalide" in caught.value.error_dict["contact.email"]


def test_instances_are_private_to_the_organisation_unless_published(seeded, people):
    data = {"template": "od-fourniture-donnees-marche", "organization": "ivry-sur-seine",
            "values": values()}
    private = call("socle_clause_instance_create", people["editor"], **data)
    public = call("socle_clause_instance_create", people["editor"], **data, private=False)
    for user in (people["member"], people["editor"], people["sysadmin"]):
        assert call("socle_clause_instance_show", user, id=private["id"])["id"] == private["id"]
        assert len(call("socle_clause_instance_list", user, organization="ivry-sur-seine")) == 2
    for user in (None, people["other"], people["outsider"]):
        with pytest.raises(tk.NotAuthorized):
            call("socle_clause_instance_show", user, id=private["id"])
        with pytest.raises(tk.NotAuthorized):
            call("socle_clause_render", user, instance_id=private["id"])
        assert call("socle_clause_instance_show", user, id=public["id"])["id"] == public["id"]
        listed = call("socle_clause_instance_list", user, organization="ivry-sur-seine")
        assert [i["id"] for i in listed] == [public["id"]]
    rendered = call("socle_clause_render", None, instance_id=public["id"], format="md")
    assert "Restauration scolaire" in rendered["content"]


def test_only_published_templates_can_be_used(seeded, people):
    call("socle_clause_template_create", people["sysadmin"], **NEW_TEMPLATE)
    with pytest.raises(tk.ValidationError):
        call("socle_clause_instance_create", people["sysadmin"], template="clause-test",
             organization="ivry-sur-seine", values={"contract.reference": "1"})
