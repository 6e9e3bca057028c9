"""Pure-Python tests of the clause registry (no CKAN): run them alone with
``pytest -p no:ckan -p no:ckan_fixtures tests/clauses/unit``."""
from __future__ import annotations

import pytest

from ckanext.socle.clauses import registry
from ckanext.socle.clauses import variables as V


@pytest.fixture(scope="session")
def seed():
    return registry.load_seed()


@pytest.fixture
def declare():
    def make(*specs):
        return [V.declare(spec) for spec in specs]
    return make
