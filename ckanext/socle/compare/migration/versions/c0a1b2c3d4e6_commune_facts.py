"""Compact commune facts for the read side (the reference table carries outlines: too wide to scan
on every page), and a key/value table for the comparison's own bookkeeping.

Revision ID: c0a1b2c3d4e6
Revises: c0a1b2c3d4e5
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op

revision = "c0a1b2c3d4e6"
down_revision = "c0a1b2c3d4e5"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "socle_compare_commune",
        sa.Column("code", sa.UnicodeText, primary_key=True),
        sa.Column("name", sa.UnicodeText, nullable=False),
        sa.Column("population", sa.Integer),
        sa.Column("population_totale", sa.Integer),
        sa.Column("population_year", sa.Integer),
        sa.Column("departement", sa.UnicodeText),
        sa.Column("epci_siren", sa.UnicodeText),
        sa.Column("epci_name", sa.UnicodeText),
        sa.Column("band", sa.UnicodeText),
        sa.Column("obligation", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("published", sa.Integer, nullable=False, server_default="0"),
        sa.Column("valid", sa.Integer, nullable=False, server_default="0"),
        sa.Column("statuses", sa.UnicodeText, nullable=False, server_default=""),
    )
    op.create_index("socle_compare_commune_order", "socle_compare_commune",
                    [sa.text("population DESC NULLS LAST"), "code"])
    op.create_index("socle_compare_commune_departement", "socle_compare_commune", ["departement"])
    op.create_index("socle_compare_commune_epci", "socle_compare_commune", ["epci_siren"])
    op.create_index("socle_compare_commune_band", "socle_compare_commune", ["band"])
    # Comparison lookups: one indicator, dimension and year for every commune of a group.
    op.create_index("socle_compare_value_lookup", "socle_compare_value", ["indicator", "dimension", "year", "commune"],
                    postgresql_include=["value", "rows"])
    op.create_table(
        "socle_compare_meta",
        sa.Column("key", sa.UnicodeText, primary_key=True),
        sa.Column("value", sa.UnicodeText),
    )


def downgrade():
    op.drop_table("socle_compare_meta")
    op.drop_index("socle_compare_value_lookup", "socle_compare_value")
    op.drop_table("socle_compare_commune")
