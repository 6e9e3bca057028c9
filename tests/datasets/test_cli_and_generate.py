"""CLI commands of the socle group, the database migration, and the generated scheming files."""
import json
import os
import shutil
import subprocess

import pytest

from ckan.plugins import toolkit as tk

from ckanext.socle.catalogue import DEFAULT_DATA_DIR
from ckanext.socle.datasets import generate, types

from ..conftest import ckan_command, write_ini
from .conftest import PLUGINS

pytestmark = [pytest.mark.ckan_config("ckan.plugins", PLUGINS)]


def test_generated_scheming_files_are_up_to_date(tmp_path):
    """schemas/scheming/*.yaml are what the catalogue generates (run the generator after a change)."""
    written = generate.write_all(str(tmp_path))
    assert len(written) == len(types.type_names()) + 1  # and the generic `dataset` type
    for path in written:
        committed = os.path.join(types.SCHEMING_DIR, os.path.basename(path))
        assert open(committed, encoding="utf-8").read() == open(path, encoding="utf-8").read(), (
            f"{committed} is stale: python -m ckanext.socle.datasets.generate")


def test_declared_schema_paths_match_the_types():
    from ckanext.socle.plugins import HERE

    import yaml

    with open(os.path.join(HERE, "datasets", "config_declaration.yaml"), encoding="utf-8") as handle:
        options = {o["key"]: o for g in yaml.safe_load(handle)["groups"] for o in g["options"]}
    assert options["scheming.dataset_schemas"]["default"].split() == types.schema_paths()


def _ckan(ini, *args):
    return subprocess.run(ckan_command() + ["-c", str(ini), *args], capture_output=True, text=True, timeout=300)


def test_db_upgrade_and_communes_load(clean_db, tmp_path):
    """The real commands, as a portal administrator types them."""
    ini = write_ini(tmp_path / "cli.ini", **{"ckan.plugins": PLUGINS})
    result = _ckan(ini, "db", "upgrade", "-p", "socle")
    assert result.returncode == 0, result.stderr
    result = _ckan(ini, "socle", "communes", "load", "--sample")
    assert result.returncode == 0, result.stderr
    assert "47 communes chargées" in result.stdout
    assert "COG 2026, populations légales millésime 2023" in result.stdout
    result = _ckan(ini, "socle", "communes", "show", "94028")
    assert "Créteil" in result.stdout and "219400280" in result.stdout
    result = _ckan(ini, "socle", "communes", "load", "--from", "/nonexistent")
    assert result.returncode != 0 and "fetch-reference" in result.stderr


def test_a_commune_that_disappears_keeps_its_datasets(communes, sysadmin, creteil, tmp_path):
    """A newer reference where Ablon-sur-Seine (94001) was merged: its datasets still validate."""
    from ckanext.socle.reference import sources, store

    dataset = tk.get_action("package_create")({"user": sysadmin["name"]}, {
        "type": "prenoms", "name": "prenoms-ablon", "title": "Prénoms", "owner_org": creteil["id"],
        "socle_communes": ["94001"], "frequency": "ANNUAL", "license_id": "fr-lo"})
    newer = tmp_path / "newer"
    shutil.copytree(sources.SAMPLE_DIR, newer)
    rows = json.loads((newer / "communes.json").read_text(encoding="utf-8"))
    rows = [r for r in rows if r["code"] != "94001"]
    (newer / "communes.json").write_text(json.dumps(rows), encoding="utf-8")
    summary = store.load(str(newer), departement="94")
    assert summary["no_longer_listed"] == ["78004", "94001"]  # with its own former code
    assert store.get("94001").current is False
    updated = tk.get_action("package_patch")({"user": sysadmin["name"]}, {"id": dataset["id"], "title": "Prénoms 2025"})
    assert updated["socle_communes"] == ["94001"]
    assert not [c for c in store.search("Ablon") if c.code == "94001"]  # no longer offered by the picker


def test_catalogue_cli(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from ckanext.socle.cli import get_commands

    (socle,) = get_commands()
    runner = CliRunner()
    data_dir = tmp_path / "schemas"
    shutil.copytree(DEFAULT_DATA_DIR, data_dir)
    monkeypatch.setenv("SOCLE_SCHEMAS_DIR", str(data_dir))
    from ckanext.socle.catalogue import get_catalogue

    get_catalogue.cache_clear()
    try:
        result = runner.invoke(socle, ["catalogue", "list"])
        assert "subventions: 2.1.1, 2.0.2, 1.1.0" in result.output
        assert "marches-publics [retired]: 1.0" in result.output
        export = json.loads((data_dir / "schemas.json").read_text(encoding="utf-8"))
        next(s for s in export["schemas"] if s["name"] == "scdl/budget")["versions"].append(
            {"version_name": "v0.9.0", "schema_url": "https://schema.data.gouv.fr/schemas/scdl/budget/0.9.0/schema.json"})
        source = tmp_path / "export.json"
        source.write_text(json.dumps(export), encoding="utf-8")
        result = runner.invoke(socle, ["catalogue", "update", "--from", str(source), "--dry-run"])
        assert result.exit_code == 0, result.output
        assert "scdl/budget : nouvelle version 0.9.0." in result.output
        assert "rien n'a été écrit" in result.output
        result = runner.invoke(socle, ["catalogue", "update", "--from", str(tmp_path / "nothing.json")])
        assert result.exit_code != 0 and "introuvable" in result.output
    finally:
        get_catalogue.cache_clear()
