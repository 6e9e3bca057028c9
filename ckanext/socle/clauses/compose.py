"""From a stored template version and values to a document and its downloads (pure Python).

The API, the pages and the CLI all go through :func:`build_document` and :func:`export`, so the
same text comes out of every path.
"""
from __future__ import annotations

from . import document, registry, render, vocab, writers
from . import variables as V

FORMATS = {
    "html": ("text/html; charset=utf-8", "html"),
    "md": ("text/markdown; charset=utf-8", "md"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "odt": ("application/vnd.oasis.opendocument.text", "odt"),
    "csv": ("text/csv; charset=utf-8", "csv"),
}


def version_variables(version: dict) -> list[V.Variable]:
    """Variables of a stored version (stored fully declared, so later changes of the shared
    declarations never alter an existing version)."""
    return [V.Variable(**spec) for spec in version.get("variables") or []]


# Every instance records its contract, whether or not the text prints these values: the
# delivery schedule is computed from the contract's dates.
INSTANCE_VARIABLES = ("contract.reference", "contract.object", "contract.start_date",
                      "contract.end_date")


def instance_variables(version: dict) -> list[V.Variable]:
    """The version's variables plus the contract fields every instance records."""
    variables = version_variables(version)
    names = {var.name for var in variables}
    extra = [V.declare(name) for name in INSTANCE_VARIABLES if name not in names]
    return extra + variables


def validate_instance(version: dict, raw: dict) -> tuple[dict, dict]:
    """Clean values and French errors of an instance (contract dates checked together)."""
    clean, errors = V.validate(instance_variables(version), raw)
    start, end = clean.get("contract.start_date"), clean.get("contract.end_date")
    if start and end and end < start:
        errors["contract.end_date"] = "« Date de fin » : elle précède la date de prise d'effet."
    return clean, errors


def notice(template: dict, version: dict) -> str:
    licence = vocab.label(vocab.TEXT_LICENCES, template.get("text_licence"))
    parts = [f"Modèle « {template['slug']} », version {version['number']}",
             f"texte sous {licence}"]
    if template.get("attribution"):
        parts.append(template["attribution"])
    return " — ".join(parts)


def build_document(template: dict, version: dict, clean: dict, *, preview: bool = False,
                   meta=None, max_chars: int = render.MAX_OUTPUT_CHARS) -> document.ClauseDocument:
    """Render ``version`` with clean values; raises :class:`render.ClauseRenderError`."""
    variables = version_variables(version)
    rendered = render.render_text(version["body"], variables, clean, preview=preview,
                                  max_chars=max_chars)
    return document.build(template["title"], rendered.text, rows=clean.get("datasets") or [],
                          has_annex=registry.has_annex(variables), meta=meta or [],
                          notice=notice(template, version))


def instance_meta(instance: dict, organization_title: str = "") -> list[tuple[str, str]]:
    meta = [("Contrat", instance["contract_reference"])]
    if instance.get("contract_object"):
        meta.append(("Objet", instance["contract_object"]))
    if organization_title:
        meta.append(("Autorité contractante", organization_title))
    return meta


def export(doc: document.ClauseDocument, fmt: str) -> bytes:
    """Bytes of ``doc`` in ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "html":
        return writers.to_html(doc, standalone=True).encode("utf-8")
    if fmt == "md":
        return writers.to_markdown(doc).encode("utf-8")
    if fmt == "docx":
        return writers.to_docx(doc)
    if fmt == "odt":
        return writers.to_odt(doc)
    if fmt == "csv":
        table = next((b for b in doc.blocks if b.kind == "table"), None)
        return writers.annex_csv(table.rows if table else [])
    raise ValueError(f"unknown format {fmt!r}")
