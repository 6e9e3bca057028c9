"""Fixtures of the socle_validation tests: real PostgreSQL, Solr, Redis and RQ worker."""
from __future__ import annotations

import pytest

from tests.conftest import ROOT

DATA = ROOT / "tests" / "data" / "scdl"
PLUGINS = "socle_validation"

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
def socle_db(clean_db, clean_index, clean_queues, migrate_db_for, with_plugins):
    migrate_db_for("socle_validation")
    from ckanext.socle.validation import jobs

    jobs._table_checked["ok"] = False


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

    def factory(package_id: str, name: str, **extra):
        path, schema, version, _level = FILES[name]
        fields = {"package_id": package_id, "schema_name": schema, "url": "", "name": name}
        if version:
            fields["schema_version"] = version
        fields.update(extra)
        return create_with_upload(data_bytes(name), path.rsplit("/", 1)[-1], **fields)

    return factory
