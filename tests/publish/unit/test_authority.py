"""Publishing authority from SIRET/SIREN/INSEE columns, against organisations and communes."""
from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from ckanext.socle.publish import authority, detect

SCDL = Path(__file__).resolve().parents[2] / "data" / "scdl"  # copies of shared/scdl

# Generated identifiers with valid Luhn keys (not real establishments).
def luhn_complete(prefix: str) -> str:
    from ckanext.socle.identifiers import luhn_ok

    for digit in "0123456789":
        if luhn_ok(prefix + digit):
            return prefix + digit
    raise AssertionError


SIREN = luhn_complete("21940001")  # 9 digits
def make_siret(siren: str, nic: str = "0001") -> str:
    from ckanext.socle.identifiers import luhn_ok

    for digit in "0123456789":
        candidate = siren + nic + digit
        if luhn_ok(candidate):
            return candidate
    raise AssertionError


SIRET = make_siret(SIREN)
ORGS = [
    {"id": "o1", "name": "commune-94001", "title": "Ablon-sur-Seine (démo)", "siren": SIREN, "insee_code": "94001"},
    {"id": "o2", "name": "commune-94002", "title": "Alfortville", "siren": "", "insee_code": "94002"},
]
COMMUNES = {SIREN: {"code": "94001", "name": "Ablon-sur-Seine", "siren": SIREN},
            "219400025": {"code": "94002", "name": "Alfortville", "siren": "219400025"}}


def find_commune(siren=None, insee=None):
    if siren:
        return COMMUNES.get(siren)
    return next((c for c in COMMUNES.values() if c["code"] == insee), None)


@pytest.mark.parametrize("raw,kind", [
    (SIRET, "siret"), (int(SIRET), "siret"), (float(SIRET), "siret"), (SIRET + ".0", "siret"),
    (" ".join([SIRET[:3], SIRET[3:6], SIRET[6:9], SIRET[9:]]), "siret"), (SIREN, "siren"),
    ("2,43E+13", "abime"), ("12345678901234", "invalide"), ("94001", "insee"), ("2A004", "insee"), ("", None),
])
def test_read_identifier(raw, kind):
    found = authority.read_identifier(raw)
    assert (found.kind if found else None) == kind


def test_lost_leading_zero_is_restored():
    siret = make_siret(luhn_complete("05123456"))
    assert authority.read_identifier(siret[1:] + ".0").siret == siret


def test_match_by_siren_from_siret_column():
    headers = ["BGT_ANNEE", "BGT_SIRET", "BGT_NOM"]
    rows = [["2024", SIRET, "ABLON"], ["2024", SIRET, "ABLON"]]
    evidence = authority.collect(headers, rows, {h: h for h in headers})
    assert evidence.column == "BGT_SIRET" and evidence.siren == SIREN and evidence.name == "ABLON"
    result = authority.match(evidence, ORGS, find_commune)
    assert result.status == authority.FOUND and result.organisation["name"] == "commune-94001"
    assert result.by == "siren" and result.commune["code"] == "94001"


def test_match_by_commune_when_the_organisation_has_no_siren():
    evidence = authority.collect(["idAttribuant"], [["219400025"]], {"idAttribuant": "idAttribuant"})
    result = authority.match(evidence, ORGS, find_commune)
    assert result.status == authority.FOUND and result.organisation["name"] == "commune-94002" and result.by == "insee"


def test_prenoms_by_insee_code():
    evidence = authority.collect(["COLL_INSEE"], [["94002"]] * 3, {"COLL_INSEE": "COLL_INSEE"})
    assert authority.match(evidence, ORGS, find_commune).organisation["name"] == "commune-94002"


def test_known_commune_without_organisation_and_unknown_identifier():
    evidence = authority.collect(["COLL_SIRET"], [["219400025"]], {"COLL_SIRET": "COLL_SIRET"})
    assert authority.match(evidence, ORGS[:1], find_commune).status == authority.COMMUNE_ONLY
    other = make_siret(luhn_complete("33333333"))
    evidence = authority.collect(["COLL_SIRET"], [[other]], {"COLL_SIRET": "COLL_SIRET"})
    result = authority.match(evidence, ORGS, find_commune)
    assert result.status == authority.UNKNOWN and "aucune organisation" in result.message


def test_damaged_identifiers_are_explained():
    evidence = authority.collect(["idAttribuant"], [["2,43E+13"]] * 4, {"idAttribuant": "idAttribuant"})
    result = authority.match(evidence, ORGS, find_commune)
    assert result.status == authority.MISSING
    assert any("notation scientifique" in r for r in result.reasons)


def test_no_authority_column():
    result = authority.match(authority.collect(["a", "b"], [["1", "2"]]), ORGS, find_commune)
    assert result.status == authority.MISSING


@pytest.mark.parametrize("name,siren", [
    ("real/budget/commune-crach_bp-2022.csv", "215600461"),
    ("real/budget/departement-morbihan_ca-2021.csv", "225600014"),
    ("real/deliberations/saint-etienne-metropole_2022_one-row-template.csv", "244200770"),
    ("real/menus-collectifs/ville-antibes_2025-s06-s07.xlsx", "210600045"),
    ("real/subventions/departement-lot_2017.csv", "224600015"),
    ("real/subventions/departement-nievre_2016.csv", "225800010"),
    ("examples/subventions/exemple_valide.csv", "210600045"),
])
def test_real_files_give_their_authority(name, siren):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _, head = detect.read_head(str(SCDL / name), rows=400)
    found = detect.detect_schema(head)
    mapping = found.best.mapping() if found.best else None
    evidence = authority.collect(found.headers, head[found.header_row:], mapping)
    assert evidence.siren == siren
    org = {"id": "x", "name": "org", "title": "Org", "siren": siren}
    assert authority.match(evidence, [org]).status == authority.FOUND
