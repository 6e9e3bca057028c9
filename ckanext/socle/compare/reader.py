"""Read a tabular file into rows keyed by the columns of an SCDL schema (pure Python, no CKAN).

The consolidation only ever reads files whose latest run is *conforme* or *à améliorer*, but
"à améliorer" still allows a UTF-8 BOM, a ``;`` delimiter, an extra column or a different column
order, so the reader is tolerant: it tries UTF-8 (with or without BOM), UTF-16 with a BOM, then
Windows-1252; sniffs the delimiter among ``,`` ``;`` tab and ``|``; reads XLSX/XLS first sheets;
matches headers by name, then ignoring case and accents. Every value comes back as a string
(``""`` for an empty cell): typing is the indicators' business (see ``values.py``).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import os
import unicodedata

MAX_ROWS = 500_000  # a consolidation is not a data lake: bigger files are cut, and say so


class ReadError(ValueError):
    """The file cannot be read as a table (message in French)."""


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", str(text or ""))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip().lower()


def _decode(data: bytes) -> str:
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        return data.decode("utf-16")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value).strip()


def _csv_table(path: str) -> list[list[str]]:
    with open(path, "rb") as handle:
        text = _decode(handle.read())
    sample = text[:20000]
    try:
        delimiter = csv.Sniffer().sniff(sample.split("\n", 1)[0] or sample, delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = ","
    return [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def _xlsx_table(path: str) -> list[list[str]]:
    import warnings

    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        return [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def _xls_table(path: str) -> list[list[str]]:
    import xlrd

    book = xlrd.open_workbook(path)
    sheet = book.sheet_by_index(0)
    table = []
    for index in range(sheet.nrows):
        row = []
        for cell in sheet.row(index):
            if cell.ctype == xlrd.XL_CELL_DATE:
                row.append(_cell(xlrd.xldate_as_datetime(cell.value, book.datemode)))
            else:
                row.append(_cell(cell.value))
        table.append(row)
    return table


def read_table(path: str, fmt: str = "") -> list[list[str]]:
    """The raw cells of the file's first table (header included)."""
    fmt = (fmt or os.path.splitext(path)[1].lstrip(".")).lower()
    with open(path, "rb") as handle:
        head = handle.read(8)
    try:
        if head.startswith(b"PK") or fmt == "xlsx":
            return _xlsx_table(path)
        if head.startswith(b"\xd0\xcf\x11\xe0") or fmt == "xls":
            return _xls_table(path)
        return _csv_table(path)
    except ReadError:
        raise
    except Exception as error:  # any parser failure becomes one clear message
        raise ReadError(f"Fichier illisible comme tableau : {error}") from error


def header_map(header: list[str], fields: list[str]) -> dict[str, int]:
    """Schema field name -> column index: exact name first, then case- and accent-insensitive."""
    mapping: dict[str, int] = {}
    cleaned = [str(h or "").strip().lstrip("\ufeff") for h in header]
    for name in fields:
        if name in cleaned:
            mapping[name] = cleaned.index(name)
    loose = {_plain(h): i for i, h in reversed(list(enumerate(cleaned)))}
    for name in fields:
        if name not in mapping and _plain(name) in loose:
            mapping[name] = loose[_plain(name)]
    return mapping


def read_rows(path: str, fields: list[str], fmt: str = "") -> tuple[list[dict[str, str]], dict]:
    """Rows of the file as ``{field: str}`` for the schema's ``fields`` only, plus a summary.

    Blank rows are skipped; a missing column gives ``""``. The summary tells how many rows were
    read, which schema columns were found and whether the file was cut at ``MAX_ROWS``.
    """
    table = read_table(path, fmt)
    # The header is the first non-blank row (some exports start with an empty line).
    start = 0
    while start < len(table) and not any(str(c).strip() for c in table[start]):
        start += 1
    if start >= len(table):
        return [], {"rows": 0, "columns": [], "truncated": False}
    mapping = header_map(table[start], fields)
    rows: list[dict[str, str]] = []
    truncated = False
    for raw in table[start + 1:]:
        if not any(str(c).strip() for c in raw):
            continue
        if len(rows) >= MAX_ROWS:
            truncated = True
            break
        rows.append({
            name: (str(raw[index]).strip() if index < len(raw) and raw[index] is not None else "")
            for name, index in ((f, mapping.get(f)) for f in fields) if index is not None
        } | {name: "" for name in fields if name not in mapping})
    return rows, {"rows": len(rows), "columns": sorted(mapping), "truncated": truncated}
