"""Validata's custom checks, one by one, through the public validate()."""
from __future__ import annotations

import pytest

from ckanext.socle.conformity import validate
from ckanext.socle.conformity import checks

from .helpers import codes, csv_bytes, subventions_csv

SIRET_OK = "21560046100010"


def schema_with(fields, custom_checks):
    return {"fields": fields, "custom_checks": custom_checks}


def s(name, **extra):
    return dict({"name": name, "type": "string"}, **extra)


@pytest.mark.parametrize("value,ok", [
    (SIRET_OK, True), ("215 600 461 00010", True), ("21560046100011", False), ("2156004610001", False),
    ("35600000000048", True),  # La Poste head office, ordinary Luhn
    ("35600000012346", True),  # La Poste establishment: digit sum 30, a multiple of 5
    ("35600000012345", False),  # digit sum 29 ("2,43E+13", False), ("21560046100010.0", False),
])
@pytest.mark.parametrize("name", ["french-siret-value", "siret"])
def test_siret(value, ok, name):
    schema = schema_with([s("id")], [{"name": name, "params": {"column": "id"}}])
    report = validate(csv_bytes([["id"], [value]]), schema)
    assert codes(report) == ([] if ok else [("french-siret-value", 2, "id")])


@pytest.mark.parametrize("name", ["french-siren-value", "siren"])
def test_siren(name):
    schema = schema_with([s("id")], [{"name": name, "params": {"column": "id"}}])
    report = validate(csv_bytes([["id"], ["215600461"], ["215600462"], ["x"], [""]]), schema)
    assert codes(report) == [("french-siren-value", 3, "id"), ("french-siren-value", 4, "id"), ("blank-row", 5, None)]


@pytest.mark.parametrize("value,ok", [
    ("Commande publique/Marchés publics", True),
    ("COMMANDE PUBLIQUE/Marchés", True),  # case ignored
    ("Libertes publiques et pouvoirs de police/Police", True),  # accents ignored
    ("Commande publique/ Marchés", False),  # space after the slash
    ("COMMANDE PUBLIQUE", False),  # no slash
    ("Voirie/Routes", False),  # unknown matter
])
@pytest.mark.parametrize("name", ["nomenclature-actes-value", "nomenclature-acte"])
def test_nomenclature_actes(value, ok, name):
    schema = schema_with([s("m")], [{"name": name, "params": {"column": "m"}}])
    report = validate(csv_bytes([["m"], [value]]), schema)
    assert codes(report) == ([] if ok else [("nomenclature-actes-value", 2, "m")])


@pytest.mark.parametrize("value,allow,ok", [
    ("2021/2022", "yes", True), ("2022/2021", "yes", False), ("2022/2022", "yes", False),
    ("2022", "yes", True), ("2022", "no", False), ("22/23", "yes", False),
])
def test_year_interval(value, allow, ok):
    schema = schema_with([s("y")], [{"name": "year-interval-value", "params": {"column": "y", "allow-year-only": allow}}])
    assert codes(validate(csv_bytes([["y"], [value]]), schema)) == ([] if ok else [("year-interval-value", 2, "y")])


def test_cohesive_columns():
    schema = schema_with([s("a"), s("b"), s("c")],
                         [{"name": "cohesive-columns-value", "params": {"column": "a", "othercolumns": ["b", "c"]}}])
    data = csv_bytes([["a", "b", "c"], ["1", "2", "3"], ["", "", ""], ["1", "", "3"], ["", "2", ""]])
    report = validate(data, schema)
    # the blank row is a blank-row error, not a cohesion error
    assert codes(report) == [("blank-row", 3, None), ("cohesive-columns-value", 4, "a"), ("cohesive-columns-value", 5, "a")]


@pytest.mark.parametrize("op,left,right,ok", [
    (">=", "10", "9", True),  # numeric, not text ("10" < "9" as text)
    (">=", "9", "10", False), ("<", "1.5", "2", True), ("<=", "2", "2", True), ("==", "2", "2.0", True),
    (">", "2", "2", False), (">=", "2022-03-02", "2022-03-01", True), (">=", "2022-02-28", "2022-03-01", False),
    (">=", "", "5", True),  # empty cell: skipped
])
def test_compare_columns(op, left, right, ok):
    schema = schema_with([s("a"), s("b")], [{"name": "compare-columns-value", "params": {"column": "a", "op": op, "column2": "b"}}])
    assert codes(validate(csv_bytes([["a", "b"], [left, right]]), schema)) == ([] if ok else [("compare-columns-value", 2, "a")])


def test_sum_columns():
    fields = [dict(name=n, type="integer") for n in ("total", "x", "y")]
    schema = schema_with(fields, [{"name": "sum-columns-value", "params": {"column": "total", "columns": ["x", "y"]}}])
    data = csv_bytes([["total", "x", "y"], ["5", "2", "3"], ["6", "2", "3"], ["5", "", "3"], ["5", "a", "3"]])
    report = validate(data, schema)
    assert codes(report) == [("sum-columns-value", 3, "total"), ("type-error", 5, "x")]
    assert "5" in report.errors[0].hint


def test_one_of_required():
    report = validate(subventions_csv({}, {"idBeneficiaire": "", "rnaBeneficiaire": ""}, {"idBeneficiaire": ""}),
                      "scdl/subventions@2.1.1")
    assert codes(report) == [("one-of-required", 3, "idBeneficiaire")]


@pytest.mark.parametrize("value,ok", [
    ("01 23 45 67 89", True), ("+33 1 23 45 67 89", True), ("0123456789", True), ("+44 20 7946 0958", True),
    ("112", True), ("12345", False), ("abc", False), ("12 34", False),
])
def test_phone_number(value, ok):
    schema = schema_with([s("t")], [{"name": "phone-number-value", "params": {"column": "t"}}])
    assert codes(validate(csv_bytes([["t"], [value]]), schema)) == ([] if ok else [("phone-number-value", 2, "t")])


@pytest.mark.parametrize("value,ok", [
    ("Mo-Fr 08:30-12:00,14:00-17:30; Sa 09:00-12:00", True), ("24/7", True), ("Mo-Su 10:00-20:00; PH off", True),
    ("Jan-Mar Sa 10:00-12:00", True), ("lundi 9h-12h", False), ("Mo-Fr 25:00", False),
])
def test_opening_hours(value, ok):
    schema = schema_with([s("h")], [{"name": "opening-hours-value", "params": {"column": "h"}}])
    assert codes(validate(csv_bytes([["h"], [value]]), schema)) == ([] if ok else [("opening-hours-value", 2, "h")])


@pytest.mark.parametrize("value,ok", [
    ("[2.3522, 48.8566]", True), ("2.3522,48.8566", True), ("[55.45, -20.88]", True),  # Réunion
    ("[48.8566, 2.3522]", False),  # lat/lon swapped
    ("[-73.98, 40.75]", False),  # New York
    ("Paris", False),
])
def test_french_gps(value, ok):
    schema = schema_with([s("g")], [{"name": "french-gps-coordinates", "params": {"column": "g"}}])
    assert codes(validate(csv_bytes([["g"], [value]]), schema)) == ([] if ok else [("french-gps-coordinates", 2, "g")])


def test_check_skipped_when_column_absent():
    schema = schema_with([s("a"), s("b")], [{"name": "french-siret-value", "params": {"column": "b"}}])
    report = validate(csv_bytes([["a"], ["x"]]), schema)
    assert report.counts == {} and [w.code for w in report.warnings] == ["missing-optional-label"]


def test_unknown_check_is_an_explicit_error():
    schema = schema_with([s("a")], [{"name": "no-such-check", "params": {"column": "a"}}])
    report = validate(csv_bytes([["a"], ["x"]]), schema)
    assert report.counts == {"unknown-check": 1}
    assert report.errors[0].scope == "schema" and "no-such-check" in report.errors[0].message
    assert report.level == "non_conforme"


def test_misconfigured_check():
    schema = schema_with([s("a")], [{"name": "compare-columns-value", "params": {"column": "a", "op": "~", "column2": "a"}}])
    report = validate(csv_bytes([["a"], ["x"]]), schema)
    assert report.counts == {"check-error": 1}


def test_cell_check_also_runs_on_cells_failing_their_pattern():
    """As Validata: a 9-digit value in a SIRET column is a pattern error and a SIRET error."""
    report = validate(subventions_csv({"idAttribuant": "218601946"}), "subventions")
    assert codes(report) == [("constraint-error", 2, "idAttribuant"), ("french-siret-value", 2, "idAttribuant")]


def test_parse_check_aliases_and_known_names():
    assert checks.parse_check({"name": "siret", "params": {"column": "x"}}).name == "french-siret-value"
    with pytest.raises(KeyError):
        checks.parse_check({"name": "nope", "params": {}})
    assert set(checks.KNOWN_CHECKS) >= {"one-of-required", "sum-columns-value", "french-gps-coordinates"}
