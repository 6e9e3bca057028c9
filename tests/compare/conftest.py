"""Fixtures of the comparison tests: the real stack (PostgreSQL, Solr, Redis, an RQ worker), the
Val-de-Marne communes, the validation plugin validating real uploads and sending its signal."""
from __future__ import annotations

from pathlib import Path

import pytest
from ckan.plugins import toolkit as tk
from ckan.tests import factories

PLUGINS = "socle socle_validation socle_compare scheming_datasets scheming_organizations"
DATA = Path(__file__).resolve().parent.parent / "data" / "compare"


@pytest.fixture
def compare_db(clean_db, clean_index, clean_queues, migrate_db_for, with_plugins):
    from ckanext.socle.reference import sources, store
    from ckanext.socle.validation import jobs

    for plugin in ("socle", "socle_validation", "socle_compare"):
        migrate_db_for(plugin)
    jobs._table_checked["ok"] = False
    return store.load(sources.SAMPLE_DIR)


def run_worker() -> None:
    """A real RQ worker, in burst mode, on the validation queue and the default queue (ours)."""
    from ckan.lib import jobs as ckan_jobs
    from ckanext.socle.validation.jobs import queue_name

    ckan_jobs.Worker([queue_name(), "default"]).work(burst=True)


@pytest.fixture
def worker(with_test_worker):
    return run_worker


@pytest.fixture
def sysadmin(compare_db):
    return factories.Sysadmin()


@pytest.fixture
def make_org(sysadmin):
    def factory(name, title, kind="commune", **fields):
        return tk.get_action("organization_create")(
            {"user": sysadmin["name"]}, {"name": name, "title": title, "socle_kind": kind, **fields})
    return factory


@pytest.fixture
def publish(sysadmin, create_with_upload):
    """Create a socle dataset for ``communes`` and upload one file of tests/data/compare to it."""

    def factory(org, schema, communes, filename, version="", private=False, name=None, content=None):
        dataset = tk.get_action("package_create")({"user": sysadmin["name"]}, {
            "type": schema, "name": name or f"{schema}-{org['name']}", "title": f"{schema} {org['title']}",
            "notes": "Jeu de test.", "owner_org": org["id"], "socle_communes": communes,
            "private": private, "license_id": "fr-lo", "frequency": "ANNUAL",
            "temporal_coverage": [{"start": "2018-01-01", "end": "2025-12-31"}],
            "contact": [{"name": "Service open data", "email": "opendata@example.org"}],
        })
        fields = {"package_id": dataset["id"], "schema_name": schema, "url": "", "name": filename}
        if version:
            fields["schema_version"] = version
        resource = create_with_upload(content or (DATA / filename).read_bytes(), filename, **fields)
        return dataset, resource

    return factory
