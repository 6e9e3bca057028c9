"""The privacy section: generated files with personal data, and the real files (no false alarm)."""
from __future__ import annotations

import json
import random
import warnings
from pathlib import Path

import pytest

from ckanext.socle.privacy import NOTHING_FOUND, TO_CHECK, Settings, scan
from ckanext.socle.publish import detect

from .generate import iban_fr, nir, spaced

SCDL = Path(__file__).resolve().parents[1] / "data" / "scdl"  # copies of shared/scdl
RNG = random.Random(2017)

SUBVENTIONS = ["nomAttribuant", "idAttribuant", "dateConvention", "referenceDecision", "nomBeneficiaire",
               "idBeneficiaire", "rnaBeneficiaire", "objet", "montant", "nature", "conditionsVersement",
               "datesPeriodeVersement", "idRAE", "notificationUE", "pourcentageSubvention", "dispositifAide"]


def numbered(rows):
    return [(number, row) for number, row in enumerate(rows, start=2)]


def subventions_row(beneficiary="Association Sportive de Démoville", siret="", rna="W941000001", objet="Fonctionnement"):
    return ["Démoville", "21940001700014", "2024-03-01", "D-1", beneficiary, siret, rna, objet, "1500",
            "aide en numéraire", "unique", "2024-04-01", "", "non", "1", ""]


def test_every_detector_on_a_generated_file():
    person_nir, person_iban = nir(RNG), iban_fr(RNG)
    rows = [
        subventions_row(),
        subventions_row(objet=f"Aide, contact jean.martin@example.org ou 06 12 34 56 78"),
        subventions_row(beneficiary="Jean MARTIN", rna=""),
        subventions_row(objet=f"Remboursement RIB {spaced(person_iban)}"),
        subventions_row(objet=f"Dossier {person_nir}"),
        subventions_row(objet="Bourse pour Mme X, née le 03/05/2001"),
    ]
    mapping = {h: h for h in SUBVENTIONS}
    report = scan(SUBVENTIONS, numbered(rows), mapping=mapping, schema_name="subventions")
    found = {(f.code, f.column): f for f in report.findings}
    assert set(found) == {("email", "objet"), ("telephone", "objet"), ("personne_physique", "nomBeneficiaire"),
                          ("iban", "objet"), ("nir", "objet"), ("date_naissance", "objet")}
    assert found[("personne_physique", "nomBeneficiaire")].rows == [4]
    assert found[("nir", "objet")].rows == [6]
    data = report.to_dict()
    assert data["status"] == TO_CHECK and data["alert"]
    text = json.dumps(data, ensure_ascii=False)
    for secret in (person_nir, person_iban, spaced(person_iban), "jean.martin", "12 34 56", "MARTIN", "03/05/2001"):
        assert secret not in text, secret
    assert {c["code"] for c in data["checked"]} >= {"email", "telephone", "nir", "iban", "date_naissance",
                                                    "personne_physique"}
    assert data["not_checked"] and "ne garantissent pas" in data["notice"]


def test_birth_date_column_and_rows_listed():
    headers = ["nom_usage", "date_naissance", "quartier"]
    rows = [["X", f"{RNG.randint(1, 28):02d}/{RNG.randint(1, 12):02d}/19{RNG.randint(40, 99)}", "Centre"]
            for _ in range(30)]
    report = scan(headers, numbered(rows), settings=Settings(rows_listed=5))
    finding = report.findings[0].to_dict()
    assert finding["code"] == "date_naissance" and finding["count"] == 30
    assert finding["rows"] == [2, 3, 4, 5, 6] and finding["rows_complete"] is False
    assert len(finding["samples"]) <= 3 and all(s.startswith("••/••/19") for s in finding["samples"])


def test_beneficiary_with_siret_or_rna_is_a_legal_entity():
    rows = [subventions_row(beneficiary="Jean MARTIN", siret="21940001700014", rna=""),
            subventions_row(beneficiary="Claire DURAND", rna="W941000002")]
    assert scan(SUBVENTIONS, numbered(rows), mapping={h: h for h in SUBVENTIONS}).findings == []


def test_small_counts_only_with_a_threshold():
    headers = ["COMMUNE_NOM", "COLL_INSEE", "ENFANT_SEXE", "ENFANT_PRENOM", "NOMBRE_OCCURRENCES", "ANNEE"]
    rows = [["Démoville", "94001", "F", "Zoé", "1", "2024"], ["Démoville", "94001", "M", "Léo", "12", "2024"],
            ["Démoville", "94001", "M", "Noé", "2", "2024"]]
    mapping = {h: h for h in headers}
    off = scan(headers, numbered(rows), mapping=mapping, schema_name="prenoms").to_dict()
    assert off["status"] == NOTHING_FOUND and any("petits effectifs" in n for n in off["not_checked"])
    on = scan(headers, numbered(rows), mapping=mapping, schema_name="prenoms",
              settings=Settings(small_count_threshold=3)).to_dict()
    assert on["status"] == TO_CHECK and not on["alert"]
    assert on["findings"][0]["code"] == "petits_effectifs" and on["findings"][0]["rows"] == [2, 4]
    assert any(c["code"] == "petits_effectifs" for c in on["checked"])


def read_all(path: Path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _, head = detect.read_head(str(path), rows=detect.HEADER_SCAN_ROWS)
        found = detect.detect_schema(head)
        table, records = detect.iter_table(str(path))
        try:
            rows = list(detect.data_rows(records, found.header_row))
        finally:
            table.cleanup()
    return found, rows


REAL = sorted(p for p in (SCDL / "real").rglob("*") if p.is_file() and p.name != "index.csv")
# Real files where the guard rightly finds something.
EXPECTED_FINDINGS = {
    # Two farm suppliers named as natural persons, without SIRET, in platProduitFournisseurNom.
    "plats-menus-collectifs/ville-antibes_2025-s06-s07.xlsx": {("personne_physique", "platProduitFournisseurNom")},
}


@pytest.mark.parametrize("path", REAL, ids=lambda p: str(p.relative_to(SCDL / "real")))
def test_real_files(path):
    found, rows = read_all(path)
    mapping = found.best.mapping() if found.best else None
    report = scan(found.headers, rows, mapping=mapping, schema_name=found.best.name if found.best else None)
    name = str(path.relative_to(SCDL / "real"))
    assert {(f.code, f.column) for f in report.findings} == EXPECTED_FINDINGS.get(name, set())
    assert report.rows_scanned == len(rows)


def test_max_rows_truncates_and_says_so():
    rows = [subventions_row() for _ in range(10)]
    report = scan(SUBVENTIONS, numbered(rows), mapping={h: h for h in SUBVENTIONS}, settings=Settings(max_rows=4))
    assert report.truncated and report.rows_scanned == 4
