"""Load the Infocom94 demo portal through CKAN's action API (idempotent).

Organisations for the 17 member communes and the syndicate, one socle dataset per generated file,
uploaded as a real resource so that the validation plugin checks it like any publisher's file.
"""
from __future__ import annotations

import io
import json
import logging
import secrets
from importlib import resources

import ckan.plugins.toolkit as tk
from werkzeug.datastructures import FileStorage

from ckanext.socle.demo import generate

log = logging.getLogger(__name__)

ADMIN_NAME = "admin"
DATASET_TITLES = {
    "deliberations": "Délibérations du conseil municipal",
    "subventions": "Subventions attribuées",
    "budget": "Budget (compte administratif)",
    "equipements": "Équipements collectifs",
    "prenoms": "Prénoms des nouveau-nés",
    "catalogue": "Catalogue des données publiées",
}


def reference_communes() -> dict[str, dict]:
    """INSEE code → decoupage-administratif entry, from the Val-de-Marne sample shipped in git."""
    data = resources.files("ckanext.socle.reference") / "data" / "val-de-marne" / "communes.json"
    return {entry["code"]: entry for entry in json.loads(data.read_text("utf-8"))}


def communes() -> list[generate.Commune]:
    ref = reference_communes()
    return [
        generate.Commune(insee=code, name=name, siren=ref[code]["siren"], population=ref[code].get("population"))
        for code, name in generate.INFOCOM94.items()
    ]


def ensure_admin(password: str | None = None) -> tuple[dict, str | None]:
    """The demo sysadmin; a password is set (and returned) only when the user is created."""
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    context = {"user": site_user["name"], "ignore_auth": True}
    try:
        return tk.get_action("user_show")(context, {"id": ADMIN_NAME}), None
    except tk.ObjectNotFound:
        password = password or secrets.token_urlsafe(12)
        user = tk.get_action("user_create")(context, {
            "name": ADMIN_NAME, "email": "admin@demo.example.org", "password": password,
            "fullname": "Administrateur de la démo",
        })
        tk.get_action("user_patch")(context, {"id": user["id"], "sysadmin": True})
        return user, password


def _upsert(action_base: str, context: dict, data: dict) -> dict:
    try:
        current = tk.get_action(f"{action_base}_show")(dict(context), {"id": data["name"]})
    except tk.ObjectNotFound:
        return tk.get_action(f"{action_base}_create")(dict(context), data)
    return current


def organisation_for(commune: generate.Commune) -> dict:
    return {
        "name": f"commune-{commune.insee}", "title": commune.name,
        "description": f"Commune de {commune.name} (Val-de-Marne), membre du syndicat Infocom94. "
                       + generate.DEMO_NOTICE,
        "socle_kind": "commune", "siren": commune.siren, "insee_code": commune.insee,
        "population": commune.population,
        # Demo assumption, not a fact about the commune: towns of 10 000+ employ 50 agents or more.
        "agents_50": "true" if (commune.population or 0) >= 10000 else "false",
    }


def dataset_for(commune: generate.Commune, org: dict, demo_file: generate.DemoFile) -> dict:
    title = DATASET_TITLES[demo_file.dataset]
    return {
        "type": demo_file.dataset,
        "name": f"{demo_file.dataset}-{commune.insee}-{demo_file.year}",
        "title": f"{title} — {commune.name} {demo_file.year} (démo)",
        "notes": generate.DEMO_NOTICE,
        "owner_org": org["id"],
        "license_id": "lo-2.0",
        "socle_communes": [commune.insee],
        "frequency": "http://publications.europa.eu/resource/authority/frequency/ANNUAL",
        "temporal_coverage": [{"start": f"{demo_file.year}-01-01", "end": f"{demo_file.year}-12-31"}],
        "contact": [{"name": f"Mairie de {commune.name}", "email": f"opendata@{commune.insee}.demo.example.org"}],
        "tags": [{"name": "démonstration"}, {"name": demo_file.dataset}],
    }


def load(progress=print, only: set[str] | None = None) -> dict:
    """Create what is missing; returns counts and the admin password when it was just created.

    ``only``: INSEE codes to load (default: the 17 communes)."""
    admin, password = ensure_admin()
    context = {"user": admin["name"]}
    created = {"organizations": 0, "datasets": 0}
    _upsert("organization", context, {
        "name": "infocom94", "title": "Infocom94",
        "description": "Syndicat intercommunal pour l'informatique des communes du Val-de-Marne. "
                       + generate.DEMO_NOTICE,
        "socle_kind": "syndicat",
    })
    for commune in communes():
        if only and commune.insee not in only:
            continue
        org = _upsert("organization", context, organisation_for(commune))
        for demo_file in generate.generate(commune):
            data = dataset_for(commune, org, demo_file)
            try:
                tk.get_action("package_show")(dict(context), {"id": data["name"]})
                continue
            except tk.ObjectNotFound:
                pass
            data["resources"] = []
            dataset = tk.get_action("package_create")(dict(context), data)
            tk.get_action("resource_create")(dict(context), {
                "package_id": dataset["id"], "name": demo_file.filename, "format": "CSV",
                "schema_name": demo_file.dataset, "schema_version": demo_file.version,
                "upload": FileStorage(io.BytesIO(demo_file.content), filename=demo_file.filename,
                                      content_type="text/csv"),
                "url": demo_file.filename,
            })
            created["datasets"] += 1
        created["organizations"] += 1
        progress(f"  {commune.name}: ok")
    return {"created": created, "admin": admin["name"], "password": password}
