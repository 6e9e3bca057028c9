"""The one call into the conformity engine (ckanext.socle.conformity, no CKAN import)."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk


def warm_up() -> None:
    """Import the engine (and frictionless, polars) once in the process that starts: RQ forks a
    work horse per job, which then inherits them instead of importing them again (about 2 s a
    job on a small machine)."""
    from ckanext.socle.conformity import engine, fast, reader  # noqa: F401


def version() -> str:
    from ckanext.socle.conformity import model

    return model.ENGINE_VERSION


def schema_spec(schema_name: str, schema_version: str = "") -> str:
    return f"{schema_name}@{schema_version}" if schema_version else schema_name


def run(path: str, schema_name: str, schema_version: str = "", *, max_bytes: int | None = None) -> Any:
    """Validate the local file ``path`` against ``schema_name@schema_version``; a Report."""
    from ckanext.socle.conformity import Options, validate

    options = Options(
        max_errors_listed=int(tk.config.get("ckanext.socle.validation.max_errors") or 1000),
        max_bytes=max_bytes,
    )
    return validate(path, schema_spec(schema_name, schema_version), options=options)
