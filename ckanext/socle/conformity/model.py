"""Options, issues, badge and report of the conformity engine (plain data, JSON-friendly)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Dict, List, Optional

from . import messages

ENGINE_NAME = "ckanext-socle conformity"
ENGINE_VERSION = "1.0.0"

# Validata's badge defaults (validata-core 0.9 badge configuration): an error ratio strictly
# below 10 % of the cells gives a body "WARN", above it "KO"; every error code weighs 1.0.
DEFAULT_ACCEPTABILITY_THRESHOLD = 0.1
DEFAULT_ERROR_WEIGHT = 1.0
DEFAULT_MAX_ERRORS_LISTED = 1000

LEVELS = ("conforme", "a_ameliorer", "non_conforme", "erreur")


@dataclass
class Options:
    """How to validate. Every field has Validata's default behaviour."""

    ignore_case: bool = False  # match header labels to field names ignoring case
    row_limit: Optional[int] = None  # stop after this many data rows (report says "truncated")
    max_errors_listed: int = DEFAULT_MAX_ERRORS_LISTED  # errors kept in Report.errors; counts stay exact
    acceptability_threshold: float = DEFAULT_ACCEPTABILITY_THRESHOLD
    error_weights: Dict[str, float] = field(default_factory=dict)  # code -> weight (default 1.0)
    max_bytes: Optional[int] = None  # refuse larger files (and stop downloads there)
    engine: str = "auto"  # "auto" (fast path when it applies), "exact" or "fast"
    sheet: Optional[Any] = None  # spreadsheet sheet name or 1-based index (default: first)
    timeout: float = 30.0  # seconds, for URL downloads

    def weight(self, code: str) -> float:
        return float(self.error_weights.get(code, DEFAULT_ERROR_WEIGHT))


@dataclass
class Issue:
    """One error or warning. ``row`` is the 1-based record number, the header being row 1."""

    code: str
    scope: str  # source | schema | structure | body
    severity: str = "error"  # error | warning
    row: Optional[int] = None
    column: Optional[str] = None  # field name (or header label when no field matches)
    column_number: Optional[int] = None  # 1-based position in the file
    value: Optional[str] = None  # offending value, truncated
    message: str = ""
    hint: Optional[str] = None
    check: Optional[str] = None  # custom check or constraint name, when relevant

    def key(self):
        """What the differential test compares: the code at a row and column."""
        return (self.row or 0, self.column_number or 0, self.code, self.check or "", self.column or "")

    def to_dict(self) -> Dict[str, Any]:
        return {k: v for k, v in asdict(self).items()}


@dataclass
class Badge:
    structure: str  # OK | WARN | KO
    body: Optional[str]  # OK | WARN | KO, None when not evaluated (structure KO or unreadable)
    level: str  # conforme | a_ameliorer | non_conforme | erreur
    error_ratio: Optional[float]

    def to_dict(self) -> Dict[str, Any]:
        return asdict(self)


@dataclass
class Report:
    level: str
    badge: Badge
    errors: List[Issue]
    warnings: List[Issue]
    counts: Dict[str, int]  # exact number of errors per code (warnings not included)
    warning_counts: Dict[str, int]
    structure_errors: int
    body_errors: int
    schema: Dict[str, Any]
    source: Dict[str, Any]
    engine: Dict[str, Any]
    rows: int  # data rows read (header excluded)
    cells: int
    truncated: bool = False
    body_checked: bool = True
    errors_listed_complete: bool = True
    notices: List[str] = field(default_factory=list)
    options: Dict[str, Any] = field(default_factory=dict)

    @property
    def level_label(self) -> str:
        return messages.LEVEL_LABELS[self.level]

    @property
    def error_count(self) -> int:
        return sum(self.counts.values())

    @property
    def valid(self) -> bool:
        return self.level == "conforme"

    def to_dict(self) -> Dict[str, Any]:
        return {
            "level": self.level,
            "level_label": self.level_label,
            "badge": self.badge.to_dict(),
            "errors": [e.to_dict() for e in self.errors],
            "warnings": [w.to_dict() for w in self.warnings],
            "counts": dict(self.counts),
            "warning_counts": dict(self.warning_counts),
            "error_count": self.error_count,
            "structure_errors": self.structure_errors,
            "body_errors": self.body_errors,
            "schema": dict(self.schema),
            "source": dict(self.source),
            "engine": dict(self.engine),
            "rows": self.rows,
            "cells": self.cells,
            "truncated": self.truncated,
            "body_checked": self.body_checked,
            "errors_listed_complete": self.errors_listed_complete,
            "notices": list(self.notices),
            "options": dict(self.options),
        }
