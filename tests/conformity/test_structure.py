"""Validata's structure semantics: headers matched by name."""
from __future__ import annotations

from ckanext.socle.conformity import Options, validate

from .helpers import SUBVENTIONS_HEADER, codes, csv_bytes, subventions_csv

SCHEMA = {"fields": [
    {"name": "code", "type": "string", "constraints": {"required": True}},
    {"name": "label", "type": "string"},
    {"name": "count", "type": "integer"},
]}


def warn_codes(report):
    return [(w.code, w.column) for w in report.warnings]


def test_exact_header_is_ok():
    report = validate(csv_bytes([["code", "label", "count"], ["a", "b", "1"]]), SCHEMA)
    assert report.level == "conforme" and report.badge.structure == "OK" and report.badge.body == "OK"
    assert report.badge.error_ratio == 0


def test_missing_optional_extra_and_order_are_warnings():
    report = validate(csv_bytes([["extra", "count", "code"], ["x", "1", "a"]]), SCHEMA)
    assert report.counts == {}
    assert warn_codes(report) == [("missing-optional-label", "label"), ("extra-label", "extra"), ("label-order", None)]
    assert report.badge.structure == "WARN" and report.level == "a_ameliorer"


def test_missing_required_is_an_error_and_the_body_is_still_checked():
    report = validate(csv_bytes([["label", "count"], ["b", "x"]]), SCHEMA)
    assert codes(report) == [("missing-label", None, "code"), ("type-error", 2, "count")]
    assert report.badge.structure == "KO" and report.level == "non_conforme"


def test_case_sensitive_by_default_and_option_to_ignore_case():
    data = csv_bytes([["CODE", "Label", "count"], ["a", "b", "1"]])
    strict = validate(data, SCHEMA)
    assert codes(strict) == [("missing-label", None, "code")]
    relaxed = validate(data, SCHEMA, options=Options(ignore_case=True))
    assert relaxed.level == "conforme"


def test_blank_and_duplicate_labels_are_errors():
    report = validate(csv_bytes([["code", "", "code", "count"], ["a", "b", "c", "1"]]), SCHEMA)
    assert [(e.code, e.column_number) for e in report.errors] == [("blank-label", 2), ("duplicate-label", 3)]
    assert report.badge.structure == "KO"


def test_blank_header():
    report = validate(b"\r\ncode,label\r\na,b\r\n", SCHEMA)
    assert codes(report) == [("blank-header", 1, None)]
    assert report.body_checked is False and report.badge.body is None


def test_rows_blank_short_and_long():
    data = b"code,label,count\r\na,b,1\r\n,,\r\n\r\nc,d\r\ne,f,2,3,4\r\n"
    report = validate(data, SCHEMA)
    assert codes(report) == [
        ("blank-row", 3, None), ("blank-row", 4, None), ("missing-cell", 5, "count"),
        ("extra-cell", 6, None), ("extra-cell", 6, None),
    ]
    assert [e.column_number for e in report.errors[-2:]] == [4, 5]


def test_one_of_required_with_both_columns_absent():
    header = [h for h in SUBVENTIONS_HEADER if h not in ("idBeneficiaire", "rnaBeneficiaire")]
    report = validate(subventions_csv({}, header=header), "subventions")
    assert codes(report) == [("one-of-required", 1, "idBeneficiaire")]


def test_one_of_required_with_one_column_absent():
    header = [h for h in SUBVENTIONS_HEADER if h != "rnaBeneficiaire"]
    report = validate(subventions_csv({}, {"idBeneficiaire": ""}, header=header), "subventions")
    assert codes(report) == [("one-of-required", 3, "idBeneficiaire")]
