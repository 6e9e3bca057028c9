"""Delivery tracking: the portal's datasets against the annex of an instance."""
from __future__ import annotations

import datetime as dt

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from ckanext.socle.clauses import tracking
from tests.clauses.conftest import ctx, values

pytestmark = [pytest.mark.ckan_config("ckan.plugins", "socle_clauses"),
              pytest.mark.usefixtures("with_plugins", "clean_index")]

ROWS = [
    {"title": "Menus des cantines", "schema": "menus-collectifs@1.2.3", "format": "CSV",
     "frequency": "monthly", "first_delivery": "J+30", "channel": "portal_upload"},
    {"title": "Subventions", "schema": "subventions@2.1.1", "format": "CSV",
     "frequency": "yearly", "first_delivery": "2027-06-30", "channel": "portal_upload",
     "dataset": "subventions-ivry"},
    {"title": "Équipements", "schema": "equipements@0.1.5", "format": "CSV",
     "frequency": "yearly", "first_delivery": "2027-06-30", "channel": "portal_upload"},
]


def dataset(org, name, type_, levels, private=False):
    resources = [{"url": f"http://example.org/{name}-{i}.csv", "format": "CSV",
                  "schema_name": type_, "socle_conformity_level": level}
                 for i, level in enumerate(levels)]
    return factories.Dataset(name=name, type=type_, owner_org=org["id"], private=private,
                             resources=resources)


@pytest.fixture
def instance(seeded, people):
    return tk.get_action("socle_clause_instance_create")(ctx(people["editor"]), {
        "template": "od-fourniture-donnees-marche", "organization": "ivry-sur-seine",
        "values": values(datasets=ROWS), "private": False})


def test_published_datasets_and_their_badges(instance, people):
    ivry, vitry = people["ivry"], people["vitry"]
    dataset(ivry, "menus-ivry-2026", "menus-collectifs", ["conforme", "non_conforme"])
    dataset(ivry, "subventions-ivry", "subventions", ["a_ameliorer"], private=True)
    dataset(vitry, "equipements-vitry", "equipements", ["conforme"])   # not Ivry's
    shown = tk.get_action("socle_clause_instance_show")(ctx(None), {"id": instance["id"],
                                                                    "tracking": True})
    menus, grants, equipment = shown["tracking"]
    assert menus["published"] and menus["dataset"]["name"] == "menus-ivry-2026"
    assert menus["level"] == "non_conforme" and menus["level_label"] == "Non conforme"
    assert grants["dataset"]["name"] == "subventions-ivry" and not grants["published"]
    assert equipment["dataset"] is None and equipment["level"] is None
    assert {line["state"] for line in shown["tracking"]} == {"a_venir"}   # contract starts 2027


def test_due_dates_and_lateness(instance, people):
    dataset(people["ivry"], "menus-ivry-2026", "menus-collectifs", ["conforme"])
    organization = tk.get_action("organization_show")({"ignore_auth": True},
                                                      {"id": "ivry-sur-seine"})
    lines = tracking.track(instance, organization, today=dt.date(2027, 1, 20))
    assert lines[0]["state"] == "a_venir" and lines[0]["next_due"] == "2027-01-31"
    lines = tracking.track(instance, organization, today=dt.date(2027, 3, 15))
    assert lines[0]["last_due"] == "2027-02-28" and lines[0]["next_due"] == "2027-03-31"
    assert lines[0]["state"] == "en_retard"        # last update (today, 2026) before the due date
    assert lines[2]["state_label"] == "À venir"


def test_level_falls_back_on_validation_status(clauses_db, people):
    dataset(people["ivry"], "menus-x", "menus-collectifs", [None])
    found = tracking.lookup_dataset(people["ivry"], {"schema": "menus-collectifs@1.2.3"})
    assert tracking.conformity_level(found, "menus-collectifs@1.2.3") == "non_verifie"
    found["resources"][0]["validation_status"] = "failure"
    assert tracking.conformity_level(found, "menus-collectifs") == "non_conforme"
    assert tracking.lookup_dataset(people["ivry"], {"schema": ""}) is None
    assert tracking.lookup_dataset(people["vitry"], {"dataset": "menus-x"}) is None
