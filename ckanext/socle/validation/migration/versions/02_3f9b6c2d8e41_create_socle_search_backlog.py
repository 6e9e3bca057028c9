"""Create socle_search_backlog (datasets saved while Solr was down, to reindex).

Revision ID: 3f9b6c2d8e41
Revises: c5a1d0e3b7f2
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op

revision = "3f9b6c2d8e41"
down_revision = "c5a1d0e3b7f2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "socle_search_backlog",
        sa.Column("package_id", sa.UnicodeText, primary_key=True),
        sa.Column("since", sa.DateTime, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_error", sa.UnicodeText),
    )


def downgrade():
    op.drop_table("socle_search_backlog")
