"""Fixtures of the socle dataset types: the plugins, the tables, the Val-de-Marne communes."""
import pytest

from ckan.tests import factories

PLUGINS = "socle scheming_datasets scheming_organizations"


@pytest.fixture
def communes(clean_db, migrate_db_for, with_plugins):
    """The socle tables, with the Val-de-Marne sample loaded (47 communes)."""
    from ckanext.socle.reference import sources, store

    migrate_db_for("socle")
    return store.load(sources.SAMPLE_DIR)


@pytest.fixture
def sysadmin(communes):
    return factories.Sysadmin()


@pytest.fixture
def creteil(sysadmin):
    """The organisation of the Ville de Créteil (commune, 93 397 inhabitants, ≥ 50 agents)."""
    from ckan.plugins import toolkit as tk

    return tk.get_action("organization_create")(
        {"user": sysadmin["name"]},
        {"name": "ville-de-creteil", "title": "Ville de Créteil", "socle_kind": "commune",
         "insee_code": "94028", "agents_50": "true"},
    )
