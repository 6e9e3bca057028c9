"""The exact validation path (frictionless 5 cell readers, record by record) and the report.

Structure follows Validata: header labels are matched to field names (case-sensitive unless
``ignore_case``); a missing required column, a blank or duplicate label, a blank header are
structure errors (the body is then not checked); a missing optional column, an extra column or
another column order are structure warnings. Body errors use frictionless codes (type-error,
constraint-error, blank-row, missing-cell, extra-cell, unique-error) and the custom check names.
"""
from __future__ import annotations

import time
from collections import Counter
from datetime import date, datetime
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

from frictionless import Schema

from . import checks as checks_module
from . import messages
from .model import ENGINE_NAME, ENGINE_VERSION, Badge, Issue, Options, Report
from .reader import SourceProblem, TableSource, iter_records, verify_encoding
from .schema import SchemaInfo

_NOT_EVALUATED = None
READ_CACHE_LIMIT = 50_000  # distinct text values remembered per field and per check


# ---------------------------------------------------------------------------------------------
# Plan: which column feeds which field, with the readers and checks to run
# ---------------------------------------------------------------------------------------------
@dataclass
class FieldPlan:
    name: str
    index: int  # 0-based column index in the file
    field: Any  # frictionless Field
    reader: Callable[[Any], Tuple[Any, Optional[Dict[str, str]]]]
    missing_values: frozenset
    unique: bool
    cell_checks: List[Tuple[checks_module.CheckSpec, Callable[[Any], bool]]] = field(default_factory=list)
    cache: Dict[str, Tuple[Any, Optional[Dict[str, str]]]] = field(default_factory=dict)

    def read(self, raw: Any) -> Tuple[Any, Optional[Dict[str, str]]]:
        """The frictionless cell reader, memoised for text cells (a pure function of them)."""
        if type(raw) is not str:
            if isinstance(raw, (date, datetime)) and self.field.type == "string":
                # a spreadsheet date in a text column is read as the ISO text it stands for
                raw = checks_module.cell_text(raw)
            else:
                return self.reader(raw)
        result = self.cache.get(raw)
        if result is None:
            result = self.reader(raw)
            if len(self.cache) < READ_CACHE_LIMIT:
                self.cache[raw] = result
        return result

    @property
    def position(self) -> int:
        return self.index + 1


@dataclass
class Plan:
    info: SchemaInfo
    labels: List[Any]
    fields: List[FieldPlan]  # in file column order
    by_name: Dict[str, FieldPlan]
    row_checks: List[Tuple[checks_module.CheckSpec, List[FieldPlan]]]
    structure_issues: List[Issue]

    @property
    def width(self) -> int:
        return len(self.labels)

    @property
    def structure_ok(self) -> bool:
        return not any(i.severity == "error" for i in self.structure_issues)

    @property
    def body_checkable(self) -> bool:
        """Validata checks the body of a file whose header has errors too (matched columns only);
        only a blank header leaves nothing to check."""
        return not any(i.code == "blank-header" for i in self.structure_issues)


def _label_text(label: Any) -> str:
    return "" if label is None else checks_module.cell_text(label)


def analyse_header(info: SchemaInfo, labels: Optional[List[Any]], options: Options) -> Plan:
    schema: Schema = info.schema  # type: ignore[assignment]
    labels = list(labels or [])
    issues: List[Issue] = []
    texts = [_label_text(v) for v in labels]

    def key(text: str) -> str:
        return text.casefold() if options.ignore_case else text

    if not any(t.strip() for t in texts):
        issues.append(Issue("blank-header", "structure", row=1, message=messages.format_message("blank-header"),
                            hint=messages.format_hint("blank-header")))
        return Plan(info, labels, [], {}, [], issues)

    first_position: Dict[str, int] = {}
    duplicates: Dict[str, List[int]] = {}
    for index, text in enumerate(texts):
        if not text.strip():
            issues.append(Issue("blank-label", "structure", row=1, column_number=index + 1,
                                message=messages.format_message("blank-label", column_number=index + 1),
                                hint=messages.format_hint("blank-label")))
            continue
        k = key(text)
        if k in first_position:
            duplicates.setdefault(k, [first_position[k] + 1]).append(index + 1)
        else:
            first_position[k] = index
    for k, positions in duplicates.items():
        for position in positions[1:]:
            label = texts[position - 1]
            issues.append(Issue("duplicate-label", "structure", row=1, column=label, column_number=position,
                                value=messages.truncate(label),
                                message=messages.format_message("duplicate-label", label=label,
                                                                positions=", ".join(map(str, positions))),
                                hint=messages.format_hint("duplicate-label")))

    plans: List[FieldPlan] = []
    matched: set = set()
    field_names = [f.name for f in schema.fields]
    for fld in schema.fields:
        index = first_position.get(key(fld.name))
        if index is None:
            code = "missing-label" if fld.required else "missing-optional-label"
            issues.append(Issue(code, "structure", severity="error" if fld.required else "warning",
                                column=fld.name, message=messages.format_message(code, field=fld.name),
                                hint=messages.format_hint(code, field=fld.name)))
            continue
        matched.add(index)
        missing = fld.missing_values if fld.has_defined("missing_values") else schema.missing_values
        plans.append(FieldPlan(
            name=fld.name, index=index, field=fld, reader=fld.create_cell_reader(),
            missing_values=frozenset(missing), unique=bool(fld.constraints.get("unique")),
        ))
    for index, text in enumerate(texts):
        if text.strip() and index not in matched and index == first_position.get(key(text)):
            issues.append(Issue("extra-label", "structure", severity="warning", row=1, column=text,
                                column_number=index + 1, value=messages.truncate(text),
                                message=messages.format_message("extra-label", label=text),
                                hint=messages.format_hint("extra-label")))
    order = [p.index for p in plans]  # schema order
    if order != sorted(order):
        present = [p.name for p in plans]
        issues.append(Issue("label-order", "structure", severity="warning", row=1,
                            message=messages.format_message("label-order"),
                            hint=messages.format_hint("label-order", order=", ".join(present))))
    plans.sort(key=lambda p: p.index)
    by_name = {p.name: p for p in plans}

    row_checks: List[Tuple[checks_module.CheckSpec, List[FieldPlan]]] = []
    for spec in info.checks:
        if spec.name == "one-of-required" and sum(c in by_name for c in spec.columns) == 1:
            # one column of the pair is absent: the other one must be filled on every row
            present = next(c for c in spec.columns if c in by_name)
            row_checks.append((spec, [by_name[present]]))
            continue
        if spec.name == "one-of-required" and not any(c in by_name for c in spec.columns):
            issues.append(Issue("one-of-required", "structure", row=1, column=spec.columns[0], check=spec.declared_name,
                                message=messages.format_message("one-of-required-label", field=spec.columns[0],
                                                                column2=spec.columns[1]),
                                hint=messages.format_hint("one-of-required", field=spec.columns[0],
                                                          column2=spec.columns[1])))
            continue
        if any(c not in by_name for c in spec.columns):
            continue  # skipped: a column is absent (missing columns are reported above)
        if spec.is_row_check:
            row_checks.append((spec, [by_name[c] for c in spec.columns]))
        else:
            by_name[spec.column].cell_checks.append((spec, checks_module.compile_cell_check(spec)))
    del field_names
    return Plan(info, labels, plans, by_name, row_checks, issues)


# ---------------------------------------------------------------------------------------------
# Issues for body errors (shared by the exact and the fast path)
# ---------------------------------------------------------------------------------------------
def _field_hint(fp: FieldPlan, raw: Any, constraint: Optional[str] = None) -> Optional[str]:
    fld = fp.field
    if constraint == "required":
        return messages.format_hint("required-error")
    if constraint in ("maxLength", "minLength"):
        return messages.detail("value-length", length=len(checks_module.cell_text(raw)))
    enum = fld.constraints.get("enum") if constraint in (None, "enum") else None
    example = fld.example if hasattr(fld, "example") else None
    if example is None and isinstance(fld.custom, dict):
        example = fld.custom.get("examples") or fld.custom.get("example")
        if isinstance(example, list):
            example = example[0] if example else None
    ftype = fld.type if constraint in (None, "enum") else "string"
    return messages.value_hint(
        ftype, raw, enum=enum, true_values=getattr(fld, "true_values", None) if fld.type == "boolean" else None,
        false_values=getattr(fld, "false_values", None) if fld.type == "boolean" else None, example=example,
    )


def type_issue(fp: FieldPlan, row: int, raw: Any) -> Issue:
    fld = fp.field
    value = messages.truncate(checks_module.cell_text(raw))
    return Issue("type-error", "body", row=row, column=fp.name, column_number=fp.position, value=value,
                 check=f"{fld.type}/{fld.format}",
                 message=messages.format_message("type-error", value=value, field=fp.name,
                                                 type_label=messages.type_label(fld.type, fld.format)),
                 hint=_field_hint(fp, raw))


def constraint_issue(fp: FieldPlan, row: int, raw: Any, constraint: str) -> Issue:
    value = messages.truncate(checks_module.cell_text(raw)) if raw is not None else None
    if constraint == "required":
        message = messages.format_message("required-error", field=fp.name)
    else:
        message = messages.format_message(
            "constraint-error", value=value, field=fp.name,
            constraint_label=messages.constraint_label(constraint, fp.field.constraints.get(constraint)))
    return Issue("constraint-error", "body", row=row, column=fp.name, column_number=fp.position, value=value,
                 check=constraint, message=message, hint=_field_hint(fp, raw, constraint))


def check_issue(spec: checks_module.CheckSpec, fp: FieldPlan, row: int, raw: Any,
                params: Optional[Dict[str, Any]] = None) -> Issue:
    value = messages.truncate(checks_module.cell_text(raw)) if raw is not None else None
    params = dict(params or {})
    year_only = messages.detail("year-only") if checks_module._truthy(spec.params.get("allow-year-only", False)) else ""
    fmt = dict(value=value, field=fp.name, year_only=year_only,
               op_label=messages.OP_LABELS.get(spec.params.get("op", ""), ""), **params)
    hint = None
    if spec.name in ("french-siret-value", "french-siren-value") and raw is not None:
        hint = messages.value_hint("string", raw)  # spreadsheet damage: 2,43E+13, 2186...0.0
    return Issue(spec.name, "body", row=row, column=fp.name, column_number=fp.position, value=value,
                 check=spec.declared_name, message=messages.format_message(spec.name, **fmt),
                 hint=hint or messages.format_hint(spec.name, **fmt))


def unique_issue(fp: FieldPlan, row: int, raw: Any) -> Issue:
    value = messages.truncate(checks_module.cell_text(raw))
    return Issue("unique-error", "body", row=row, column=fp.name, column_number=fp.position, value=value,
                 message=messages.format_message("unique-error", field=fp.name, value=value),
                 hint=messages.format_hint("unique-error"))


def blank_row_issue(row: int) -> Issue:
    return Issue("blank-row", "body", row=row, message=messages.format_message("blank-row", row=row),
                 hint=messages.format_hint("blank-row"))


def missing_cell_issue(fp: FieldPlan, row: int) -> Issue:
    return Issue("missing-cell", "body", row=row, column=fp.name, column_number=fp.position,
                 message=messages.format_message("missing-cell", row=row, field=fp.name),
                 hint=messages.format_hint("missing-cell"))


def extra_cell_issue(row: int, position: int, raw: Any) -> Issue:
    return Issue("extra-cell", "body", row=row, column_number=position,
                 value=messages.truncate(checks_module.cell_text(raw)) if raw is not None else None,
                 message=messages.format_message("extra-cell", row=row, column_number=position),
                 hint=messages.format_hint("extra-cell"))


def is_blank(record: List[Any]) -> bool:
    return all(c is None or c == "" for c in record)


# ---------------------------------------------------------------------------------------------
# Collecting issues with exact counts and a capped list
# ---------------------------------------------------------------------------------------------
class Collector:
    def __init__(self, options: Options):
        self.options = options
        self.listed: List[Issue] = []
        self.counts: Counter = Counter()
        self.weighted = 0.0

    def add(self, issue: Issue) -> None:
        self.counts[issue.code] += 1
        self.weighted += self.options.weight(issue.code)
        if len(self.listed) < self.options.max_errors_listed:
            self.listed.append(issue)

    def add_count(self, code: str, count: int) -> None:
        self.counts[code] += count
        self.weighted += self.options.weight(code) * count

    @property
    def full(self) -> bool:
        return len(self.listed) >= self.options.max_errors_listed


def validate_record(plan: Plan, number: int, record: List[Any], spreadsheet: bool,
                    seen: Dict[str, set]) -> List[Issue]:
    """Every body issue of one record, sorted by column (the exact semantics)."""
    if is_blank(record):
        return [blank_row_issue(number)]
    issues: List[Issue] = []
    width, size = plan.width, len(record)
    if size > width:
        for position in range(width + 1, size + 1):
            raw = record[position - 1]
            if not spreadsheet or not (raw is None or raw == ""):
                issues.append(extra_cell_issue(number, position, raw))
    cells: Dict[str, Any] = {}
    invalid: Dict[str, bool] = {}
    for fp in plan.fields:
        if fp.index >= size:
            if not spreadsheet:
                issues.append(missing_cell_issue(fp, number))
                cells[fp.name], invalid[fp.name] = None, False
                continue
            raw = None
        else:
            raw = record[fp.index]
        value, notes = fp.read(raw)
        empty = raw is None or str(raw) in fp.missing_values
        cells[fp.name] = None if empty else raw
        invalid[fp.name] = bool(notes)
        if notes:
            if "type" in notes:
                issues.append(type_issue(fp, number, raw))
            else:
                for constraint in notes:
                    issues.append(constraint_issue(fp, number, raw, constraint))
        elif fp.unique and value is not None:
            marker = value if isinstance(value, (str, int, float)) or value.__hash__ else repr(value)
            try:
                known = marker in seen[fp.name]
            except TypeError:
                marker = repr(value)
                known = marker in seen[fp.name]
            if known:
                issues.append(unique_issue(fp, number, raw))
            else:
                seen[fp.name].add(marker)
        if not empty:
            for spec, function in fp.cell_checks:
                if not function(raw):
                    issues.append(check_issue(spec, fp, number, raw))
    for spec, fps in plan.row_checks:
        params = checks_module.run_row_check(spec, [cells[f.name] for f in fps], [invalid[f.name] for f in fps])
        if params is not None:
            issues.append(check_issue(spec, fps[0], number, cells[fps[0].name], params))
    issues.sort(key=Issue.key)
    return issues


def run_exact(plan: Plan, records: Iterator[List[Any]], spreadsheet: bool, options: Options,
              collector: Collector) -> Tuple[int, bool]:
    """Validate the records after the header; returns (rows read, truncated)."""
    seen: Dict[str, set] = {fp.name: set() for fp in plan.fields if fp.unique}
    rows = 0
    limit = options.row_limit
    for number, record in enumerate(records, start=2):
        if limit is not None and rows >= limit:
            return rows, True
        rows += 1
        for issue in validate_record(plan, number, record, spreadsheet, seen):
            collector.add(issue)
    return rows, False


# ---------------------------------------------------------------------------------------------
# Badge and report
# ---------------------------------------------------------------------------------------------
def compute_badge(structure_issues: List[Issue], source_warnings: List[Issue], body_checked: bool,
                  collector: Optional[Collector], cells: int, options: Options, fatal: bool,
                  schema_errors: bool) -> Badge:
    if fatal:
        return Badge(structure="KO", body=_NOT_EVALUATED, level="erreur", error_ratio=None)
    if any(i.severity == "error" for i in structure_issues):
        structure = "KO"
    elif structure_issues or source_warnings:
        structure = "WARN"
    else:
        structure = "OK"
    body, ratio = _NOT_EVALUATED, None
    if body_checked and collector is not None:
        body_errors = sum(n for code, n in collector.counts.items())
        ratio = collector.weighted / cells if cells else (1.0 if body_errors else 0.0)
        if body_errors == 0:
            body = "OK"
        elif ratio < options.acceptability_threshold:
            body = "WARN"
        else:
            body = "KO"
    if structure == "KO" or body == "KO" or schema_errors:
        level = "non_conforme"
    elif structure == "WARN" or body == "WARN":
        level = "a_ameliorer"
    else:
        level = "conforme"
    return Badge(structure=structure, body=body, level=level, error_ratio=None if ratio is None else round(ratio, 6))


def _source_issue(code: str, detail: str = "", row: Optional[int] = None, severity: str = "error",
                  **params: Any) -> Issue:
    return Issue(code, "source", severity=severity, row=row,
                 message=messages.format_message(code, detail=detail, row=row, **params),
                 hint=messages.format_hint(code))


def assemble(*, info: Optional[SchemaInfo], table: Optional[TableSource], plan: Optional[Plan],
             collector: Optional[Collector], rows: int, truncated: bool, options: Options,
             path: str, started: float, fatal: Optional[Issue] = None,
             schema_dict: Optional[Dict[str, Any]] = None) -> Report:
    structure_issues = plan.structure_issues if plan else []
    source_warnings = [
        _source_issue(w["code"], severity="warning", **{k: v for k, v in w.items() if k != "code"})
        for w in (table.warnings if table else [])
    ]
    schema_issues: List[Issue] = []
    for problem in (info.check_problems if info else []):
        schema_issues.append(Issue(problem["code"], "schema", check=problem["check"],
                                   message=messages.format_message(problem["code"], check=problem["check"],
                                                                   detail=problem["detail"]),
                                   hint=messages.format_hint(problem["code"])))
    body_checked = bool(plan and plan.body_checkable and fatal is None)
    width = plan.width if plan else 0
    cells = rows * width
    badge = compute_badge(structure_issues, source_warnings, body_checked, collector, cells, options,
                          fatal is not None, bool(schema_issues))
    errors: List[Issue] = []
    counts: Counter = Counter()
    for issue in ([fatal] if fatal else []) + schema_issues + [i for i in structure_issues if i.severity == "error"]:
        errors.append(issue)
        counts[issue.code] += 1
    body_listed = collector.listed if collector else []
    room = max(0, options.max_errors_listed - len(errors))
    errors.extend(body_listed[:room])
    body_counts = collector.counts if collector else Counter()
    counts.update(body_counts)
    warnings = source_warnings + [i for i in structure_issues if i.severity == "warning"]
    warning_counts = Counter(w.code for w in warnings)
    notices: List[str] = []
    if truncated:
        notices.append(messages.TEXT["truncated"].format(limit=options.row_limit))
    if plan and not plan.body_checkable:
        notices.append(messages.TEXT["body-skipped"])
    if info:
        notices.extend(info.warnings)
    structure_errors = sum(1 for i in structure_issues if i.severity == "error")
    body_errors = sum(body_counts.values())
    source = table.describe() if table else {}
    if plan:
        source["columns"] = width
        source["labels"] = [messages.truncate(_label_text(v), 100) for v in plan.labels[:500]]
    report = Report(
        level=badge.level,
        badge=badge,
        errors=errors,
        warnings=warnings,
        counts=dict(counts),
        warning_counts=dict(warning_counts),
        structure_errors=structure_errors,
        body_errors=body_errors,
        schema=info.to_dict() if info else (schema_dict or {}),
        source=source,
        engine={"name": ENGINE_NAME, "version": ENGINE_VERSION, "path": path,
                "duration": round(time.monotonic() - started, 3)},
        rows=rows,
        cells=cells,
        truncated=truncated,
        body_checked=body_checked,
        errors_listed_complete=len(errors) == sum(counts.values()),
        notices=notices,
        options={k: v for k, v in asdict(options).items()},
    )
    return report


def header_and_records(table: TableSource, options: Options) -> Tuple[Optional[List[Any]], Iterator[List[Any]]]:
    records = iter_records(table, options.sheet)
    header = next(records, None)
    return header, records


def validate_exact(info: SchemaInfo, table: TableSource, options: Options, started: float) -> Report:
    verify_encoding(table)
    collector = Collector(options)
    header, records = header_and_records(table, options)
    plan = analyse_header(info, header, options)
    rows, truncated = 0, False
    if plan.body_checkable:
        try:
            rows, truncated = run_exact(plan, records, table.format != "csv", options, collector)
        except SourceProblem as problem:
            fatal = _source_issue(problem.code, problem.detail, problem.row)
            return assemble(info=info, table=table, plan=plan, collector=collector, rows=rows, truncated=False,
                            options=options, path="exact", started=started, fatal=fatal)
    return assemble(info=info, table=table, plan=plan, collector=collector, rows=rows, truncated=truncated,
                    options=options, path="exact", started=started)
