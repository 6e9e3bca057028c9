"""``socle-validate FILE_OR_URL --schema scdl/subventions[@2.1.1] [--format text|json]``.

No CKAN import: the ``ckan socle validate`` command wraps :func:`run` (or :func:`main`).
Exit codes: 0 conforme, 1 à améliorer, 2 non conforme, 3 fichier illisible ou erreur.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import IO, List, Optional, Sequence

from . import messages
from .model import Options, Report

EXIT_CODES = {"conforme": 0, "a_ameliorer": 1, "non_conforme": 2, "erreur": 3}
TEXT_ERRORS_SHOWN = 50


def format_text(report: Report, max_errors: int = TEXT_ERRORS_SHOWN) -> str:
    """A readable French summary of a report."""
    t = messages.TEXT
    badge = report.badge
    schema = report.schema or {}
    source = report.source or {}
    lines: List[str] = [f"{t['title']} — {source.get('name') or ''}".rstrip(" —")]
    schema_label = " ".join(str(x) for x in (schema.get("name") or schema.get("reference"), schema.get("version")) if x)
    if schema_label:
        lines.append(f"{t['schema']} : {schema_label}" + (f" ({schema['url']})" if schema.get("url") else ""))
    details = []
    if source.get("format"):
        details.append(f"{t['format']} {source['format'].upper()}")
    if source.get("encoding"):
        details.append(f"{t['encoding']} {source['encoding']}")
    if source.get("delimiter"):
        shown = messages.DELIMITER_LABELS
        details.append(f"{t['delimiter']} {shown.get(source['delimiter'], source['delimiter'])}")
    if details:
        lines.append(f"{t['file']} : " + ", ".join(details) + f" ; {report.rows} {t['rows'].lower()}")
    lines.append("")
    lines.append(f"{t['level']} : {messages.LEVEL_LABELS[report.level].upper()}")
    lines.append(f"  {t['structure']} : {messages.STATUS_LABELS.get(badge.structure, badge.structure)}")
    lines.append(f"  {t['body']} : {messages.STATUS_LABELS.get(badge.body, badge.body)}")
    if badge.error_ratio is not None:
        lines.append(f"  {t['ratio']} : " + f"{badge.error_ratio * 100:.2f}".replace(".", ",") + " %")
    for notice in report.notices:
        lines.append(f"! {notice}")
    if report.counts:
        lines.append("")
        lines.append(f"{t['counts']} :")
        for code, count in sorted(report.counts.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"  {code} : {count}")
    if report.warnings:
        lines.append("")
        lines.append(f"{t['warnings']} ({len(report.warnings)}) :")
        for issue in report.warnings[:max_errors]:
            lines.append("  - " + _issue_line(issue))
    lines.append("")
    if report.errors:
        lines.append(f"{t['errors']} :")
        for issue in report.errors[:max_errors]:
            lines.append("  - " + _issue_line(issue))
            if issue.hint:
                lines.append(f"      {t['hint']} : {issue.hint}")
        total = report.error_count
        shown = min(len(report.errors), max_errors)
        if shown < total:
            lines.append(t["listed"].format(listed=shown, total=total))
    else:
        lines.append(t["none"])
    engine = report.engine or {}
    lines.append("")
    lines.append(f"{t['engine']} : {engine.get('name')} {engine.get('version')} ({engine.get('path')}, {engine.get('duration')} s)")
    return "\n".join(lines) + "\n"


def _issue_line(issue) -> str:
    where = []
    if issue.row:
        where.append(f"{messages.TEXT['row']} {issue.row}")
    if issue.column:
        where.append(f"{messages.TEXT['column']} « {issue.column} »")
    elif issue.column_number:
        where.append(f"{messages.TEXT['column']} n° {issue.column_number}")
    prefix = f"[{issue.code}] " + (", ".join(where) + " : " if where else "")
    return prefix + issue.message


def build_parser() -> argparse.ArgumentParser:
    h = messages.CLI_HELP
    parser = argparse.ArgumentParser(prog="socle-validate", description=h["description"])
    parser.add_argument("source", metavar="FICHIER_OU_URL", help=h["source"])
    parser.add_argument("--schema", required=True, help=h["schema"])
    parser.add_argument("--format", choices=("text", "json"), default="text", help=h["format"])
    parser.add_argument("--ignore-case", action="store_true", help=h["ignore-case"])
    parser.add_argument("--row-limit", type=int, default=None, help=h["row-limit"])
    parser.add_argument("--max-errors", type=int, default=1000, help=h["max-errors"])
    parser.add_argument("--threshold", type=float, default=None, help=h["threshold"])
    parser.add_argument("--max-bytes", type=int, default=None, help=h["max-bytes"])
    parser.add_argument("--sheet", default=None, help=h["sheet"])
    parser.add_argument("--engine", choices=("auto", "exact", "fast"), default="auto", help=argparse.SUPPRESS)
    return parser


def options_from_args(args: argparse.Namespace) -> Options:
    options = Options(ignore_case=args.ignore_case, row_limit=args.row_limit, max_errors_listed=args.max_errors,
                      max_bytes=args.max_bytes, engine=args.engine, sheet=args.sheet)
    if args.threshold is not None:
        options.acceptability_threshold = args.threshold
    return options


def run(source: str, schema: str, *, output_format: str = "text", options: Optional[Options] = None,
        out: Optional[IO[str]] = None) -> int:
    """Validate, print the report on ``out`` and return the exit code (reusable by CKAN's CLI)."""
    from . import validate

    out = out or sys.stdout
    report = validate(source, schema, options=options)
    if output_format == "json":
        json.dump(report.to_dict(), out, ensure_ascii=False, indent=2, default=str)
        out.write("\n")
    else:
        out.write(format_text(report))
    return EXIT_CODES[report.level]


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code = run(args.source, args.schema, output_format=args.format, options=options_from_args(args))
        sys.stdout.flush()
    except KeyboardInterrupt:  # pragma: no cover
        return 3
    except BrokenPipeError:  # output piped into head & co.
        sys.stderr.close()
        return 3
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
