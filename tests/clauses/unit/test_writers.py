"""Each output format is a valid document: parsed back, and converted by LibreOffice."""
from __future__ import annotations

import csv
import io
import shutil
import subprocess
import zipfile

import pytest

from ckanext.socle.clauses import document, registry, render, writers
from ckanext.socle.clauses import variables as V

HOSTILE = '<script>alert("x")</script> & =HYPERLINK("http://evil") **gras**'


@pytest.fixture(scope="module")
def doc(seed):
    template = next(t for t in seed if t["slug"] == "od-fourniture-donnees-marche")
    version = template["versions"][-1]
    variables = registry.declared_variables(version)
    raw = V.sample_values(variables)
    raw["contract.object"] = HOSTILE
    raw["datasets"] = [dict(V.SAMPLE_ROW),
                       {**V.SAMPLE_ROW, "title": "=HYPERLINK(\"http://evil\",\"clic\")",
                        "dataset": ""}]
    clean, errors = V.validate(variables, raw)
    assert not errors
    rendered = render.render_text(version["body"], variables, clean)
    return document.build(template["title"], rendered.text, rows=clean["datasets"],
                          has_annex=True, meta=[("Contrat", "2027-015")],
                          notice="Licence Ouverte 2.0 — ckanext-socle")


def test_html_escapes_values(doc):
    html = writers.to_html(doc, standalone=True)
    assert html.startswith("<!DOCTYPE html>")
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert "<table" in html and "Menus servis" in html and "<h2>" in html


def test_markdown_escapes_values(doc):
    markdown = writers.to_markdown(doc)
    assert markdown.startswith("# Remise des données")
    assert "&lt;script&gt;" in markdown and "\\*\\*gras\\*\\*" in markdown
    assert "| 1 | Menus servis | menus-collectifs@1.2.3 |" in markdown


def test_docx_parses_back(doc):
    import docx

    data = writers.to_docx(doc)
    parsed = docx.Document(io.BytesIO(data))
    text = "\n".join(p.text for p in parsed.paragraphs)
    assert doc.title in text and HOSTILE in text
    table = parsed.tables[0]
    assert table.rows[0].cells[1].text == "Jeu de données"
    assert table.rows[1].cells[1].text == "Menus servis"
    assert parsed.core_properties.title == doc.title


def test_odt_parses_back(doc):
    from odf import opendocument, teletype
    from odf import text as otext

    data = writers.to_odt(doc)
    assert zipfile.ZipFile(io.BytesIO(data)).read("mimetype") == \
        b"application/vnd.oasis.opendocument.text"
    parsed = opendocument.load(io.BytesIO(data))
    text = "\n".join(teletype.extractText(p) for p in parsed.getElementsByType(otext.P))
    assert doc.title in text and HOSTILE in text and "Menus servis" in text


def test_annex_csv_neutralises_formulas():
    rows = [["1", '=HYPERLINK("http://evil","clic")', "+33", "-1", "@SUM(A1)", "ok"]]
    data = writers.annex_csv(rows, header=["a", "b", "c", "d", "e", "f"])
    assert data.startswith("\ufeff".encode())
    parsed = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert parsed[1] == ["1", "'=HYPERLINK(\"http://evil\",\"clic\")", "'+33", "'-1",
                         "'@SUM(A1)", "ok"]


def test_annex_csv_of_a_document(doc):
    table = next(b for b in doc.blocks if b.kind == "table")
    parsed = list(csv.reader(io.StringIO(writers.annex_csv(table.rows).decode("utf-8-sig"))))
    assert parsed[0][1] == "Jeu de données" and parsed[2][1].startswith("'=HYPERLINK")


@pytest.mark.skipif(not shutil.which("libreoffice"), reason="LibreOffice is not installed")
def test_libreoffice_converts_docx_and_odt(doc, tmp_path):
    (tmp_path / "clause.docx").write_bytes(writers.to_docx(doc))
    (tmp_path / "clause.odt").write_bytes(writers.to_odt(doc))
    profile = tmp_path / "lo-profile"
    for name in ("clause.docx", "clause.odt"):
        out = tmp_path / name.replace(".", "-")
        subprocess.run(["libreoffice", f"-env:UserInstallation=file://{profile}", "--headless",
                        "--convert-to", "txt:Text (encoded):UTF8", "--outdir", str(out),
                        str(tmp_path / name)], check=True, capture_output=True, timeout=180)
        text = (out / "clause.txt").read_text(encoding="utf-8-sig")
        assert doc.title in text and "Menus servis" in text and "<script>" in text
