"""Who publishes a file: the authority's SIRET/SIREN (or INSEE code) read from its columns.

Pure functions, no CKAN import. :func:`collect` reads the identifiers of the publishing authority
from the rows (``COLL_SIRET``, ``idAttribuant``, ``BGT_SIRET``...); :func:`match` compares them
with the portal's organisations (``siren``/``insee_code`` fields) and the commune reference data
(passed in as a look-up function, so the caller decides where they come from).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, List, Optional, Sequence

from .. import identifiers
from .detect import normalise_label

# Schema fields that hold the publishing authority's identifier, with the field of its name.
AUTHORITY_FIELDS = {
    "COLL_SIRET": "COLL_NOM",
    "idAttribuant": "nomAttribuant",
    "BGT_SIRET": "BGT_NOM",
    "menuCollSiret": "menuCollNom",
    "menu_coll_siret": "menu_coll_nom",
    "platCollSiret": "platCollNom",
    "ACHETEURS_ID": "ACHETEURS_NOM",
    "siren_amenageur": "nom_amenageur",
    "COLL_INSEE": "COMMUNE_NOM",  # prénoms: the commune's INSEE code
}
# Without a recognised schema: header words that name the authority's identifier column.
_ID_WORDS = ("siret", "siren", "insee")
_AUTHORITY_WORDS = ("coll", "attribuant", "autorite", "acheteur", "bgt", "organisme")
_NOT_AUTHORITY_WORDS = ("beneficiaire", "attributaire", "titulaire", "fournisseur", "etab", "restaurant")
_SCIENTIFIC = re.compile(r"^\d+(?:[.,]\d+)?[eE]\+?\d+$")
_FLOAT_ZERO = re.compile(r"^(\d+)[.,]0+$")


@dataclass
class Identifier:
    raw: str
    kind: str  # siret | siren | insee | abime (spreadsheet-damaged) | invalide
    siren: Optional[str] = None
    siret: Optional[str] = None
    insee: Optional[str] = None


def read_identifier(value: Any) -> Optional[Identifier]:
    """Classify one cell of an authority column; None for an empty cell."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    raw = str(value).strip()
    if not raw:
        return None
    compact = re.sub(r"[\s\u00a0\u202f]", "", raw)
    if _SCIENTIFIC.match(compact):
        return Identifier(raw, "abime")
    zero = _FLOAT_ZERO.match(compact)
    text = zero.group(1) if zero else identifiers.normalise(raw)
    if identifiers.is_insee_commune_code(text) and len(text) == 5:
        return Identifier(raw, "insee", insee=text.upper())
    if text.isdigit() and len(text) == 13 and identifiers.is_siret("0" + text):
        text = "0" + text  # a leading zero lost in a spreadsheet
    if identifiers.is_siret(text):
        return Identifier(raw, "siret", siren=text[:9], siret=text)
    if identifiers.is_siren(text):
        return Identifier(raw, "siren", siren=text)
    return Identifier(raw, "invalide")


@dataclass
class Evidence:
    """What the authority columns of a file say."""

    column: Optional[str] = None  # header of the identifier column
    schema_field: Optional[str] = None  # its schema field, when known
    name_column: Optional[str] = None
    rows: int = 0
    sirens: Counter = field(default_factory=Counter)
    sirets: Counter = field(default_factory=Counter)
    insee: Counter = field(default_factory=Counter)
    names: Counter = field(default_factory=Counter)
    damaged: int = 0
    invalid: int = 0
    invalid_samples: List[str] = field(default_factory=list)

    @property
    def siren(self) -> Optional[str]:
        return self.sirens.most_common(1)[0][0] if self.sirens else None

    @property
    def insee_code(self) -> Optional[str]:
        return self.insee.most_common(1)[0][0] if self.insee else None

    @property
    def name(self) -> Optional[str]:
        return self.names.most_common(1)[0][0] if self.names else None

    def to_dict(self) -> dict:
        return {
            "column": self.column,
            "field": self.schema_field,
            "name_column": self.name_column,
            "rows": self.rows,
            "siren": self.siren,
            "sirens": dict(self.sirens.most_common(10)),
            "sirets": dict(self.sirets.most_common(10)),
            "insee_codes": dict(self.insee.most_common(10)),
            "names": dict(self.names.most_common(5)),
            "damaged": self.damaged,
            "invalid": self.invalid,
            "invalid_samples": list(self.invalid_samples),
        }


def authority_columns(headers: Sequence[str], mapping: Optional[dict] = None) -> tuple[Optional[int], Optional[int], Optional[str]]:
    """(identifier column, name column, schema field) of the authority; ``mapping`` is the
    detected header -> field mapping (None when no schema was recognised)."""
    mapping = mapping or {}
    by_field = {name: headers.index(header) for header, name in mapping.items() if header in headers}
    for id_field, name_field in AUTHORITY_FIELDS.items():
        if id_field in by_field:
            return by_field[id_field], by_field.get(name_field), id_field
    for index, header in enumerate(headers):
        key = normalise_label(header)
        if any(w in key for w in _ID_WORDS) and any(w in key for w in _AUTHORITY_WORDS) \
                and not any(w in key for w in _NOT_AUTHORITY_WORDS):
            name_index = None
            for other, label in enumerate(headers):
                other_key = normalise_label(label)
                if other != index and "nom" in other_key and any(w in other_key for w in _AUTHORITY_WORDS) \
                        and not any(w in other_key for w in _NOT_AUTHORITY_WORDS):
                    name_index = other
                    break
            return index, name_index, None
    return None, None, None


def collect(headers: Sequence[str], rows: Iterable[Sequence[Any]], mapping: Optional[dict] = None,
            *, max_rows: Optional[int] = 5000) -> Evidence:
    """Read the authority columns over the data rows (records below the header)."""
    column, name_column, field_name = authority_columns(headers, mapping)
    evidence = Evidence(
        column=headers[column] if column is not None else None,
        schema_field=field_name,
        name_column=headers[name_column] if name_column is not None else None,
    )
    if column is None:
        return evidence
    for count, row in enumerate(rows):
        if max_rows is not None and count >= max_rows:
            break
        evidence.rows += 1
        found = read_identifier(row[column] if column < len(row) else None)
        if name_column is not None and name_column < len(row) and row[name_column] not in (None, ""):
            evidence.names[str(row[name_column]).strip()] += 1
        if found is None:
            continue
        if found.kind == "siret":
            evidence.sirets[found.siret] += 1
            evidence.sirens[found.siren] += 1
        elif found.kind == "siren":
            evidence.sirens[found.siren] += 1
        elif found.kind == "insee":
            evidence.insee[found.insee] += 1
        elif found.kind == "abime":
            evidence.damaged += 1
        else:
            evidence.invalid += 1
            if len(evidence.invalid_samples) < 3 and found.raw not in evidence.invalid_samples:
                evidence.invalid_samples.append(found.raw[:40])
    return evidence


# ---------------------------------------------------------------------------------------------
# Matching with the portal's organisations and the commune reference data
# ---------------------------------------------------------------------------------------------
FOUND = "organisation"  # an organisation of the portal
COMMUNE_ONLY = "commune"  # a known commune, no organisation for it on the portal
UNKNOWN = "inconnue"  # identifiers found, nobody known
MISSING = "absente"  # no usable identifier in the file


@dataclass
class Match:
    status: str
    message: str
    organisation: Optional[dict] = None  # {"id", "name", "title"}
    commune: Optional[dict] = None  # {"code", "name", "siren"}
    siren: Optional[str] = None
    by: Optional[str] = None  # siren | insee | nom
    reasons: List[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "status": self.status,
            "message": self.message,
            "organisation": self.organisation,
            "commune": self.commune,
            "siren": self.siren,
            "by": self.by,
            "reasons": list(self.reasons),
        }


def _org_summary(org: dict) -> dict:
    return {"id": org.get("id"), "name": org.get("name"), "title": org.get("title") or org.get("name")}


def _name_key(text: str) -> str:
    key = normalise_label(text)
    for prefix in ("communede", "villede", "mairiede", "commune", "ville", "mairie"):
        if key.startswith(prefix) and len(key) > len(prefix) + 2:
            return key[len(prefix):]
    return key


def match(evidence: Evidence, organisations: Sequence[dict],
          find_commune: Optional[Callable[..., Optional[dict]]] = None) -> Match:
    """Recognise the authority. ``organisations``: dicts with ``id``, ``name``, ``title``, ``siren``,
    ``insee_code``; ``find_commune(siren=..., insee=...)`` returns ``{"code", "name", "siren"}``."""
    reasons = []
    if evidence.column is None:
        return Match(MISSING, "Aucune colonne ne donne le SIRET ou le SIREN de la collectivité qui publie : "
                              "choisissez l'organisation vous-même.")
    reasons.append(f"Colonne lue : « {evidence.column} » ({evidence.rows} ligne(s)).")
    if evidence.damaged:
        reasons.append(
            f"{evidence.damaged} identifiant(s) abîmé(s) par un tableur (notation scientifique, comme "
            "« 2,43E+13 ») : les chiffres perdus ne peuvent pas être retrouvés."
        )
    if evidence.invalid:
        reasons.append(f"{evidence.invalid} identifiant(s) invalide(s) (clé de contrôle fausse), par exemple "
                       f"« {evidence.invalid_samples[0]} ».")
    if len(evidence.sirens) > 1:
        reasons.append(f"{len(evidence.sirens)} SIREN différents dans le fichier : le plus fréquent est retenu.")
    siren, insee = evidence.siren, evidence.insee_code
    commune = None
    if find_commune is not None and (siren or insee):
        commune = find_commune(siren=siren) if siren else None
        commune = commune or (find_commune(insee=insee) if insee else None)
    for org in organisations:
        org_siren = identifiers.normalise(str(org.get("siren") or ""))
        if siren and org_siren and org_siren[:9] == siren:
            return Match(FOUND, f"Organisation reconnue par son SIREN {siren} : {org.get('title') or org.get('name')}.",
                         _org_summary(org), commune, siren, "siren", reasons)
    codes = {c for c in (insee, (commune or {}).get("code")) if c}
    for org in organisations:
        if org.get("insee_code") and str(org["insee_code"]).upper() in codes:
            return Match(FOUND, f"Organisation reconnue par le code INSEE {org['insee_code']} : "
                                f"{org.get('title') or org.get('name')}.",
                         _org_summary(org), commune, siren, "insee", reasons)
    if not (siren or insee):
        if evidence.name:
            key = _name_key(evidence.name)
            for org in organisations:
                if key and key in {_name_key(org.get("title") or ""), _name_key(org.get("name") or "")}:
                    reasons.append("Aucun identifiant valide : rapprochement par le nom seulement, à vérifier.")
                    return Match(FOUND, f"Organisation reconnue par son nom seulement : "
                                        f"{org.get('title') or org.get('name')} (à vérifier).",
                                 _org_summary(org), None, None, "nom", reasons)
        return Match(MISSING, f"La colonne « {evidence.column} » ne contient aucun SIRET ou SIREN valide : "
                              "choisissez l'organisation vous-même.", reasons=reasons)
    if commune:
        return Match(COMMUNE_ONLY, f"Commune reconnue ({commune.get('name')}, code INSEE {commune.get('code')}) mais "
                                   "aucune organisation de ce portail ne la représente : choisissez l'organisation "
                                   "qui publie, ou demandez à un administrateur de la créer.",
                     None, commune, siren, "siren" if siren else "insee", reasons)
    shown = siren or insee
    return Match(UNKNOWN, f"Le fichier désigne l'identifiant {shown}, qui ne correspond à aucune organisation de ce "
                          "portail ni à aucune commune connue : choisissez l'organisation qui publie.",
                 None, None, siren, None, reasons)
