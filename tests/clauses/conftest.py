"""Fixtures of the clause registry tests on the real stack (PostgreSQL, Solr, Redis).

Run with ``SOCLE_TEST_SLOT=clauses bash scripts/test.sh tests/clauses``. The unit tests under
``unit/`` also run alone: ``pytest -p no:ckan -p no:ckan_fixtures tests/clauses/unit``.
"""
from __future__ import annotations

import pytest
import sqlalchemy as sa

PLUGINS = "socle_clauses"


@pytest.fixture
def clauses_db(clean_db, migrate_db_for):
    """Clean CKAN tables, the clause tables migrated (alembic) and emptied."""
    import ckan.model as model

    migrate_db_for("socle_clauses")
    model.Session.execute(sa.text(
        "TRUNCATE socle_clause_instance, socle_clause_version, socle_clause_template CASCADE"))
    model.Session.commit()
    yield
    model.Session.rollback()


@pytest.fixture
def seeded(clauses_db):
    from ckanext.socle.clauses import registry
    from ckanext.socle.clauses.logic import action

    report = action.import_templates(registry.load_seed(), author="ckanext-socle")
    assert len(report["created"]) == 15, report
    return report


@pytest.fixture
def people():
    """A sysadmin, an editor and a member of Ivry, an editor of Vitry, an outsider."""
    from ckan.tests import factories

    sysadmin = factories.SysadminWithToken()
    editor = factories.UserWithToken(name="editrice-ivry")
    member = factories.UserWithToken(name="membre-ivry")
    other = factories.UserWithToken(name="editeur-vitry")
    outsider = factories.UserWithToken(name="passant")
    ivry = factories.Organization(
        name="ivry-sur-seine", title="Ivry-sur-Seine",
        users=[{"name": editor["name"], "capacity": "editor"},
               {"name": member["name"], "capacity": "member"}])
    vitry = factories.Organization(name="vitry-sur-seine", title="Vitry-sur-Seine",
                                   users=[{"name": other["name"], "capacity": "editor"}])
    return {"sysadmin": sysadmin, "editor": editor, "member": member, "other": other,
            "outsider": outsider, "ivry": ivry, "vitry": vitry}


def ctx(user: dict | None) -> dict:
    """An action context for ``user`` (None: anonymous), with auth checks on."""
    return {"user": user["name"] if user else "", "ignore_auth": False}


def values(**extra) -> dict:
    """Valid values for od-fourniture-donnees-marche (Ivry's SIREN)."""
    base = {
        "authority.siren": "219400413", "authority.portal_url": "https://data.ivry94.fr",
        "contract.reference": "2027-015", "contract.object": "Restauration scolaire",
        "contract.ccag": "FCS", "contract.start_date": "2027-01-01",
        "contract.end_date": "2029-12-31", "penalty.per_day": "150",
        "datasets": [{"title": "Menus des cantines", "schema": "menus-collectifs@1.2.3",
                      "format": "CSV", "frequency": "monthly", "first_delivery": "J+30",
                      "deadline_days": "10", "channel": "portal_upload"}],
    }
    base.update(extra)
    return base
