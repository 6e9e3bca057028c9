"""Create socle_validation_run (one row per validation run of a resource).

Revision ID: c5a1d0e3b7f2
Revises:
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "c5a1d0e3b7f2"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "socle_validation_run",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("resource_id", sa.UnicodeText, nullable=False),
        sa.Column("package_id", sa.UnicodeText, nullable=False),
        sa.Column("schema_name", sa.UnicodeText),
        sa.Column("schema_version", sa.UnicodeText),
        sa.Column("schema_url", sa.UnicodeText),
        sa.Column("fingerprint", sa.UnicodeText),
        sa.Column("source", sa.UnicodeText),
        sa.Column("trigger", sa.UnicodeText),
        sa.Column("status", sa.UnicodeText, nullable=False),
        sa.Column("level", sa.UnicodeText),
        sa.Column("badge_structure", sa.UnicodeText),
        sa.Column("badge_body", sa.UnicodeText),
        sa.Column("error_ratio", sa.Float),
        sa.Column("error_count", sa.Integer),
        sa.Column("warning_count", sa.Integer),
        sa.Column("row_count", sa.Integer),
        sa.Column("counts", JSONB),
        sa.Column("report", JSONB),
        sa.Column("engine_version", sa.UnicodeText),
        sa.Column("job_id", sa.UnicodeText),
        sa.Column("error", sa.UnicodeText),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("started", sa.DateTime),
        sa.Column("finished", sa.DateTime),
        sa.Column("duration", sa.Float),
    )
    op.create_index("socle_validation_run_resource_created", "socle_validation_run",
                    ["resource_id", "created"])
    op.create_index("socle_validation_run_package", "socle_validation_run", ["package_id"])
    op.create_index("socle_validation_run_status", "socle_validation_run", ["status"])


def downgrade():
    op.drop_table("socle_validation_run")
