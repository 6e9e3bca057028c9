"""Every error and warning code the engine can give is produced by a generated file."""
from __future__ import annotations

import io

import pytest

from ckanext.socle.conformity import Options, validate
from ckanext.socle.conformity.messages import MESSAGES

from .helpers import csv_bytes, subventions_csv

SCHEMA = {
    "fields": [
        {"name": "id", "type": "integer", "constraints": {"required": True, "unique": True}},
        {"name": "label", "type": "string", "constraints": {"maxLength": 5}},
        {"name": "siret", "type": "string"},
        {"name": "siren", "type": "string"},
        {"name": "matiere", "type": "string"},
        {"name": "annees", "type": "string"},
        {"name": "a", "type": "integer"},
        {"name": "b", "type": "integer"},
        {"name": "c", "type": "integer"},
        {"name": "tel", "type": "string"},
        {"name": "horaires", "type": "string"},
        {"name": "gps", "type": "string"},
        {"name": "optionnel", "type": "string"},
    ],
    "custom_checks": [
        {"name": "siret", "params": {"column": "siret"}},
        {"name": "siren", "params": {"column": "siren"}},
        {"name": "nomenclature-acte", "params": {"column": "matiere"}},
        {"name": "year-interval-value", "params": {"column": "annees"}},
        {"name": "cohesive-columns-value", "params": {"column": "a", "othercolumns": ["b"]}},
        {"name": "compare-columns-value", "params": {"column": "a", "op": ">=", "column2": "b"}},
        {"name": "sum-columns-value", "params": {"column": "a", "columns": ["b", "c"]}},
        {"name": "one-of-required", "params": {"column1": "siret", "column2": "siren"}},
        {"name": "phone-number-value", "params": {"column": "tel"}},
        {"name": "opening-hours-value", "params": {"column": "horaires"}},
        {"name": "french-gps-coordinates", "params": {"column": "gps"}},
    ],
}
HEADER = ["id", "label", "siret", "siren", "matiere", "annees", "a", "b", "c", "tel", "horaires", "gps", "extra"]
GOOD = ["1", "ok", "21560046100010", "215600461", "Urbanisme/PLU", "2021/2022", "5", "2", "3", "0123456789",
        "Mo-Fr 09:00-12:00", "[2.35, 48.85]", "x"]


_ids = iter(range(100, 10**6))


def bad(**changes):
    row = list(GOOD)
    row[0] = str(next(_ids))
    for name, value in changes.items():
        row[HEADER.index(name)] = value
    return row


BODY = csv_bytes([HEADER, GOOD,
                  bad(id="1"),  # unique-error
                  bad(id="x"),  # type-error
                  bad(id="", label="toolong"),  # constraint-error (required, maxLength)
                  bad(siret="21560046100011", siren="215600462"),
                  bad(matiere="Voirie/Routes"), bad(annees="2022/2021"),
                  bad(a="5", b=""),  # cohesive
                  bad(a="1", b="2", c="-1"),  # compare
                  bad(a="9"),  # sum
                  bad(siret="", siren=""),  # one-of-required
                  bad(tel="abc"), bad(horaires="lundi"), bad(gps="[0, 0]"),
                  [""] * len(HEADER),  # blank-row
                  GOOD[:3],  # missing-cell
                  GOOD + ["surplus"],  # extra-cell
                  ])


def collect_codes():
    reports = [
        validate(BODY, SCHEMA),
        validate(csv_bytes([["id", "", "id"], ["1", "2", "3"]]), SCHEMA),  # blank/duplicate label, order
        validate(csv_bytes([["label", "id"], ["a", "1"]]), SCHEMA),  # label-order
        validate(b"\r\nid\r\n1\r\n", SCHEMA),  # blank-header
        validate(csv_bytes([["label"], ["a"]]), SCHEMA),  # missing-label, structural one-of-required
        validate(csv_bytes([["id", "label"], ["1", "été"]], encoding="cp1252"), SCHEMA),
        validate("é,x\n1,2\n".encode("utf-16-le").join([b"\xff\xfe", b"\x00\xd8"]), SCHEMA),  # encoding-error
        validate(b"", SCHEMA),
        validate(bytes(range(256)) * 10, SCHEMA),
        validate("/nonexistent.csv", SCHEMA),
        validate(csv_bytes([["id"], ["1"]]), SCHEMA, options=Options(max_bytes=2)),
        validate(b"id\n" + b"9" * (17 * 1024 * 1024) + b"\n", SCHEMA, options=Options(engine="exact")),
        validate(csv_bytes([["id"], ["1"]]), {"fields": [{"name": "id", "type": "nope"}]}),
        validate(csv_bytes([["id"], ["1"]]), "scdl/inconnu"),
        validate(csv_bytes([["id"], ["1"]]), dict(SCHEMA, custom_checks=[{"name": "bogus"}])),
        validate(csv_bytes([["id"], ["1"]]), dict(SCHEMA, custom_checks=[{"name": "siret", "params": {}}])),
    ]
    codes = set()
    for report in reports:
        codes.update(e.code for e in report.errors)
        codes.update(w.code for w in report.warnings)
    return codes, reports


def test_every_code_is_produced():
    codes, _ = collect_codes()
    expected = set(MESSAGES) - {"required-error", "one-of-required-label"}  # message variants only
    assert expected - codes == set()


def test_body_codes_on_both_paths():
    exact = validate(BODY, SCHEMA, options=Options(engine="exact"))
    fast = validate(BODY, SCHEMA, options=Options(engine="fast"))
    assert sorted(e.key() for e in exact.errors) == sorted(e.key() for e in fast.errors)
    assert exact.counts["unique-error"] == 3  # row 3 and the short and long rows repeat id 1


@pytest.mark.parametrize("n", [3, 50])
def test_unique_constraint_both_paths(n):
    rows = [["id", "label"]] + [[str(i % n), "a"] for i in range(120)] + [["1.0", "b"], ["01", "c"]]
    schema = {"fields": [{"name": "id", "type": "integer", "constraints": {"unique": True}},
                         {"name": "label", "type": "string"}]}
    exact = validate(csv_bytes(rows), schema, options=Options(engine="exact", max_errors_listed=10**4))
    fast = validate(csv_bytes(rows), schema, options=Options(engine="fast", max_errors_listed=10**4))
    assert fast.engine["path"] == "fast"
    assert [e.key() for e in fast.errors] == [e.key() for e in exact.errors]
    assert exact.counts["unique-error"] == 120 - n + 1  # "01" equals 1 as an integer; "1.0" is a type error
