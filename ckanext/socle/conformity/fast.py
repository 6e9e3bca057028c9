"""Columnar fast path: the same report as the exact path, computed with polars.

How it stays identical to the exact path (engine.validate_record):

* Records. The header is read by the exact CSV reader; the body by polars' CSV reader, in
  batches (bounded memory). The fast path only runs when both readers must agree on records:
  a lone carriage return anywhere, a line polars cannot parse, a record longer than the header,
  or a header polars reads differently all send the file back to the exact path. Short records
  (polars reads a missing cell as an empty one): a chunk whose delimiters, minus those inside
  cells, number exactly (width - 1) per record has none; otherwise the delimiters of each
  physical line are compared with those of its cells, and when multi-line cells make that
  impossible, the exact path runs instead.
* Cells. Each field has a conservative vectorised "surely valid" test (a plain ASCII match of its
  pattern, an enum membership, a plain integer, an ISO date...). Every other distinct value goes
  through the very frictionless cell reader the exact path uses (cached per field), so a rule the
  vectorised test cannot express falls back to the exact code for the values it concerns.
* Custom checks. SIRET/SIREN shapes and Luhn sums are vectorised with numpy on every cell
  (anything unusual goes to identifiers.is_siret/is_siren); other cell checks run on distinct
  values; row checks are vectorised for plain integers and text, and rows with other numbers run
  the exact Python.
"""
from __future__ import annotations

import os
import re
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
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

try:  # numpy counts bytes and computes the SIRET/SIREN sums; without it every file takes the exact path
    import numpy as np

    _HAS_NUMPY = True
except ImportError:  # pragma: no cover - numpy comes with the usual installs
    np = None
    _HAS_NUMPY = False

AUTO_MIN_BYTES = 2 * 1024 * 1024  # below this the exact path is as fast as polars' start-up
BATCH_ROWS = 200_000
CHUNK_BYTES = 8 * 1024 * 1024
CACHE_LIMIT = 500_000  # distinct values remembered per field and check
FEW_CELLS = 2_000  # up to this many cells of a batch for the exact code are gathered in Python

_PLAIN_INT = r"^-?[0-9]{1,18}$"
_PLAIN_NUMBER = r"^-?[0-9]{1,15}(?:\.[0-9]{1,15})?$"
_ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_SIMPLE_INT_CELL = r"^[ \t]*-?[0-9]{1,15}[ \t]*$"


def _scan_bytes(data, delimiter: int):
    """Positions of the quotes and of the carriage returns of ``data`` (numpy bytes), and its
    number of delimiters (numpy: bytes.count and friends are several times slower)."""
    return np.flatnonzero(data == 34), np.flatnonzero(data == 13), int(np.count_nonzero(data == delimiter))


def _record_boundary(buffer: bytes, quotes=None) -> int:
    """Index just after the last newline of ``buffer`` that ends a record (even quote count
    before it); 0 when there is none. ``quotes``: the positions of the quotes of ``buffer``."""
    position = buffer.rfind(b"\n")
    if position < 0:
        return 0
    if quotes is None:
        quotes = np.flatnonzero(np.frombuffer(buffer, dtype=np.uint8) == 34)
    while position >= 0:
        if int(np.searchsorted(quotes, position)) % 2 == 0:
            return position + 1
        position = buffer.rfind(b"\n", 0, position)
    return 0


def _quoted_delimiters(part: bytes, data, quotes, delimiter: int) -> Optional[int]:
    """The delimiters inside the quoted cells of a chunk (``data``: its bytes, ``quotes``: their
    positions), when every quote opens a cell at its start, closes it before a delimiter or a
    line end, or is doubled inside it: then quotes 0-1, 2-3... enclose exactly the quoted text,
    for any CSV reader. None for other quotes."""
    if len(quotes) % 2:
        return None
    opens, closes = quotes[0::2], quotes[1::2]
    before = data[np.maximum(opens - 1, 0)]
    after = data[np.minimum(closes + 1, len(data) - 1)]
    opening = (before == delimiter) | (before == 10) | (opens == 0)
    opening[1:] |= opens[1:] == closes[:-1] + 1  # "" inside a quoted cell
    closing = (after == delimiter) | (after == 13) | (after == 10) | (closes == len(data) - 1)
    closing[:-1] |= closes[:-1] + 1 == opens[1:]
    if not (opening.all() and closing.all()):
        return None
    separator = bytes([delimiter])
    return sum(part.count(separator, start, end) for start, end in zip(opens.tolist(), closes.tolist()))


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


def _same_syntax(pattern: str) -> bool:
    """False when Rust's regex syntax reads ``pattern`` differently from Python's: nested or
    set-operation classes (``[[:digit:]]``, ``[a[b]]``, ``[a--b]``, ``&&``, ``~~``) and Rust's
    word boundaries ``\\<``, ``\\>``, ``\\b{...}`` are literals (or errors) for Python."""
    i, in_class = 0, False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            if pattern[i + 1:i + 2] in ("<", ">") or pattern.startswith("b{", i + 1):
                return False
            i += 2
            continue
        if in_class:
            if char == "[" or pattern[i:i + 2] in ("&&", "--", "~~"):
                return False
            in_class = char != "]"
        elif char == "[":
            in_class = True
            i += 2 if pattern[i + 1:i + 2] == "^" else 1
            i += 1 if pattern[i:i + 1] == "]" else 0  # a leading "]" is a literal in both
            continue
        i += 1
    return True


def _pattern_test(pattern: str, v: pl.Expr) -> Optional[pl.Expr]:
    """True only where Python's ``re.match("^" + pattern + "$")`` (frictionless) matches too."""
    regex = f"^(?:^{pattern}$)$"
    if not _same_syntax(pattern) or not _rust_regex_ok(regex):
        return None
    if pattern.isascii() and not re.search(r"\(\?[a-zA-Z-]*u", pattern) and _rust_regex_ok("(?-u)" + regex):
        # Without Unicode, Rust refuses every class that could match a non-ASCII character, so a
        # match is ASCII text, where Python's \d \w \b and (?i) mean the same and its \s and $
        # accept more: no separate (slower) ASCII and newline tests needed.
        return v.str.contains("(?-u)" + regex)
    # ASCII without newline: Python's and Rust's regex engines agree there
    ascii_text = (v.str.len_bytes() == v.str.len_chars()) & (v.str.count_matches("\n", literal=True) == 0)
    return ascii_text & v.str.contains(regex)


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
                matched = _pattern_test(constraint, v) if isinstance(constraint, str) else None
                if matched is None:
                    return None
                ok = ok & matched
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


_IDENTIFIER_LENGTHS = {"french-siret-value": 14, "french-siren-value": 9}
_LA_POSTE = None


def _luhn(digits):
    """Luhn checksum of each column of a (length x cells) uint8 matrix of digits."""
    length = digits.shape[0]
    plain = digits[length - 1::-2]  # from the right: 1st, 3rd... digits
    doubled = digits[length - 2::-2]  # 2nd, 4th...: digit sum of 2d = 2d - 9 when d >= 5
    total = (plain.sum(axis=0, dtype=np.uint16) + 2 * doubled.sum(axis=0, dtype=np.uint16)
             - 9 * (doubled >= 5).sum(axis=0, dtype=np.uint16))
    return total % 10 == 0


def _identifier_ok(spec: checks_module.CheckSpec, values: pl.Series, sized: pl.Series):
    """True (numpy) where the SIRET (SIREN) cell is 14 (9) ASCII digits, a SIRET outside La
    Poste's SIREN, with valid Luhn sums (a SIRET's SIREN too): identifiers.is_siret (is_siren) is
    true there. ``sized``: the cells of the right length in bytes. Every cell is checked:
    hashing them to get distinct values costs more than the sums."""
    global _LA_POSTE
    if _LA_POSTE is None:
        _LA_POSTE = (np.frombuffer(LA_POSTE_SIREN.encode(), dtype=np.uint8) - 48)[:, None]
    length = _IDENTIFIER_LENGTHS[spec.name]
    ok = sized.to_numpy()
    if ok.any():
        text = values.filter(sized).str.join("").cast(pl.Binary).item()  # ``length`` bytes per cell
        # one row per digit position (numpy sums along long rows quickly, not along short ones);
        # bytes other than digits wrap past 9
        digits = np.ascontiguousarray((np.frombuffer(text, dtype=np.uint8) - np.uint8(48)).reshape(-1, length).T)
        good = (digits.max(axis=0) <= 9) & _luhn(digits)
        if length == 14:
            good &= _luhn(digits[:9]) & (digits[:9] != _LA_POSTE).any(axis=0)
        ok = ok.copy()
        ok[ok] = good
    return ok


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

    def list(self, positions: Sequence[int], build: Callable[[int], List[Issue]]) -> None:
        """``positions``: failing rows of one source (in the batch), in order (list or Series)."""
        if self.room > 0 and len(positions):
            for position in positions[: self.room]:
                self.pending.extend(build(position))

    def add(self, code: str, positions: Sequence[int], build: Callable[[int], List[Issue]]) -> None:
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
        self.schema = {c: pl.String for c in self.columns}
        self.value_cache: Dict[str, Dict[str, Optional[Tuple[Tuple[str, str], ...]]]] = {}
        self.check_cache: Dict[int, Dict[str, bool]] = {}
        self.seen: Dict[str, set] = {fp.name: set() for fp in plan.fields if fp.unique}
        # The per-cell flags of a batch, evaluated in one polars query (in parallel): blank rows,
        # then per field its empty cells, the cells the exact reader must see ("cand") and, for
        # cell checks, the non-empty cells ("active").
        blank = pl.col("__blank")
        flags: List[pl.Expr] = [blank.alias("blank")]
        self.needs_python: List[str] = []  # flags of cells that may need Python
        for fp in plan.fields:
            v = pl.col(f"c{fp.index}")
            missing = sorted(fp.missing_values)
            empty = (v == missing[0] if len(missing) == 1 else v.is_in(missing)) if missing else pl.lit(False)
            sure = _surely_valid(fp, v)
            if sure is None:
                candidates = ~blank
            else:
                sure = sure.fill_null(False) & ~empty
                candidates = ~blank & ~(sure | empty if not fp.field.required else sure)
            flags += [empty.alias(f"empty:{fp.index}"), candidates.alias(f"cand:{fp.index}")]
            self.needs_python.append(f"cand:{fp.index}")
            if fp.cell_checks:
                flags.append((~blank & ~empty).alias(f"active:{fp.index}"))
            for number, (spec, _) in enumerate(fp.cell_checks):
                if spec.name in _IDENTIFIER_LENGTHS:
                    sized = ~blank & ~empty & (v.str.len_bytes() == _IDENTIFIER_LENGTHS[spec.name])
                    flags.append(sized.alias(f"sized:{fp.index}:{number}"))
        self.flags = flags
        self.blank = pl.all_horizontal([pl.col(c) == "" for c in self.columns]).alias("__blank")
        # delimiters inside the cells (for the record width test)
        self.inner_delimiters = pl.sum_horizontal(
            [pl.col(c).str.count_matches(self.delimiter, literal=True) for c in self.columns]).cast(pl.Int64).sum()

    # -- records ------------------------------------------------------------------------------
    def _chunks(self):
        """(first record number, records) of consecutive byte chunks of the file, cut at record
        boundaries (a newline preceded by an even number of quotes). Reading chunks of bytes
        rather than letting polars map the whole file keeps memory bounded. The next chunk is
        read and parsed in a thread while the caller checks this one (polars and numpy release
        the GIL), which keeps a second core busy."""
        limit = self.options.row_limit
        with open(self.path, "rb") as handle, ThreadPoolExecutor(1) as reader:
            following = reader.submit(self._chunk, handle, 0)
            first_row = 0
            while following is not None:
                chunk = following.result()
                if chunk is None:
                    return
                records, offset = chunk
                more = limit is None or first_row + records.height <= limit + 1
                following = reader.submit(self._chunk, handle, offset) if more else None
                yield first_row, records.with_row_index("__row", offset=first_row)
                first_row += records.height

    def _chunk(self, handle, offset: int):
        """(records, offset of the next chunk) of the chunk at ``offset``; None at the end."""
        size = CHUNK_BYTES
        delimiter = ord(self.delimiter)
        while True:
            handle.seek(offset)
            data = handle.read(size)
            if not data:
                return None
            bytes_ = np.frombuffer(data, dtype=np.uint8)
            quotes, returns, delimiters = _scan_bytes(bytes_, delimiter)
            cut = _record_boundary(data, quotes) if len(data) == size else len(data)  # else: the end
            if cut > 0:
                break
            if size > FIELD_SIZE_LIMIT:  # the exact reader refuses such a line without reading it all
                raise Fallback("a line is longer than the exact reader's cell limit")
            size *= 2  # one record longer than a chunk: read more
        part = data
        if cut < len(data):  # the rest is read again with the next chunk
            delimiters -= int(np.count_nonzero(bytes_[cut:] == delimiter))
            part, bytes_ = data[:cut], bytes_[:cut]
            quotes, returns = quotes[:np.searchsorted(quotes, cut)], returns[:np.searchsorted(returns, cut)]
        records = pl.read_csv(
            part, has_header=False, separator=self.delimiter, quote_char='"', schema=self.schema,
            infer_schema=False, truncate_ragged_lines=False, raise_if_empty=False,
            empty_string_is_null=False,  # empty and missing cells both read as ""
        )
        self._check_bytes(part, bytes_, returns)
        self._check_records(records, part, bytes_, quotes, delimiters)
        return records, offset + cut

    @staticmethod
    def _check_bytes(part: bytes, data, returns) -> None:
        if len(part) > FIELD_SIZE_LIMIT:
            longest = max(len(line) for line in part.split(b"\n"))
            if longest > FIELD_SIZE_LIMIT:
                raise Fallback("a line is longer than the exact reader's cell limit")
        if len(returns):
            following = data[np.minimum(returns + 1, len(data) - 1)]
            if (following != 10).any() or returns[-1] == len(data) - 1:
                # Python's csv module ends a record at a lone CR, polars keeps it in the cell
                raise Fallback("carriage return inside a line")

    def _check_records(self, records: pl.DataFrame, part: bytes, data, quotes, delimiters: int) -> None:
        """Polars refuses a record longer than the header but reads a missing cell as an empty one.
        When the chunk's delimiters, minus those inside cells, number exactly (width - 1) per
        record, no record is short (none has more); else the lines are looked at."""
        inside: Optional[int] = 0
        if len(quotes):  # only a quoted cell can hold a delimiter
            # a few quoted cells are quicker to look at in the bytes than every cell in polars
            few = len(quotes) * 8 < records.height * self.width
            inside = _quoted_delimiters(part, data, quotes, ord(self.delimiter)) if few else None
            if inside is None:
                inside = records.select(self.inner_delimiters).item()
        if delimiters - inside != records.height * (self.width - 1):
            self._check_lines(records, part)

    def _check_lines(self, batch: pl.DataFrame, part: bytes) -> None:
        """Only records whose last cell is empty can be short; count their fields exactly: the
        delimiters of their line minus those inside their (quoted) cells."""
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
        # a short record whose cells are all empty (an empty line, ",,") is a blank row on both paths
        rows = batch[positions.gather(irregular)]
        if not rows.select(pl.all_horizontal([pl.col(c).fill_null("") == "" for c in self.columns])).to_series().all():
            raise Fallback("short record")

    def run(self) -> Tuple[int, bool]:
        limit = self.options.row_limit
        rows = 0
        truncated = False
        for first_row, records in self._chunks():
            batch = records
            if first_row == 0 and batch.height:
                first = [batch[c][0] for c in self.columns]  # "" for empty labels
                if ["" if x is None else x for x in first] != [str(h) for h in self.header] + [""] * (
                        self.width - len(self.header)):
                    raise Fallback("header differs")
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
    # Polars queries are issued per batch, not per field: each eager call costs ~0.1 ms.
    def _batch(self, batch: pl.DataFrame) -> None:
        plan = self.plan
        room = max(0, self.options.max_errors_listed - len(self.collector.listed))
        lister = _Lister(room)
        first = batch["__row"][0] + 1
        numbers = range(first, first + batch.height)  # record numbers (the header is 1)
        frame = batch
        if any(frame.null_count().row(0)):
            frame = batch.select([pl.col(c).fill_null("") for c in self.columns])
        flags = frame.lazy().with_columns(self.blank).select(self.flags).collect()
        # which fields have cells for Python at all: most batches of a clean file have few
        pending = {name: flags[name].any() for name in self.needs_python}
        blank = flags["blank"]
        not_blank = ~blank
        if blank.any():
            lister.add("blank-row", blank.arg_true(), lambda p: [blank_row_issue(numbers[p])])

        # The sources of cell issues: each field's reader (cells its vectorised test did not
        # clear) and each cell check (non-empty cells; SIRET/SIREN: those failing the numpy sums).
        sources: List[Tuple[FieldPlan, Any, str]] = []  # (field, None or (spec, function), mask)
        masks: List[pl.Series] = []
        for fp in plan.fields:
            if pending[f"cand:{fp.index}"]:
                sources.append((fp, None, f"cand:{fp.index}"))
            for number, check in enumerate(fp.cell_checks):
                mask = f"active:{fp.index}"
                if check[0].name in _IDENTIFIER_LENGTHS:
                    ok = _identifier_ok(check[0], frame[f"c{fp.index}"], flags[f"sized:{fp.index}:{number}"])
                    mask = f"check:{fp.index}:{number}"
                    masks.append(pl.Series(mask, flags[f"active:{fp.index}"].to_numpy() & ~ok))
                    if not masks[-1].any():
                        continue
                sources.append((fp, check, mask))
        false = pl.Series(np.zeros(batch.height, dtype=bool))
        invalid = {fp.name: false for fp in plan.fields}
        if sources:
            self._judge(sources, frame.hstack(flags).hstack(masks), lister, numbers, invalid)
        empty = {fp.name: flags[f"empty:{fp.index}"] for fp in plan.fields}
        for fp in plan.fields:
            if fp.unique:
                self._unique(fp, frame[f"c{fp.index}"], not_blank & ~invalid[fp.name] & ~empty[fp.name],
                             lister, numbers)
        for spec, fps in plan.row_checks:
            self._row_check(spec, fps, frame, not_blank, empty, invalid, lister, numbers)

        for code, count in lister.counts.items():
            self.collector.add_count(code, count)
        if lister.pending and room:
            lister.pending.sort(key=Issue.key)
            self.collector.listed.extend(lister.pending[:room])

    def _judge(self, sources, work: pl.DataFrame, lister: _Lister, numbers, invalid: Dict[str, pl.Series]) -> None:
        """Run the exact code on the distinct values of each source's cells, then count and list
        the failing cells. A source with few cells (the usual case) is finished in Python: polars
        calls on small series cost more than they do; many cells are hashed by polars."""
        sizes = [work[mask].sum() for _, _, mask in sources]
        query: List[pl.Expr] = []
        for n, ((fp, _, mask), size) in enumerate(zip(sources, sizes)):
            cells = pl.col(f"c{fp.index}").filter(pl.col(mask))
            if size <= FEW_CELLS:
                query += [cells.implode().alias(f"v{n}"), pl.col(mask).arg_true().implode().alias(f"at{n}")]
            else:
                query.append(cells.unique().implode().alias(f"v{n}"))
        row = work.lazy().select(query).collect().row(0, named=True)
        failing: Dict[int, Dict[str, Tuple]] = {}
        for n, (fp, check, _) in enumerate(sources):
            distinct = dict.fromkeys(row[f"v{n}"])
            found = self._evaluate(fp, distinct) if check is None else self._failing_checks(check, distinct)
            if not found:
                continue
            if sizes[n] <= FEW_CELLS:
                bad = [(p, v) for p, v in zip(row[f"at{n}"], row[f"v{n}"]) if v in found]
                self._report(sources[n], found, [p for p, _ in bad], Counter(v for _, v in bad).items(),
                             work, lister, numbers, invalid)
            else:
                failing[n] = found
        if not failing:
            return
        query = []
        for n, found in failing.items():
            fp = sources[n][0]
            bad = pl.col(sources[n][2]) & pl.col(f"c{fp.index}").is_in(list(found))
            query += [bad.arg_true().implode().alias(f"at{n}"),
                      pl.col(f"c{fp.index}").filter(bad).value_counts().implode().alias(f"count{n}")]
        row = work.lazy().select(query).collect().row(0, named=True)
        for n, found in failing.items():
            column = f"c{sources[n][0].index}"
            counts = [(entry[column], entry["count"]) for entry in row[f"count{n}"]]
            self._report(sources[n], found, row[f"at{n}"], counts, work, lister, numbers, invalid)

    @staticmethod
    def _report(source, failing, positions: List[int], counts, work: pl.DataFrame, lister: _Lister, numbers,
                invalid: Dict[str, pl.Series]) -> None:
        """Count and list the failing cells of one source (``counts``: (value, cells) pairs)."""
        fp, check, _ = source
        values = work[f"c{fp.index}"]
        if check is not None:
            spec = check[0]
            lister.add(spec.name, positions, lambda p: [check_issue(spec, fp, numbers[p], values[p])])
            return
        for value, count in counts:
            for code, _ in failing[value]:
                lister.count(code, count)

        def build(position: int) -> List[Issue]:
            raw = values[position]
            return [type_issue(fp, numbers[position], raw) if code == "type-error"
                    else constraint_issue(fp, numbers[position], raw, name) for code, name in failing[raw]]

        lister.list(positions, build)
        mask = np.zeros(work.height, dtype=bool)
        mask[positions] = True
        invalid[fp.name] = pl.Series(mask)

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

    def _failing_checks(self, check, distinct: Sequence[str]) -> Dict[str, Tuple]:
        spec, function = check
        cache = self.check_cache.setdefault(id(spec), {})
        failing: Dict[str, Tuple] = {}
        for value in distinct:
            ok = cache.get(value)
            if ok is None:
                ok = bool(function(value))
                if len(cache) < CACHE_LIMIT:
                    cache[value] = ok
            if not ok:
                failing[value] = ()
        return failing

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
