"""Writers of a :class:`~.document.ClauseDocument`: HTML, Markdown, DOCX, ODT, and annex CSV.

Every writer treats run text as plain text and escapes it for its own format: HTML through an
autoescaping Jinja environment, Markdown by backslash-escaping its punctuation and HTML
characters, DOCX/ODT through their XML libraries (control characters were removed upstream),
CSV by neutralising spreadsheet formulas.
"""
from __future__ import annotations

import csv
import io
import re

import jinja2

from .document import ANNEX_HEADER, ClauseDocument

def heading_level(block) -> int:
    """``##`` in a body is a level-2 heading (the document title is level 1); 2 to 4."""
    return min(max(block.level, 2), 4)


# ----------------------------------------------------------------------------------- HTML
_HTML = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
_HTML_TEMPLATE = _HTML.from_string("""\
{% macro runs(items) %}{% for r in items %}{% if r.bold %}<strong>{% endif %}\
{% if r.kind == 'value' %}<span class="clause-value">{{ r.text }}</span>\
{% elif r.kind == 'missing' %}<mark class="clause-missing">{{ r.text }}</mark>\
{% else %}{{ r.text }}{% endif %}{% if r.bold %}</strong>{% endif %}{% endfor %}{% endmacro %}
<article class="clause-document">
<h1 class="clause-title">{{ doc.title }}</h1>
{% if doc.meta %}
<dl class="clause-meta">
{% for label, value in doc.meta %}<dt>{{ label }}</dt><dd>{{ value }}</dd>
{% endfor %}
</dl>
{% endif %}
{% for b in doc.blocks %}
{% if b.kind == 'heading' %}<h{{ level(b) }}>{{ runs(b.runs) }}</h{{ level(b) }}>
{% elif b.kind == 'paragraph' %}<p>{{ runs(b.runs) }}</p>
{% elif b.kind == 'bullets' %}<ul>
{% for item in b.items %}<li>{{ runs(item) }}</li>
{% endfor %}</ul>
{% elif b.kind == 'table' %}<div class="clause-annex table-responsive">
<table class="table table-bordered table-sm">
<caption>{{ b.caption }}</caption>
<thead><tr>{% for h in b.header %}<th scope="col">{{ h }}</th>{% endfor %}</tr></thead>
<tbody>
{% for row in b.rows %}<tr>{% for cell in row %}<td>{{ cell }}</td>{% endfor %}</tr>
{% else %}<tr><td colspan="{{ b.header|length }}">Aucun jeu de données renseigné.</td></tr>
{% endfor %}
</tbody></table></div>
{% endif %}
{% endfor %}
{% if doc.notice %}<p class="clause-notice"><small>{{ doc.notice }}</small></p>{% endif %}
</article>
""")
_PAGE = _HTML.from_string("""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>{{ title }}</title>
<style>body{font-family:Georgia,serif;max-width:48em;margin:2em auto;line-height:1.5}
table{border-collapse:collapse;font-size:.9em}td,th{border:1px solid #999;padding:.3em}
.clause-meta dt{font-weight:bold}</style></head>
<body>{{ fragment }}</body></html>
""")


def to_html(doc: ClauseDocument, standalone: bool = False) -> str:
    """HTML fragment (``Markup``-safe string) or a complete page."""
    fragment = jinja2.utils.markupsafe.Markup(_HTML_TEMPLATE.render(doc=doc, level=heading_level))
    if standalone:
        return _PAGE.render(title=doc.title, fragment=fragment)
    return fragment


# ------------------------------------------------------------------------------- Markdown
_MD_INLINE = re.compile(r"([\\`*_\[\]|~])")
_MD_LINE_START = re.compile(r"^(\s*)([#>+-]|\d+[.)])")


def md_escape(text: str, line_start: bool = True) -> str:
    """Text that no Markdown renderer turns into markup (inline marks, HTML, line-start blocks)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_INLINE.sub(r"\\\1", text)
    if line_start:
        text = _MD_LINE_START.sub(lambda m: m[1] + "\\" + m[2], text)
    return text


def _md_runs(runs) -> str:
    out = []
    for index, run in enumerate(runs):
        text = md_escape(run.text, line_start=index == 0)
        if run.kind == "missing":
            text = f"_{text}_"
        if run.bold and text.strip():
            text = f"**{text}**"
        out.append(text)
    return "".join(out)


def to_markdown(doc: ClauseDocument) -> str:
    lines = [f"# {md_escape(doc.title)}", ""]
    for label, value in doc.meta:
        lines.append(f"- **{md_escape(label)}** : {md_escape(str(value))}")
    if doc.meta:
        lines.append("")
    for block in doc.blocks:
        if block.kind == "heading":
            lines += ["#" * heading_level(block) + " " + _md_runs(block.runs), ""]
        elif block.kind == "paragraph":
            lines += [_md_runs(block.runs), ""]
        elif block.kind == "bullets":
            lines += ["- " + _md_runs(item) for item in block.items] + [""]
        elif block.kind == "table":
            lines += [f"**{md_escape(block.caption)}**", ""]
            lines.append("| " + " | ".join(md_escape(h) for h in block.header) + " |")
            lines.append("|" + "---|" * len(block.header))
            for row in block.rows:
                lines.append("| " + " | ".join(md_escape(c) for c in row) + " |")
            lines.append("")
    if doc.notice:
        lines += ["---", "", f"_{md_escape(doc.notice)}_", ""]
    return "\n".join(lines)


# ----------------------------------------------------------------------------------- DOCX
def to_docx(doc: ClauseDocument) -> bytes:
    import docx
    from docx.shared import Pt

    out = docx.Document()
    out.core_properties.title = doc.title[:250]
    out.core_properties.language = "fr-FR"
    out.styles["Normal"].font.name = "Liberation Serif"
    out.styles["Normal"].font.size = Pt(11)
    out.add_heading(doc.title, level=0)
    for label, value in doc.meta:
        para = out.add_paragraph()
        para.add_run(f"{label} : ").bold = True
        para.add_run(str(value))

    def add_runs(para, runs):
        for run in runs:
            piece = para.add_run(run.text)
            piece.bold = run.bold or None
            piece.italic = run.kind == "missing" or None

    for block in doc.blocks:
        if block.kind == "heading":
            add_runs(out.add_heading(level=heading_level(block) - 1), block.runs)
        elif block.kind == "paragraph":
            para = out.add_paragraph()
            para.paragraph_format.space_after = Pt(6)
            add_runs(para, block.runs)
        elif block.kind == "bullets":
            for item in block.items:
                add_runs(out.add_paragraph(style="List Bullet"), item)
        elif block.kind == "table":
            out.add_paragraph().add_run(block.caption).bold = True
            table = out.add_table(rows=1, cols=len(block.header))
            table.style = "Table Grid"
            for index, row in enumerate([block.header, *block.rows]):
                cells = table.rows[0].cells if index == 0 else table.add_row().cells
                for cell, text in zip(cells, row):
                    cell.text = ""
                    piece = cell.paragraphs[0].add_run(text)
                    piece.font.size = Pt(8)          # nine columns on a portrait page
                    piece.bold = index == 0 or None
    if doc.notice:
        out.add_paragraph().add_run(doc.notice).italic = True
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


# ------------------------------------------------------------------------------------ ODT
def to_odt(doc: ClauseDocument) -> bytes:
    from odf import style as ost
    from odf import table as otable
    from odf import text as otext
    from odf.opendocument import OpenDocumentText

    out = OpenDocumentText()
    bold = ost.Style(name="Bold", family="text")
    bold.addElement(ost.TextProperties(fontweight="bold"))
    italic = ost.Style(name="Missing", family="text")
    italic.addElement(ost.TextProperties(fontstyle="italic", backgroundcolor="#fff3b0"))
    title = ost.Style(name="ClauseTitle", family="paragraph")
    title.addElement(ost.TextProperties(fontsize="18pt", fontweight="bold"))
    title.addElement(ost.ParagraphProperties(marginbottom="0.3cm"))
    body = ost.Style(name="ClauseBody", family="paragraph")
    body.addElement(ost.ParagraphProperties(marginbottom="0.2cm", textalign="justify"))
    headings = {}
    for level, size in ((1, "15pt"), (2, "13pt"), (3, "12pt")):
        heading = ost.Style(name=f"ClauseHeading{level}", family="paragraph")
        heading.addElement(ost.TextProperties(fontsize=size, fontweight="bold"))
        heading.addElement(ost.ParagraphProperties(margintop="0.4cm", marginbottom="0.2cm"))
        headings[level] = heading
    small = ost.Style(name="CellText", family="paragraph")
    small.addElement(ost.TextProperties(fontsize="8pt"))
    cell_style = ost.Style(name="Cell", family="table-cell")
    cell_style.addElement(ost.TableCellProperties(border="0.5pt solid #000000", padding="0.1cm"))
    for item in (bold, italic, title, body, small, cell_style, *headings.values()):
        out.automaticstyles.addElement(item)

    def add_runs(para, runs):
        for run in runs:
            if run.kind == "missing":
                para.addElement(otext.Span(stylename=italic, text=run.text))
            elif run.bold:
                para.addElement(otext.Span(stylename=bold, text=run.text))
            else:
                para.addText(run.text)
        return para

    out.text.addElement(otext.P(stylename=title, text=doc.title))
    for label, value in doc.meta:
        para = otext.P(stylename=body)
        para.addElement(otext.Span(stylename=bold, text=f"{label} : "))
        para.addText(str(value))
        out.text.addElement(para)
    for block in doc.blocks:
        if block.kind == "heading":
            level = heading_level(block) - 1
            out.text.addElement(add_runs(otext.H(outlinelevel=level, stylename=headings[level]),
                                         block.runs))
        elif block.kind == "paragraph":
            out.text.addElement(add_runs(otext.P(stylename=body), block.runs))
        elif block.kind == "bullets":
            lst = otext.List()
            for item in block.items:
                li = otext.ListItem()
                li.addElement(add_runs(otext.P(stylename=body), item))
                lst.addElement(li)
            out.text.addElement(lst)
        elif block.kind == "table":
            caption = otext.P(stylename=body)
            caption.addElement(otext.Span(stylename=bold, text=block.caption))
            out.text.addElement(caption)
            tbl = otable.Table(name="Annexe")
            tbl.addElement(otable.TableColumn(numbercolumnsrepeated=len(block.header)))
            for index, row in enumerate([block.header, *block.rows]):
                tr = otable.TableRow()
                for text in row:
                    tc = otable.TableCell(stylename=cell_style, valuetype="string")
                    para = otext.P(stylename=small)
                    if index == 0:
                        para.addElement(otext.Span(stylename=bold, text=text))
                    else:
                        para.addText(text)
                    tc.addElement(para)
                    tr.addElement(tc)
                tbl.addElement(tr)
            out.text.addElement(tbl)
    if doc.notice:
        out.text.addElement(otext.P(stylename=body, text=doc.notice))
    buffer = io.BytesIO()
    out.write(buffer)
    return buffer.getvalue()


# ------------------------------------------------------------------------------------ CSV
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")


def csv_cell(value) -> str:
    """A cell a spreadsheet will not evaluate: leading formula characters get a quote prefix."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def annex_csv(rows: list[list[str]], header=ANNEX_HEADER) -> bytes:
    """The delivery annex as CSV (UTF-8 with BOM so spreadsheets read accents, comma-separated)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_cell(h) for h in header])
    for row in rows:
        writer.writerow([csv_cell(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
