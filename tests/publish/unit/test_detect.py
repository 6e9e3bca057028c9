"""Schema and version detection from headers, on every real and example SCDL file."""
from __future__ import annotations

import csv
import warnings
from pathlib import Path

import pytest

from ckanext.socle.catalogue import get_catalogue
from ckanext.socle.publish import detect

ROOT = Path(__file__).resolve().parents[3]
SCDL = ROOT / "tests" / "data" / "scdl"  # copies of shared/scdl
EXPECTED = ROOT / "tests" / "data" / "publish" / "expected-schemas.csv"


def expectations():
    with open(EXPECTED, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def detect_file(path: Path) -> detect.Detection:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _, head = detect.read_head(str(path), rows=detect.HEADER_SCAN_ROWS)
    return detect.detect_schema(head)


def test_manifest_lists_every_file():
    listed = {row["file"] for row in expectations()}
    on_disk = {str(p.relative_to(SCDL)) for p in (SCDL / "real").rglob("*") if p.is_file() and p.name != "index.csv"}
    on_disk |= {str(p.relative_to(SCDL)) for p in (SCDL / "examples").rglob("*.csv")}
    assert on_disk <= listed


@pytest.mark.parametrize("row", expectations(), ids=lambda r: r["file"])
def test_detection_matches_manifest(row):
    result = detect_file(SCDL / row["file"])
    assert result.status == row["status"], (result.message, [c.spec for c in result.candidates[:3]])
    if row["status"] == detect.UNKNOWN:
        assert result.best is None
        return
    expected = row["expected"]
    if "@" in expected:
        assert result.best.spec == expected
    else:
        assert result.best.name == expected
    assert result.best.reasons, "the reason of the score is always given"
    assert 0 < result.best.score <= 100


def test_older_version_recognised_and_said():
    result = detect_file(SCDL / "examples/subventions/v2.0/exemple-valide.csv")
    best = result.best
    assert best.spec == "subventions@2.0.2"
    assert best.equivalent_versions == ["1.1.0"]
    assert any("Version ancienne" in r for r in best.reasons)


def test_identical_names_other_order_pick_the_version_of_that_order():
    catalogue = get_catalogue()
    old = [f["name"] for f in catalogue.resolve("deliberations@1.1.0").fields]
    new = [f["name"] for f in catalogue.resolve("deliberations@2.1.5").fields]
    assert sorted(old) == sorted(new) and old != new
    assert detect.detect_schema([old]).best.spec == "deliberations@1.1.0"
    assert detect.detect_schema([new]).best.spec == "deliberations@2.1.5"


def test_case_insensitive_and_fuzzy_matches_are_scored_lower_than_exact():
    exact = detect.detect_schema([["COMMUNE_NOM", "COLL_INSEE", "ENFANT_SEXE", "ENFANT_PRENOM", "NOMBRE_OCCURRENCES", "ANNEE"]])
    lower = detect.detect_schema([["commune_nom", "coll_insee", "enfant_sexe", "enfant_prenom", "nombre_occurrences", "annee"]])
    fuzzy = detect.detect_schema([["COMMUNE NOM", "COLL-INSEE", "ENFANT_SEXE", "ENFANT_PRENOMS", "NOMBRE_OCCURENCES", "ANNEE"]])
    assert exact.best.score == 100
    assert exact.best.score > lower.best.score > fuzzy.best.score
    assert {exact.best.name, lower.best.name, fuzzy.best.name} == {"prenoms"}
    assert lower.status == fuzzy.status == detect.SURE
    hows = {m.header: m.how for m in fuzzy.best.matches}
    assert hows["COMMUNE NOM"] == "forme" and hows["NOMBRE_OCCURENCES"] == "approx"


def test_header_below_blank_and_title_lines():
    records = [[], ["Export du 3 mars", None], ["COMMUNE_NOM", "COLL_INSEE", "ENFANT_SEXE", "ENFANT_PRENOM",
                                                "NOMBRE_OCCURRENCES", "ANNEE"], ["Digne", "04070", "F", "Zoé", "2", "2017"]]
    result = detect.detect_schema(records)
    assert result.header_row == 3 and result.best.name == "prenoms"
    assert any("ligne 3" in r for r in result.best.reasons)


def test_unknown_and_empty_headers():
    assert detect.detect_schema([["a", "b", "c"], ["1", "2", "3"]]).status == detect.UNKNOWN
    empty = detect.detect_schema([[], ["", None]])
    assert empty.status == detect.UNKNOWN and empty.best is None and "aucune ligne" in empty.message


def test_ambiguous_between_two_schemas():
    # COLL_NOM + COLL_SIRET + a few shared words: deliberations, equipements and catalogue all start so.
    result = detect.detect_schema([["COLL_NOM", "COLL_SIRET"]])
    assert result.status in (detect.AMBIGUOUS, detect.POSSIBLE, detect.UNKNOWN)
    assert result.status != detect.SURE


def test_to_dict_is_json_ready():
    import json

    result = detect_file(SCDL / "real/prenoms/digne-les-bains_2017.csv")
    data = json.loads(json.dumps(result.to_dict()))
    assert data["schema_name"] == "prenoms" and data["status"] == "sure" and data["candidates"][0]["reasons"]
