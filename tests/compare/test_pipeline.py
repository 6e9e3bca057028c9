"""Consolidation on the real stack: a real upload, the real validation job and signal, our refresh
job on a real RQ worker, then the API, the exports and the pages."""
from __future__ import annotations

import csv
import io

import pytest
from ckan.plugins import toolkit as tk
from ckan.tests import helpers

from .conftest import PLUGINS

pytestmark = [pytest.mark.ckan_config("ckan.plugins", PLUGINS), pytest.mark.usefixtures("compare_db")]

VENDEE_TOTAL = 292_000 + 661_500 + 64_125 + 1_350_000  # the four 2018 agreements of the file


def population(code):
    return helpers.call_action("socle_commune_show", code=code)["population"]


def anonymous(action, **data):
    return tk.get_action(action)({"user": "", "ignore_auth": False}, data)


def test_validation_run_refreshes_the_consolidation_and_the_aggregates(make_org, publish, worker, app):
    creteil = make_org("ville-de-creteil", "Ville de Créteil", insee_code="94028")
    maisons = make_org("ville-de-maisons-alfort", "Ville de Maisons-Alfort", insee_code="94046")
    # Vendée's real file: its latest run is "à améliorer" -> consolidated (level kept).
    dataset, resource = publish(creteil, "subventions", ["94028"], "departement-vendee.xlsx", "2.1.1")
    # Toulouse's real file is "non conforme" -> counted as published, never consolidated.
    publish(maisons, "subventions", ["94046"], "toulouse-metropole_2022.csv", "2.1.1")
    worker()  # validation jobs, their signal, then our refresh jobs

    from ckan.model import Session
    from sqlalchemy import text

    rows = Session.execute(text("SELECT commune, level, schema_version FROM socle_compare_row")).all()
    assert sorted(set(rows)) == [("94028", "a_ameliorer", "2.1.1")] and len(rows) == 4

    result = anonymous("socle_compare", indicator="subventions.montant", communes="94028,94046",
                       departement="94")
    assert result["year"] == 2018
    creteil_row = next(r for r in result["rows"] if r["code"] == "94028")
    assert creteil_row["value"] == VENDEE_TOTAL
    assert creteil_row["per_inhabitant"] == pytest.approx(VENDEE_TOTAL / population("94028"))
    assert creteil_row["rank"] == 1 and creteil_row["packages"] == [dataset["id"]]
    maisons_row = next(r for r in result["rows"] if r["code"] == "94046")
    assert maisons_row["value"] is None and maisons_row["rank"] is None  # missing is not zero
    assert result["group"]["communes_with_data"] == 1 and result["group"]["communes"] == 47
    assert result["provenance"]["datasets"] == [dataset["id"]]
    assert result["population_year"] == 2023

    matrix = anonymous("socle_coverage_matrix", departement="94", per_page=500)
    cells = {r["code"]: r["cells"]["subventions"] for r in matrix["rows"]}
    assert cells["94028"]["status"] == "a_ameliorer" and cells["94028"]["resource_id"] == resource["id"]
    assert cells["94046"]["status"] == "non_conforme"
    assert cells["94071"] is None  # Sucy publishes nothing
    assert matrix["count"] == 47 and matrix["totals"]["subventions"]["published"] == 2
    assert matrix["totals"]["subventions"]["non_publie"] == 45

    listed = {i["id"]: i for i in anonymous("socle_indicator_list")}
    assert listed["subventions.montant"]["years"] == [2018]
    assert listed["prenoms.naissances"]["caveats"].startswith("Les naissances sont enregistrées")

    # Exports: consolidated file with provenance, comparison and matrix CSV.
    consolidated = app.get("/comparaison/consolidation/subventions.csv")
    assert consolidated.status_code == 200
    table = list(csv.DictReader(io.StringIO(consolidated.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(table) == 4 and {r["code_insee_commune"] for r in table} == {"94028"}
    assert {r["niveau_conformite"] for r in table} == {"a_ameliorer"}
    assert sum(float(r["montant"]) for r in table) == VENDEE_TOTAL
    assert table[0]["jeu_de_donnees"].endswith(f"/dataset/{dataset['name']}")
    compared = app.get("/comparaison/indicateurs.csv?indicator=subventions.montant&departement=94")
    lines = list(csv.DictReader(io.StringIO(compared.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(lines) == 47 and lines[0]["code_insee"] == "94028" and lines[0]["rang_dans_le_groupe"] == "1"
    matrix_csv = app.get("/comparaison/couverture.csv?departement=94").get_data(as_text=True)
    assert "94028,Créteil" in matrix_csv and "À améliorer" in matrix_csv

    # A new run of another level replaces the consolidation: the file is withdrawn from figures.
    tk.get_action("resource_patch")({"ignore_auth": True}, {"id": resource["id"], "socle_conformity_level": "non_conforme"})
    from ckanext.socle.compare import consolidate

    tk.signals.ckanext.signal("socle_validation_run_completed").send(
        resource["id"], run={"resource_id": resource["id"], "level": "non_conforme"})
    worker()
    level = Session.execute(text("SELECT level FROM socle_compare_resource WHERE resource_id = :r"),
                            {"r": resource["id"]}).scalar()
    assert level in ("a_ameliorer", "non_conforme")  # the authoritative latest run wins
    assert consolidate.latest_level(helpers.call_action("resource_show", id=resource["id"]))[0] == level


@pytest.mark.usefixtures("with_extended_cli")
def test_cli_refresh_rebuilds_the_same_figures(make_org, publish, worker, cli):
    from ckan.cli.cli import ckan

    creteil = make_org("ville-de-creteil", "Ville de Créteil", insee_code="94028")
    publish(creteil, "budget", ["94028"], "commune-crach_ca-2021.csv", "0.8.3")
    worker()
    before = anonymous("socle_compare", indicator="budget.fonctionnement", communes="94028")["picked"]
    result = cli.invoke(ckan, ["socle", "compare", "refresh"])
    assert result.exit_code == 0, result.output
    after = anonymous("socle_compare", indicator="budget.fonctionnement", communes="94028")["picked"]
    assert before == after
    # Crach's compte administratif 2021, hand-checked in test_indicators: 2 282 436.65 €
    level = helpers.call_action("socle_validation_show", resource_id=_resource_id("budget"))["level"]
    if level in ("conforme", "a_ameliorer"):
        assert after[0]["value"] == pytest.approx(2_282_436.65) and after[0]["rank"] == 1
    else:
        assert after[0]["value"] is None and after[0]["rank"] is None


def _resource_id(schema):
    from ckan.model import Session
    from sqlalchemy import text

    return Session.execute(text("SELECT resource_id FROM socle_compare_resource WHERE schema_name = :s"),
                           {"s": schema}).scalar()


def test_pages_render_tables_without_javascript(make_org, publish, worker, app):
    creteil = make_org("ville-de-creteil", "Ville de Créteil", insee_code="94028")
    publish(creteil, "prenoms", ["94028"], "digne-les-bains_2017.csv")
    worker()
    page = app.get("/comparaison/couverture?departement=94").get_data(as_text=True)
    assert "Qui publie quoi" in page and "Créteil" in page and "Conforme" in page
    page = app.get("/comparaison/indicateurs?indicator=prenoms.naissances&communes=Créteil&departement=94")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Naissances enregistrées" in html and "362" in html and "Population municipale INSEE 2023" in html
    assert "socle-map-outlines" in html  # 47 communes: the map outlines are in the page
    assert app.get("/comparaison/commune/94028").status_code == 200
    assert app.get("/comparaison/commune/99999").status_code == 404
    assert "prenoms.csv" in app.get("/comparaison/consolidation").get_data(as_text=True)
    data = app.get("/comparaison/indicateurs.json?indicator=prenoms.naissances&communes=94028").json
    assert data["rows"][0]["value"] == 362 and data["group"]["communes_with_data"] == 1


def test_matrix_opens_on_the_portals_departement(make_org, publish, worker, app, ckan_config, monkeypatch):
    creteil = make_org("ville-de-creteil", "Ville de Créteil", insee_code="94028")
    publish(creteil, "prenoms", ["94028"], "digne-les-bains_2017.csv")
    worker()

    def kpi_communes(html: str) -> str:
        return html.split('socle-kpi-value">', 1)[1].split("<", 1)[0]

    # auto: the portal's communes all publish in the Val-de-Marne, so the matrix opens there.
    html = app.get("/comparaison/couverture").get_data(as_text=True)
    assert "Le département 94 est affiché par défaut." in html
    assert '<option value="94" selected>' in html and kpi_communes(html) == "47"
    csv_lines = app.get("/comparaison/couverture.csv").get_data(as_text=True).strip().splitlines()
    assert len(csv_lines) == 1 + 47

    # "Tous" (an empty département in the URL) is all of France, without the note.
    html = app.get("/comparaison/couverture?departement=").get_data(as_text=True)
    assert "affiché par défaut" not in html and '<option value="94" selected>' not in html
    # A commune or an EPCI asked for: no default département on top of it.
    assert "affiché par défaut" not in app.get("/comparaison/couverture?communes=94028").get_data(as_text=True)

    monkeypatch.setitem(ckan_config, "ckanext.socle.compare.default_departement", "75")
    html = app.get("/comparaison/couverture").get_data(as_text=True)
    assert "Le département 75 est affiché par défaut." in html and kpi_communes(html) == "0"
    monkeypatch.setitem(ckan_config, "ckanext.socle.compare.default_departement", "")
    html = app.get("/comparaison/couverture").get_data(as_text=True)
    assert "affiché par défaut" not in html and kpi_communes(html) == "47"
