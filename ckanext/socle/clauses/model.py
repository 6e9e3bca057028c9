"""Tables of the clause registry: templates, immutable versions, filled instances.

The tables are created by the plugin's alembic migrations (``ckan db upgrade -p socle_clauses``),
never by ``create_all``: the classes use their own declarative base, not CKAN's metadata, so
CKAN's test reset does not create them without the migration's trigger and indexes. Rows go
through CKAN's session (``model.Session``).
"""
from __future__ import annotations

import datetime
import unicodedata
import uuid

import ckan.model as model
import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.dialects.postgresql import JSONB

from . import vocab

TABLES = ("socle_clause_instance", "socle_clause_version", "socle_clause_template")


def utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def new_id() -> str:
    return str(uuid.uuid4())


class Base(orm.DeclarativeBase):
    metadata = sa.MetaData()


class ClauseTemplate(Base):
    __tablename__ = "socle_clause_template"

    id = sa.Column(sa.UnicodeText, primary_key=True, default=new_id)
    slug = sa.Column(sa.UnicodeText, nullable=False, unique=True)
    title = sa.Column(sa.UnicodeText, nullable=False)
    title_en = sa.Column(sa.UnicodeText)
    summary = sa.Column(sa.UnicodeText, nullable=False)
    summary_en = sa.Column(sa.UnicodeText)
    contract_kinds = sa.Column(JSONB, nullable=False, default=list)
    sectors = sa.Column(JSONB, nullable=False, default=list)
    legal_references = sa.Column(JSONB, nullable=False, default=list)
    schemas = sa.Column(JSONB, nullable=False, default=list)
    text_licence = sa.Column(sa.UnicodeText, nullable=False, default="LO-2.0")
    attribution = sa.Column(sa.UnicodeText)
    status = sa.Column(sa.UnicodeText, nullable=False, default="draft")
    superseded_by = sa.Column(sa.UnicodeText)            # slug of the template that replaces it
    search_text = sa.Column(sa.UnicodeText, nullable=False, default="")
    created = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    modified = sa.Column(sa.DateTime, nullable=False, default=utcnow)

    versions = orm.relationship("ClauseVersion", order_by="ClauseVersion.number",
                                back_populates="template", lazy="selectin")

    @property
    def latest(self) -> "ClauseVersion | None":
        return self.versions[-1] if self.versions else None

    def version(self, number) -> "ClauseVersion | None":
        for version in self.versions:
            if version.number == number:
                return version
        return None

    def refresh_search_text(self) -> None:
        latest = self.latest
        refs = " ".join(ref.get("text", "") for ref in self.legal_references or [])
        kinds = " ".join(vocab.label(vocab.CONTRACT_KINDS, k) for k in self.contract_kinds or [])
        sectors = " ".join(vocab.label(vocab.SECTORS, k) for k in self.sectors or [])
        parts = [self.slug, self.title, self.title_en or "", self.summary, self.summary_en or "",
                 refs, kinds, sectors, " ".join(self.schemas or []), latest.body if latest else ""]
        text = "\n".join(parts)
        # the unaccented copy lets "reversibilite" find "réversibilité"
        self.search_text = text + "\n" + strip_accents(text)

    def as_dict(self) -> dict:
        latest = self.latest
        return {
            "id": self.id, "slug": self.slug, "title": self.title, "title_en": self.title_en or "",
            "summary": self.summary, "summary_en": self.summary_en or "",
            "contract_kinds": list(self.contract_kinds or []), "sectors": list(self.sectors or []),
            "legal_references": list(self.legal_references or []),
            "schemas": list(self.schemas or []), "text_licence": self.text_licence,
            "attribution": self.attribution or "", "status": self.status,
            "superseded_by": self.superseded_by or "",
            "latest_version": latest.number if latest else None,
            "created": self.created.isoformat(), "modified": self.modified.isoformat(),
        }


class ClauseVersion(Base):
    """One immutable text of a template (the database refuses UPDATEs)."""

    __tablename__ = "socle_clause_version"

    id = sa.Column(sa.UnicodeText, primary_key=True, default=new_id)
    template_id = sa.Column(sa.UnicodeText, sa.ForeignKey("socle_clause_template.id"),
                            nullable=False)
    number = sa.Column(sa.Integer, nullable=False)
    body = sa.Column(sa.UnicodeText, nullable=False)
    variables = sa.Column(JSONB, nullable=False)        # fully declared variable dicts
    changelog = sa.Column(sa.UnicodeText)
    legal_texts = sa.Column(JSONB, nullable=False, default=list)
    schema_versions = sa.Column(JSONB, nullable=False, default=list)
    author = sa.Column(sa.UnicodeText)
    created = sa.Column(sa.DateTime, nullable=False, default=utcnow)

    template = orm.relationship("ClauseTemplate", back_populates="versions")

    def as_dict(self, with_body: bool = True) -> dict:
        data = {
            "id": self.id, "template_id": self.template_id, "number": self.number,
            "changelog": self.changelog or "", "legal_texts": list(self.legal_texts or []),
            "schema_versions": list(self.schema_versions or []), "author": self.author or "",
            "created": self.created.isoformat(),
        }
        if with_body:
            data["body"] = self.body
            data["variables"] = list(self.variables or [])
        return data


class ClauseInstance(Base):
    """A template version filled for one organisation and one contract."""

    __tablename__ = "socle_clause_instance"

    id = sa.Column(sa.UnicodeText, primary_key=True, default=new_id)
    template_id = sa.Column(sa.UnicodeText, sa.ForeignKey("socle_clause_template.id"),
                            nullable=False)
    version_id = sa.Column(sa.UnicodeText, sa.ForeignKey("socle_clause_version.id"),
                           nullable=False)
    organization_id = sa.Column(sa.UnicodeText, nullable=False)
    contract_reference = sa.Column(sa.UnicodeText, nullable=False)
    contract_object = sa.Column(sa.UnicodeText)
    values = sa.Column(JSONB, nullable=False)           # clean values, annex under "datasets"
    private = sa.Column(sa.Boolean, nullable=False, default=True)
    creator_user_id = sa.Column(sa.UnicodeText)
    created = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    modified = sa.Column(sa.DateTime, nullable=False, default=utcnow)

    template = orm.relationship("ClauseTemplate", lazy="joined")
    version = orm.relationship("ClauseVersion", lazy="joined")

    def as_dict(self) -> dict:
        return {
            "id": self.id, "template_id": self.template_id,
            "template_slug": self.template.slug, "template_title": self.template.title,
            "version_id": self.version_id, "version": self.version.number,
            "organization_id": self.organization_id,
            "contract_reference": self.contract_reference,
            "contract_object": self.contract_object or "",
            "values": dict(self.values or {}), "private": self.private,
            "creator_user_id": self.creator_user_id,
            "created": self.created.isoformat(), "modified": self.modified.isoformat(),
        }


def session():
    return model.Session


def get_template(ref: str) -> ClauseTemplate | None:
    """A template by id or slug."""
    if not ref:
        return None
    return session().query(ClauseTemplate).filter(
        sa.or_(ClauseTemplate.id == ref, ClauseTemplate.slug == ref)).one_or_none()


def get_instance(instance_id: str) -> ClauseInstance | None:
    return session().get(ClauseInstance, instance_id) if instance_id else None


def tables_exist() -> bool:
    return sa.inspect(session().get_bind()).has_table("socle_clause_template")


def search_templates(q: str = "", *, statuses=None, contract_kind: str = "", sector: str = "",
                     schema: str = "") -> list[ClauseTemplate]:
    """Templates matching a French full-text query and filters, best match first."""
    query = session().query(ClauseTemplate)
    if statuses:
        query = query.filter(ClauseTemplate.status.in_(list(statuses)))
    if contract_kind:
        query = query.filter(ClauseTemplate.contract_kinds.contains([contract_kind]))
    if sector:
        query = query.filter(ClauseTemplate.sectors.contains([sector]))
    q = strip_accents((q or "").strip()[:200])
    if q:
        vector = sa.func.to_tsvector("french", ClauseTemplate.search_text)
        # every word first (web-search syntax), any word when that finds nothing
        for tsquery in (sa.func.websearch_to_tsquery("french", q),
                        sa.func.to_tsquery("french", " | ".join(_words(q)) or "''")):
            matching = query.filter(sa.or_(vector.op("@@")(tsquery),
                                           ClauseTemplate.search_text.ilike(f"%{_like(q)}%")))
            matching = matching.order_by(sa.func.ts_rank(vector, tsquery).desc(),
                                         ClauseTemplate.title)
            if matching.count():
                break
        query = matching
    else:
        query = query.order_by(ClauseTemplate.title)
    found = query.all()
    if schema:   # "menus-collectifs" matches every version, "menus-collectifs@1.2.3" only that one
        found = [t for t in found if any(ref == schema or ref.split("@")[0] == schema
                                         for ref in t.schemas or [])]
    return found


def strip_accents(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFD", text or "")
                   if unicodedata.category(ch) != "Mn")


def _words(text: str) -> list[str]:
    """Words of a query, safe inside to_tsquery (letters and digits only)."""
    cleaned = "".join(ch if ch.isalnum() else " " for ch in text)
    return [word for word in cleaned.split() if len(word) > 1][:20]


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
