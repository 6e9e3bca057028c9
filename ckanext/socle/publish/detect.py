"""Which SCDL schema (and version) a file follows, from its header; who published it.

Pure functions, no CKAN import. Headers and rows come from the conformity engine's reader
(``ckanext.socle.conformity.reader``); see :func:`read_head`.

Schema detection scores every version of every schema of the catalogue against the header:

- each header is paired with at most one field, best pairs first: exact name (1.0), same name
  ignoring case (0.95), same name ignoring accents, spaces, ``_``, ``-`` and ``*`` (0.9), the
  field's French title (0.8), a fuzzy match of the name (0.7 x similarity) or of the title
  (0.6 x similarity), a title that starts with the header's words or the reverse (0.5);
- ``coverage``: the matched share of the schema's fields (a required field weighs 2);
- ``precision``: the matched share of the file's non-empty headers;
- ``score = 100 x (0.6 x coverage + 0.4 x precision)``; equal scores are decided by the
  column order (deliberations 1.1.0 and 2.1.5 have the same names in another order), then by the
  newest version. Versions with exactly the same column names are reported as equivalent.

The header is looked for among the first records (empty lines and group-title rows above the real
header are common in spreadsheet exports).
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterable, Iterator, List, Optional, Sequence

from ..conformity.messages import fold

HEADER_SCAN_ROWS = 10
MAX_HEADER_CHARS = 120  # longer cells are data, not column names

# Levels of a detection.
SURE = "sure"  # the header follows a schema version: confirm and go
PROBABLE = "probable"  # close enough to propose, the publisher must confirm
POSSIBLE = "possible"  # weak, shown as a suggestion among others
UNKNOWN = "inconnu"
AMBIGUOUS = "ambigu"

SURE_SCORE = 85.0
PROBABLE_SCORE = 50.0
POSSIBLE_SCORE = 25.0
AMBIGUITY_GAP = 5.0

_SEPARATORS = re.compile(r"[\s_\-*.'’/()]+")
_WORD = re.compile(r"[a-z0-9]+")


def normalise_label(label: Any) -> str:
    """``" Nom attributaire* "`` -> ``nomattributaire``: no case, accents, spaces or punctuation."""
    return _SEPARATORS.sub("", fold(str(label or "")))


def _words(label: str) -> List[str]:
    return _WORD.findall(fold(label))


@dataclass
class FieldMatch:
    header: str
    column: int  # 0-based position in the file
    field: str
    how: str  # exact | casse | forme | titre | approx | approx_titre | debut_titre
    quality: float

    def to_dict(self) -> dict:
        return {"header": self.header, "column": self.column, "field": self.field, "how": self.how,
                "quality": round(self.quality, 3)}


@dataclass
class Candidate:
    name: str
    version: str
    title: str
    score: float
    coverage: float
    precision: float
    order: float  # share of matched pairs that keep the schema's order
    matches: List[FieldMatch]
    missing_required: List[str]
    missing_optional: List[str]
    extra_headers: List[str]
    equivalent_versions: List[str] = field(default_factory=list)
    reasons: List[str] = field(default_factory=list)

    @property
    def spec(self) -> str:
        return f"{self.name}@{self.version}"

    def mapping(self) -> dict:
        """header -> field name, for the matched columns."""
        return {m.header: m.field for m in self.matches}

    def column_of(self, field_name: str) -> Optional[int]:
        for match in self.matches:
            if match.field == field_name:
                return match.column
        return None

    def to_dict(self) -> dict:
        return {
            "schema_name": self.name,
            "schema_version": self.version,
            "title": self.title,
            "score": round(self.score, 1),
            "coverage": round(self.coverage, 3),
            "precision": round(self.precision, 3),
            "order": round(self.order, 3),
            "matches": [m.to_dict() for m in self.matches],
            "missing_required": list(self.missing_required),
            "missing_optional": list(self.missing_optional),
            "extra_headers": list(self.extra_headers),
            "equivalent_versions": list(self.equivalent_versions),
            "reasons": list(self.reasons),
        }


@dataclass
class Detection:
    status: str  # sure | probable | possible | ambigu | inconnu
    header_row: int  # 1-based record number of the header line
    headers: List[str]
    candidates: List[Candidate]  # best first, one per schema (its best version)
    message: str

    @property
    def best(self) -> Optional[Candidate]:
        return self.candidates[0] if self.candidates and self.status != UNKNOWN else None

    def to_dict(self) -> dict:
        best = self.best
        return {
            "status": self.status,
            "message": self.message,
            "header_row": self.header_row,
            "headers": list(self.headers),
            "schema_name": best.name if best else None,
            "schema_version": best.version if best else None,
            "score": round(best.score, 1) if best else 0,
            "candidates": [c.to_dict() for c in self.candidates],
        }


# ---------------------------------------------------------------------------------------------
# Pairing headers and fields
# ---------------------------------------------------------------------------------------------
def _ratio(a: str, b: str, floor: float = 0.85) -> float:
    """difflib's similarity, 0 when it cannot reach ``floor`` (checked on the lengths first)."""
    if not a or not b or 2.0 * min(len(a), len(b)) / (len(a) + len(b)) < floor:
        return 0.0
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.quick_ratio() < floor:
        return 0.0
    return matcher.ratio()


@lru_cache(maxsize=4096)
def _keys(label: str) -> tuple[str, tuple[str, ...]]:
    return normalise_label(label), tuple(_words(label))


def _prefix_words(short: List[str], long: List[str]) -> bool:
    return bool(short) and len(short) < len(long) and long[: len(short)] == short and len("".join(short)) >= 4


def pair_quality(header: str, name: str, title: str = "") -> tuple[float, str]:
    """How well one header names one field: (quality 0..1, how)."""
    if header == name:
        return 1.0, "exact"
    if header.strip().casefold() == name.casefold():
        return 0.95, "casse"
    (key, header_words), (name_key, _) = _keys(header), _keys(name)
    if not key or len(key) > MAX_HEADER_CHARS:
        return 0.0, ""
    if key == name_key:
        return 0.9, "forme"
    title_key, title_words = _keys(title)
    if title_key and key == title_key:
        return 0.8, "titre"
    best, how = 0.0, ""
    ratio = _ratio(key, name_key)
    if ratio >= 0.85:
        best, how = 0.7 * ratio, "approx"
    if title_key:
        ratio = _ratio(key, title_key)
        if ratio >= 0.85 and 0.6 * ratio > best:
            best, how = 0.6 * ratio, "approx_titre"
        if best < 0.5 and (_prefix_words(list(header_words), list(title_words))
                           or _prefix_words(list(title_words), list(header_words))):
            best, how = 0.5, "debut_titre"
    return best, how


def _pair(headers: Sequence[str], fields: Sequence[dict]) -> List[FieldMatch]:
    """One-to-one pairing, best pairs first (greedy on quality, then position)."""
    pairs = []
    for column, header in enumerate(headers):
        if not header:
            continue
        for index, spec in enumerate(fields):
            quality, how = pair_quality(header, spec.get("name", ""), spec.get("title") or "")
            if quality > 0:
                pairs.append((-quality, abs(column - index), column, index, how, quality))
    pairs.sort()
    used_columns, used_fields, matches = set(), set(), []
    for _, _, column, index, how, quality in pairs:
        if column in used_columns or index in used_fields:
            continue
        used_columns.add(column)
        used_fields.add(index)
        matches.append(FieldMatch(headers[column], column, fields[index]["name"], how, quality))
    return sorted(matches, key=lambda m: m.column)


def _order_ratio(matches: List[FieldMatch], fields: Sequence[dict]) -> float:
    """Longest run of matched fields kept in the schema's order, over the matched count."""
    if len(matches) < 2:
        return 1.0
    position = {spec["name"]: index for index, spec in enumerate(fields)}
    sequence = [position[m.field] for m in matches]
    # longest increasing subsequence, O(n^2) is fine for a header
    best = [1] * len(sequence)
    for i in range(len(sequence)):
        for j in range(i):
            if sequence[j] < sequence[i] and best[j] + 1 > best[i]:
                best[i] = best[j] + 1
    return max(best) / len(sequence)


def _required(spec: dict) -> bool:
    constraints = spec.get("constraints")
    return bool(isinstance(constraints, dict) and constraints.get("required"))


def score_entry(headers: Sequence[str], entry) -> Candidate:
    """Score one catalogue entry (``SchemaEntry``) against a header."""
    fields = entry.fields
    matches = _pair(headers, fields)
    quality = {m.field: m.quality for m in matches}
    weights = {spec["name"]: 2.0 if _required(spec) else 1.0 for spec in fields}
    total_weight = sum(weights.values()) or 1.0
    coverage = sum(weights[name] * q for name, q in quality.items()) / total_weight
    present = [h for h in headers if h]
    precision = sum(quality.values()) / len(present) if present else 0.0
    score = 100.0 * (0.6 * coverage + 0.4 * precision)
    matched_columns = {m.column for m in matches}
    candidate = Candidate(
        name=entry.name,
        version=entry.version,
        title=entry.title,
        score=score,
        coverage=coverage,
        precision=precision,
        order=_order_ratio(matches, fields),
        matches=matches,
        missing_required=[s["name"] for s in fields if _required(s) and s["name"] not in quality],
        missing_optional=[s["name"] for s in fields if not _required(s) and s["name"] not in quality],
        extra_headers=[h for i, h in enumerate(headers) if h and i not in matched_columns],
    )
    candidate.reasons = _reasons(candidate, len(fields))
    return candidate


_HOW_LABELS = {
    "exact": "nom exact du champ",
    "casse": "même nom, casse différente",
    "forme": "même nom, écriture différente (accents, espaces, tirets)",
    "titre": "libellé du champ au lieu de son nom",
    "approx": "nom proche",
    "approx_titre": "libellé proche",
    "debut_titre": "début du libellé",
}


def _quote(names: Iterable[str], limit: int = 6) -> str:
    names = list(names)
    shown = ", ".join(f"« {n} »" for n in names[:limit])
    return shown + (f" et {len(names) - limit} autre(s)" if len(names) > limit else "")


def _reasons(candidate: Candidate, field_count: int) -> List[str]:
    reasons = []
    exact = [m for m in candidate.matches if m.how == "exact"]
    reasons.append(
        f"{len(candidate.matches)} colonne(s) sur {len(candidate.matches) + len(candidate.extra_headers)} "
        f"reconnue(s) parmi les {field_count} champs du schéma, dont {len(exact)} au nom exact."
    )
    for how in ("casse", "forme", "titre", "approx", "approx_titre", "debut_titre"):
        found = [m for m in candidate.matches if m.how == how]
        if found:
            pairs = ", ".join(f"« {m.header} » → {m.field}" for m in found[:5])
            more = f" et {len(found) - 5} autre(s)" if len(found) > 5 else ""
            reasons.append(f"{_HOW_LABELS[how].capitalize()} : {pairs}{more}.")
    if candidate.missing_required:
        reasons.append(f"Colonne(s) obligatoire(s) absente(s) : {_quote(candidate.missing_required)}.")
    if candidate.missing_optional:
        reasons.append(f"Colonne(s) facultative(s) absente(s) : {_quote(candidate.missing_optional)}.")
    if candidate.extra_headers:
        reasons.append(f"Colonne(s) en plus, hors schéma : {_quote(candidate.extra_headers)}.")
    if candidate.order < 1.0 and candidate.matches:
        reasons.append("Les colonnes ne sont pas dans l'ordre du schéma (ce n'est qu'un avertissement).")
    return reasons


# ---------------------------------------------------------------------------------------------
# Detection over the catalogue
# ---------------------------------------------------------------------------------------------
def _clean_headers(record: Sequence[Any]) -> List[str]:
    return [("" if value is None else str(value)).strip().lstrip("\ufeff") for value in record]


def _could_be_header(headers: List[str]) -> bool:
    """Non-empty, and mostly short text cells (not numbers, not paragraphs)."""
    filled = [h for h in headers if h]
    if not filled:
        return False
    texty = [h for h in filled if len(h) <= MAX_HEADER_CHARS and not re.fullmatch(r"[\d\s.,:/\-]+", h)]
    return len(texty) * 2 >= len(filled)


def _rank_key(candidate: Candidate, newest_index: int):
    return (-round(candidate.score, 6), -candidate.order, newest_index)


def score_header(headers: Sequence[str], catalogue, include_retired: bool = True) -> List[Candidate]:
    """Best version of each schema, best schema first."""
    grouped: dict = {}
    for entry in catalogue.entries():  # newest first within each schema
        grouped.setdefault(entry.name, []).append(entry)
    by_schema = {}
    for name, entries in grouped.items():
        if not include_retired and entries[0].status != "active":
            continue
        scored = [(score_entry(headers, entry), index) for index, entry in enumerate(entries)]
        scored.sort(key=lambda pair: _rank_key(pair[0], pair[1]))
        best = scored[0][0]
        names = [m.field for m in best.matches]
        best.equivalent_versions = [
            c.version for c, _ in scored[1:]
            if abs(c.score - best.score) < 1e-9 and [m.field for m in c.matches] == names and c.order == best.order
        ]
        if best.equivalent_versions:
            best.reasons.append(
                "Ces colonnes sont aussi exactement celles de la version "
                f"{', '.join(best.equivalent_versions)} : la plus récente est proposée."
            )
        if best.version != entries[0].version:
            best.reasons.append(
                f"Version ancienne reconnue : les colonnes suivent la version {best.version} "
                f"(la plus récente est la {entries[0].version})."
            )
        by_schema[name] = best
    return sorted(by_schema.values(), key=lambda c: (-c.score, -c.order))


def detect_schema(records: Sequence[Sequence[Any]], catalogue=None, *, scan_rows: int = HEADER_SCAN_ROWS,
                  include_retired: bool = True) -> Detection:
    """Detect the schema of a table from its first records (the header among them)."""
    if catalogue is None:
        from ..catalogue import get_catalogue

        catalogue = get_catalogue()
    best_row, best_candidates, best_headers = 0, [], []
    for number, record in enumerate(records[:scan_rows]):
        headers = _clean_headers(record)
        if not _could_be_header(headers):
            continue
        candidates = score_header(headers, catalogue, include_retired)
        if not best_headers or (candidates and candidates[0].score > best_candidates[0].score + 1e-9):
            best_row, best_candidates, best_headers = number, candidates, headers
        if best_candidates and best_candidates[0].score >= SURE_SCORE:
            break
    if not best_headers:
        return Detection(UNKNOWN, 0, [], [], "Le fichier ne contient aucune ligne d'en-tête lisible.")
    status, message = _verdict(best_candidates)
    if best_row > 0 and best_candidates and status != UNKNOWN:
        best_candidates[0].reasons.append(
            f"L'en-tête est à la ligne {best_row + 1} : les lignes au-dessus seront à retirer."
        )
    return Detection(status, best_row + 1, best_headers, best_candidates[:5], message)


def _verdict(candidates: List[Candidate]) -> tuple[str, str]:
    if not candidates or candidates[0].score < POSSIBLE_SCORE:
        return UNKNOWN, (
            "Aucun schéma du socle ne correspond aux colonnes de ce fichier. Vérifiez que la première "
            "ligne contient bien les noms de colonnes du schéma, ou choisissez le schéma vous-même."
        )
    best = candidates[0]
    runner = candidates[1] if len(candidates) > 1 else None
    if runner and runner.score >= POSSIBLE_SCORE and best.score - runner.score < AMBIGUITY_GAP \
            and best.score < SURE_SCORE:
        return AMBIGUOUS, (
            f"Les colonnes ressemblent autant au schéma « {best.title} » qu'au schéma « {runner.title} » : "
            "choisissez celui que suit votre fichier."
        )
    label = f"« {best.title} », version {best.version} (score {best.score:.0f}/100)"
    if best.score >= SURE_SCORE:
        return SURE, f"Schéma reconnu : {label}."
    if best.score >= PROBABLE_SCORE:
        return PROBABLE, f"Schéma probable : {label}. Confirmez-le ou choisissez-en un autre."
    return POSSIBLE, f"Schéma possible : {label}, avec peu de colonnes en commun. Confirmez-le ou choisissez-en un autre."


# ---------------------------------------------------------------------------------------------
# Reading the head of a file with the conformity engine's reader
# ---------------------------------------------------------------------------------------------
def iter_table(path: str, *, name: Optional[str] = None, max_bytes: Optional[int] = None):
    """(TableSource, records iterator) for a local file, through the engine's reader. The caller
    cleans up with ``table.cleanup()``. Raises ``reader.SourceProblem`` on unreadable input."""
    from ..conformity import reader

    table = reader.prepare(path, max_bytes=max_bytes, name=name)
    return table, reader.iter_records(table)


def read_head(path: str, rows: int = HEADER_SCAN_ROWS + 200, *, name: Optional[str] = None,
              max_bytes: Optional[int] = None) -> tuple[dict, List[List[Any]]]:
    """(source description, first records) of a local file."""
    table, records = iter_table(path, name=name, max_bytes=max_bytes)
    try:
        head = []
        for record in records:
            head.append(record)
            if len(head) >= rows:
                break
        return table.describe(), head
    finally:
        close = getattr(records, "close", None)
        if close:
            close()
        table.cleanup()


def data_rows(records: Iterable[Sequence[Any]], header_row: int) -> Iterator[tuple[int, Sequence[Any]]]:
    """(1-based record number, record) of the records below the header line."""
    for number, record in enumerate(records, start=1):
        if number > header_row:
            yield number, record
