"""Load the Table Schema to validate against: catalogue reference, JSON file or dict."""
from __future__ import annotations

import copy
import json
import os
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Union

from frictionless import FrictionlessException, Schema

from . import checks as checks_module
from . import messages


class SchemaProblem(Exception):
    """The schema cannot be used at all (French message)."""

    def __init__(self, code: str, detail: str):
        super().__init__(detail)
        self.code = code
        self.detail = detail


@dataclass
class SchemaInfo:
    descriptor: Dict[str, Any]
    name: Optional[str] = None
    version: Optional[str] = None
    url: Optional[str] = None
    title: Optional[str] = None
    warnings: List[str] = field(default_factory=list)
    schema: Optional[Schema] = None  # frictionless schema (custom_checks removed)
    checks: List[checks_module.CheckSpec] = field(default_factory=list)
    check_problems: List[Dict[str, str]] = field(default_factory=list)  # unknown / misconfigured

    def to_dict(self) -> Dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "url": self.url,
            "title": self.title,
            "warnings": list(self.warnings),
        }


SchemaRef = Union[str, os.PathLike, Dict[str, Any]]


def load_schema(ref: SchemaRef) -> SchemaInfo:
    """Resolve ``ref`` and build the frictionless schema; raises SchemaProblem."""
    info = _resolve(ref)
    descriptor = copy.deepcopy(info.descriptor)
    raw_checks = descriptor.pop("custom_checks", None) or []
    # Only "fields" and the table-level keys frictionless knows matter for validation.
    table_keys = ("fields", "missingValues", "primaryKey", "foreignKeys", "fieldsMatch")
    core = {k: v for k, v in descriptor.items() if k in table_keys}
    try:
        info.schema = Schema.from_descriptor(core)
    except FrictionlessException as exc:
        raise SchemaProblem("schema-error", str(exc.error.message if exc.error else exc))
    except Exception as exc:  # frictionless raises assorted errors on odd descriptors
        raise SchemaProblem("schema-error", str(exc))
    if not isinstance(raw_checks, list):
        raw_checks = []
        info.check_problems.append({"code": "check-error", "check": "custom_checks", "detail": messages.detail("checks-not-list")})
    for entry in raw_checks:
        try:
            info.checks.append(checks_module.parse_check(entry))
        except KeyError as exc:
            info.check_problems.append({"code": "unknown-check", "check": str(exc.args[0]), "detail": ""})
        except checks_module.CheckConfigError as exc:
            name = entry.get("name") if isinstance(entry, dict) else "?"
            info.check_problems.append({"code": "check-error", "check": str(name), "detail": str(exc)})
    return info


def _resolve(ref: SchemaRef) -> SchemaInfo:
    if isinstance(ref, dict):
        return SchemaInfo(
            descriptor=ref,
            name=ref.get("name"),
            version=_str(ref.get("version")),
            url=ref.get("path") if isinstance(ref.get("path"), str) else None,
            title=ref.get("title"),
        )
    text = os.fspath(ref)
    if text.startswith(("http://", "https://")):
        raise SchemaProblem(
            "schema-error",
            messages.detail("remote-schema"),
        )
    if text.endswith(".json") or os.path.sep in text and os.path.exists(text):
        try:
            with open(text, encoding="utf-8") as handle:
                descriptor = json.load(handle)
        except (OSError, ValueError) as exc:
            raise SchemaProblem("schema-error", messages.detail("schema-unreadable", error=exc))
        if not isinstance(descriptor, dict):
            raise SchemaProblem("schema-error", messages.detail("schema-not-object"))
        info = _resolve(descriptor)
        info.url = info.url or os.path.abspath(text)
        return info
    return _from_catalogue(text)


def _from_catalogue(ref: str) -> SchemaInfo:
    from ..catalogue import UnknownSchema, get_catalogue

    try:
        entry = get_catalogue().resolve(ref)
    except UnknownSchema as exc:
        raise SchemaProblem("unknown-schema", str(exc.args[0] if exc.args else exc))
    return SchemaInfo(
        descriptor=entry.descriptor,
        name=entry.name,
        version=entry.version,
        url=entry.url,
        title=entry.title,
        warnings=list(entry.warnings or []),
    )


def _str(value: Any) -> Optional[str]:
    return None if value is None else str(value)
