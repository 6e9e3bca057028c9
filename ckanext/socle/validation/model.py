"""The runs table: one row per validation run of one resource (history kept).

Created by the alembic migrations of the plugin (``ckan db upgrade -p socle_validation``); the
declarative class only maps it. Statuses of a run:

- ``queued``: a job is waiting on the queue; ``running``: a worker has started it;
- ``success`` / ``failure``: the engine ran (``level`` says how conformant the file is);
- ``error``: a technical error (download refused, crash, time-out, queue down): ``error`` says why.
"""
from __future__ import annotations

import datetime
import uuid
from typing import Any, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

TABLE = "socle_validation_run"
PENDING = ("queued", "running")
FINISHED = ("success", "failure", "error")


def utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


class ValidationRun(tk.BaseModel):
    __tablename__ = TABLE

    id = sa.Column(sa.UnicodeText, primary_key=True, default=lambda: str(uuid.uuid4()))
    resource_id = sa.Column(sa.UnicodeText, nullable=False)
    package_id = sa.Column(sa.UnicodeText, nullable=False)
    schema_name = sa.Column(sa.UnicodeText)
    schema_version = sa.Column(sa.UnicodeText)
    schema_url = sa.Column(sa.UnicodeText)
    fingerprint = sa.Column(sa.UnicodeText)  # what was (to be) validated: see state.fingerprint
    source = sa.Column(sa.UnicodeText)  # URL or uploaded file name
    trigger = sa.Column(sa.UnicodeText)  # auto | manual | batch | cli | schedule
    status = sa.Column(sa.UnicodeText, nullable=False, default="queued")
    level = sa.Column(sa.UnicodeText)
    badge_structure = sa.Column(sa.UnicodeText)
    badge_body = sa.Column(sa.UnicodeText)
    error_ratio = sa.Column(sa.Float)
    error_count = sa.Column(sa.Integer)
    warning_count = sa.Column(sa.Integer)
    row_count = sa.Column(sa.Integer)
    counts = sa.Column(JSONB)  # exact number of errors per code
    report = sa.Column(JSONB)  # the engine's report, errors capped
    engine_version = sa.Column(sa.UnicodeText)
    job_id = sa.Column(sa.UnicodeText)
    error = sa.Column(sa.UnicodeText)  # technical error, in French
    created = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    started = sa.Column(sa.DateTime)
    finished = sa.Column(sa.DateTime)
    duration = sa.Column(sa.Float)  # seconds spent validating (fetch included)

    def as_dict(self, with_report: bool = False) -> dict[str, Any]:
        data = {
            "id": self.id,
            "resource_id": self.resource_id,
            "package_id": self.package_id,
            "schema_name": self.schema_name,
            "schema_version": self.schema_version,
            "schema_url": self.schema_url,
            "fingerprint": self.fingerprint,
            "source": self.source,
            "trigger": self.trigger,
            "status": self.status,
            "level": self.level,
            "badge": {"structure": self.badge_structure, "body": self.badge_body,
                      "level": self.level, "error_ratio": self.error_ratio},
            "error_ratio": self.error_ratio,
            "error_count": self.error_count,
            "warning_count": self.warning_count,
            "row_count": self.row_count,
            "counts": self.counts or {},
            "engine_version": self.engine_version,
            "job_id": self.job_id,
            "error": self.error,
            "created": _iso(self.created),
            "started": _iso(self.started),
            "finished": _iso(self.finished),
            "duration": self.duration,
        }
        if with_report:
            data["report"] = self.report
        return data


def _iso(value: Optional[datetime.datetime]) -> Optional[str]:
    return value.isoformat() if value else None


def session():
    return model.Session


# Runs are also written outside the ORM session (by the after-commit hook and by workers), so
# reads always refresh what the session may hold: ``populate_existing``.
def get(run_id: str) -> Optional[ValidationRun]:
    return session().get(ValidationRun, run_id, populate_existing=True)


def history(resource_id: str, limit: int = 50) -> list[ValidationRun]:
    return (session().query(ValidationRun).populate_existing()
            .filter(ValidationRun.resource_id == resource_id).order_by(ValidationRun.created.desc()).limit(limit).all())


def latest(resource_id: str) -> Optional[ValidationRun]:
    runs = history(resource_id, 1)
    return runs[0] if runs else None


def latest_by_resource(resource_ids: list[str]) -> dict[str, ValidationRun]:
    """Newest run of each resource, in one query."""
    if not resource_ids:
        return {}
    ranked = (sa.select(ValidationRun.id, sa.func.row_number().over(
        partition_by=ValidationRun.resource_id, order_by=ValidationRun.created.desc()).label("rank"))
        .where(ValidationRun.resource_id.in_(resource_ids)).subquery())
    rows = (session().query(ValidationRun).populate_existing().join(ranked, ranked.c.id == ValidationRun.id)
            .filter(ranked.c.rank == 1).all())
    return {run.resource_id: run for run in rows}


def pending(resource_id: str) -> Optional[ValidationRun]:
    return (session().query(ValidationRun).populate_existing()
            .filter(ValidationRun.resource_id == resource_id, ValidationRun.status.in_(PENDING))
            .order_by(ValidationRun.created.desc()).first())


def table_exists() -> bool:
    return sa.inspect(session().get_bind()).has_table(TABLE)


class SearchBacklog(tk.BaseModel):
    """Datasets saved while Solr was down, to reindex (validation/search_outage.py)."""

    __tablename__ = "socle_search_backlog"

    package_id = sa.Column(sa.UnicodeText, primary_key=True)
    since = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    attempts = sa.Column(sa.Integer, nullable=False, default=0)
    last_error = sa.Column(sa.UnicodeText)
