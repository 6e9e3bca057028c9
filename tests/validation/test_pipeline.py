"""Upload real SCDL files, run the real worker, check runs, summaries and Solr facets."""
from __future__ import annotations

import pytest
from ckan.tests import factories, helpers

from .conftest import make_dataset, make_org, FILES, PLUGINS

pytestmark = [pytest.mark.ckan_config("ckan.plugins", PLUGINS), pytest.mark.usefixtures("socle_db")]


def _runs(resource_id):
    return helpers.call_action("socle_validation_list", resource_id=resource_id)


def _queued_jobs():
    from ckan.lib import jobs as ckan_jobs
    from ckanext.socle.validation.jobs import queue_name

    return ckan_jobs.get_queue(queue_name()).jobs


def test_upload_queues_one_job_and_worker_stores_the_run(upload_resource, worker):
    org = make_org()
    dataset = make_dataset(org)
    resource = upload_resource(dataset["id"], "valid")

    runs = _runs(resource["id"])
    assert [r["status"] for r in runs] == ["queued"]
    assert runs[0]["state"] == "en_cours"
    assert len(_queued_jobs()) == 1
    assert helpers.call_action("resource_show", id=resource["id"])["socle_conformity_level"] == "en_cours"

    worker()

    run = helpers.call_action("socle_validation_show", resource_id=resource["id"])
    assert run["status"] == "success" and run["level"] == "conforme" and run["state"] == "conforme"
    assert run["schema_name"] == "subventions" and run["schema_version"] == "2.1.1"
    assert run["schema_url"].startswith("https://schema.data.gouv.fr/schemas/scdl/subventions/2.1.1/")
    assert run["badge"]["structure"] == "OK" and run["error_count"] == 0 and run["row_count"] > 0
    assert run["report"]["level"] == "conforme" and run["engine_version"]
    assert run["started"] and run["finished"] and run["duration"] is not None
    shown = helpers.call_action("resource_show", id=resource["id"])
    assert shown["validation_status"] == "success"
    assert shown["socle_conformity_level"] == "conforme"
    assert shown["validation_timestamp"].endswith("Z")
    # The job's own write (resource_patch of the summary) did not queue another run.
    assert len(_runs(resource["id"])) == 1
    assert _queued_jobs() == []


@pytest.mark.parametrize("name", ["invalid", "cp1252", "xlsx", "prenoms"])
def test_real_files_get_the_engine_level(name, upload_resource, worker):
    dataset = make_dataset(make_org())
    resource = upload_resource(dataset["id"], name)
    worker()
    run = helpers.call_action("socle_validation_show", resource_id=resource["id"])
    expected = FILES[name][3]
    assert run["level"] == expected and run["state"] == expected
    assert run["status"] == ("success" if expected == "conforme" else "failure")
    shown = helpers.call_action("resource_show", id=resource["id"])
    assert shown["validation_status"] == run["status"]
    assert shown["socle_conformity_level"] == expected
    if expected != "conforme":
        assert run["error_count"] > 0 and sum(run["counts"].values()) == run["error_count"]
        assert run["report"]["errors"] and run["report"]["errors"][0]["message"]
    if name == "cp1252":
        assert "encoding-warning" in run["report"]["warning_counts"]


def test_only_relevant_changes_queue_a_run_and_duplicates_collapse(upload_resource, worker):
    dataset = make_dataset(make_org())
    resource = upload_resource(dataset["id"], "invalid")
    worker()
    assert len(_runs(resource["id"])) == 1

    # Description, name: nothing to validate again.
    helpers.call_action("resource_patch", id=resource["id"], description="Nouvelle description")
    helpers.call_action("package_patch", id=dataset["id"], notes="Autre texte")
    assert len(_runs(resource["id"])) == 1 and _queued_jobs() == []

    # Schema version changed twice before the worker runs: one queued run, one job.
    helpers.call_action("resource_patch", id=resource["id"], schema_version="2.0.2")
    helpers.call_action("resource_patch", id=resource["id"], schema_version="2.1.1", format="CSV")
    runs = _runs(resource["id"])
    assert [r["status"] for r in runs] == ["queued", "failure"]
    assert len(_queued_jobs()) == 1
    worker()
    runs = _runs(resource["id"])
    assert [r["status"] for r in runs] == ["failure", "failure"]
    assert runs[0]["schema_version"] == "2.1.1"


def test_new_upload_queues_a_run_and_old_result_is_stale(upload_resource, create_with_upload, worker):
    from .conftest import data_bytes

    dataset = make_dataset(make_org())
    resource = upload_resource(dataset["id"], "invalid")
    worker()
    create_with_upload(data_bytes("valid"), "subventions.csv", action="resource_update", id=resource["id"],
                       package_id=dataset["id"], schema_name="subventions", schema_version="2.1.1", url="")
    runs = _runs(resource["id"])
    assert [r["status"] for r in runs] == ["queued", "failure"]
    worker()
    run = helpers.call_action("socle_validation_show", resource_id=resource["id"])
    assert run["level"] == "conforme"
    older = helpers.call_action("socle_validation_show", resource_id=resource["id"], run_id=runs[1]["id"])
    assert older["stale"] is True and older["state"] == "non_verifie"


def test_resources_without_schema_or_table_are_left_alone(create_with_upload, worker):
    # A dataset of CKAN's plain type: its resources carry no schema.
    plain_dataset = factories.Dataset(owner_org=make_org()["id"])
    plain = factories.Resource(package_id=plain_dataset["id"], url="https://example.org/plain.csv", format="CSV")
    # A socle dataset: its PDF is not a table.
    dataset = make_dataset(make_org("ville-b", insee_code="94080"))
    pdf = factories.Resource(package_id=dataset["id"], url="https://example.org/rapport.pdf", format="PDF")
    assert helpers.call_action("resource_show", id=pdf["id"])["schema_name"] == "subventions"
    assert _runs(plain["id"]) == [] and _runs(pdf["id"]) == []
    assert _queued_jobs() == []
    assert "socle_conformity_level" not in helpers.call_action("resource_show", id=plain["id"])
    assert "socle_conformity_level" not in helpers.call_action("resource_show", id=pdf["id"])
    # The notice does not drag the dataset's conformity down.
    assert helpers.call_action("package_search", fq=f"id:{dataset['id']}")["results"][0]["id"] == dataset["id"]
    assert helpers.call_action("package_search", fq="vocab_socle_conformity:*")["count"] == 0


def test_signal_is_sent_with_the_run(upload_resource, worker):
    import ckan.plugins.toolkit as tk

    received = []

    def listener(sender, **kwargs):
        received.append((sender, kwargs["run"]))

    signal = tk.signals.ckanext.signal("socle_validation_run_completed")
    signal.connect(listener)
    try:
        dataset = make_dataset(make_org())
        resource = upload_resource(dataset["id"], "valid")
        worker()
    finally:
        signal.disconnect(listener)
    assert len(received) == 1
    sender, run = received[0]
    assert sender == resource["id"]
    assert {run[k] for k in ("resource_id", "package_id", "level", "schema_name", "schema_version")} >= {
        resource["id"], dataset["id"], "conforme", "subventions", "2.1.1"}


def test_solr_facets_and_filters(upload_resource, worker):
    org = make_org()
    first = make_dataset(org, socle_communes=["94028", "94080"])
    second = make_dataset(org)
    upload_resource(first["id"], "valid")
    upload_resource(second["id"], "invalid")
    upload_resource(second["id"], "prenoms")

    pending = helpers.call_action("package_search", fq="vocab_socle_conformity:en_cours")
    assert pending["count"] == 2

    worker()

    result = helpers.call_action("package_search", **{
        "facet.field": ["vocab_socle_conformity", "vocab_socle_schema", "vocab_socle_schema_version",
                        "vocab_socle_commune"]})
    facets = {name: {i["name"]: i["count"] for i in facet["items"]} for name, facet in result["search_facets"].items()}
    assert facets["vocab_socle_conformity"] == {"conforme": 2, "non_conforme": 1}
    assert facets["vocab_socle_schema"] == {"subventions": 2, "prenoms": 1}
    from ckanext.socle.catalogue import get_catalogue

    prenoms = get_catalogue().newest("prenoms").version  # the type's default version
    assert facets["vocab_socle_schema_version"] == {"subventions@2.1.1": 2, f"prenoms@{prenoms}": 1}
    assert facets["vocab_socle_commune"] == {"94028": 2, "94080": 1}
    labels = {i["name"]: i["display_name"] for facet in result["search_facets"].values() for i in facet["items"]}
    assert labels["non_conforme"] == "non conforme" and labels["conforme"] == "conforme"
    assert labels["94028"] == "Créteil (94028)"
    assert labels["subventions"] == "Subventions" and labels["subventions@2.1.1"] == "Subventions 2.1.1"

    filtered = helpers.call_action("package_search", fq="vocab_socle_conformity:non_conforme")
    assert [d["id"] for d in filtered["results"]] == [second["id"]]
    by_version = helpers.call_action("package_search", fq='vocab_socle_schema_version:"subventions@2.1.1"')
    assert by_version["count"] == 2


def test_conformity_summary_per_organisation_and_schema(upload_resource, worker):
    org_a, org_b = make_org("ville-a"), make_org("ville-b", insee_code="94080")
    upload_resource(make_dataset(org_a)["id"], "valid")
    upload_resource(make_dataset(org_b)["id"], "invalid")
    worker()
    summary = helpers.call_action("socle_conformity_summary", by="organization")
    groups = {g["name"]: g["levels"] for g in summary["groups"]}
    assert groups["ville-a"]["conforme"] == 1 and groups["ville-b"]["non_conforme"] == 1
    assert summary["levels"]["conforme"] == 1 and summary["levels"]["non_conforme"] == 1
    by_schema = helpers.call_action("socle_conformity_summary", by="schema")
    assert by_schema["groups"][0]["name"] == "subventions"
    assert by_schema["groups"][0]["levels"] == {**{s: 0 for s in by_schema["levels"]}, "conforme": 1, "non_conforme": 1}


def test_dataset_created_with_resources_queues_one_run_each():
    dataset = make_dataset(make_org(), resources=[
        {"url": "https://donnees.example.org/subventions-2025.csv", "format": "CSV", "name": "2025"},
        {"url": "https://donnees.example.org/subventions-2024.xlsx", "format": "XLSX", "name": "2024"},
        {"url": "https://donnees.example.org/notice.pdf", "format": "PDF", "name": "Notice"},
    ])
    statuses = {r["name"]: [run["status"] for run in _runs(r["id"])] for r in dataset["resources"]}
    assert statuses == {"2025": ["queued"], "2024": ["queued"], "Notice": []}
    assert len(_queued_jobs()) == 2
