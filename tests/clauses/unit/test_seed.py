"""The seeded catalogue: 15 published templates that render in every format."""
from __future__ import annotations

import json

import pytest

from ckanext.socle.clauses import document, registry, render, vocab, writers
from ckanext.socle.clauses import variables as V

SLUGS = ["od-preambule", "od-fourniture-donnees-marche", "od-droits-reutilisation",
         "dsp-donnees-concession", "dsp-rapport-annuel-donnees", "dsp-eau-assainissement",
         "transport-donnees-mobilite", "dechets-donnees-collecte", "restauration-menus-egalim",
         "irve-donnees-bornes", "logiciel-export-scdl", "conformite-schema-recette",
         "donnees-personnelles-anonymisation", "reversibilite-fin-contrat",
         "decp-cooperation-titulaire"]


def test_fifteen_published_templates(seed):
    assert [t["slug"] for t in seed] == SLUGS
    for template in seed:
        assert template["status"] == "published"
        assert template["summary_en"] and template["title_en"]
        assert template["text_licence"] in vocab.TEXT_LICENCES and template["attribution"]
        assert template["contract_kinds"] and template["sectors"] and template["legal_references"]


@pytest.mark.parametrize("slug", SLUGS)
def test_template_is_valid_and_renders_everywhere(seed, slug):
    template = next(t for t in seed if t["slug"] == slug)
    assert registry.check_template(template) == []
    version = template["versions"][-1]
    variables = registry.declared_variables(version)
    clean, errors = V.validate(variables, V.sample_values(variables))
    assert errors == {}
    assert json.loads(json.dumps(clean)) == clean     # stored as JSONB as they are
    rendered = render.render_text(version["body"], variables, clean)
    doc = document.build(template["title"], rendered.text, rows=clean.get("datasets"),
                         has_annex=registry.has_annex(variables))
    text = doc.plain_text()
    assert "[" not in text.replace("[[", "")    # no placeholder left
    assert "{{" not in text and "{%" not in text
    assert doc.blocks[0].kind == "heading"
    assert writers.to_html(doc) and writers.to_markdown(doc)
    assert writers.to_docx(doc)[:2] == b"PK" and writers.to_odt(doc)[:2] == b"PK"
    with pytest.raises(render.MissingValues):
        render.render_text(version["body"], variables, {})


def test_catalogue_round_trips_through_yaml(seed):
    text = registry.dump_catalogue_yaml(seed)
    assert "templates:" in text and "body: |" in text
    assert registry.load_catalogue_yaml(text) == seed


def test_check_template_reports_problems_in_french():
    problems = registry.check_template({
        "slug": "X", "title": "", "summary": "s", "contract_kinds": ["nope"],
        "schemas": ["nope@1"], "versions": [{"version": 1, "variables": ["authority.name"],
                                            "body": "{{ authority.name.__class__ }}"}]})
    assert "Identifiant (slug) invalide : minuscules, chiffres et tirets." in problems
    assert "Le champ « title » est obligatoire." in problems
    assert any(p.startswith("Valeurs inconnues dans « contract_kinds »") for p in problems)
    assert any("nope" in p and "inconnu" in p for p in problems)
    assert any(p.startswith("Version 1 : Accès interdit") for p in problems)
    with pytest.raises(ValueError):
        registry.load_catalogue_yaml("- 1\n- 2\n")
