"""The intermediate document of a rendered clause, shared by every output writer.

The renderer's text is a tiny, line-based markup: ``#``/``##``/``###`` headings, ``- `` bullet
items, blank-line separated paragraphs, ``**bold**`` inline, and a line ``[[annexe]]`` where the
delivery annex table goes. Values arrive wrapped in sentinels (see :mod:`.render`): they are kept
as literal runs, so a value can never open a heading, a list or bold text.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from . import variables as V
from . import vocab
from .render import MISSING_START, VALUE_END, VALUE_START

ANNEX_MARKER = "[[annexe]]"


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    kind: str = "text"          # "text" | "value" | "missing"


@dataclass
class Block:
    kind: str                   # "heading" | "paragraph" | "bullets" | "table"
    runs: list = field(default_factory=list)          # heading, paragraph
    level: int = 0                                     # heading
    items: list = field(default_factory=list)          # bullets: list of run lists
    header: list = field(default_factory=list)         # table
    rows: list = field(default_factory=list)           # table: list of lists of str
    caption: str = ""


@dataclass
class ClauseDocument:
    title: str
    blocks: list
    meta: list = field(default_factory=list)      # (label, value) pairs shown under the title
    notice: str = ""                              # licence / provenance line at the end

    def plain_text(self) -> str:
        lines = [self.title]
        for block in self.blocks:
            if block.kind in ("heading", "paragraph"):
                lines.append("".join(r.text for r in block.runs))
            elif block.kind == "bullets":
                lines.extend("- " + "".join(r.text for r in item) for item in block.items)
            elif block.kind == "table":
                lines.append(block.caption)
                lines.extend(" | ".join(row) for row in [block.header, *block.rows])
        return "\n".join(lines)


def parse_inline(line: str) -> list[Run]:
    """Split one line into runs: literal text (with ``**`` bold toggles) and value runs."""
    runs: list[Run] = []
    bold = False
    i, buffer = 0, []

    def flush():
        if buffer:
            runs.append(Run("".join(buffer), bold))
            buffer.clear()

    while i < len(line):
        char = line[i]
        if char in (VALUE_START, MISSING_START):
            flush()
            end = line.find(VALUE_END, i + 1)
            end = len(line) if end < 0 else end
            text = line[i + 1:end]
            if text:
                runs.append(Run(text, bold, "missing" if char == MISSING_START else "value"))
            i = end + 1
            continue
        if line.startswith("**", i):
            flush()
            bold = not bold
            i += 2
            continue
        if char != VALUE_END:
            buffer.append(char)
        i += 1
    flush()
    return _merge(runs)


def _merge(runs: list[Run]) -> list[Run]:
    merged: list[Run] = []
    for run in runs:
        if merged and merged[-1].bold == run.bold and merged[-1].kind == run.kind:
            merged[-1] = Run(merged[-1].text + run.text, run.bold, run.kind)
        else:
            merged.append(run)
    return merged


def parse(text: str, annex: Block | None = None) -> list[Block]:
    """Blocks of a rendered body. ``annex`` replaces the ``[[annexe]]`` line (or is appended)."""
    blocks: list[Block] = []
    paragraph: list[str] = []
    bullets: list[list[Run]] = []
    annex_placed = False

    def close():
        if paragraph:
            blocks.append(Block("paragraph", runs=parse_inline(" ".join(paragraph))))
            paragraph.clear()
        if bullets:
            blocks.append(Block("bullets", items=list(bullets)))
            bullets.clear()

    for raw_line in text.splitlines():
        line = raw_line.strip()
        if not line:
            close()
            continue
        if line == ANNEX_MARKER:
            close()
            if annex is not None:
                blocks.append(annex)
                annex_placed = True
            continue
        heading = len(line) - len(line.lstrip("#"))
        if 1 <= heading <= 3 and line[heading:heading + 1] == " ":
            close()
            blocks.append(Block("heading", runs=parse_inline(line[heading + 1:].strip()),
                                level=heading))
            continue
        if line.startswith("- "):
            if paragraph:
                close()
            bullets.append(parse_inline(line[2:].strip()))
            continue
        if bullets:
            close()
        paragraph.append(line)
    close()
    blocks = [b for b in blocks if b.kind in ("table", "bullets") or
              any(r.text.strip() for r in b.runs)]
    if annex is not None and not annex_placed:
        blocks.append(annex)
    return blocks


# --------------------------------------------------------------------------------- annex
ANNEX_HEADER = ("N°", "Jeu de données", "Schéma", "Format", "Fréquence", "Première livraison",
                "Délai de livraison", "Canal", "Jeu attendu sur le portail")
ANNEX_HEADER_EN = ("No.", "Dataset", "Schema", "Format", "Frequency", "First delivery",
                   "Delivery delay", "Channel", "Expected portal dataset")


def annex_rows(rows: list[dict]) -> list[list[str]]:
    """Display strings of the delivery annex, one list per row, in :data:`ANNEX_HEADER` order."""
    columns = {c.name: c for c in V.DATASET_COLUMNS}
    out = []
    for index, row in enumerate(rows or [], start=1):
        def show(name):
            return V.display(columns[name], row.get(name))
        deadline = row.get("deadline_days")
        out.append([
            str(index), show("title"), row.get("schema") or "", show("format"), show("frequency"),
            show("first_delivery"),
            "" if deadline in (None, "") else f"{deadline} jours après la fin de chaque période",
            show("channel"), row.get("dataset") or "",
        ])
    return out


def annex_block(rows: list[dict]) -> Block:
    return Block("table", header=list(ANNEX_HEADER), rows=annex_rows(rows),
                 caption="Annexe — calendrier de livraison des données")


def build(title: str, rendered_text: str, *, rows=None, has_annex=False, meta=None,
          notice: str = "") -> ClauseDocument:
    annex = annex_block(rows or []) if has_annex else None
    return ClauseDocument(title=title, blocks=parse(rendered_text, annex), meta=meta or [],
                          notice=notice)


def status_label(status: str, lang: str = "fr") -> str:
    return vocab.label(vocab.STATUSES, status, lang)
