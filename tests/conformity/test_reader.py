"""Real-world input: encodings, delimiters, spreadsheets, broken files, sources."""
from __future__ import annotations

import http.server
import io
import threading
from functools import partial

import pytest

from ckanext.socle.conformity import Options, validate
from ckanext.socle.conformity.reader import detect_delimiter

from .helpers import DATA, codes, csv_bytes

SCHEMA = {"fields": [
    {"name": "nom", "type": "string", "constraints": {"required": True}},
    {"name": "montant", "type": "number"},
    {"name": "date", "type": "date"},
]}
ROWS = [["nom", "montant", "date"], ["Élodie Bérégovoy", "12.5", "2016-12-05"], ["Ça ira", "3", "2020-01-31"]]


@pytest.mark.parametrize("encoding,label,warned", [
    ("utf-8", "UTF-8", False), ("utf-8-sig", "UTF-8 (avec BOM)", False), ("cp1252", "Windows-1252", True),
    ("utf-16", "UTF-16 (avec BOM)", True),
])
def test_encodings(encoding, label, warned):
    report = validate(csv_bytes(ROWS, encoding=encoding), SCHEMA)
    assert report.source["encoding"] == label
    assert report.counts == {}
    assert ([w.code for w in report.warnings] == ["encoding-warning"]) is warned
    assert report.level == ("a_ameliorer" if warned else "conforme")


def test_latin1_bytes_undefined_in_cp1252():
    data = "nom,montant,date\r\nx\x81y,1,2020-01-01\r\n".encode("latin-1")
    report = validate(data, SCHEMA)
    assert report.source["encoding"] == "ISO-8859-1" and report.counts == {}


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiters(delimiter):
    report = validate(csv_bytes(ROWS, delimiter=delimiter), SCHEMA)
    assert report.source["delimiter"] == delimiter and report.level == "conforme"


def test_delimiter_not_fooled_by_commas_in_a_dbase_header():
    sample = "ID,N,9,0;NOM,C,254;TYPE,C,50\n1;Mairie;A\n2;École;B\n3;Stade;C\n"
    assert detect_delimiter(sample) == ";"


def test_xlsx_ods_xls_sheets(tmp_path):
    import ezodf
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in [["nom", "montant", "date"], ["a", 12.5, "2016-12-05"], ["b", "1,5", "05/12/2016"]]:
        sheet.append(row)
    book.save(tmp_path / "t.xlsx")
    report = validate(tmp_path / "t.xlsx", SCHEMA)
    assert report.source["format"] == "xlsx"
    assert codes(report) == [("type-error", 3, "montant"), ("type-error", 3, "date")]
    assert "2016-12-05" in report.errors[1].hint

    doc = ezodf.newdoc(doctype="ods", filename=str(tmp_path / "t.ods"))
    table = ezodf.Table("données", size=(3, 3))
    doc.sheets += table
    for r, row in enumerate([["nom", "montant", "date"], ["a", 12.5, "2016-12-05"], ["b", "1,5", "x"]]):
        for c, value in enumerate(row):
            table[r, c].set_value(value)
    doc.save()
    report = validate(tmp_path / "t.ods", SCHEMA)
    assert report.source["format"] == "ods"
    assert codes(report) == [("type-error", 3, "montant"), ("type-error", 3, "date")]

    report = validate(DATA / "real/subventions/departement-deux-sevres.xls", "subventions")
    assert report.source["format"] == "xls" and report.rows > 400


@pytest.mark.parametrize("data,code", [
    (b"", "empty-file"), (b"\r\n\r\n", "empty-file"), (bytes(range(256)) * 50, "format-error"),
    (b"PK\x03\x04garbage", "format-error"), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1junk", "format-error"),
])
def test_unreadable_inputs_give_level_erreur(data, code):
    report = validate(data, SCHEMA)
    assert report.level == "erreur" and list(report.counts) == [code]
    assert report.badge.body is None


def test_very_long_line_is_read():
    long_value = "x" * 2_000_000
    report = validate(csv_bytes([["nom", "montant", "date"], [long_value, "1", "2020-01-01"]]), SCHEMA)
    assert report.level == "conforme"


def test_too_long_field_is_an_error_not_a_crash():
    report = validate(b"nom,montant,date\n" + b"y" * (17 * 1024 * 1024) + b",1,2020-01-01\n", SCHEMA)
    assert report.level == "erreur" and list(report.counts) == ["line-too-long"]


@pytest.mark.parametrize("engine", ["exact", "fast"])
def test_a_huge_line_without_newline_is_refused_without_being_read_whole(tmp_path, engine):
    """40 MB and no newline: both paths stop at the cell limit (16 MB) instead of loading it."""
    path = tmp_path / "one-line.csv"
    with open(path, "wb") as handle:
        handle.write(b"nom,montant,date\n")
        for _ in range(40):
            handle.write(b"z" * (1024 * 1024))
    report = validate(str(path), SCHEMA, options=Options(engine=engine))
    assert report.level == "erreur" and list(report.counts) == ["line-too-long"]
    assert report.errors[0].row == 2


def test_row_limit_truncates_with_a_notice():
    rows = [ROWS[0]] + [["n", "1", "2020-01-01"]] * 50 + [["n", "bad", "2020-01-01"]]
    report = validate(csv_bytes(rows), SCHEMA, options=Options(row_limit=10))
    assert report.truncated and report.rows == 10 and report.counts == {}
    assert any("10 premières lignes" in n for n in report.notices)
    assert validate(csv_bytes(rows), SCHEMA).counts == {"type-error": 1}


def test_max_bytes():
    report = validate(csv_bytes(ROWS), SCHEMA, options=Options(max_bytes=10))
    assert report.level == "erreur" and list(report.counts) == ["too-large"]


def test_sources_bytes_file_object_path_and_url(tmp_path):
    data = csv_bytes(ROWS)
    path = tmp_path / "f.csv"
    path.write_bytes(data)
    assert validate(io.BytesIO(data), SCHEMA).level == "conforme"
    assert validate(str(path), SCHEMA).level == "conforme"
    assert validate(path, SCHEMA).source["name"] == "f.csv"

    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/f.csv"
        assert validate(url, SCHEMA).level == "conforme"
        missing = validate(url.replace("f.csv", "nope.csv"), SCHEMA)
        assert missing.level == "erreur" and list(missing.counts) == ["source-error"]
    finally:
        server.shutdown()


def test_missing_file_and_unknown_schema():
    assert list(validate("/nonexistent/x.csv", SCHEMA).counts) == ["source-error"]
    report = validate(csv_bytes(ROWS), "scdl/nope")
    assert report.level == "erreur" and list(report.counts) == ["unknown-schema"]
    assert "nope" in report.errors[0].message


def test_schema_from_path_and_catalogue_versions():
    report = validate(DATA / "examples/subventions/v2.0/exemple-valide.csv", "scdl/subventions@2.0.2")
    assert report.schema["version"] == "2.0.2" and report.level == "conforme"
    assert report.schema["url"].startswith("https://schema.data.gouv.fr/schemas/scdl/subventions/2.0.2/")


def test_spreadsheet_date_in_a_text_column_reads_as_iso_text(tmp_path):
    import datetime

    import openpyxl

    from .helpers import GOOD_SUBVENTION, SUBVENTIONS_HEADER

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(SUBVENTIONS_HEADER)
    row = [GOOD_SUBVENTION[h] or None for h in SUBVENTIONS_HEADER]
    row[SUBVENTIONS_HEADER.index("datesPeriodeVersement")] = datetime.datetime(2022, 2, 20)
    row[SUBVENTIONS_HEADER.index("dateConvention")] = datetime.datetime(2022, 3, 1)
    row[SUBVENTIONS_HEADER.index("montant")] = 1500.5
    sheet.append(row)
    book.save(tmp_path / "s.xlsx")
    report = validate(tmp_path / "s.xlsx", "subventions")
    assert report.counts == {} and report.level == "conforme", report.errors
