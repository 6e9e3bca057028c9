"""`ckan socle clauses seed|export|import` (the subcommands of the socle click group)."""
from __future__ import annotations

import pytest
import yaml

import ckan.model as model

from ckanext.socle.clauses import cli as clauses_cli
from ckanext.socle.clauses import model as cm

pytestmark = [pytest.mark.ckan_config("ckan.plugins", "socle_clauses"),
              pytest.mark.usefixtures("with_plugins")]


def test_seed_is_idempotent(cli, clauses_db):
    result = cli.invoke(clauses_cli.clauses, ["seed"])
    assert result.exit_code == 0, result.output
    assert "créés : 15" in result.output
    again = cli.invoke(clauses_cli.clauses, ["seed"])
    assert "créés : 0, mis à jour : 0, inchangés : 15" in again.output
    assert model.Session.query(cm.ClauseVersion).count() == 15


def test_export_then_import_appends_new_versions_only(cli, seeded, tmp_path):
    out = tmp_path / "catalogue.yaml"
    assert cli.invoke(clauses_cli.clauses, ["export", "-o", str(out)]).exit_code == 0
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert len(data["templates"]) == 15
    preamble = next(t for t in data["templates"] if t["slug"] == "od-preambule")
    version = dict(preamble["versions"][0], version=2, changelog="Version importée.",
                   body=preamble["versions"][0]["body"] + "\nAjout importé.\n")
    preamble["versions"].append(version)
    preamble["versions"][0]["body"] = "changed but ignored: stored versions never change"
    bad = dict(preamble, slug="mauvais", versions=[dict(version, body="{{ ''.__class__ }}")])
    data["templates"].append(bad)
    out.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = cli.invoke(clauses_cli.clauses, ["import", str(out)])
    assert result.exit_code == 1
    assert "mis à jour : 1" in result.output and "refusés : 1" in result.output
    assert "mauvais : Version 2 : Accès interdit" in result.output
    stored = cm.get_template("od-preambule")
    model.Session.refresh(stored)
    assert [v.number for v in stored.versions] == [1, 2]
    assert "changed but ignored" not in stored.versions[0].body
    assert stored.versions[1].body.endswith("Ajout importé.\n")
    assert cli.invoke(clauses_cli.clauses, ["import", str(tmp_path / "nope.yaml")]).exit_code != 0


def test_demo_fills_clauses_for_the_demo_communes_once(cli, clauses_db):
    from ckan.tests import factories

    from ckanext.socle.clauses.demo import INSTANCES

    names = sorted({item["organization"] for item in INSTANCES})
    for name in names[:-1]:                       # one commune missing: skipped, said so
        factories.Organization(name=name, title=name, siren="219400280", insee_code="94028")
    result = cli.invoke(clauses_cli.clauses, ["demo"])
    assert result.exit_code == 0, result.output
    expected = sum(1 for item in INSTANCES if item["organization"] != names[-1])
    assert f"clauses de démonstration créées : {expected}" in result.output
    assert f"organisation {names[-1]} absente" in result.output
    again = cli.invoke(clauses_cli.clauses, ["demo"])
    assert "modèles créés : 0, clauses de démonstration créées : 0" in again.output
    assert model.Session.query(cm.ClauseInstance).count() == expected
