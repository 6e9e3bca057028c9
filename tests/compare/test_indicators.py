"""Indicators on real SCDL files, checked against figures worked out by hand.

Pure Python: ``pytest -p no:ckan -p no:ckan_fixtures tests/compare/test_indicators.py``.
The files are copies of shared/scdl/real (see tests/data/compare/README.md).
"""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from ckanext.socle.catalogue import get_catalogue
from ckanext.socle.compare import indicators as I
from ckanext.socle.compare import reader, stats
from ckanext.socle.compare import values as v

DATA = Path(__file__).resolve().parent.parent / "data" / "compare"


def rows_of(name: str, spec: str) -> list[dict]:
    fields = [f["name"] for f in get_catalogue().resolve(spec).fields]
    rows, _summary = reader.read_rows(str(DATA / name), fields)
    return rows


def figure(indicator_id: str, rows: list[dict]) -> dict:
    return {key: (m.value, m.rows) for key, m in I.get(indicator_id).compute(rows).items()}


def test_every_indicator_is_documented():
    for ind in I.INDICATORS.values():
        assert ind.label and ind.unit and ind.formula and ind.source_fields and ind.caveats, ind.id
        assert ind.schema in get_catalogue().names(), ind.id
        schema_fields = set()
        for version in get_catalogue().versions(ind.schema):
            schema_fields |= {f["name"] for f in get_catalogue().resolve(f"{ind.schema}@{version}").fields}
        assert set(ind.source_fields) <= schema_fields, ind.id
    assert "naissances enregistrées" in I.get("prenoms.naissances").label.lower()


def test_subventions_vendee_by_hand():
    rows = rows_of("departement-vendee.xlsx", "subventions@2.1.1")
    # Four agreements dated 2018-01-19 (the fifth sheet row is blank):
    #   292 000 + 661 500 + 64 125 + 1 350 000 = 2 367 625 €
    assert figure("subventions.montant", rows) == {(2018, ""): (2_367_625.0, 4)}
    assert figure("subventions.nombre", rows) == {(2018, ""): (4, 4)}
    # sorted: 64 125, 292 000, 661 500, 1 350 000 -> median = (292 000 + 661 500) / 2 = 476 750
    assert figure("subventions.mediane", rows) == {(2018, ""): (476_750.0, 4)}
    # all four are "aide en numéraire" -> 100 % of the amount
    assert figure("subventions.nature", rows) == {(2018, "aide en numéraire"): (100.0, 4)}
    # Vendée, population municipale 2023 = 700 000 (round figure for the arithmetic):
    #   2 367 625 / 700 000 = 3.3823... € per inhabitant
    assert stats.per_inhabitant(2_367_625.0, 700_000, 1) == pytest.approx(3.382321, rel=1e-6)


def test_subventions_toulouse_reads_excel_damage():
    """UTF-8 BOM, ';', empty dateConvention, payment dates written 06/12/2022, SIRET as 2,43E+13."""
    rows = rows_of("toulouse-metropole_2022.csv", "subventions@2.1.1")
    assert len(rows) == 396
    # Independent pass with the csv module: every amount is a plain "840690.0"-like number.
    with open(DATA / "toulouse-metropole_2022.csv", encoding="utf-8-sig", newline="") as handle:
        amounts = [float(r["montant"]) for r in csv.DictReader(handle, delimiter=";")]
    assert len(amounts) == 396
    total = figure("subventions.montant", rows)[(2022, "")]
    assert total == (pytest.approx(sum(amounts)), 396)
    assert total[0] == pytest.approx(88_789_356.48)
    # 396 values: the median is the mean of the 198th and 199th, 11 035 and 12 000 -> 11 517.5
    assert figure("subventions.mediane", rows)[(2022, "")][0] == 11_517.5
    # A SIRET mangled into scientific notation gives no SIREN (it is never guessed)
    assert v.siren(rows[0]["idAttribuant"]) is None


def test_budget_crach_compte_administratif_by_hand():
    rows = rows_of("commune-crach_ca-2021.csv", "budget@0.8.3")
    # Real operating expenditure of the 2021 compte administratif, per chapter (BGT_CONTNAT):
    #   011  751 510.86 + 012 1 127 513.94 + 014 2 157.00 + 022 0 + 65 368 934.12
    #   + 66 30 046.97 + 67 2 273.76 + 68 0                                   = 2 282 436.65 €
    # (4 rows with an empty BGT_SECTION, 35 958.03 €, belong to no section and are left out)
    operating = 751_510.86 + 1_127_513.94 + 2_157.00 + 0 + 368_934.12 + 30_046.97 + 2_273.76 + 0
    assert operating == pytest.approx(2_282_436.65)
    value, used = figure("budget.fonctionnement", rows)[(2021, "")]
    assert value == pytest.approx(operating)
    assert used == 87  # 96 rows in those chapters, 9 of them with an empty BGT_MTREAL
    # Capital (equipment) expenditure: chapters 20 + 204 + 21 + 23
    #   30 807.60 + 102 611.45 + 415 383.54 + 189 242.41 = 738 045.00 €
    assert figure("budget.equipement", rows)[(2021, "")][0] == pytest.approx(738_045.00)
    # Staff-cost share: 1 127 513.94 / 2 282 436.65 = 49.40 %
    assert figure("budget.personnel", rows)[(2021, "")][0] == pytest.approx(100 * 1_127_513.94 / 2_282_436.65)
    assert round(figure("budget.personnel", rows)[(2021, "")][0], 2) == 49.40
    # Crach (56046), population municipale 2023: 3 423 -> 2 282 436.65 / 3 423 = 666.79 € per inhabitant
    assert round(stats.per_inhabitant(operating, 3423, 1), 2) == 666.79


def test_deliberations_saint_etienne_by_hand():
    rows = rows_of("saint-etienne-metropole_2022_excel-export.csv", "deliberations@2.1.5")
    # 80 deliberations: 28 dated 2022-01 and 52 dated 2022-03; all of them carry a DELIB_URL.
    assert figure("deliberations.nombre", rows) == {(2022, ""): (80, 80)}
    assert figure("deliberations.url", rows) == {(2022, ""): (100.0, 80)}
    # No matter code or name is filled in: no theme is invented.
    assert figure("deliberations.theme", rows) == {}
    # The model row names its matter "COMMANDE PUBLIQUE" (no code): ACTES theme 1.
    one = rows_of("saint-etienne-metropole_2022_one-row-template.csv", "deliberations@2.1.5")
    assert figure("deliberations.theme", one) == {(2022, "Commande publique"): (1, 1)}


def test_prenoms_digne_by_hand():
    rows = rows_of("digne-les-bains_2017.csv", "prenoms@1.1.6")
    # 304 names: 259 given once, 38 twice, 4 three times, 2 four times, 1 seven times
    #   259×1 + 38×2 + 4×3 + 2×4 + 1×7 = 259 + 76 + 12 + 8 + 7 = 362 births registered
    assert 259 * 1 + 38 * 2 + 4 * 3 + 2 * 4 + 1 * 7 == 362
    assert figure("prenoms.naissances", rows) == {(2017, ""): (362.0, 304)}
    # Digne-les-Bains (04070), population municipale 2023: 17 979 -> 362 × 1000 / 17 979 = 20.13 ‰
    assert round(stats.per_inhabitant(362.0, 17_979, 1000), 2) == 20.13


def test_menus_antibes_by_hand():
    rows = rows_of("menus-ville-antibes_2025-s06-s07.xlsx", "menus-collectifs@1.2.3")
    assert len(rows) == 77
    # menuPlatSiqo: 41 "agriculture biologique" + 2 "label rouge" + 1 "IGP" = 44 of 77 dishes
    #   44 / 77 = 57.14 %
    value, used = figure("menus.siqo", rows)[(2025, "")]
    assert (round(value, 2), used) == (57.14, 77)
    # menuPlatRegime is '["Aucun regime"]' on every row: no vegetarian meal in any week
    assert figure("menus.vegetarien", rows) == {(2025, ""): (0.0, 77)}


def test_vegetarian_meals_per_week_and_equipment_types():
    # Restaurant A: week 6 has 2 lunches, one vegetarian; week 7 has 1 lunch, vegetarian.
    # Restaurant B: week 6 has 1 lunch, not vegetarian.  Mean over 3 restaurant-weeks = (1+1+0)/3
    def dish(rest, day, regime=""):
        return {"menuRestaurantId": rest, "menuDate": day, "menuRepasType": "déjeuner",
                "menuPlatRegime": regime}
    rows = [dish("A", "2025-02-03", '["végétarien"]'), dish("A", "2025-02-03"), dish("A", "2025-02-04"),
            dish("A", "2025-02-10", "végétarien"), dish("B", "2025-02-05")]
    assert figure("menus.vegetarien", rows)[(2025, "")][0] == pytest.approx(2 / 3)

    facilities = [{"EQUIP_TYPE": t, "_modified": "2025-06-01T10:00:00"} for t in
                  ["Gymnase", "Gymnase", "Bibliothèque", ""]]
    assert figure("equipements.nombre", facilities) == {
        (2025, ""): (4, 4), (2025, "Gymnase"): (2, 2), (2025, "Bibliothèque"): (1, 1)}


def test_group_statistics_never_rank_missing_data():
    entries = [
        {"commune": "A", "value": 100_000.0, "population": 1000},   # 100 €/hab
        {"commune": "B", "value": 500_000.0, "population": 2000},   # 250 €/hab
        {"commune": "C", "value": None, "population": 3000},    # no data: no rank, not zero
        {"commune": "D", "value": 60_000.0, "population": 400},     # 150 €/hab
    ]
    group = stats.compare(entries, scale=1)
    # figures 100, 250, 150 -> median 150, based on 3 communes of 4
    assert group["median"] == 150 and group["communes_with_data"] == 3 and group["communes"] == 4
    assert [e["rank"] for e in entries] == [3, 1, None, 2]
    assert entries[0]["gap"] == -50 and entries[1]["gap_pct"] == pytest.approx(100 * 100 / 150)
    assert entries[2]["per_inhabitant"] is None


def test_values_are_read_tolerantly():
    assert v.number("1 234,50") == 1234.5 and v.number("1.234,5") == 1234.5 and v.number("x") is None
    assert v.year("24/03/2022") == 2022 and v.year("2021") == 2021 and v.year("") is None
    assert v.siren("21860194600000.0") == "218601946" and v.siren("2,43E+13") is None
    assert v.items('["a","b"]') == ["a", "b"] and v.items("a;b") == ["a", "b"]
    assert stats.population_band(3499) == "2000-3499" and stats.population_band(3500) == "3500-4999"
