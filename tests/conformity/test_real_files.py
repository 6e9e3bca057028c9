"""Every real and example SCDL file, with the verdict written down in tests/data/scdl/expected.csv
(and why it differs from Validata where it does)."""
from __future__ import annotations

import csv
import json
import re

import pytest

from ckanext.socle.conformity import Options, validate

from .helpers import DATA

EXPECTED = list(csv.DictReader(open(DATA / "expected.csv", encoding="utf-8")))


def test_every_data_file_has_an_expected_verdict():
    files = {str(p.relative_to(DATA)) for p in DATA.glob("*/**/*") if p.is_file()}
    files.discard("real/index.csv")
    assert files == {row["file"] for row in EXPECTED}


def test_expected_records_validata_verdicts_from_the_index():
    index = {row["file"]: row for row in csv.DictReader(open(DATA / "real" / "index.csv", encoding="utf-8"))}
    for row in EXPECTED:
        if row["file"].startswith("real/"):
            assert row["validata_errors"] == index[row["file"][5:]]["validata_errors"]


@pytest.mark.parametrize("row", EXPECTED, ids=[r["file"] for r in EXPECTED])
@pytest.mark.parametrize("engine", ["exact", "auto"])
def test_real_file_verdict(row, engine):
    report = validate(DATA / row["file"], row["schema"], options=Options(engine=engine))
    assert report.level == row["level"], row["reason"]
    assert report.badge.structure == row["structure"]
    assert (report.badge.body or "") == row["body"]
    assert report.error_count == int(row["errors"])
    assert len(report.errors) == min(int(row["errors"]), 1000)
    json.dumps(report.to_dict())  # serialisable
    for issue in report.errors:
        assert issue.message and not re.search(r"\{[a-z_]+\}", issue.message)


def test_validata_agreement_on_files_it_could_read():
    """Where Validata did not hit its 1000-error cap, the counts agree except for the files whose
    difference is explained in expected.csv."""
    explained = {"real/catalogue/", "archives_utf16", "departement-aube", "departement-lot", "departement-vendee"}
    for row in EXPECTED:
        if row["validata_errors"] in ("", "1000", "unreadable") or any(k in row["file"] for k in explained):
            continue
        assert int(row["errors"]) == int(row["validata_errors"]), row["file"]


def test_real_toulouse_hints_are_concrete():
    report = validate(DATA / "real/subventions/toulouse-metropole_2022.csv", "scdl/subventions@2.1.1")
    by_value = {(e.column, e.value): e for e in report.errors}
    scientific = by_value[("idAttribuant", "2,43E+13")]
    assert "notation scientifique" in scientific.hint
    assert all(e.code in ("constraint-error", "french-siret-value", "one-of-required") for e in report.errors)


def test_cp1252_file_is_a_warning_not_a_crash():
    report = validate(DATA / "real/subventions/departement-lot_2017.csv", "subventions")
    assert report.source["encoding"] == "Windows-1252"
    assert report.source["delimiter"] == ";"
    assert [w.code for w in report.warnings if w.scope == "source"] == ["encoding-warning"]
    # decimal comma with a thousands space: the hint gives the fixed number
    montant = [e for e in report.errors if e.column == "montant" and e.code == "type-error"]
    assert montant and all(e.hint.startswith("Utilisez le point") for e in montant)
    assert any(e.value == "40 000,00" and e.hint.endswith(": 40000.00.") for e in montant)
