import json
import os
import shutil

import pytest

from ckanext.socle.catalogue import DEFAULT_DATA_DIR, Catalogue, CatalogueError
from ckanext.socle.catalogue.update import update


@pytest.fixture
def data_dir(tmp_path):
    target = tmp_path / "schemas"
    shutil.copytree(DEFAULT_DATA_DIR, target, ignore=shutil.ignore_patterns("scheming"))
    return str(target)


def _export(tmp_path, mutate):
    with open(os.path.join(DEFAULT_DATA_DIR, "schemas.json"), encoding="utf-8") as handle:
        export = json.load(handle)
    mutate(export)
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    return str(path)


def _entry(export, name):
    return next(s for s in export["schemas"] if s["name"] == name)


def test_same_export_changes_nothing(tmp_path, data_dir):
    assert not update(_export(tmp_path, lambda e: None), data_dir)


def test_new_version_and_odd_version_name(tmp_path, data_dir):
    def mutate(export):
        _entry(export, "scdl/subventions")["versions"].append(
            {"version_name": "v2.2.0", "schema_url": "https://schema.data.gouv.fr/schemas/scdl/subventions/2.2.0/schema.json"})
        # retired schemas are absent from newer exports: they must be kept
        export["schemas"] = [s for s in export["schemas"] if s["name"] != "scdl/adresses"]
        # a schema without the SCDL label is not taken
        export["schemas"].append({"name": "etalab/autre", "labels": [], "versions": []})

    changes = update(_export(tmp_path, mutate), data_dir)
    assert "scdl/subventions : nouvelle version 2.2.0." in changes.lines
    assert any("« v2.2.0 » normalisée en 2.2.0" in w for w in changes.warnings)
    assert any("scdl/adresses : absent de l'export" in w for w in changes.warnings)
    cat = Catalogue(data_dir)
    assert "2.2.0" in cat.listed_versions("subventions")
    assert cat.versions("subventions")[0] == "2.1.1"  # no file shipped for 2.2.0 yet
    assert cat.resolve("adresses").version == "1.1.4"
    index = json.load(open(os.path.join(data_dir, "schemas.json"), encoding="utf-8"))
    assert "etalab/autre" not in [s["name"] for s in index["schemas"]]


def test_folder_with_schema_files(tmp_path, data_dir):
    source = tmp_path / "export"
    folder = source / "schemas" / "scdl" / "subventions" / "2.2.0"
    folder.mkdir(parents=True)
    descriptor = json.load(open(os.path.join(DEFAULT_DATA_DIR, "scdl/subventions/2.1.1/schema.json"), encoding="utf-8"))
    descriptor["version"] = "2.2.0"
    (folder / "schema.json").write_text(json.dumps(descriptor), encoding="utf-8")
    broken = source / "schemas" / "scdl" / "prenoms" / "1.2.0"
    broken.mkdir(parents=True)
    (broken / "schema.json").write_text('{"fields": [{"name": "A", "type": "texte"}]}', encoding="utf-8")

    changes = update(str(source), data_dir)
    assert "scdl/subventions 2.2.0 : fichier de schéma ajouté." in changes.lines
    assert any("type inconnu" in w for w in changes.warnings)
    cat = Catalogue(data_dir)
    assert cat.resolve("subventions").version == "2.2.0"
    assert cat.resolve("subventions").url.endswith("/scdl/subventions/2.2.0/schema.json")
    broken_entry = cat.resolve("prenoms@1.2.0")
    assert not broken_entry.valid and broken_entry.warnings
    # a second run finds nothing new
    assert not update(str(source), data_dir)


def test_dry_run_writes_nothing(tmp_path, data_dir):
    before = open(os.path.join(data_dir, "schemas.json"), encoding="utf-8").read()
    changes = update(_export(tmp_path, lambda e: _entry(e, "scdl/budget").update(title="Budget")), data_dir, dry_run=True)
    assert changes.lines == ["scdl/budget : titre modifié(e)."]
    assert open(os.path.join(data_dir, "schemas.json"), encoding="utf-8").read() == before


@pytest.mark.parametrize("content", ['{"foo": 1}', "not json"])
def test_not_a_catalogue(tmp_path, data_dir, content):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CatalogueError):
        update(str(path), data_dir)


def test_missing_source(tmp_path, data_dir):
    with pytest.raises(CatalogueError, match="introuvable"):
        update(str(tmp_path / "nothing"), data_dir)
