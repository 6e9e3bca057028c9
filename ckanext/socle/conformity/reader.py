"""Robust reading of real-world tables: sources, formats, encodings, delimiters, streaming.

``prepare()`` turns a path, bytes, a binary file object or an http(s) URL into a local file and
sniffs it (format, encoding, delimiter) without loading it; ``iter_records()`` then streams its
records (the header first) as lists of cells: text for CSV, native values for spreadsheets.
"""
from __future__ import annotations

import codecs
import csv
import io
import os
import re
import shutil
import tempfile
import urllib.request
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterator, List, Optional

from . import messages

CHUNK = 1 << 20
# Files up to this size are decoded in full to choose their encoding; larger ones are judged on
# their first and last megabytes (the readers then decode strictly and, should a later byte
# contradict the guess, the whole file is checked again: see verify_encoding).
FULL_DECODE_BYTES = 64 * 1024 * 1024
SAMPLE_HEAD_BYTES = 16 * 1024 * 1024
SNIFF_BYTES = 64 * 1024
# Longest cell the CSV reader accepts; longer ones make the file unreadable from there on
# (a file with a 1 GB line is not a table).
FIELD_SIZE_LIMIT = 16 * 1024 * 1024
DELIMITERS = (",", ";", "\t", "|")



class SourceProblem(Exception):
    """The source cannot be read; ``code`` is a report error code, ``detail`` French text."""

    def __init__(self, code: str, detail: str = "", row: Optional[int] = None):
        super().__init__(detail or code)
        self.code = code
        self.detail = detail
        self.row = row


@dataclass
class TableSource:
    path: str
    name: str
    format: str  # csv | xlsx | xls | ods
    size: int
    encoding: Optional[str] = None  # Python codec for CSV
    encoding_label: Optional[str] = None  # what the report shows
    skip_bytes: int = 0  # bytes to drop before decoding (a UTF-8 BOM before cp1252 bytes)
    delimiter: Optional[str] = None
    warnings: List[dict] = field(default_factory=list)  # {"code":..., params}
    temporary: bool = False
    encoding_verified: bool = True  # False: chosen from samples of a large file

    def cleanup(self) -> None:
        if self.temporary:
            try:
                os.unlink(self.path)
            except OSError:
                pass

    def describe(self) -> dict:
        return {
            "name": self.name,
            "format": self.format,
            "size": self.size,
            "encoding": self.encoding_label,
            "delimiter": self.delimiter,
        }


# ---------------------------------------------------------------------------------------------
# Getting a local file
# ---------------------------------------------------------------------------------------------
def _copy_limited(reader, writer, max_bytes: Optional[int]) -> int:
    total = 0
    while True:
        chunk = reader.read(CHUNK)
        if not chunk:
            return total
        total += len(chunk)
        if max_bytes is not None and total > max_bytes:
            raise SourceProblem("too-large", messages.format_message("too-large", limit=max_bytes))
        writer.write(chunk)


def _spool(reader, max_bytes: Optional[int], suffix: str = "") -> str:
    handle = tempfile.NamedTemporaryFile(prefix="socle-validate-", suffix=suffix, delete=False)
    try:
        with handle:
            _copy_limited(reader, handle, max_bytes)
    except BaseException:
        os.unlink(handle.name)
        raise
    return handle.name


def prepare(source: Any, *, max_bytes: Optional[int] = None, timeout: float = 30.0, name: Optional[str] = None) -> TableSource:
    temporary = False
    if isinstance(source, (bytes, bytearray, memoryview)):
        path = _spool(io.BytesIO(bytes(source)), max_bytes)
        temporary, display = True, name or messages.detail("data-given")
    elif hasattr(source, "read"):
        path = _spool(source, max_bytes)
        temporary = True
        display = name or os.path.basename(str(getattr(source, "name", "") or "")) or messages.detail("stream")
    else:
        text = os.fspath(source)
        if text.startswith(("http://", "https://")):
            path = _download(text, max_bytes, timeout)
            temporary, display = True, name or text
        else:
            if not os.path.isfile(text):
                raise SourceProblem("source-error", messages.detail("file-not-found", path=text))
            path, display = text, name or os.path.basename(text)
    try:
        size = os.path.getsize(path)
        if max_bytes is not None and size > max_bytes:
            raise SourceProblem("too-large", messages.format_message("too-large", limit=max_bytes))
        table = _sniff(path, display, size)
        table.temporary = temporary
        return table
    except BaseException:
        if temporary:
            os.unlink(path)
        raise


def _download(url: str, max_bytes: Optional[int], timeout: float) -> str:
    request = urllib.request.Request(url, headers={"User-Agent": "socle-validate"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (http/https only)
            suffix = os.path.splitext(urllib.request.urlparse(url).path)[1][:8]
            return _spool(response, max_bytes, suffix)
    except SourceProblem:
        raise
    except Exception as exc:
        raise SourceProblem("source-error", messages.detail("download-failed", error=exc))


# ---------------------------------------------------------------------------------------------
# Sniffing: format, encoding, delimiter
# ---------------------------------------------------------------------------------------------
def _sniff(path: str, display: str, size: int) -> TableSource:
    if size == 0:
        raise SourceProblem("empty-file")
    with open(path, "rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if head.startswith(b"PK\x03\x04"):
        return TableSource(path, display, _zip_format(path), size)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return TableSource(path, display, "xls", size)
    table = TableSource(path, display, "csv", size)
    _detect_encoding(table, head)
    sample = _decoded_sample(table)
    if not sample.strip("\r\n\t ,;|\ufeff"):
        if size > SNIFF_BYTES and not sample:
            raise SourceProblem("format-error", messages.detail("no-text"))
        raise SourceProblem("empty-file")
    if _looks_binary(sample):
        raise SourceProblem("format-error", messages.detail("binary"))
    table.delimiter = detect_delimiter(sample)
    return table


def _zip_format(path: str) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" in names:
                return "xlsx"
            if "mimetype" in names:
                mimetype = archive.read("mimetype").decode("ascii", "replace")
                if "opendocument.spreadsheet" in mimetype:
                    return "ods"
            if "content.xml" in names:
                return "ods"
    except zipfile.BadZipFile as exc:
        raise SourceProblem("format-error", messages.detail("bad-zip", error=exc))
    raise SourceProblem("format-error", messages.detail("zip-not-spreadsheet"))


_ENCODING_LABELS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 (avec BOM)",
    "utf-16": "UTF-16 (avec BOM)",
    "utf-16-le": "UTF-16LE",
    "utf-16-be": "UTF-16BE",
    "utf-32": "UTF-32 (avec BOM)",
    "cp1252": "Windows-1252",
    "latin-1": "ISO-8859-1",
}


def _decodes(path: str, encoding: str, skip: int = 0, sample: bool = False) -> bool:
    """Whether the file decodes with ``encoding``; ``sample``: only its head and its tail."""
    size = os.path.getsize(path)
    ranges = [(skip, size)]
    if sample and size > FULL_DECODE_BYTES:
        ranges = [(skip, SAMPLE_HEAD_BYTES), (max(skip, size - CHUNK), size)]
    try:
        with open(path, "rb") as handle:
            for number, (start, end) in enumerate(ranges):
                decoder = codecs.getincrementaldecoder(encoding)("strict")
                handle.seek(start)
                remaining = end - start
                if number:  # a tail sample may start inside a multi-byte sequence
                    data = handle.read(remaining)
                    for shift in range(4):
                        try:
                            data[shift:].decode(encoding)
                            break
                        except UnicodeDecodeError:
                            continue
                    else:
                        return False
                    continue
                while remaining > 0:
                    chunk = handle.read(min(CHUNK, remaining))
                    if not chunk:
                        break
                    remaining -= len(chunk)
                    decoder.decode(chunk, final=remaining <= 0 and end == size)
        return True
    except UnicodeDecodeError:
        return False


def verify_encoding(table: TableSource) -> None:
    """Decode a large file in full when its encoding was chosen from samples."""
    if table.encoding_verified or table.format != "csv":
        return
    table.warnings = [w for w in table.warnings if w.get("code") != "encoding-warning"]
    with open(table.path, "rb") as handle:
        head = handle.read(SNIFF_BYTES)
    _detect_encoding(table, head, sample=False)


def _detect_encoding(table: TableSource, head: bytes, sample: bool = True) -> None:
    table.encoding_verified = not (sample and table.size > FULL_DECODE_BYTES)
    def use(encoding: str, skip: int = 0, warn: Optional[str] = None) -> None:
        table.encoding, table.skip_bytes = encoding, skip
        table.encoding_label = warn or _ENCODING_LABELS[encoding]
        if not encoding.startswith("utf-8"):
            table.warnings.append({"code": "encoding-warning", "encoding": table.encoding_label})

    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return use("utf-32")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        if _decodes(table.path, "utf-16"):
            return use("utf-16")
        raise SourceProblem("encoding-error", messages.format_message("encoding-error"))
    if head.startswith(b"\xef\xbb\xbf"):
        if _decodes(table.path, "utf-8", 3, sample=sample):
            return use("utf-8-sig")
        # Seen in the wild: a UTF-8 BOM written in front of Windows-1252 text.
        label = messages.detail("cp1252-after-bom")
        if _decodes(table.path, "cp1252", 3):
            return use("cp1252", 3, label)
        return use("latin-1", 3, messages.detail("latin1-after-bom"))
    nuls = head.count(b"\x00")
    if nuls > len(head) // 4:
        even = head[0::2].count(b"\x00")
        odd = head[1::2].count(b"\x00")
        if odd > 0.9 * nuls and _decodes(table.path, "utf-16-le"):
            return use("utf-16-le")
        if even > 0.9 * nuls and _decodes(table.path, "utf-16-be"):
            return use("utf-16-be")
        raise SourceProblem("format-error", messages.detail("binary"))
    if _decodes(table.path, "utf-8", sample=sample):
        return use("utf-8")
    if _decodes(table.path, "cp1252", sample=sample):
        return use("cp1252")
    return use("latin-1")


def open_text(table: TableSource):
    handle = open(table.path, "rb")
    handle.seek(table.skip_bytes)
    return io.TextIOWrapper(handle, encoding=table.encoding, newline="", errors="strict")


def _decoded_sample(table: TableSource) -> str:
    with open_text(table) as text:
        sample = text.read(SNIFF_BYTES)
    if len(sample) == SNIFF_BYTES:
        cut = max(sample.rfind("\n"), sample.rfind("\r"))
        if cut > 0:
            sample = sample[:cut]
    return sample


def _looks_binary(sample: str) -> bool:
    if "\x00" in sample:
        return True
    controls = sum(1 for c in sample if ord(c) < 32 and c not in "\t\n\r\x0c")
    return controls > max(2, len(sample) // 100)


def detect_delimiter(sample: str) -> str:
    """The delimiter that splits the sample's records into the most consistent column count.

    Counting characters is fooled by headers such as dBase exports (``NAME,C,254;...``); parsing
    the sample with each candidate and keeping the one whose records agree is not.
    """
    best, best_score = ",", (0.0, 0)
    for delimiter in DELIMITERS:
        try:
            records = list(csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter))
        except csv.Error:
            continue
        widths = [len(r) for r in records[:200] if r]
        if not widths:
            continue
        mode = max(set(widths), key=widths.count)
        if mode < 2:
            continue
        score = (widths.count(mode) / len(widths), mode)
        if score > best_score:
            best, best_score = delimiter, score
    return best


# ---------------------------------------------------------------------------------------------
# Records
# ---------------------------------------------------------------------------------------------
def iter_records(table: TableSource, sheet: Any = None) -> Iterator[List[Any]]:
    if table.format == "csv":
        return _csv_records(table)
    if table.format == "xlsx":
        return _drop_trailing_blanks(_xlsx_records(table, sheet))
    if table.format == "xls":
        return _drop_trailing_blanks(_xls_records(table, sheet))
    return _drop_trailing_blanks(_ods_records(table, sheet))


def _drop_trailing_blanks(records: Iterator[List[Any]]) -> Iterator[List[Any]]:
    """Spreadsheets often extend their used range far below the data: blank rows count only
    when a non-blank row follows them."""
    pending = 0
    for values in records:
        if not values:
            pending += 1
            continue
        for _ in range(pending):
            yield []
        pending = 0
        yield values


def _bounded_lines(text) -> Iterator[str]:
    """The lines of ``text``, none read beyond the cell limit: iterating over the file itself
    would load a line without newline whole (a 1 GB one included) before the csv module could
    refuse it."""
    while True:
        line = text.readline(FIELD_SIZE_LIMIT + 1)
        if not line:
            return
        if len(line) > FIELD_SIZE_LIMIT:
            raise csv.Error("field larger than field limit (line)")
        yield line


def _csv_records(table: TableSource) -> Iterator[List[Any]]:
    csv.field_size_limit(FIELD_SIZE_LIMIT)  # process-wide; other libraries may have changed it
    with open_text(table) as text:
        reader = csv.reader(_bounded_lines(text), delimiter=table.delimiter or ",", quotechar='"', doublequote=True, strict=False)
        number = 0
        while True:
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                if "field larger" in str(exc):
                    raise SourceProblem("line-too-long", "", row=number + 1)
                raise SourceProblem("source-error", messages.detail("csv-error", row=number + 1, error=exc), row=number + 1)
            except UnicodeDecodeError as exc:  # pragma: no cover - encodings are checked first
                raise SourceProblem("encoding-error", str(exc), row=number + 1)
            number += 1
            yield record


def _trim(values: List[Any]) -> List[Any]:
    end = len(values)
    while end and (values[end - 1] is None or values[end - 1] == ""):
        end -= 1
    return values[:end]


def _pick_sheet(names: List[str], sheet: Any) -> int:
    if sheet is None:
        return 0
    if isinstance(sheet, int) or (isinstance(sheet, str) and sheet.isdigit()):
        index = int(sheet) - 1
        if 0 <= index < len(names):
            return index
    elif sheet in names:
        return names.index(sheet)
    raise SourceProblem("source-error", messages.detail("sheet-not-found", sheet=sheet, sheets=", ".join(names)))


def _xlsx_records(table: TableSource, sheet: Any) -> Iterator[List[Any]]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(table.path, read_only=True, data_only=True)
    except Exception as exc:
        raise SourceProblem("format-error", messages.detail("bad-workbook", format="XLSX", error=exc))
    try:
        worksheet = workbook.worksheets[_pick_sheet(workbook.sheetnames, sheet)]
        for row in worksheet.iter_rows():
            yield _trim([_xlsx_value(cell) for cell in row])
    finally:
        workbook.close()


_PLAIN_NUMBER_FORMAT = re.compile(r"^(?:0+|#,##0)(?:\.(0+))?$")


def _xlsx_value(cell: Any) -> Any:
    """A cell as the spreadsheet shows it: a number with an explicit format such as ``0``
    (typical of identifiers typed as numbers) is the text it displays; "General" numbers stay
    numbers (and are then type errors in text columns)."""
    value = getattr(cell, "value", None)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number_format = getattr(cell, "number_format", None) or "General"
        match = _PLAIN_NUMBER_FORMAT.match(number_format)
        if match:
            decimals = len(match.group(1) or "")
            text = f"{value:,.{decimals}f}" if number_format.startswith("#,##") else f"{value:.{decimals}f}"
            return text.replace(",", "\u00a0")
    return value


def _xls_records(table: TableSource, sheet: Any) -> Iterator[List[Any]]:
    import xlrd

    try:
        book = xlrd.open_workbook(table.path, on_demand=True)
    except Exception as exc:
        raise SourceProblem("format-error", messages.detail("bad-workbook", format="XLS", error=exc))
    try:
        worksheet = book.sheet_by_index(_pick_sheet(book.sheet_names(), sheet))
        for index in range(worksheet.nrows):
            values: List[Any] = []
            for cell in worksheet.row(index):
                if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    values.append(None)
                elif cell.ctype == xlrd.XL_CELL_NUMBER:
                    values.append(int(cell.value) if float(cell.value).is_integer() else cell.value)
                elif cell.ctype == xlrd.XL_CELL_DATE:
                    try:
                        values.append(xlrd.xldate_as_datetime(cell.value, book.datemode))
                    except Exception:
                        values.append(cell.value)
                elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                    values.append(bool(cell.value))
                elif cell.ctype == xlrd.XL_CELL_ERROR:
                    values.append(None)
                else:
                    values.append(cell.value)
            yield _trim(values)
    finally:
        book.release_resources()


def _ods_records(table: TableSource, sheet: Any) -> Iterator[List[Any]]:
    import ezodf

    try:
        document = ezodf.opendoc(table.path)
        sheets = list(document.sheets)
    except Exception as exc:
        raise SourceProblem("format-error", messages.detail("bad-workbook", format="ODS", error=exc))
    worksheet = sheets[_pick_sheet([s.name for s in sheets], sheet)]
    for row in worksheet.rows():
        values: List[Any] = []
        for cell in row:
            value = cell.value
            if cell.value_type == "float" and isinstance(value, float) and value.is_integer():
                value = int(value)
            elif cell.value_type == "date" and isinstance(value, str):
                try:
                    value = datetime.fromisoformat(value)
                except ValueError:
                    pass
            values.append(value)
        yield _trim(values)


def copy_as_utf8(table: TableSource, directory: Optional[str] = None) -> str:
    """Transcode a CSV to a temporary UTF-8 file (for readers that only read UTF-8)."""
    handle = tempfile.NamedTemporaryFile(
        prefix="socle-utf8-", suffix=".csv", delete=False, dir=directory, mode="w", encoding="utf-8", newline=""
    )
    with handle, open_text(table) as text:
        shutil.copyfileobj(text, handle, CHUNK)
    return handle.name
