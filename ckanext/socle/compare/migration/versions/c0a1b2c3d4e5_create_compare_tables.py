"""Create the comparison tables (consolidated rows, resources seen, precomputed aggregates).

Revision ID: c0a1b2c3d4e5
Revises:
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

revision = "c0a1b2c3d4e5"
down_revision = None
branch_labels = None
depends_on = None

TEXT_ARRAY = ARRAY(sa.UnicodeText)


def upgrade():
    op.create_table(
        "socle_compare_resource",
        sa.Column("resource_id", sa.UnicodeText, primary_key=True),
        sa.Column("resource_name", sa.UnicodeText),
        sa.Column("package_id", sa.UnicodeText, nullable=False, index=True),
        sa.Column("package_name", sa.UnicodeText),
        sa.Column("package_title", sa.UnicodeText),
        sa.Column("private", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("org_id", sa.UnicodeText),
        sa.Column("org_name", sa.UnicodeText),
        sa.Column("org_title", sa.UnicodeText),
        sa.Column("org_siren", sa.UnicodeText),
        sa.Column("org_kind", sa.UnicodeText),
        sa.Column("schema_name", sa.UnicodeText, nullable=False, index=True),
        sa.Column("schema_version", sa.UnicodeText),
        sa.Column("level", sa.UnicodeText),
        sa.Column("validated_at", sa.DateTime),
        sa.Column("modified", sa.DateTime),
        sa.Column("communes", TEXT_ARRAY, nullable=False, server_default="{}"),
        sa.Column("on_behalf", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("fingerprint", sa.UnicodeText),
        sa.Column("row_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("note", sa.UnicodeText),
        sa.Column("refreshed_at", sa.DateTime, nullable=False, server_default=sa.func.now()),
    )
    op.create_index("socle_compare_resource_communes", "socle_compare_resource", ["communes"],
                    postgresql_using="gin")
    op.create_table(
        "socle_compare_row",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("schema_name", sa.UnicodeText, nullable=False),
        sa.Column("schema_version", sa.UnicodeText, nullable=False),
        sa.Column("resource_id", sa.UnicodeText, nullable=False, index=True),
        sa.Column("package_id", sa.UnicodeText, nullable=False),
        sa.Column("org_siren", sa.UnicodeText),
        sa.Column("commune", sa.UnicodeText),
        sa.Column("level", sa.UnicodeText, nullable=False),
        sa.Column("modified", sa.DateTime),
        sa.Column("private", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("row_key", sa.UnicodeText, nullable=False),
        sa.Column("data", JSONB, nullable=False),
    )
    op.create_index("socle_compare_row_schema_commune", "socle_compare_row", ["schema_name", "commune"])
    op.create_index("socle_compare_row_key", "socle_compare_row",
                    ["schema_name", "schema_version", "row_key", "modified"])
    op.create_table(
        "socle_compare_value",
        sa.Column("indicator", sa.UnicodeText, primary_key=True),
        sa.Column("commune", sa.UnicodeText, primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("dimension", sa.UnicodeText, primary_key=True, server_default=""),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("packages", TEXT_ARRAY, nullable=False, server_default="{}"),
    )
    op.create_index("socle_compare_value_commune", "socle_compare_value", ["commune"])
    op.create_table(
        "socle_compare_coverage",
        sa.Column("commune", sa.UnicodeText, primary_key=True),
        sa.Column("schema_name", sa.UnicodeText, primary_key=True),
        sa.Column("status", sa.UnicodeText, nullable=False),
        sa.Column("level", sa.UnicodeText),
        sa.Column("package_id", sa.UnicodeText),
        sa.Column("package_name", sa.UnicodeText),
        sa.Column("resource_id", sa.UnicodeText),
        sa.Column("schema_version", sa.UnicodeText),
        sa.Column("modified", sa.DateTime),
        sa.Column("org_title", sa.UnicodeText),
        sa.Column("on_behalf", sa.Boolean, nullable=False, server_default=sa.false()),
    )


def downgrade():
    for table in ("socle_compare_coverage", "socle_compare_value", "socle_compare_row",
                  "socle_compare_resource"):
        op.drop_table(table)
