"""Create the commune reference tables.

Revision ID: a1c0c0de0001
Revises:
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op

revision = "a1c0c0de0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "socle_commune",
        sa.Column("code", sa.String(5), primary_key=True),
        sa.Column("name", sa.UnicodeText, nullable=False),
        sa.Column("search_name", sa.UnicodeText, nullable=False),
        sa.Column("kind", sa.UnicodeText, nullable=False),
        sa.Column("current", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("successor", sa.String(5)),
        sa.Column("siren", sa.String(9)),
        sa.Column("departement", sa.String(3)),
        sa.Column("region", sa.String(3)),
        sa.Column("epci_siren", sa.String(9)),
        sa.Column("epci_name", sa.UnicodeText),
        sa.Column("postcodes", sa.UnicodeText),
        sa.Column("population", sa.Integer),
        sa.Column("population_totale", sa.Integer),
        sa.Column("population_year", sa.Integer),
        sa.Column("cog_year", sa.Integer),
        sa.Column("outline", sa.UnicodeText),
        sa.Column("bbox", sa.UnicodeText),
        sa.Column("centroid", sa.UnicodeText),
    )
    op.create_index("ix_socle_commune_search_name", "socle_commune", ["search_name"])
    op.create_index("ix_socle_commune_siren", "socle_commune", ["siren"])
    op.create_index("ix_socle_commune_departement", "socle_commune", ["departement"])
    op.create_table(
        "socle_reference_meta",
        sa.Column("key", sa.UnicodeText, primary_key=True),
        sa.Column("value", sa.UnicodeText),
    )


def downgrade():
    op.drop_table("socle_reference_meta")
    op.drop_table("socle_commune")
