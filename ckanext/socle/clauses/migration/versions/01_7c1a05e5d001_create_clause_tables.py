"""Create the clause registry: templates, immutable versions, instances.

Revision ID: 7c1a05e5d001
Revises:
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "7c1a05e5d001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "socle_clause_template",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("slug", sa.UnicodeText, nullable=False, unique=True),
        sa.Column("title", sa.UnicodeText, nullable=False),
        sa.Column("title_en", sa.UnicodeText),
        sa.Column("summary", sa.UnicodeText, nullable=False),
        sa.Column("summary_en", sa.UnicodeText),
        sa.Column("contract_kinds", JSONB, nullable=False, server_default="[]"),
        sa.Column("sectors", JSONB, nullable=False, server_default="[]"),
        sa.Column("legal_references", JSONB, nullable=False, server_default="[]"),
        sa.Column("schemas", JSONB, nullable=False, server_default="[]"),
        sa.Column("text_licence", sa.UnicodeText, nullable=False),
        sa.Column("attribution", sa.UnicodeText),
        sa.Column("status", sa.UnicodeText, nullable=False),
        sa.Column("superseded_by", sa.UnicodeText),
        sa.Column("search_text", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("modified", sa.DateTime, nullable=False),
    )
    op.create_index("socle_clause_template_status", "socle_clause_template", ["status"])
    op.execute("CREATE INDEX socle_clause_template_fts ON socle_clause_template "
               "USING gin (to_tsvector('french', search_text))")

    op.create_table(
        "socle_clause_version",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("template_id", sa.UnicodeText,
                  sa.ForeignKey("socle_clause_template.id", ondelete="CASCADE"), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("body", sa.UnicodeText, nullable=False),
        sa.Column("variables", JSONB, nullable=False),
        sa.Column("changelog", sa.UnicodeText),
        sa.Column("legal_texts", JSONB, nullable=False, server_default="[]"),
        sa.Column("schema_versions", JSONB, nullable=False, server_default="[]"),
        sa.Column("author", sa.UnicodeText),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.UniqueConstraint("template_id", "number", name="socle_clause_version_number"),
    )
    # A version is immutable once written: the database refuses any UPDATE of it.
    op.execute("""
        CREATE OR REPLACE FUNCTION socle_clause_version_immutable() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION 'socle_clause_version rows are immutable';
        END;
        $$ LANGUAGE plpgsql
    """)
    op.execute("CREATE TRIGGER socle_clause_version_no_update BEFORE UPDATE ON "
               "socle_clause_version FOR EACH ROW EXECUTE FUNCTION socle_clause_version_immutable()")

    op.create_table(
        "socle_clause_instance",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("template_id", sa.UnicodeText,
                  sa.ForeignKey("socle_clause_template.id"), nullable=False),
        sa.Column("version_id", sa.UnicodeText,
                  sa.ForeignKey("socle_clause_version.id"), nullable=False),
        sa.Column("organization_id", sa.UnicodeText, nullable=False),
        sa.Column("contract_reference", sa.UnicodeText, nullable=False),
        sa.Column("contract_object", sa.UnicodeText),
        sa.Column("values", JSONB, nullable=False),
        sa.Column("private", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("creator_user_id", sa.UnicodeText),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("modified", sa.DateTime, nullable=False),
    )
    op.create_index("socle_clause_instance_org", "socle_clause_instance", ["organization_id"])
    op.create_index("socle_clause_instance_template", "socle_clause_instance", ["template_id"])


def downgrade():
    op.drop_table("socle_clause_instance")
    op.drop_table("socle_clause_version")
    op.execute("DROP FUNCTION IF EXISTS socle_clause_version_immutable() CASCADE")
    op.drop_table("socle_clause_template")
