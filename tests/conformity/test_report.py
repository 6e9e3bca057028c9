"""Badge, weights, caps, hints and JSON report."""
from __future__ import annotations

import json

from ckanext.socle.conformity import Options, validate
from ckanext.socle.conformity.model import ENGINE_VERSION

from .helpers import csv_bytes, subventions_csv

SCHEMA = {"fields": [{"name": "n", "type": "integer"}, {"name": "d", "type": "date"}, {"name": "x", "type": "number"}]}


def rows(n_bad, n_total):
    return csv_bytes([["n", "d", "x"]] + [["z" if i < n_bad else "1", "2020-01-01", "1.5"] for i in range(n_total)])


def test_badge_ratio_threshold_and_weights():
    report = validate(rows(2, 100), SCHEMA)  # 2 errors / 300 cells
    assert report.badge.body == "WARN" and report.level == "a_ameliorer"
    assert abs(report.badge.error_ratio - 2 / 300) < 1e-6
    heavy = validate(rows(2, 100), SCHEMA, options=Options(error_weights={"type-error": 20}))
    assert heavy.badge.body == "KO" and heavy.level == "non_conforme"
    strict = validate(rows(2, 100), SCHEMA, options=Options(acceptability_threshold=0.001))
    assert strict.badge.body == "KO"
    assert validate(rows(0, 100), SCHEMA).level == "conforme"


def test_listed_errors_capped_counts_exact():
    report = validate(rows(500, 600), SCHEMA, options=Options(max_errors_listed=20))
    assert report.counts == {"type-error": 500} and len(report.errors) == 20
    assert report.errors_listed_complete is False
    assert [e.row for e in report.errors] == list(range(2, 22))


def test_french_hints():
    report = validate(subventions_csv({"dateConvention": "05/12/2016", "montant": "100000,1"}), "subventions")
    hints = {e.column: e.hint for e in report.errors}
    assert "2016-12-05" in hints["dateConvention"]
    assert "100000.1" in hints["montant"]
    report = validate(subventions_csv({"nature": "Aide en numéraire"}), "subventions")
    assert "« aide en numéraire »" in report.errors[0].hint


def test_value_truncated():
    report = validate(csv_bytes([["n", "d", "x"], ["9" * 5000 + "x", "2020-01-01", "1"]]), SCHEMA)
    assert len(report.errors[0].value) == 200


def test_report_dict_is_json_and_complete():
    report = validate(subventions_csv({"montant": "x"}), "scdl/subventions@2.1.1")
    data = json.loads(json.dumps(report.to_dict()))
    assert data["schema"]["name"] == "subventions" and data["schema"]["version"] == "2.1.1"
    assert data["schema"]["url"] == "https://schema.data.gouv.fr/schemas/scdl/subventions/2.1.1/schema.json"
    assert data["engine"]["version"] == ENGINE_VERSION
    assert data["counts"] == {"type-error": 1} and data["errors"][0]["column"] == "montant"
    assert data["badge"]["structure"] == "OK" and data["level"] in ("a_ameliorer", "non_conforme")
