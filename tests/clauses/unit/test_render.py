"""Rendering, including hostile bodies and hostile values."""
from __future__ import annotations

import time

import pytest
from jinja2.sandbox import SecurityError

from ckanext.socle.clauses import document, render, writers
from ckanext.socle.clauses import variables as V


def render_body(body, specs, raw, **kw):
    variables = [V.declare(spec) for spec in specs]
    clean, errors = V.validate(variables, raw)
    assert not errors or kw.get("preview"), errors
    return render.render_text(body, variables, clean, **kw)


def html_of(rendered, title="Clause", rows=None, annex=False):
    return str(writers.to_html(document.build(title, rendered.text, rows=rows, has_annex=annex)))


NAME = {"authority.name": "Ville d'Ivry-sur-Seine"}


def test_values_conditionals_and_filters():
    body = ("## Article\n\n{{ authority.name }} publie sous licence {{ licence }}.\n"
            "{% if licence == 'ODbL-1.0' %}Partage à l'identique.{% endif %}\n"
            "{% for s in streams %}- {{ s|upper }}\n{% endfor %}")
    specs = ["authority.name", "licence", {"name": "streams", "type": "list"}]
    out = render_body(body, specs, {**NAME, "licence": "ODbL-1.0", "streams": ["verre", "bio"]})
    doc = document.build("T", out.text)
    kinds = [b.kind for b in doc.blocks]
    assert kinds == ["heading", "paragraph", "bullets"]
    text = doc.plain_text()
    assert "Open Database License (ODbL) version 1.0" in text and "Partage à l'identique" in text
    assert "- VERRE" in text and "- BIO" in text
    out = render_body(body, specs, {**NAME, "streams": []})
    assert "Partage" not in document.build("T", out.text).plain_text()


def test_rendering_is_refused_while_a_required_value_is_missing():
    variables = [V.declare("authority.name"), V.declare("contract.reference")]
    clean, _ = V.validate(variables, {})
    with pytest.raises(render.MissingValues) as caught:
        render.render_text("{{ authority.name }} {{ contract.reference }}", variables, clean)
    message = caught.value.messages[0]
    assert message.startswith("Rendu impossible : valeurs obligatoires manquantes")
    assert "« Nom de l'autorité contractante »" in message and "« Référence du contrat »" in message
    preview = render.render_text("{{ authority.name }}", variables, clean, preview=True)
    assert '<mark class="clause-missing">[Nom de l&#39;autorité contractante]</mark>' in \
        html_of(preview)


@pytest.mark.parametrize("body,expected", [
    ("{{ ''.__class__ }}", "Accès interdit à « __class__ »"),
    ("{{ authority.name.__class__.__mro__[1].__subclasses__() }}", "Accès interdit"),
    ("{{ authority['__class__'] }}", "Accès interdit"),
    ("{{ authority.name.upper() }}", "Appel de fonction interdit"),
    ("{{ lipsum() }}", "Appel de fonction interdit"),
    ("{{ cycler }}{{ config }}{{ request }}{{ self }}", "Variables non déclarées"),
    ("{% for i in range(10**9) %}x{% endfor %}", "Construction interdite"),
    ("{{ 'x' * 100000000 }}", "Construction interdite"),
    ("{{ '%s' % authority.name }}", "Construction interdite"),
    ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "Construction interdite"),
    ("{% include 'secret.html' %}", "Construction interdite"),
    ("{% extends 'base.html' %}", "Construction interdite"),
    ("{% import 'x' as y %}", "Construction interdite"),
    ("{% set x = 1 %}", "Construction interdite"),
    ("{{ authority.name|attr('__class__') }}", "Filtre non autorisé"),
    ("{{ authority.name|format(1) }}", "Filtre non autorisé"),
    ("{{ authority.name|center(100000000) }}", "Filtre non autorisé"),
    ("{% for a in range(9) %}{% for b in range(9) %}{% for c in range(9) %}"
     "{% endfor %}{% endfor %}{% endfor %}", "Au plus 2 boucles imbriquées"),
    ("{% for x in range(3) recursive %}{{ loop(x) }}{% endfor %}", "récursive"),
    ("{% if %}", "Erreur de syntaxe ligne 1"),
    ("", "vide"),
])
def test_hostile_bodies_are_refused_with_a_french_reason(body, expected):
    with pytest.raises(render.ClauseRenderError) as caught:
        render_body(body, ["authority.name"], NAME)
    assert expected in str(caught.value)


def test_huge_loops_and_output_are_bounded():
    started = time.monotonic()
    with pytest.raises(render.ClauseRenderError, match="trop de fois"):
        render_body("{% for i in range(1000) %}{% for j in range(1000) %}{% endfor %}{% endfor %}",
                    [], {})
    with pytest.raises(render.ClauseRenderError, match="1000 tours"):
        render_body("{% for i in range(1000000) %}x{% endfor %}", [], {})
    with pytest.raises(render.ClauseRenderError, match="taille autorisée"):
        render_body("{% for i in range(1000) %}{{ authority.name }}{% endfor %}",
                    ["authority.name"], {"authority.name": "x" * 400})
    with pytest.raises(render.ClauseRenderError, match="taille autorisée"):
        render_body("{% for i in range(100) %}ab{% endfor %}", [], {}, max_chars=100)
    assert time.monotonic() - started < 5


def test_deadline_stops_a_slow_rendering():
    with pytest.raises(render.ClauseRenderError, match="trop de temps"):
        render_body("{% for i in range(900) %}{{ i }}{% endfor %}", [], {}, deadline=-1)


def test_the_sandbox_itself_refuses_internals_even_without_the_static_check():
    env = render.ClauseEnvironment()
    with pytest.raises(SecurityError):
        env.from_string("{{ x.__class__ }}").render(x="")
    with pytest.raises(SecurityError):
        env.from_string("{{ x.upper }}").render(x="abc")
    with pytest.raises(SecurityError):
        env.from_string("{{ x * 99999999 }}").render(x="abc")
    with pytest.raises(SecurityError):
        env.from_string("{{ f() }}").render(f=print)
    assert env.from_string("{{ d.k }}").render(d={"k": 1}) == "\ue0001\ue001"


def test_arithmetic_on_numbers_is_allowed_but_bounded():
    body = "{{ penalty.per_day + 1 }} / {{ n - 1 }}"
    out = render_body(body, ["penalty.per_day", {"name": "n", "type": "int"}],
                      {"penalty.per_day": "100", "n": 5})
    assert document.build("T", out.text).plain_text().endswith("101.00 / 4")
    with pytest.raises(render.ClauseRenderError, match="calcul interdit"):
        render_body("{{ authority.name + 'x' }}", ["authority.name"], NAME)


@pytest.mark.parametrize("value", [
    "<script>alert(1)</script>", "## Titre injecté", "- fausse puce", "**gras**",
    "{{ 7*7 }}", "{% for x in y %}", "[[annexe]]", "\ue001fin\ue000", "=HYPERLINK(\"http://x\")",
])
def test_hostile_values_stay_literal_text(value):
    out = render_body("{{ contract.object }}\n\n## Suite\n\nFin.", ["contract.object"],
                      {"contract.object": value})
    doc = document.build("T", out.text, rows=[], has_annex=True)
    assert [b.kind for b in doc.blocks] == ["paragraph", "heading", "paragraph", "table"]
    runs = doc.blocks[0].runs
    assert len(runs) == 1 and runs[0].kind == "value" and not runs[0].bold
    assert runs[0].text == " ".join(value.replace("\ue000", "").replace("\ue001", "").split())
    html = html_of(out)
    assert "<script>" not in html and "49" not in html
    markdown = writers.to_markdown(doc)
    assert "<script>" not in markdown and "\n## Titre" not in markdown
    assert "\n- fausse" not in markdown and "**gras**" not in markdown


def test_annex_marker_and_table():
    specs = ["authority.name", {"name": "datasets", "required": True}]
    rows = [dict(V.SAMPLE_ROW), {**V.SAMPLE_ROW, "title": "<b>Tonnages</b>", "schema": "",
                                 "frequency": "yearly", "first_delivery": "2027-03-01"}]
    out = render_body("Avant.\n\n[[annexe]]\n\n{{ datasets|length }} jeux. "
                      "{% for d in datasets %}{{ loop.index }}:{{ d.title }} {% endfor %}",
                      specs, {**NAME, "datasets": rows})
    clean, _ = V.validate([V.declare(s) for s in specs], {**NAME, "datasets": rows})
    doc = document.build("T", out.text, rows=clean["datasets"], has_annex=True)
    assert [b.kind for b in doc.blocks] == ["paragraph", "table", "paragraph"]
    table = doc.blocks[1]
    assert table.rows[0][:6] == ["1", "Menus servis", "menus-collectifs@1.2.3", "CSV (UTF-8)",
                                 "Mensuelle", "30 jours après la prise d'effet du contrat"]
    assert table.rows[1][5] == "1er mars 2027"
    assert "2 jeux. 1:Menus servis 2:<b>Tonnages</b>" in doc.plain_text()
    assert "&lt;b&gt;Tonnages&lt;/b&gt;" in str(writers.to_html(doc))


def test_undefined_attributes_render_empty_and_declared_names_are_checked():
    out = render_body("[{{ authority.nothing }}]", ["authority.name"], NAME)
    assert document.build("T", out.text).plain_text().endswith("[]")
    assert render.check_body("{{ inconnu }}", ["authority.name"]) == [
        "Variables non déclarées dans le modèle : inconnu."]
