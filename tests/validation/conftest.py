"""Fixtures of the socle_validation tests: real PostgreSQL, Solr, Redis and RQ worker."""
from __future__ import annotations

import uuid

import pytest

from tests.conftest import ROOT

DATA = ROOT / "tests" / "data" / "scdl"
# The suite as a portal loads it: socle types (scheming) + validation.
PLUGINS = "socle socle_validation scheming_datasets scheming_organizations"

FILES = {
    # name: (path below tests/data/scdl, schema, version, expected level)
    "valid": ("examples/subventions/exemple_valide.csv", "subventions", "2.1.1", "conforme"),
    "invalid": ("examples/subventions/exemple_invalide_erreurs_cellules.csv", "subventions", "2.1.1", "non_conforme"),
    "cp1252": ("real/subventions/departement-lot_2017.csv", "subventions", "2.1.1", "non_conforme"),
    "xlsx": ("real/subventions/departement-vendee.xlsx", "subventions", "2.1.1", "a_ameliorer"),
    "prenoms": ("real/prenoms/digne-les-bains_2017.csv", "prenoms", "", "conforme"),
}


def data_bytes(name: str) -> bytes:
    return (DATA / FILES[name][0]).read_bytes()


@pytest.fixture
def socle_db(clean_db, clean_index, clean_queues, migrate_db_for, with_plugins, app):
    """Fresh tables of both plugins, the Val-de-Marne communes loaded; ``app`` so that the Flask
    app knows the dataset types' routes (url_for of uploads)."""
    from ckanext.socle.reference import sources, store
    from ckanext.socle.validation import jobs

    migrate_db_for("socle")
    migrate_db_for("socle_validation")
    store.load(sources.SAMPLE_DIR)
    jobs._table_checked["ok"] = False


def make_org(name: str = "ville-de-creteil", **fields):
    """A local-authority organisation (scheming organisation schema)."""
    from ckan.tests import factories

    data = {"name": name, "title": name.replace("-", " ").title(), "socle_kind": "commune",
            "insee_code": "94028"}
    data.update(fields)
    return factories.Organization(**data)


def make_dataset(org: dict, dataset_type: str = "subventions", **changes) -> dict:
    """A valid socle dataset (scheming type), without resources."""
    from ckan.tests import helpers

    data = {
        "type": dataset_type, "title": f"{dataset_type} 2025", "notes": "Données 2025 de la ville.",
        "owner_org": org["id"], "socle_communes": ["94028"],
        "temporal_coverage": [{"start": "2025-01-01", "end": "2025-12-31"}], "frequency": "ANNUAL",
        "license_id": "fr-lo", "contact": [{"name": "Service open data", "email": "opendata@example.fr"}],
    }
    data.update(changes)
    data.setdefault("name", f"{dataset_type}-{uuid.uuid4().hex[:8]}")
    return helpers.call_action("package_create", {"user": _sysadmin()}, **data)


def _sysadmin() -> str:
    import ckan.plugins.toolkit as tk

    return tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]


def run_worker() -> None:
    """Run every job waiting on the validation queue (burst), with a real RQ worker."""
    from ckan.lib import jobs as ckan_jobs
    from ckanext.socle.validation.jobs import queue_name

    ckan_jobs.Worker([queue_name()]).work(burst=True)


@pytest.fixture
def worker(with_test_worker):
    return run_worker


@pytest.fixture
def upload_resource(create_with_upload):
    """Upload one of FILES to a dataset as a socle resource (through resource_create)."""

    def factory(package_id: str, file: str, **extra):
        path, schema, version, _level = FILES[file]
        fields = {"package_id": package_id, "schema_name": schema, "url": "", "name": file}
        if version:
            fields["schema_version"] = version
        fields.update(extra)
        return create_with_upload(data_bytes(file), path.rsplit("/", 1)[-1], **fields)

    return factory
