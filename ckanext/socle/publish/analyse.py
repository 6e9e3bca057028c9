"""One pass over a dropped file: schema, authority, period, conformity and personal data.

No CKAN import: the caller passes the portal's organisations, a commune look-up and the settings,
so the same function serves the page, the API action and the tests.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Optional, Sequence

from ..catalogue import UnknownSchema, get_catalogue
from ..privacy import Settings as PrivacySettings
from ..privacy import scan
from . import authority, detect, prefill


class PublishProblem(Exception):
    """Bad input, explained in French; ``code`` for API clients."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


SOURCE_MESSAGES = {
    "empty-file": "Le fichier est vide : il ne contient ni en-tête ni ligne de données.",
    "too-large": "Le fichier est trop volumineux pour être publié ici ({limit}). Découpez-le (par année, par "
                 "exemple) ou demandez à un administrateur du portail de le charger.",
    "format-error": "Ce fichier n'est pas un tableau lisible (CSV, XLSX, XLS ou ODS) : {detail}.",
    "encoding-error": "Les caractères du fichier sont illisibles (encodage inconnu). Enregistrez-le en UTF-8.",
}


def size_label(limit: Optional[int]) -> str:
    if not limit:
        return "taille maximale dépassée"
    return f"{limit / 1048576:.0f} Mo au plus" if limit >= 1048576 else f"{limit // 1024} Ko au plus"


@dataclass
class Settings:
    max_bytes: Optional[int] = 50 * 1048576
    privacy: PrivacySettings = field(default_factory=PrivacySettings)
    publishable: Optional[Sequence[str]] = None  # dataset types of the portal (None: every active schema)
    validate: bool = True


def _source_problem(problem, max_bytes: Optional[int]) -> PublishProblem:
    code = getattr(problem, "code", "source-error")
    template = SOURCE_MESSAGES.get(code, "Le fichier ne peut pas être lu : {detail}.")
    detail = getattr(problem, "detail", "") or str(problem)
    return PublishProblem(code, template.format(limit=size_label(max_bytes), detail=detail))


def _read(path: str, name: str, max_bytes: Optional[int], header_scan: int = detect.HEADER_SCAN_ROWS):
    from ..conformity.reader import SourceProblem

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            source, head = detect.read_head(path, rows=header_scan, name=name, max_bytes=max_bytes)
    except SourceProblem as problem:
        raise _source_problem(problem, max_bytes) from None
    return source, head


def _rows(path: str, name: str, header_row: int, max_bytes: Optional[int]) -> Iterator[tuple]:
    """(record number, record) below the header, streamed (the file is read again on each call,
    so that a large file is never held in memory)."""
    from ..conformity.reader import SourceProblem

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            table, records = detect.iter_table(path, name=name, max_bytes=max_bytes)
            try:
                yield from detect.data_rows(records, header_row)
            finally:
                table.cleanup()
    except SourceProblem as problem:
        raise _source_problem(problem, max_bytes) from None


class _Counted:
    """Records of an iterator, counted as they pass."""

    def __init__(self, rows: Iterable[tuple]):
        self.rows, self.count = rows, 0

    def __iter__(self):
        for number, record in self.rows:
            self.count += 1
            yield record


def _chosen(detection: detect.Detection, schema: Optional[str]):
    """The catalogue entry to use: the publisher's choice, else the detected one (or None)."""
    catalogue = get_catalogue()
    if schema:
        try:
            return catalogue.resolve(schema), True
        except UnknownSchema as error:
            raise PublishProblem("unknown-schema", str(error)) from None
    best = detection.best
    if best is None or detection.status == detect.AMBIGUOUS:
        return None, False
    return catalogue.resolve(best.spec), False


def analyse(path: str, *, filename: str, schema: Optional[str] = None, owner_org: Optional[str] = None,
            organisations: Sequence[dict] = (), find_commune: Optional[Callable[..., Optional[dict]]] = None,
            settings: Optional[Settings] = None) -> dict:
    """Everything the review step shows. Raises PublishProblem for a file that cannot be read."""
    settings = settings or Settings()
    source, head = _read(path, filename, settings.max_bytes)
    detection = detect.detect_schema(head)
    if not detection.headers:
        raise PublishProblem("empty-file", SOURCE_MESSAGES["empty-file"])
    entry, chosen_by_user = _chosen(detection, schema)
    headers = detection.headers
    mapping = None
    if entry is not None:
        mapping = detect.score_entry(headers, entry).mapping()
    rows = lambda: _rows(path, filename, detection.header_row, settings.max_bytes)  # noqa: E731
    counted = _Counted(rows())
    coverage = prefill.temporal_coverage(headers, counted, mapping)
    for _ in counted:  # what the period did not read (no date column): still counted
        pass
    if not counted.count:
        raise PublishProblem("no-rows", "Le fichier ne contient que la ligne d'en-tête : aucune donnée à publier.")
    evidence = authority.collect(headers, (record for _, record in rows()), mapping)
    found = authority.match(evidence, organisations, find_commune)
    if owner_org:
        chosen = next((o for o in organisations if owner_org in (o.get("id"), o.get("name"))), None)
        if chosen is not None and (found.organisation or {}).get("id") != chosen.get("id"):
            found.reasons.append(f"Organisation choisie par le publieur : {chosen.get('title') or chosen.get('name')}.")
            found.organisation = authority._org_summary(chosen)
            found.status = authority.FOUND
            found.by = "choix"
    privacy = scan(headers, rows(), mapping=mapping, schema_name=entry.name if entry else None,
                   settings=settings.privacy)
    result: dict[str, Any] = {
        "file": {**source, "name": filename, "rows": counted.count, "header_row": detection.header_row},
        "detection": detection.to_dict(),
        "schema": None,
        "authority": {**found.to_dict(), "evidence": evidence.to_dict()},
        "temporal_coverage": coverage,
        "privacy": privacy.to_dict(),
        "conformity": None,
        "proposal": None,
        "problems": [],
    }
    if entry is None:
        result["problems"].append({"code": "schema-" + detection.status, "message": detection.message})
        return result
    result["schema"] = {"name": entry.name, "version": entry.version, "title": entry.title, "url": entry.url,
                        "chosen_by_user": chosen_by_user, "status": entry.status}
    if settings.publishable is not None and entry.name not in settings.publishable:
        note = entry.warnings[-1] if entry.status != "active" and entry.warnings else ""
        result["problems"].append({
            "code": "schema-not-publishable",
            "message": f"Le schéma « {entry.title} » n'est pas un type de jeu de données de ce portail. {note}".strip(),
        })
    if settings.validate:
        from ..conformity import Options, validate

        report = validate(path, entry.spec, options=Options(max_bytes=settings.max_bytes, max_errors_listed=200),
                          name=filename)
        conformity = report.to_dict()
        conformity["privacy"] = result["privacy"]
        result["conformity"] = conformity
    commune = found.commune or {}
    place_code = commune.get("code") or evidence.insee_code or ""
    org = found.organisation or {}
    communes = [commune["code"]] if commune.get("code") else ([evidence.insee_code] if evidence.insee_code else [])
    result["proposal"] = prefill.proposal(
        schema_name=entry.name, schema_title=entry.title,
        authority_title=org.get("title") or commune.get("name") or evidence.name or "",
        place_code=place_code or org.get("name") or "", communes=communes, coverage=coverage,
    )
    result["proposal"]["owner_org"] = org.get("id")
    result["proposal"]["schema_version"] = entry.version
    if found.status != authority.FOUND:
        result["problems"].append({"code": "authority-" + found.status, "message": found.message})
    return result
