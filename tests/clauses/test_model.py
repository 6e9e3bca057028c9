"""The migrations and the model: tables, immutable versions, search."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

import ckan.model as model

from ckanext.socle.clauses import model as cm

pytestmark = [pytest.mark.ckan_config("ckan.plugins", "socle_clauses"),
              pytest.mark.usefixtures("with_plugins")]


def test_migrations_create_the_tables_and_go_down_again(clauses_db, migrate_db_for):
    inspector = sa.inspect(model.Session.get_bind())
    for table in cm.TABLES:
        assert inspector.has_table(table)
    assert inspector.has_table("socle_clauses_alembic_version")
    migrate_db_for("socle_clauses", "base", forward=False)
    assert not sa.inspect(model.Session.get_bind()).has_table("socle_clause_template")
    migrate_db_for("socle_clauses")
    assert sa.inspect(model.Session.get_bind()).has_table("socle_clause_template")


def test_seed_stores_fifteen_templates_with_their_first_version(seeded):
    templates = model.Session.query(cm.ClauseTemplate).all()
    assert len(templates) == 15
    for template in templates:
        assert template.status == "published"
        assert [v.number for v in template.versions] == [1]
        assert template.latest.variables and template.latest.body
        assert template.search_text


def test_versions_are_immutable_in_the_database(seeded):
    version = model.Session.query(cm.ClauseVersion).first()
    with pytest.raises(sa.exc.DBAPIError, match="immutable"):
        model.Session.execute(sa.text("UPDATE socle_clause_version SET body = 'x' WHERE id = :id"),
                              {"id": version.id})
        model.Session.flush()
    model.Session.rollback()


def test_slug_is_unique(seeded):
    model.Session.add(cm.ClauseTemplate(slug="od-preambule", title="x", summary="x"))
    with pytest.raises(sa.exc.IntegrityError):
        model.Session.flush()
    model.Session.rollback()


@pytest.mark.parametrize("q,expected", [
    ("restauration scolaire", "restauration-menus-egalim"),
    ("réversibilité", "reversibilite-fin-contrat"),
    ("reversibilite des donnees", "reversibilite-fin-contrat"),
    ("Délégation de service public", "dsp-donnees-concession"),
    ("L3131-2", "dsp-donnees-concession"),
    ("bornes de recharge", "irve-donnees-bornes"),
    ("anonymisation", "donnees-personnelles-anonymisation"),
])
def test_french_full_text_search(seeded, q, expected):
    found = [t.slug for t in cm.search_templates(q)]
    assert expected in found[:3], found


def test_filters(seeded):
    slugs = {t.slug for t in cm.search_templates(sector="transport_mobilite")}
    assert slugs == {"transport-donnees-mobilite", "dsp-donnees-concession"}
    assert {t.slug for t in cm.search_templates(schema="menus-collectifs")} == {
        "restauration-menus-egalim"}
    assert {t.slug for t in cm.search_templates(schema="menus-collectifs@9.9.9")} == set()
    tic = {t.slug for t in cm.search_templates(contract_kind="marche_tic")}
    assert "logiciel-export-scdl" in tic and "dsp-eau-assainissement" not in tic
    assert cm.search_templates(statuses=["draft"]) == []
