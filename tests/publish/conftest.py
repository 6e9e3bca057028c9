"""Fixtures of the one-step publication: plugins, communes, organisations, files."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from werkzeug.datastructures import FileStorage

from ckan.plugins import toolkit as tk
from ckan.tests import factories

ROOT = Path(__file__).resolve().parents[2]
SCDL = ROOT / "tests" / "data" / "scdl"  # copies of shared/scdl
PLUGINS = "socle socle_publish scheming_datasets scheming_organizations"
CRACH_SIREN = "215600461"


@pytest.fixture
def no_reference(clean_db, clean_index, migrate_db_for, with_plugins, app):
    """The socle tables without commune data: INSEE codes are then checked by shape only (the
    real files come from communes outside the Val-de-Marne sample)."""
    migrate_db_for("socle")


@pytest.fixture
def admin(no_reference):
    return factories.Sysadmin()


@pytest.fixture
def crach(admin):
    """Crach (Morbihan), whose real budget files are in shared/scdl/real/budget."""
    return make_org(admin, "commune-crach", "Crach", siren=CRACH_SIREN, insee="56046")


@pytest.fixture
def editor(communes):
    return factories.User()


def make_org(user: dict, name: str, title: str, *, siren: str = "", insee: str = "", kind: str = "commune",
             editors=()) -> dict:
    data = {"name": name, "title": title, "socle_kind": kind,
            "users": [{"name": e["name"], "capacity": "editor"} for e in editors]}
    if siren:
        data["siren"] = siren
    if insee:
        data["insee_code"] = insee
    return tk.get_action("organization_create")({"user": user["name"]}, data)


def upload(path_or_bytes, filename: str | None = None) -> FileStorage:
    if isinstance(path_or_bytes, (bytes, bytearray)):
        return FileStorage(io.BytesIO(bytes(path_or_bytes)), filename=filename or "fichier.csv")
    path = Path(path_or_bytes)
    return FileStorage(io.BytesIO(path.read_bytes()), filename=filename or path.name)


def publish(user: dict, source, filename: str | None = None, **data) -> dict:
    data.setdefault("mode", "analyser")
    data["upload"] = upload(source, filename)
    return tk.get_action("socle_publish_file")({"user": user["name"]}, data)


def dataset_count(user: dict) -> int:
    return tk.get_action("package_search")({"user": user["name"]}, {"include_private": True, "q": "*:*",
                                                                     "include_drafts": True})["count"]
