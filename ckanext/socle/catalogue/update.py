"""Merge a newer schema.data.gouv.fr catalogue export (and schema files) into ``schemas/``.

``update(source, data_dir)`` takes either a ``schemas.json`` export, or a folder holding one and/or
schema files laid out as on the site (``[schemas/]<org>/<name>/<version>/<file>.json``). Entries
labelled "Socle Commun des Données Locales", or named in ``socle.json``, replace those of the
index; entries missing from the export are kept (retired schemas are not in newer exports).
Version names are normalised (``v1.1.6`` -> ``1.1.6``). Nothing is fetched from the network.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field

from . import tableschema
from .core import INDEX_FILE, SCDL_LABEL, SOCLE_FILE, CatalogueError, local_path, read_json
from .versions import normalise_version, version_key


@dataclass
class Changes:
    lines: list[str] = field(default_factory=list)  # French, one per change
    warnings: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.lines)


def _export_entries(export, wanted: set[str]) -> dict[str, dict]:
    if not isinstance(export, dict) or not isinstance(export.get("schemas"), list):
        raise CatalogueError(
            "Ce fichier n'est pas un catalogue de schémas au format de schema.data.gouv.fr "
            "(objet JSON avec une liste « schemas »)."
        )
    kept = {}
    for entry in export["schemas"]:
        if not isinstance(entry, dict) or not entry.get("name"):
            continue
        if SCDL_LABEL in (entry.get("labels") or []) or entry["name"] in wanted:
            kept[entry["name"]] = entry
    return kept


def _normalise_versions(entry: dict, changes: Changes) -> dict:
    versions = []
    for item in entry.get("versions") or []:
        raw = str(item.get("version_name") or "")
        version = normalise_version(raw)
        if not version:
            continue
        if version != raw:
            changes.warnings.append(f"{entry['name']} : version « {raw} » normalisée en {version}.")
        versions.append({**item, "version_name": version})
    versions.sort(key=lambda item: version_key(item["version_name"]))
    return {**entry, "versions": versions}


def _diff_entry(old: dict | None, new: dict, changes: Changes) -> None:
    name = new["name"]
    if old is None:
        changes.lines.append(f"Nouveau schéma : {name} ({new.get('title', '')}).")
        return
    old_versions = {v["version_name"] for v in old.get("versions") or []}
    for item in new["versions"]:
        if item["version_name"] not in old_versions:
            changes.lines.append(f"{name} : nouvelle version {item['version_name']}.")
    for key, label in (("title", "titre"), ("description", "description"), ("homepage", "page d'accueil")):
        if old.get(key) != new.get(key):
            changes.lines.append(f"{name} : {label} modifié(e).")


def _schema_files(folder: str):
    """(relative path org/name/version/file.json, absolute path) of the schema files in ``folder``."""
    for root, _dirs, files in os.walk(folder):
        for file_name in files:
            if not file_name.endswith(".json") or file_name == INDEX_FILE:
                continue
            relative = os.path.relpath(os.path.join(root, file_name), folder).replace(os.sep, "/")
            parts = relative.split("/")
            if parts[0] == "schemas":
                parts = parts[1:]
            if len(parts) == 4:
                yield "/".join(parts), os.path.join(root, file_name)


def _write_json(path: str, data) -> None:
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False, indent=2)
        handle.write("\n")
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def update(source: str, data_dir: str, dry_run: bool = False) -> Changes:
    """Merge ``source`` into the catalogue in ``data_dir``; returns what changed (French lines)."""
    changes = Changes()
    index_path = os.path.join(data_dir, INDEX_FILE)
    index = read_json(index_path)
    socle = read_json(os.path.join(data_dir, SOCLE_FILE))
    wanted = {item["identifier"] for item in socle.get("schemas", [])}

    if os.path.isdir(source):
        export_path = next(
            (p for p in (os.path.join(source, INDEX_FILE), os.path.join(source, "schemas", INDEX_FILE))
             if os.path.isfile(p)), None)
        files = list(_schema_files(source))
        if export_path is None and not files:
            raise CatalogueError(f"Ni catalogue ({INDEX_FILE}) ni fichier de schéma dans le dossier {source}.")
    elif os.path.isfile(source):
        export_path, files = source, []
    else:
        raise CatalogueError(f"Fichier ou dossier introuvable : {source}")

    merged = {e["name"]: e for e in index.get("schemas", []) if isinstance(e, dict) and e.get("name")}
    if export_path:
        incoming = _export_entries(read_json(export_path), wanted)
        for name, entry in incoming.items():
            entry = _normalise_versions(entry, changes)
            old = merged.get(name)
            _diff_entry(old, entry, changes)
            if old:
                new_versions = {v["version_name"] for v in entry["versions"]}
                for item in old.get("versions") or []:
                    if item["version_name"] not in new_versions:
                        changes.warnings.append(f"{name} : version {item['version_name']} absente de l'export, conservée.")
                        entry["versions"].append(item)
                entry["versions"].sort(key=lambda item: version_key(item["version_name"]))
            merged[name] = entry
        for name in sorted(set(merged) - set(incoming)):
            if name in wanted:
                changes.warnings.append(f"{name} : absent de l'export, conservé tel quel.")

    copies = []
    for relative, path in files:
        identifier = "/".join(relative.split("/")[:2])
        if identifier not in merged and identifier not in wanted:
            continue
        version = normalise_version(relative.split("/")[2])
        target = local_path(data_dir, identifier, version, "https://schema.data.gouv.fr/schemas/"
                            + "/".join([identifier, version, relative.split("/")[3]]))
        try:
            descriptor = read_json(path)
        except CatalogueError as error:
            changes.warnings.append(f"{relative} ignoré : {error}")
            continue
        for problem in tableschema.problems(descriptor):
            changes.warnings.append(f"{identifier} {version} : {problem}")
        if os.path.isfile(target) and read_json(target) == descriptor:
            continue
        verb = "remplacé" if os.path.isfile(target) else "ajouté"
        changes.lines.append(f"{identifier} {version} : fichier de schéma {verb}.")
        copies.append((path, target))
        entry = merged.setdefault(identifier, {"name": identifier, "title": descriptor.get("title", identifier),
                                               "description": descriptor.get("description", ""),
                                               "schema_type": "tableschema", "labels": [SCDL_LABEL],
                                               "versions": []})
        if not any(v["version_name"] == version for v in entry.get("versions") or []):
            entry.setdefault("versions", []).append(
                {"version_name": version,
                 "schema_url": "https://schema.data.gouv.fr/schemas/" + os.path.relpath(target, data_dir).replace(os.sep, "/")})
            entry["versions"].sort(key=lambda item: version_key(item["version_name"]))

    if dry_run or not changes:
        return changes
    for path, target in copies:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copyfile(path, target)
        os.chmod(target, 0o644)
    order = [e.get("name") for e in index.get("schemas", []) if isinstance(e, dict)]
    ordered = [merged[n] for n in order if n in merged] + [merged[n] for n in merged if n not in order]
    _write_json(index_path, {**index, "schemas": ordered})
    return changes
