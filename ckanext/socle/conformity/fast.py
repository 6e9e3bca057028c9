"""Columnar fast path: the same report as the exact path, computed with polars.

How it stays identical to the exact path (engine.validate_record):

* Records. The header is read by the exact CSV reader; the body by polars' CSV reader, in
  batches (bounded memory). The fast path only runs when both readers must agree on records:
  a lone carriage return anywhere, a line polars cannot parse, a record longer than the header,
  or a header polars reads differently all send the file back to the exact path. Short records
  are found by comparing the delimiters of each physical line with the delimiters inside the
  parsed cells; when multi-line cells make that impossible, the exact path runs instead.
* Cells. Each field has a conservative vectorised "surely valid" test (a plain ASCII match of its
  pattern, an enum membership, a plain integer, an ISO date...). Every other distinct value goes
  through the very frictionless cell reader the exact path uses (cached per field), so a rule the
  vectorised test cannot express falls back to the exact code for the values it concerns.
* Custom checks. SIRET/SIREN Luhn sums are vectorised (anything unusual goes to
  identifiers.is_siret/is_siren); other cell checks run on distinct values; row checks are
  vectorised for plain integers and text, and rows with other numbers run the exact Python.
"""
from __future__ import annotations

import os
from collections import Counter
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import polars as pl

from ..identifiers import LA_POSTE_SIREN
from . import checks as checks_module
from .engine import (
    Collector,
    FieldPlan,
    Plan,
    analyse_header,
    assemble,
    blank_row_issue,
    check_issue,
    constraint_issue,
    header_and_records,
    type_issue,
    unique_issue,
)
from .model import Issue, Options, Report
from .reader import FIELD_SIZE_LIMIT, TableSource, copy_as_utf8

try:  # numpy computes the SIRET/SIREN sums; without it every file takes the exact path
    import numpy  # noqa: F401

    _HAS_NUMPY = True
except ImportError:  # pragma: no cover - numpy comes with the usual installs
    _HAS_NUMPY = False

AUTO_MIN_BYTES = 2 * 1024 * 1024  # below this the exact path is as fast as polars' start-up
BATCH_ROWS = 200_000
CHUNK_BYTES = 8 * 1024 * 1024
CACHE_LIMIT = 500_000  # distinct values remembered per field and check

_PLAIN_INT = r"^-?[0-9]{1,18}$"
_PLAIN_NUMBER = r"^-?[0-9]{1,15}(?:\.[0-9]{1,15})?$"
_ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_SIMPLE_INT_CELL = r"^[ \t]*-?[0-9]{1,15}[ \t]*$"


def _false(n: int) -> pl.Series:
    return pl.repeat(False, n, dtype=pl.Boolean, eager=True)


def _record_boundary(buffer: bytes) -> int:
    """Index just after the last newline of ``buffer`` that ends a record (even quote count
    before it); 0 when there is none."""
    position = buffer.rfind(b"\n")
    quotes = buffer.count(b'"', 0, position + 1) if position >= 0 else 0
    while position >= 0:
        if quotes % 2 == 0:
            return position + 1
        previous = buffer.rfind(b"\n", 0, position)
        quotes -= buffer.count(b'"', previous + 1, position + 1)
        position = previous
    return 0


class Fallback(Exception):
    """The fast path cannot guarantee the exact result for this file."""


def applies(table: TableSource, options: Options) -> bool:
    if table.format != "csv" or not _HAS_NUMPY:
        return False
    return options.engine == "fast" or table.size >= AUTO_MIN_BYTES


def validate_fast(info, table: TableSource, options: Options, started: float) -> Optional[Report]:
    header, records = header_and_records(table, options)
    records.close() if hasattr(records, "close") else None
    plan = analyse_header(info, header, options)
    if not plan.body_checkable or plan.width == 0:
        return None
    utf8 = table.encoding in ("utf-8", "utf-8-sig") and table.skip_bytes == 0
    try:
        path = table.path if utf8 else copy_as_utf8(table)
    except UnicodeDecodeError:  # the encoding was guessed from samples of a large file
        return None
    try:
        collector = Collector(options)
        rows, truncated = _Scan(plan, path, table.delimiter or ",", options, collector, header).run()
    except (Fallback, pl.exceptions.PolarsError, UnicodeDecodeError):
        return None
    finally:
        if path != table.path:
            os.unlink(path)
    return assemble(info=info, table=table, plan=plan, collector=collector, rows=rows, truncated=truncated,
                    options=options, path="fast", started=started)


# ---------------------------------------------------------------------------------------------
# Vectorised "surely valid" tests
# ---------------------------------------------------------------------------------------------
def _rust_regex_ok(pattern: str) -> bool:
    try:
        pl.Series([""]).str.contains(pattern)
        return True
    except Exception:
        return False


def _surely_valid(fp: FieldPlan, v: pl.Expr) -> Optional[pl.Expr]:
    """An expression true only where frictionless accepts the text cell; None: no shortcut."""
    fld = fp.field
    constraints = {k: c for k, c in fld.constraints.items() if c is not None and k not in ("required", "unique")}
    ok: Optional[pl.Expr] = None
    ftype = fld.type
    if ftype == "string" and fld.format in (None, "default"):
        ok = v.is_not_null()
        for name, constraint in constraints.items():
            if name == "pattern":
                regex = f"^(?:^{constraint}$)$"
                if not _rust_regex_ok(regex):
                    return None
                # ASCII without newline: Python's and Rust's regex engines agree there
                ascii_text = (v.str.len_bytes() == v.str.len_chars()) & ~v.str.contains("\n", literal=True)
                ok = ok & ascii_text & v.str.contains(regex)
            elif name == "enum" and all(isinstance(e, str) for e in constraint):
                ok = ok & v.is_in(list(constraint))
            elif name == "minLength" and isinstance(constraint, int):
                ok = ok & (v.str.len_chars() >= constraint)
            elif name == "maxLength" and isinstance(constraint, int):
                ok = ok & (v.str.len_chars() <= constraint)
            else:
                return None
    elif ftype == "integer" and "bare_number" not in fld.list_defined():
        ok = v.str.contains(_PLAIN_INT)
        as_int = v.cast(pl.Int64, strict=False)
        for name, constraint in constraints.items():
            if name in ("minimum", "maximum") and isinstance(constraint, int) and not isinstance(constraint, bool):
                ok = ok & ((as_int >= constraint) if name == "minimum" else (as_int <= constraint))
            else:
                return None
    elif ftype == "number" and not {"bare_number", "decimal_char", "group_char"} & set(fld.list_defined()):
        ok = v.str.contains(_PLAIN_NUMBER)
        as_float = v.cast(pl.Float64, strict=False)
        for name, constraint in constraints.items():
            if name in ("minimum", "maximum") and isinstance(constraint, (int, float)) and not isinstance(constraint, bool):
                margin = 1e-9 * (1 + abs(float(constraint)))  # float rounding: near the bound, ask frictionless
                ok = ok & ((as_float >= float(constraint) + margin) if name == "minimum"
                           else (as_float <= float(constraint) - margin))
            else:
                return None
    elif ftype == "date" and fld.format in (None, "default") and not constraints:
        # Python's dates start at year 1, polars' calendar has a year 0
        ok = (v.str.contains(_ISO_DATE) & ~v.str.starts_with("0000")
              & v.str.to_date("%Y-%m-%d", strict=False).is_not_null())
    elif ftype == "boolean" and not constraints:
        allowed = [x for x in list(fld.true_values) + list(fld.false_values) if isinstance(x, str)]
        ok = v.is_in(allowed)
    return ok


_DOUBLED = None


def _luhn(digits):
    """Luhn checksum of each row of a (rows x length) numpy matrix of digits (uint8)."""
    import numpy as np

    global _DOUBLED
    if _DOUBLED is None:
        _DOUBLED = np.array([0, 2, 4, 6, 8, 1, 3, 5, 7, 9], dtype=np.uint8)
    length = digits.shape[1]
    doubled = [j for j in range(length) if (length - 1 - j) % 2 == 1]
    plain = [j for j in range(length) if (length - 1 - j) % 2 == 0]
    total = digits[:, plain].sum(axis=1, dtype=np.int32) + _DOUBLED[digits[:, doubled]].sum(axis=1, dtype=np.int32)
    return total % 10 == 0


def _check_shape(spec: checks_module.CheckSpec, v: pl.Expr) -> Optional[pl.Expr]:
    """The plain shape of a valid identifier; the Luhn sums are then computed with numpy."""
    if spec.name == "french-siret-value":
        return v.str.contains(r"^[0-9]{14}$") & ~v.str.starts_with(LA_POSTE_SIREN)
    if spec.name == "french-siren-value":
        return v.str.contains(r"^[0-9]{9}$")
    return None


def _luhn_ok(spec: checks_module.CheckSpec, shape: pl.Series, values: pl.Series) -> pl.Series:
    """``shape`` and the Luhn sums (numpy on the digit matrix of the well-shaped cells)."""
    import numpy as np

    positions = shape.arg_true()
    if len(positions) == 0:
        return shape
    length = 14 if spec.name == "french-siret-value" else 9
    text = "".join(values.gather(positions).to_list()).encode("ascii")
    digits = (np.frombuffer(text, dtype=np.uint8) - 48).reshape(-1, length)
    good = _luhn(digits)
    if length == 14:
        good &= _luhn(digits[:, :9])
    ok = np.zeros(len(values), dtype=bool)
    ok[positions.to_numpy()] = good
    return pl.Series(ok)


# ---------------------------------------------------------------------------------------------
# The scan
# ---------------------------------------------------------------------------------------------
class _Lister:
    """Issues of one batch: exact counts, and the first ones of each source for the listing."""

    def __init__(self, room: int):
        self.room = room
        self.counts: Counter = Counter()
        self.pending: List[Issue] = []

    def count(self, code: str, n: int) -> None:
        if n:
            self.counts[code] += n

    def list(self, positions: pl.Series, build: Callable[[int], List[Issue]]) -> None:
        """``positions``: failing rows of one source (in the batch), in order."""
        if self.room > 0 and len(positions):
            for position in positions[: self.room].to_list():
                self.pending.extend(build(position))

    def add(self, code: str, positions: pl.Series, build: Callable[[int], List[Issue]]) -> None:
        self.count(code, len(positions))
        self.list(positions, build)


class _Scan:
    def __init__(self, plan: Plan, path: str, delimiter: str, options: Options, collector: Collector,
                 header: List[Any]):
        self.plan = plan
        self.path = path
        self.delimiter = delimiter
        self.options = options
        self.collector = collector
        self.header = ["" if h is None else h for h in header]
        self.width = plan.width
        self.columns = [f"c{i}" for i in range(self.width)]
        self.value_cache: Dict[str, Dict[str, Optional[Tuple[Tuple[str, str], ...]]]] = {}
        self.check_cache: Dict[int, Dict[str, bool]] = {}
        self.seen: Dict[str, set] = {fp.name: set() for fp in plan.fields if fp.unique}
        # every vectorised test of a batch, evaluated in one polars select (in parallel)
        self.sure_exprs: List[pl.Expr] = []
        for fp in plan.fields:
            v = pl.col(f"c{fp.index}")
            expr = _surely_valid(fp, v)
            if expr is not None:
                self.sure_exprs.append(expr.fill_null(False).alias(f"sure:{fp.name}"))

    # -- records ------------------------------------------------------------------------------
    def _chunks(self):
        """(first record number, records, lines) of consecutive byte chunks of the file, cut at
        record boundaries (a newline preceded by an even number of quotes). Reading chunks of
        bytes rather than letting polars map the whole file keeps memory bounded."""
        schema = {c: pl.String for c in self.columns}
        with open(self.path, "rb") as handle:
            carry = b""
            first_row = 0
            while True:
                data = handle.read(CHUNK_BYTES)
                buffer = carry + data
                if data:
                    cut = _record_boundary(buffer)
                    if cut <= 0:
                        carry = buffer  # one record longer than a chunk: read on
                        continue
                    part, carry = buffer[:cut], buffer[cut:]
                else:
                    part, carry = buffer, b""
                if part:
                    records = pl.read_csv(
                        part, has_header=False, separator=self.delimiter, quote_char='"', schema=schema,
                        infer_schema=False, truncate_ragged_lines=False, raise_if_empty=False,
                        empty_string_is_null=False,  # empty and missing cells both read as ""
                    ).with_row_index("__row", offset=first_row)
                    self._check_bytes(part)
                    yield first_row, records, part
                    first_row += records.height
                    limit = self.options.row_limit
                    if limit is not None and first_row > limit + 1:
                        return
                if not data:
                    return

    @staticmethod
    def _check_bytes(part: bytes) -> None:
        import numpy as np

        if len(part) > FIELD_SIZE_LIMIT:
            longest = max(len(line) for line in part.split(b"\n"))
            if longest > FIELD_SIZE_LIMIT:
                raise Fallback("a line is longer than the exact reader's cell limit")
        if b"\r" in part:
            data = np.frombuffer(part, dtype=np.uint8)
            positions = np.flatnonzero(data == 13)
            following = data[np.minimum(positions + 1, len(data) - 1)]
            if (following != 10).any() or positions[-1] == len(data) - 1:
                # Python's csv module ends a record at a lone CR, polars keeps it in the cell
                raise Fallback("carriage return inside a line")

    def _check_short_records(self, batch: pl.DataFrame, first_row: int, part: bytes) -> None:
        """Only records whose last cell is empty can be short (polars reads a missing cell as an
        empty one); count their fields exactly: the delimiters of their line minus those inside
        their (quoted) cells."""
        last = self.columns[-1]
        positions = (batch[last] == "").fill_null(True).arg_true()
        if len(positions) == 0:
            return
        line = pl.col("line")
        lines = pl.scan_lines(part).select(
            d=line.str.count_matches(self.delimiter, literal=True).cast(pl.Int64),
            q=line.str.contains('"', literal=True),
        ).collect()
        if lines.height != batch.height:
            raise Fallback("multi-line records: lines and records cannot be matched")
        raw = lines["d"].gather(positions)
        quoted = lines["q"].gather(positions)
        fields = raw + 1
        if quoted.any():  # subtract the delimiters inside quoted cells
            which = quoted.arg_true()
            inner = batch[positions.gather(which)].select(
                pl.sum_horizontal([pl.col(c).str.count_matches(self.delimiter, literal=True).fill_null(0)
                                   for c in self.columns]).cast(pl.Int64)
            ).to_series()
            fields = fields.scatter(which, fields.gather(which) - inner)
        irregular = (fields != self.width).arg_true()
        if len(irregular) == 0:
            return
        # an empty line is a record without any cell: a blank row on both paths
        empty_line = raw.gather(irregular) == 0
        if not empty_line.all():
            raise Fallback("short record")
        rows = batch[positions.gather(irregular)]
        if not rows.select(pl.all_horizontal([pl.col(c).fill_null("") == "" for c in self.columns])).to_series().all():
            raise Fallback("short record")

    def run(self) -> Tuple[int, bool]:
        limit = self.options.row_limit
        rows = 0
        truncated = False
        for first_row, records, part in self._chunks():
            batch = records
            if first_row == 0 and batch.height:
                first = [batch[c][0] for c in self.columns]  # "" for empty labels
                if ["" if x is None else x for x in first] != [str(h) for h in self.header] + [""] * (
                        self.width - len(self.header)):
                    raise Fallback("header differs")
            self._check_short_records(batch, first_row, part)
            if first_row == 0:
                batch = batch.slice(1)
            if limit is not None:
                keep = batch.filter(pl.col("__row") <= limit)
                if keep.height < batch.height:
                    truncated = True
                batch = keep
            for start in range(0, batch.height, BATCH_ROWS):
                part = batch.slice(start, BATCH_ROWS)
                rows += part.height
                self._batch(part)
        return rows, truncated

    # -- one batch ------------------------------------------------------------------------------
    def _batch(self, batch: pl.DataFrame) -> None:
        plan = self.plan
        room = max(0, self.options.max_errors_listed - len(self.collector.listed))
        lister = _Lister(room)
        numbers = (batch["__row"] + 1).to_list() if room else None
        frame = batch
        if frame.select(pl.any_horizontal([pl.col(c).is_null().any() for c in self.columns])).item():
            frame = batch.select([pl.col(c).fill_null("") for c in self.columns])
        # one select, evaluated in parallel: blank rows, empty cells, the "surely valid" tests
        flags = frame.select(
            [pl.all_horizontal([pl.col(c) == "" for c in self.columns]).alias("blank")]
            + [(pl.col(f"c{fp.index}") == next(iter(fp.missing_values)) if len(fp.missing_values) == 1
                else pl.col(f"c{fp.index}").is_in(list(fp.missing_values))).alias(f"empty:{fp.name}")
               for fp in plan.fields if fp.missing_values]
            + self.sure_exprs
        )
        self.sure = flags
        blank = flags["blank"]
        not_blank = ~blank
        lister.add("blank-row", blank.arg_true(), lambda p: [blank_row_issue(numbers[p])])

        empty: Dict[str, pl.Series] = {}
        invalid: Dict[str, pl.Series] = {}
        for fp in plan.fields:
            values = frame[f"c{fp.index}"]
            empty[fp.name] = flags[f"empty:{fp.name}"] if fp.missing_values else _false(len(values))
            invalid[fp.name] = self._cells(fp, values, not_blank, empty[fp.name], lister, numbers)
        for spec, fps in plan.row_checks:
            self._row_check(spec, fps, frame, not_blank, empty, invalid, lister, numbers)

        for code, count in lister.counts.items():
            self.collector.add_count(code, count)
        if lister.pending and room:
            lister.pending.sort(key=Issue.key)
            self.collector.listed.extend(lister.pending[:room])

    def _evaluate(self, fp: FieldPlan, distinct: Sequence[str]) -> Dict[str, Tuple[Tuple[str, str], ...]]:
        cache = self.value_cache.setdefault(fp.name, {})
        failing: Dict[str, Tuple[Tuple[str, str], ...]] = {}
        for value in distinct:
            notes = cache.get(value, False)
            if notes is False:
                _, raw_notes = fp.reader(value)
                if raw_notes:
                    notes = (("type-error", "type"),) if "type" in raw_notes else tuple(
                        ("constraint-error", name) for name in raw_notes)
                else:
                    notes = ()
                if len(cache) < CACHE_LIMIT:
                    cache[value] = notes
            if notes:
                failing[value] = notes  # type: ignore[assignment]
        return failing

    def _cells(self, fp: FieldPlan, values: pl.Series, not_blank: pl.Series, empty: pl.Series,
               lister: _Lister, numbers) -> pl.Series:
        if f"sure:{fp.name}" not in self.sure.columns:
            sure = _false(len(values))
        else:
            sure = self.sure[f"sure:{fp.name}"] & ~empty
            if not fp.field.required:
                sure = sure | empty
        candidates = not_blank & ~sure
        distinct = values.filter(candidates).unique().to_list()
        failing = self._evaluate(fp, distinct)
        bad = candidates & values.is_in(list(failing)) if failing else _false(len(values))
        if failing:
            counted = values.filter(bad).value_counts()
            for value, count in zip(counted[counted.columns[0]].to_list(), counted["count"].to_list()):
                for code, _ in failing[value]:
                    lister.count(code, count)

            def build(position: int, fp=fp) -> List[Issue]:
                raw = values[position]
                return [type_issue(fp, numbers[position], raw) if code == "type-error"
                        else constraint_issue(fp, numbers[position], raw, check)
                        for code, check in failing[raw]]

            lister.list(bad.arg_true(), build)
        if fp.unique:
            self._unique(fp, values, not_blank & ~bad & ~empty, lister, numbers)
        active = not_blank & ~empty
        for spec, function in fp.cell_checks:
            self._cell_check(fp, spec, function, values, active, lister, numbers)
        return bad

    def _unique(self, fp: FieldPlan, values: pl.Series, valid: pl.Series, lister: _Lister, numbers) -> None:
        seen = self.seen[fp.name]
        duplicates: List[int] = []
        for position, (raw, ok) in enumerate(zip(values.to_list(), valid.to_list())):
            if not ok:
                continue
            value, _ = fp.reader(raw)
            marker = value if getattr(value, "__hash__", None) else repr(value)
            if marker in seen:
                duplicates.append(position)
            else:
                seen.add(marker)
        lister.add("unique-error", pl.Series(duplicates, dtype=pl.UInt32),
                   lambda p: [unique_issue(fp, numbers[p], values[p])])

    def _cell_check(self, fp: FieldPlan, spec, function, values: pl.Series, active: pl.Series,
                    lister: _Lister, numbers) -> None:
        distinct = values.filter(active).unique()
        if spec.name in ("french-siret-value", "french-siren-value"):
            # shape and Luhn sums with numpy on the distinct values; the rest runs the exact check
            shape = pl.DataFrame({"v": distinct}).select(_check_shape(spec, pl.col("v")).fill_null(False))
            distinct = distinct.filter(~_luhn_ok(spec, shape.to_series(), distinct))
        cache = self.check_cache.setdefault(id(spec), {})
        failing = []
        for value in distinct.to_list():
            ok = cache.get(value)
            if ok is None:
                ok = bool(function(value))
                if len(cache) < CACHE_LIMIT:
                    cache[value] = ok
            if not ok:
                failing.append(value)
        if not failing:
            return
        bad = active & values.is_in(failing)
        lister.add(spec.name, bad.arg_true(), lambda p: [check_issue(spec, fp, numbers[p], values[p])])

    def _row_check(self, spec, fps: List[FieldPlan], frame: pl.DataFrame, not_blank: pl.Series,
                   empty: Dict[str, pl.Series], invalid: Dict[str, pl.Series], lister: _Lister, numbers) -> None:
        names = [fp.name for fp in fps]
        cols = [frame[f"c{fp.index}"] for fp in fps]

        def cells_at(position: int):
            return ([None if empty[n][position] else cols[i][position] for i, n in enumerate(names)],
                    [bool(invalid[n][position]) for n in names])

        def build(position: int) -> List[Issue]:
            cells, inv = cells_at(position)
            params = checks_module.run_row_check(spec, cells, inv)
            if params is None:  # pragma: no cover - the vectorised rule and the exact one disagree
                raise Fallback(f"row check {spec.name}")
            return [check_issue(spec, fps[0], numbers[position], cells[0], params)]

        if spec.name in ("one-of-required", "cohesive-columns-value"):
            filled = pl.DataFrame({n: ~empty[n] for n in names}).select(
                pl.sum_horizontal([pl.col(n).cast(pl.Int32) for n in names]).alias("f"))["f"]
            if spec.name == "one-of-required":
                bad = not_blank & (filled == 0)
            else:
                bad = not_blank & (filled > 0) & (filled < len(names))
            lister.add(spec.name, bad.arg_true(), build)
            return
        skip = ~not_blank
        for n in names:
            skip = skip | empty[n] | invalid[n]
        data = pl.DataFrame({f"x{i}": col for i, col in enumerate(cols)})
        number = checks_module.NUMBER_PATTERN
        is_num = data.select([pl.col(f"x{i}").str.contains(number).alias(f"x{i}") for i in range(len(cols))])
        is_int = data.select([pl.col(f"x{i}").str.contains(_SIMPLE_INT_CELL).alias(f"x{i}") for i in range(len(cols))])
        ints = data.select([pl.col(f"x{i}").str.strip_chars(" \t").cast(pl.Int64, strict=False).alias(f"x{i}")
                            for i in range(len(cols))])
        all_num = pl.DataFrame(is_num).select(pl.all_horizontal(pl.all()).alias("a"))["a"]
        all_int = pl.DataFrame(is_int).select(pl.all_horizontal(pl.all()).alias("a"))["a"]
        python_rows = ~skip & all_num & ~all_int
        if spec.name == "compare-columns-value":
            op = spec.params["op"]
            left_i, right_i = ints["x0"], ints["x1"]
            left_s, right_s = data["x0"], data["x1"]
            ops = {"<": lambda a, b: a < b, "<=": lambda a, b: a <= b, "==": lambda a, b: a == b,
                   ">=": lambda a, b: a >= b, ">": lambda a, b: a > b}
            passed_int = ops[op](left_i, right_i).fill_null(False)
            passed_str = ops[op](left_s, right_s).fill_null(False)
            bad = ~skip & ((all_int & ~passed_int) | (~all_num & ~passed_str))
        else:  # sum-columns-value
            total = ints.select(pl.sum_horizontal([pl.col(f"x{i}") for i in range(1, len(cols))]).alias("t"))["t"]
            bad = ~skip & all_int & (ints["x0"] != total).fill_null(False)
        if python_rows.any():
            extra = []
            for position in python_rows.arg_true().to_list():
                cells, inv = cells_at(position)
                if checks_module.run_row_check(spec, cells, inv) is not None:
                    extra.append(position)
            if extra:
                bad = bad | pl.Series(range(len(bad))).is_in(extra)
        lister.add(spec.name, bad.arg_true(), build)
