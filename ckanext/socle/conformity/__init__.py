"""Conformity engine for SCDL files: Table Schema (frictionless 5) plus Validata's rules.

    from ckanext.socle.conformity import validate, Options
    report = validate("subventions.csv", "scdl/subventions@2.1.1", options=Options(ignore_case=True))
    report.level        # 'conforme' | 'a_ameliorer' | 'non_conforme' | 'erreur'
    report.badge        # Badge(structure, body, level, error_ratio)
    report.to_dict()    # JSON-serialisable

No CKAN import here: the CLI ``socle-validate`` and the CKAN jobs share this function.
"""
from __future__ import annotations

import time
from typing import Any, Optional

from .model import ENGINE_NAME, ENGINE_VERSION, Badge, Issue, Options, Report
from .reader import SourceProblem, prepare
from .schema import SchemaProblem, load_schema

__all__ = ["validate", "Options", "Report", "Badge", "Issue", "ENGINE_NAME", "ENGINE_VERSION"]


def validate(source: Any, schema: Any, *, options: Optional[Options] = None, name: Optional[str] = None) -> Report:
    """Validate ``source`` (path, bytes, binary file object or http(s) URL) against ``schema``
    (catalogue reference such as ``scdl/subventions@2.1.1``, path to a Table Schema JSON, or a
    dict). Never raises for bad input: problems end up in the report (level ``erreur``)."""
    from . import engine, fast

    options = options or Options()
    started = time.monotonic()
    try:
        info = load_schema(schema)
    except SchemaProblem as problem:
        fatal = Issue(problem.code, "schema", message=_schema_message(problem), hint=None)
        return engine.assemble(info=None, table=None, plan=None, collector=None, rows=0, truncated=False,
                               options=options, path="none", started=started, fatal=fatal,
                               schema_dict={"reference": str(schema) if not isinstance(schema, dict) else None})
    try:
        table = prepare(source, max_bytes=options.max_bytes, timeout=options.timeout, name=name)
    except SourceProblem as problem:
        fatal = engine._source_issue(problem.code, problem.detail, problem.row)
        return engine.assemble(info=info, table=None, plan=None, collector=None, rows=0, truncated=False,
                               options=options, path="none", started=started, fatal=fatal)
    try:
        if options.engine != "exact" and fast.applies(table, options):
            report = fast.validate_fast(info, table, options, started)
            if report is not None:
                return report
        return engine.validate_exact(info, table, options, started)
    except SourceProblem as problem:
        fatal = engine._source_issue(problem.code, problem.detail, problem.row)
        return engine.assemble(info=info, table=table, plan=None, collector=None, rows=0, truncated=False,
                               options=options, path="none", started=started, fatal=fatal)
    finally:
        table.cleanup()


def _schema_message(problem: SchemaProblem) -> str:
    from . import messages

    if problem.code == "unknown-schema":
        return problem.detail
    return messages.format_message("schema-error", detail=problem.detail)
