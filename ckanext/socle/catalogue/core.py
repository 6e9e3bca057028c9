"""The SCDL schema catalogue: which schemas and versions exist, their canonical URLs and files.

Data (``schemas/`` at the top of the repository):

- ``schemas.json``: the index, in the shape of schema.data.gouv.fr's ``schemas.json`` export (a newer
  export can be merged in with ``ckan socle catalogue update --from``);
- ``socle.json``: which index entries form the socle, under which short name, active or retired;
- ``<org>/<name>/<version>/<file>``: the Table Schema of each version shipped, at the path of its
  canonical URL ``https://schema.data.gouv.fr/schemas/<org>/<name>/<version>/<file>``;
- ``<org>/<name>/doc/*.md``: the schema's French documentation as published.

Nothing here imports CKAN.
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache

from . import tableschema
from .versions import newest_first, normalise_version, same_version

DEFAULT_DATA_DIR = os.path.normpath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "schemas")
)
SCHEMAS_SITE = "https://schema.data.gouv.fr"
URL_PREFIX = SCHEMAS_SITE + "/schemas/"
SCDL_LABEL = "Socle Commun des Données Locales"
INDEX_FILE = "schemas.json"
SOCLE_FILE = "socle.json"
_URL = re.compile(r"^https?://schema\.data\.gouv\.fr/schemas/([^/]+/[^/]+)/([^/]+)/[^/]+$")


class UnknownSchema(KeyError):
    """No such schema, or no such version of it, in the catalogue (message in French)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class CatalogueError(ValueError):
    """A catalogue file that cannot be read at all (message in French)."""


@dataclass(frozen=True)
class SchemaEntry:
    """One version of one schema."""

    name: str  # short name: "subventions", "irve-statique"
    identifier: str  # schema.data.gouv.fr identifier: "scdl/subventions"
    version: str  # normalised: "2.1.1"
    url: str  # canonical versioned URL (the value of a resource's conforms_to)
    title: str
    description: str
    descriptor: dict = field(repr=False, compare=False)
    warnings: list = field(compare=False)
    status: str = "active"  # active | retired
    documentation_url: str = ""
    path: str = field(default="", compare=False)  # the local schema file
    declared_version: str = ""  # the version written in the file, as written

    @property
    def spec(self) -> str:
        return f"{self.name}@{self.version}"

    @property
    def fields(self) -> list[dict]:
        fields = self.descriptor.get("fields")
        return [f for f in fields if isinstance(f, dict)] if isinstance(fields, list) else []

    @property
    def valid(self) -> bool:
        """True when the descriptor is usable Table Schema."""
        return not tableschema.problems(self.descriptor)


def local_path(data_dir: str, identifier: str, version: str, url: str = "") -> str:
    """Where the file of ``url`` lives under ``data_dir`` (the URL's path below /schemas/)."""
    match = _URL.match(url or "")
    if match:
        return os.path.join(data_dir, url[len(URL_PREFIX):])
    return os.path.join(data_dir, identifier, version, "schema.json")


def canonical_url(identifier: str, version: str, file_name: str = "schema.json") -> str:
    return f"{URL_PREFIX}{identifier}/{version}/{file_name}"


def read_json(path: str):
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        raise CatalogueError(f"Fichier introuvable : {path}") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise CatalogueError(f"Fichier JSON illisible : {path} ({error})") from None


class Catalogue:
    """Every schema version shipped in ``data_dir``; see the module docstring for the layout."""

    def __init__(self, data_dir: str = DEFAULT_DATA_DIR):
        self.data_dir = os.path.abspath(data_dir)
        self.index = read_json(os.path.join(self.data_dir, INDEX_FILE))
        self.socle = read_json(os.path.join(self.data_dir, SOCLE_FILE))
        by_identifier = {s.get("name"): s for s in self.index.get("schemas", []) if isinstance(s, dict)}
        self._info: dict[str, dict] = {}
        self._entries: dict[str, list[SchemaEntry]] = {}
        self._aliases: dict[str, str] = {}
        for item in self.socle.get("schemas", []):
            name, identifier = item["name"], item["identifier"]
            index_entry = by_identifier.get(identifier, {})
            self._info[name] = {**item, "index": index_entry}
            self._entries[name] = self._load_versions(item, index_entry)
            for alias in (name, identifier, identifier.split("/", 1)[-1]):
                self._aliases[alias.lower()] = name

    # -- loading ---------------------------------------------------------------------------
    def _listed_versions(self, identifier: str, index_entry: dict) -> dict[str, str]:
        """version -> canonical URL, from the index and from version folders on disk."""
        listed = {}
        for item in index_entry.get("versions") or []:
            version = normalise_version(item.get("version_name"))
            if version:
                listed[version] = item.get("schema_url") or canonical_url(identifier, version)
        folder = os.path.join(self.data_dir, identifier)
        if os.path.isdir(folder):
            for version in os.listdir(folder):
                files = sorted(f for f in os.listdir(os.path.join(folder, version)) if f.endswith(".json")) \
                    if os.path.isdir(os.path.join(folder, version)) else []
                if files and not any(same_version(version, v) for v in listed):
                    listed[normalise_version(version)] = canonical_url(identifier, version, files[0])
        return listed

    def _load_versions(self, item: dict, index_entry: dict) -> list[SchemaEntry]:
        identifier = item["identifier"]
        entries = []
        for version, url in self._listed_versions(identifier, index_entry).items():
            path = local_path(self.data_dir, identifier, version, url)
            if os.path.isfile(path):
                entries.append(self._entry(item, index_entry, version, url, path))
        order = newest_first([e.version for e in entries])
        return sorted(entries, key=lambda e: order.index(e.version))

    def _entry(self, item, index_entry, version, url, path) -> SchemaEntry:
        warnings = []
        try:
            descriptor = read_json(path)
        except CatalogueError as error:
            descriptor = {}
            warnings.append(str(error))
        if not isinstance(descriptor, dict):
            descriptor = {}
        found = tableschema.problems(descriptor)
        if found and descriptor:
            warnings.append(
                "Ce schéma n'est pas un Table Schema valide : les outils de validation le refusent tel quel. "
                + " ".join(found)
            )
        declared = str(descriptor.get("version") or "")
        if declared and not same_version(declared, version):
            warnings.append(
                f"Le fichier déclare la version « {declared} » mais il est publié comme version {version} : "
                "la version du catalogue fait foi."
            )
        elif declared and declared != version:
            warnings.append(f"Version écrite « {declared} » dans le fichier, lue comme {version}.")
        status = item.get("status", "active")
        if item.get("note") and status == "retired":
            warnings.append(item["note"])
        identifier = item["identifier"]
        documentation_url = (
            f"{SCHEMAS_SITE}/{identifier}/{version}/" if status == "active"
            else index_entry.get("homepage") or descriptor.get("homepage") or ""
        )
        return SchemaEntry(
            name=item["name"],
            identifier=identifier,
            version=version,
            url=url,
            title=index_entry.get("title") or descriptor.get("title") or item["name"],
            description=index_entry.get("description") or descriptor.get("description") or "",
            descriptor=descriptor,
            warnings=warnings,
            status=status,
            documentation_url=documentation_url,
            path=path,
            declared_version=declared,
        )

    # -- lookup ----------------------------------------------------------------------------
    def names(self) -> list[str]:
        """Short names of every schema of the socle, active first (catalogue order)."""
        return sorted(self._entries, key=lambda n: self._info[n].get("status") != "active")

    def canonical_name(self, name: str) -> str:
        key = (name or "").strip().lower()
        if key not in self._aliases:
            raise UnknownSchema(
                f"Schéma inconnu : « {(name or '').strip()} ». Schémas connus : {', '.join(self.names())}."
            )
        return self._aliases[key]

    def versions(self, name: str) -> list[str]:
        """Versions shipped with a schema file, newest first."""
        return [e.version for e in self._entries[self.canonical_name(name)]]

    def listed_versions(self, name: str) -> list[str]:
        """Every version the index knows, shipped or not, newest first."""
        canonical = self.canonical_name(name)
        info = self._info[canonical]
        return newest_first(self._listed_versions(info["identifier"], info["index"]))

    def entries(self) -> list[SchemaEntry]:
        return [entry for name in self.names() for entry in self._entries[name]]

    def info(self, name: str) -> dict:
        """Schema-level facts of the index entry (homepage, contact, examples...) and the socle note."""
        info = self._info[self.canonical_name(name)]
        return {**info["index"], "status": info.get("status", "active"), "note": info.get("note", "")}

    def newest(self, name: str) -> SchemaEntry:
        canonical = self.canonical_name(name)
        if not self._entries[canonical]:
            raise UnknownSchema(f"Aucune version du schéma « {canonical} » n'est disponible hors ligne.")
        return self._entries[canonical][0]

    def resolve(self, spec: str) -> SchemaEntry:
        """``subventions``, ``scdl/subventions``, ``subventions@2.1.1``, ``scdl/subventions@v2.1.1`` or
        the canonical URL; no version (or ``latest``) gives the newest."""
        text = (spec or "").strip()
        match = _URL.match(text)
        if match:
            name, version = match.group(1), match.group(2)
        else:
            name, _, version = text.partition("@")
        canonical = self.canonical_name(name)
        version = normalise_version(version)
        if not version or version.lower() == "latest":
            return self.newest(canonical)
        for entry in self._entries[canonical]:
            if same_version(entry.version, version):
                return entry
        available = ", ".join(self.versions(canonical)) or "aucune"
        if any(same_version(v, version) for v in self.listed_versions(canonical)):
            raise UnknownSchema(
                f"La version {version} du schéma « {canonical} » est connue du catalogue mais son fichier "
                f"n'est pas disponible hors ligne. Versions disponibles : {available}."
            )
        raise UnknownSchema(
            f"Version inconnue pour le schéma « {canonical} » : « {version} ». Versions disponibles : {available}."
        )

    def get(self, spec: str, default=None):
        try:
            return self.resolve(spec)
        except UnknownSchema:
            return default

    def __contains__(self, spec) -> bool:
        return self.get(spec) is not None


@lru_cache(maxsize=8)
def _cached(data_dir: str) -> Catalogue:
    return Catalogue(data_dir)


def get_catalogue(data_dir: str | None = None) -> Catalogue:
    """The catalogue of ``data_dir`` (default: ``$SOCLE_SCHEMAS_DIR`` or the repository's
    ``schemas/``), read once and cached; ``get_catalogue.cache_clear()`` forgets it."""
    return _cached(os.path.abspath(data_dir or os.environ.get("SOCLE_SCHEMAS_DIR") or DEFAULT_DATA_DIR))


get_catalogue.cache_clear = _cached.cache_clear
