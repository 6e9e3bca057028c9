"""Permission boundaries and publication on behalf of communes, on the real stack."""
from __future__ import annotations

import random

import pytest
from ckan.model import Session
from ckan.plugins import toolkit as tk
from ckan.tests import helpers
from sqlalchemy import text

from .conftest import PLUGINS

pytestmark = [pytest.mark.ckan_config("ckan.plugins", PLUGINS), pytest.mark.usefixtures("compare_db")]


def anonymous(action, **data):
    return tk.get_action(action)({"user": "", "ignore_auth": False}, data)


def births(code):
    result = anonymous("socle_compare", indicator="prenoms.naissances", communes=code)
    return next(r for r in result["rows"] if r["code"] == code)["value"]


def test_private_datasets_never_leak_into_public_aggregates(make_org, publish, worker, app, sysadmin):
    sucy = make_org("ville-de-sucy", "Ville de Sucy-en-Brie", insee_code="94071")
    dataset, _resource = publish(sucy, "prenoms", ["94071"], "digne-les-bains_2017.csv", private=True)
    worker()
    # Consolidated (so that publishing it later is cheap), but kept apart.
    assert Session.execute(text("SELECT count(*), bool_and(private) FROM socle_compare_row")).one() == (304, True)
    assert births("94071") is None
    matrix = anonymous("socle_coverage_matrix", communes="94071")
    assert matrix["rows"][0]["cells"]["prenoms"] is None and matrix["totals"]["prenoms"]["published"] == 0
    assert "digne" not in app.get("/comparaison/consolidation/prenoms.csv").get_data(as_text=True).lower()
    page = app.get("/comparaison/indicateurs?indicator=prenoms.naissances&communes=94071").get_data(as_text=True)
    assert dataset["name"] not in page and "362" not in page
    assert dataset["name"] not in app.get("/comparaison/couverture?communes=94071").get_data(as_text=True)
    assert anonymous("socle_commune_card", code="94071")["headline"] == []

    # Made public: the dataset-update hook queues a refresh, and the figures appear.
    helpers.call_action("package_patch", context={"user": sysadmin["name"]}, id=dataset["id"], private=False)
    worker()
    assert births("94071") == 362
    assert anonymous("socle_coverage_matrix", communes="94071")["rows"][0]["cells"]["prenoms"]["status"] == "conforme"

    # Deleted: gone from rows, values and coverage.
    helpers.call_action("package_delete", context={"user": sysadmin["name"]}, id=dataset["id"])
    worker()
    assert births("94071") is None
    assert Session.execute(text("SELECT count(*) FROM socle_compare_row")).scalar() == 0
    assert anonymous("socle_coverage_matrix", communes="94071")["rows"][0]["cells"]["prenoms"] is None


def test_only_sysadmins_may_trigger_a_full_refresh(sysadmin):
    with pytest.raises(tk.NotAuthorized):
        anonymous("socle_compare_refresh")
    assert helpers.call_action("socle_compare_refresh", context={"user": sysadmin["name"]}) is not None


def test_an_epci_publishing_for_its_communes_counts_for_each(make_org, publish, worker, app):
    from ckanext.socle.demo import generate

    creteil = helpers.call_action("socle_commune_show", code="94028")
    sucy = helpers.call_action("socle_commune_show", code="94071")
    assert creteil["epci_siren"] == sucy["epci_siren"]  # both in Grand Paris Sud Est Avenir
    epci = make_org("gpsea", creteil["epci_name"], kind="epci", siren=creteil["epci_siren"])
    rows = []
    for commune in (creteil, sucy):
        demo = generate.Commune(insee=commune["code"], name=commune["name"], siren=commune["siren"])
        rows += generate.ROWS["equipements"](demo, random.Random(commune["code"]), 2025)
    content = generate._csv(list(rows[0]), rows)
    dataset, _resource = publish(epci, "equipements", ["94028", "94071"], "equipements-gpsea.csv",
                                 version="0.1.5", content=content)
    worker()
    matrix = anonymous("socle_coverage_matrix", communes="94028,94071")
    for row in matrix["rows"]:
        cell = row["cells"]["equipements"]
        assert cell["status"] == "conforme" and cell["on_behalf"] is True
        assert cell["package_name"] == dataset["name"]
    # Each facility is attributed to the commune of its EQUIP_UID, not to the publisher.
    per_commune = len(generate.EQUIPMENTS)
    result = anonymous("socle_compare", indicator="equipements.nombre", communes="94028,94071")
    values = {r["code"]: r["value"] for r in result["rows"]}
    assert values == {"94028": per_commune, "94071": per_commune}
    assert "EPCI" in app.get("/comparaison/couverture?communes=94028,94071").get_data(as_text=True)


def test_a_conformant_file_left_unchanged_for_too_long_is_outdated():
    import datetime as dt

    from ckanext.socle.compare import consolidate

    def resource(level, modified):
        return {"level": level, "modified": modified, "package_id": "p", "package_name": "p",
                "resource_id": f"r-{level}", "schema_version": "2.1.1", "org_title": "Ville",
                "on_behalf": False}

    now = dt.datetime(2026, 11, 24)
    old = now - dt.timedelta(days=401)  # ckanext.socle.compare.outdated_after_days = 400
    assert consolidate.coverage_cell([resource("conforme", old)], now=now)["status"] == "obsolete"
    assert consolidate.coverage_cell([resource("conforme", now)], now=now)["status"] == "conforme"
    # An old non-conformant file stays "non conforme"; the best of several resources is kept.
    assert consolidate.coverage_cell([resource("non_conforme", old)], now=now)["status"] == "non_conforme"
    cell = consolidate.coverage_cell([resource("non_conforme", now), resource("a_ameliorer", now)], now=now)
    assert cell["status"] == "a_ameliorer" and cell["resource_id"] == "r-a_ameliorer"
