"""Clause templates as data: load, check, export and import the catalogue as YAML.

One YAML file a template (``seed/<slug>.yaml``): its metadata and its versions (oldest first).
:func:`check_template` returns French problems for a template mapping (vocabularies, variables,
body check, schema references), so the seed files, the API and the CLI import share one rule set.
"""
from __future__ import annotations

import datetime as dt
import os
import re

import yaml

from . import render, standards, vocab
from . import variables as V

SEED_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "seed")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{2,99}$")
TEMPLATE_KEYS = ("slug", "title", "title_en", "summary", "summary_en", "contract_kinds", "sectors",
                 "legal_references", "schemas", "text_licence", "attribution", "status",
                 "superseded_by", "versions")
VERSION_KEYS = ("version", "date", "author", "changelog", "legal_texts", "schema_versions",
                "variables", "body")


def declared_variables(version: dict) -> list[V.Variable]:
    return [V.declare(spec) for spec in version.get("variables") or []]


def has_annex(variables) -> bool:
    return any(var.type == "datasets" for var in variables)


def check_version(version: dict) -> list[str]:
    problems = []
    try:
        variables = declared_variables(version)
    except (ValueError, TypeError, KeyError) as exc:
        return [f"Variables mal déclarées : {exc}"]
    names = [v.name for v in variables]
    if len(set(names)) != len(names):
        problems.append("Une variable est déclarée deux fois.")
    problems += render.check_body(version.get("body") or "", names)
    for ref in version.get("schema_versions") or []:
        try:
            standards.resolve(ref)
        except standards.UnknownStandard as exc:
            problems.append(str(exc))
    return problems


def check_template(data: dict) -> list[str]:
    """French problems of a template mapping (metadata and every version)."""
    problems = check_metadata(data)
    versions = data.get("versions") or []
    if not versions:
        problems.append("Le modèle doit avoir au moins une version.")
    for number, version in enumerate(versions, start=1):
        problems += [f"Version {version.get('version') or number} : {p}"
                     for p in check_version(version)]
    return problems


def check_metadata(data: dict) -> list[str]:
    """French problems of a template's metadata (not its versions)."""
    problems = []
    if not SLUG.match(str(data.get("slug") or "")):
        problems.append("Identifiant (slug) invalide : minuscules, chiffres et tirets.")
    for key in ("title", "summary"):
        if not str(data.get(key) or "").strip():
            problems.append(f"Le champ « {key} » est obligatoire.")
    for key, vocabulary in (("contract_kinds", vocab.CONTRACT_KINDS), ("sectors", vocab.SECTORS)):
        unknown = [c for c in data.get(key) or [] if c not in vocabulary]
        if unknown:
            problems.append(f"Valeurs inconnues dans « {key} » : {', '.join(map(str, unknown))}.")
    if data.get("status", "draft") not in vocab.STATUSES:
        problems.append("Statut inconnu.")
    if data.get("text_licence", "LO-2.0") not in vocab.TEXT_LICENCES:
        problems.append("Licence du texte inconnue.")
    for ref in data.get("schemas") or []:
        try:
            standards.resolve(ref)
        except standards.UnknownStandard as exc:
            problems.append(str(exc))
    return problems


def normalise(data: dict) -> dict:
    out = {key: data[key] for key in TEMPLATE_KEYS if key in data}
    out["versions"] = []
    for version in data.get("versions") or []:
        item = {key: version[key] for key in VERSION_KEYS if key in version}
        if isinstance(item.get("date"), (dt.date, dt.datetime)):
            item["date"] = item["date"].isoformat()[:10]
        out["versions"].append(item)
    for key in ("title_en", "summary_en", "attribution", "superseded_by"):
        out.setdefault(key, "")
    for key in ("contract_kinds", "sectors", "legal_references", "schemas"):
        out.setdefault(key, [])
    out.setdefault("status", "draft")
    out.setdefault("text_licence", "LO-2.0")
    out["legal_references"] = [ref if isinstance(ref, dict) else {"text": str(ref)}
                               for ref in out["legal_references"]]
    return out


def load_file(path: str) -> dict:
    with open(path, encoding="utf-8") as handle:
        return normalise(yaml.safe_load(handle) or {})


def load_seed(directory: str = SEED_DIR) -> list[dict]:
    """Every template of the seed folder, sorted by file name."""
    return [load_file(os.path.join(directory, name)) for name in sorted(os.listdir(directory))
            if name.endswith((".yaml", ".yml"))]


def load_catalogue_yaml(text: str) -> list[dict]:
    """Templates from an exported catalogue (a YAML list, or ``{templates: [...]}``)."""
    data = yaml.safe_load(text) or []
    if isinstance(data, dict):
        data = data.get("templates") or [data]
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise ValueError("Le fichier YAML doit contenir une liste de modèles de clauses.")
    return [normalise(item) for item in data]


class _Dumper(yaml.SafeDumper):
    pass


def _str_presenter(dumper, value):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_presenter)


def dump_catalogue_yaml(templates: list[dict]) -> str:
    return yaml.dump({"templates": [normalise(t) for t in templates]}, Dumper=_Dumper,
                     allow_unicode=True, sort_keys=False, width=100)
