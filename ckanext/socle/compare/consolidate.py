"""Consolidation: socle resources -> rows, indicator values and coverage cells in PostgreSQL.

Driven by ``refresh_resource`` (a background job queued when a validation run completes, or when a
socle dataset changes) and ``refresh_all`` (``ckan socle compare refresh``). Pages and actions only
ever read the precomputed tables: no file is read on a page view.

What counts (public figures): datasets that are active and public. A private dataset's resources
are tracked (so that making it public is cheap) but never enter values or coverage.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections import defaultdict

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan.model import Session  # toolkit has no database session
from sqlalchemy.dialects.postgresql import insert

from .. import organisations
from . import indicators as I
from . import reader
from . import values as v
from .model import COVERAGE, META, RESOURCE, ROW, VALUE, utcnow

log = logging.getLogger(__name__)

# Socle dataset types (docs/contracts.md).
SOCLE_TYPES = ("subventions", "deliberations", "budget", "equipements", "prenoms", "menus-collectifs",
               "plats-menus-collectifs", "catalogue", "irve-statique", "dae")
CONSOLIDATED_LEVELS = ("conforme", "a_ameliorer")
LEVEL_RANK = {"conforme": 4, "a_ameliorer": 3, "non_conforme": 2}  # anything else: 1 (not checked)
BATCH = 2000

# Where a row says which commune it is about, and which SIRET published it.
ROW_INSEE = {
    "prenoms": lambda r: r.get("COLL_INSEE", ""),
    "menus-collectifs": lambda r: r.get("menuRestaurantInsee") or r.get("menu_rest_insee") or "",
    "equipements": lambda r: (r.get("EQUIP_UID") or "")[:5],
    "plats-menus-collectifs": lambda r: "",
}
ROW_SIRET = {
    "subventions": ("idAttribuant",), "deliberations": ("COLL_SIRET",), "budget": ("BGT_SIRET",),
    "equipements": ("COLL_SIRET",), "catalogue": ("COLL_SIRET",),
    "menus-collectifs": ("menuCollSiret", "menu_coll_siret"), "plats-menus-collectifs": ("platCollSiret",),
}


# -- configuration ---------------------------------------------------------------------------------
def matrix_schemas() -> list[str]:
    return tk.aslist(tk.config.get("ckanext.socle.compare.schemas"))


def outdated_after_days() -> int:
    return tk.asint(tk.config.get("ckanext.socle.compare.outdated_after_days"))


# -- reading CKAN ----------------------------------------------------------------------------------
def _context() -> dict:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"ignore_auth": True, "user": site_user["name"]}


def _timestamp(text) -> dt.datetime | None:
    if not text:
        return None
    if isinstance(text, dt.datetime):
        return text.replace(tzinfo=None)
    try:
        value = dt.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
    if value.tzinfo:
        value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value


def _codes(value) -> list[str]:
    """``socle_communes`` as scheming stores it (list, JSON list or comma-separated string)."""
    from ckanext.socle.validation.search import _communes  # one parser for the whole suite

    return _communes(value)


def _extra(entity: dict, key: str):
    if entity.get(key) not in (None, ""):
        return entity[key]
    for extra in entity.get("extras") or []:
        if extra.get("key") == key:
            return extra.get("value")
    return None


def _commune_sirens(codes: list[str]) -> dict[str, str]:
    from ckanext.socle.reference.model import Commune

    if not codes:
        return {}
    found = Session.execute(sa.select(Commune.code, Commune.siren).where(Commune.code.in_(codes)))
    return {siren: code for code, siren in found if siren}


def _commune_by_siren(siren: str) -> str | None:
    from ckanext.socle.reference.model import Commune

    if not siren:
        return None
    return Session.execute(sa.select(Commune.code).where(Commune.siren == siren, Commune.current.is_(True))).scalar()


def organisation(package: dict) -> dict:
    """The full organisation (package_show only carries its id, name and title, not the scheming
    fields ``siren``, ``insee_code``, ``socle_kind``)."""
    org = package.get("organization") or {}
    if not org.get("id") or "siren" in org or "insee_code" in org:
        return org
    try:
        return organisations.show(_context(), org["id"])
    except tk.ObjectNotFound:
        return org


def dataset_communes(package: dict) -> tuple[list[str], bool]:
    """Communes a dataset covers, and whether its publisher acts on their behalf (an EPCI...).

    ``socle_communes`` first; else the organisation's own commune (``insee_code``, or its SIREN
    looked up in the reference table)."""
    org = organisation(package)
    org_code = str(_extra(org, "insee_code") or "").strip().upper() or None
    if not org_code:
        org_code = _commune_by_siren(v.siren(_extra(org, "siren")) or "")
    codes = _codes(_extra(package, "socle_communes"))
    if not codes and org_code:
        codes = [org_code]
    on_behalf = bool(codes) and (org_code is None or any(code != org_code for code in codes))
    return codes, on_behalf


def resource_schema(resource: dict, package: dict) -> tuple[str | None, str | None]:
    from ckanext.socle.catalogue import get_catalogue

    name = resource.get("schema_name") or (package.get("type") if package.get("type") in SOCLE_TYPES else None)
    if not name:
        return None, None
    catalogue = get_catalogue()
    try:
        name = catalogue.canonical_name(name)
        entry = catalogue.resolve(f"{name}@{resource['schema_version']}") if resource.get("schema_version") \
            else catalogue.newest(name)
    except Exception:  # unknown schema or version: tracked for coverage, not consolidated
        return name, resource.get("schema_version")
    return name, entry.version


def latest_level(resource: dict, run: dict | None = None) -> tuple[str, dt.datetime | None]:
    """The level of the resource's latest run: socle_validation_show, else the resource extras,
    else the run that triggered the refresh."""
    try:
        latest = tk.get_action("socle_validation_show")(_context(), {"resource_id": resource["id"]})
        if latest and latest.get("level"):
            return latest["level"], _timestamp(latest.get("finished") or latest.get("created"))
    except (KeyError, tk.ObjectNotFound, tk.ValidationError):
        pass
    level = resource.get("socle_conformity_level")
    if level:
        return level, _timestamp(resource.get("validation_timestamp"))
    if run and run.get("level"):
        return run["level"], _timestamp(run.get("finished") or run.get("created"))
    return "non_verifie", None


# -- rows -----------------------------------------------------------------------------------------
def row_key(row: dict) -> str:
    """Same content -> same key, whichever version or resource it came from (empty cells and
    letter case ignored, so a 2.0.2 file and a 2.1.1 file listing the same grant collide)."""
    content = sorted((name, v.plain(value)) for name, value in row.items() if str(value).strip())
    return hashlib.md5(json.dumps(content, ensure_ascii=False).encode()).hexdigest()


def attribute(schema: str, row: dict, codes: list[str], sirens: dict[str, str]) -> str | None:
    """The commune a row is about: its own INSEE code, else its publisher's SIREN among the
    dataset's communes, else the dataset's only commune. None: intercommunal, not split."""
    code = str(ROW_INSEE.get(schema, lambda r: "")(row) or "").strip().upper()
    if code and code in codes:
        return code
    for name in ROW_SIRET.get(schema, ()):
        found = sirens.get(v.siren(row.get(name)) or "")
        if found:
            return found
    return codes[0] if len(codes) == 1 else None


def _read_rows(resource: dict, schema: str, version: str) -> list[dict]:
    from ckanext.socle.catalogue import get_catalogue
    from ckanext.socle.validation.fetch import open_resource

    fields = [f["name"] for f in get_catalogue().resolve(f"{schema}@{version}").fields]
    with open_resource(resource) as path:
        rows, _summary = reader.read_rows(path, fields, resource.get("format") or "")
    return rows


# -- one resource ----------------------------------------------------------------------------------
def _fingerprint(resource: dict, level: str, version: str | None, codes: list[str]) -> str:
    return "|".join(str(x) for x in (
        level, version, resource.get("url"), resource.get("last_modified"), resource.get("size"),
        resource.get("validation_timestamp"), ",".join(codes)))


def refresh_resource(resource_id: str, run: dict | None = None, recompute: bool = True) -> dict:
    """Bring one resource's consolidation up to date; returns what was done."""
    context = _context()
    old = Session.execute(sa.select(RESOURCE).where(RESOURCE.c.resource_id == resource_id)).mappings().first()
    before = set(old["communes"]) if old else set()
    old_schema = old["schema_name"] if old else None
    try:
        resource = tk.get_action("resource_show")(dict(context), {"id": resource_id})
        package = tk.get_action("package_show")(dict(context), {"id": resource["package_id"]})
    except tk.ObjectNotFound:
        resource = package = None
    schema, version = resource_schema(resource, package) if resource else (None, None)
    if not resource or not schema or package.get("state") != "active" or resource.get("state", "active") != "active":
        _forget(resource_id)
        Session.commit()
        if recompute and old_schema:
            recompute_communes(old_schema, before)
        return {"resource_id": resource_id, "action": "removed"}

    codes, on_behalf = dataset_communes(package)
    level, validated_at = latest_level(resource, run)
    fingerprint = _fingerprint(resource, level, version, codes)
    org = organisation(package)
    modified = _timestamp(resource.get("last_modified") or resource.get("metadata_modified")
                          or package.get("metadata_modified") or resource.get("created"))
    private = bool(package.get("private"))
    note, row_count, action = None, (old["row_count"] if old else 0), "kept"

    if level not in CONSOLIDATED_LEVELS:
        Session.execute(ROW.delete().where(ROW.c.resource_id == resource_id))
        row_count, action = 0, "not consolidated"
    elif not old or old["fingerprint"] != fingerprint or old["row_count"] == 0:
        Session.execute(ROW.delete().where(ROW.c.resource_id == resource_id))
        try:
            rows = _read_rows(resource, schema, version)
        except Exception as error:  # unreadable file, refused URL, unknown version...
            log.warning("socle_compare: resource %s not consolidated: %s", resource_id, error)
            rows, note = [], str(error)[:500]
        sirens = _commune_sirens(codes)
        org_siren = v.siren(_extra(org, "siren"))
        records = [{
            "schema_name": schema, "schema_version": version, "resource_id": resource_id,
            "package_id": package["id"], "org_siren": org_siren,
            "commune": attribute(schema, row, codes, sirens), "level": level, "modified": modified,
            "private": private, "row_key": row_key(row), "data": row,
        } for row in rows]
        for start in range(0, len(records), BATCH):
            Session.execute(ROW.insert(), records[start:start + BATCH])
        row_count, action = len(records), "consolidated"
    elif old["private"] != private:
        Session.execute(ROW.update().where(ROW.c.resource_id == resource_id).values(private=private))
        action = "privacy updated"

    record = {
        "resource_id": resource_id, "resource_name": resource.get("name"), "package_id": package["id"],
        "package_name": package.get("name"), "package_title": package.get("title"), "private": private,
        "org_id": org.get("id"), "org_name": org.get("name"), "org_title": org.get("title"),
        "org_siren": v.siren(_extra(org, "siren")), "org_kind": _extra(org, "socle_kind"),
        "schema_name": schema, "schema_version": version, "level": level, "validated_at": validated_at,
        "modified": modified, "communes": codes, "on_behalf": on_behalf, "fingerprint": fingerprint,
        "row_count": row_count, "note": note, "refreshed_at": utcnow(),
    }
    statement = insert(RESOURCE).values(record)
    Session.execute(statement.on_conflict_do_update(
        index_elements=[RESOURCE.c.resource_id], set_={k: statement.excluded[k] for k in record if k != "resource_id"}))
    Session.commit()
    if recompute:
        recompute_communes(schema, before | set(codes))
        if old_schema and old_schema != schema:
            recompute_communes(old_schema, before)
    return {"resource_id": resource_id, "action": action, "rows": row_count, "level": level,
            "schema": schema, "communes": codes}


def _forget(resource_id: str) -> None:
    Session.execute(ROW.delete().where(ROW.c.resource_id == resource_id))
    Session.execute(RESOURCE.delete().where(RESOURCE.c.resource_id == resource_id))


def refresh_package(package_id: str) -> list[dict]:
    """Every resource of a dataset (after an edit, a privacy change or a deletion)."""
    known = {r for (r,) in Session.execute(sa.select(RESOURCE.c.resource_id).where(RESOURCE.c.package_id == package_id))}
    try:
        package = tk.get_action("package_show")(_context(), {"id": package_id})
        current = {r["id"] for r in package.get("resources", [])}
    except tk.ObjectNotFound:
        current = set()
    return [refresh_resource(resource_id) for resource_id in sorted(known | current)]


# -- commune facts ----------------------------------------------------------------------------------
def _band_sql() -> str:
    from .stats import POPULATION_BANDS

    cases = " ".join(f"WHEN population >= {low}" + (f" AND population < {high}" if high else "") + f" THEN '{key}'"
                     for key, low, high, _label in POPULATION_BANDS)
    return f"CASE {cases} END"


def sync_communes(codes=None) -> int:
    """Copy the current communes of the reference table (without outlines) into
    ``socle_compare_commune``; all of them, or ``codes`` only."""
    from .stats import OBLIGATION_THRESHOLD

    where = "current AND kind = 'commune-actuelle'" + (" AND code = ANY(:codes)" if codes is not None else "")
    columns = "code, name, population, population_totale, population_year, departement, epci_siren, epci_name"
    result = Session.execute(sa.text(
        f"INSERT INTO socle_compare_commune ({columns}, band, obligation) "
        f"SELECT {columns}, {_band_sql()}, COALESCE(population_totale, population, 0) >= :threshold "
        f"FROM socle_commune WHERE {where} "
        "ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, population = EXCLUDED.population, "
        "population_totale = EXCLUDED.population_totale, population_year = EXCLUDED.population_year, "
        "departement = EXCLUDED.departement, epci_siren = EXCLUDED.epci_siren, epci_name = EXCLUDED.epci_name, "
        "band = EXCLUDED.band, obligation = EXCLUDED.obligation"),
        {"threshold": OBLIGATION_THRESHOLD, "codes": list(codes or [])})
    if codes is None:
        Session.execute(sa.text(
            "DELETE FROM socle_compare_commune f WHERE NOT EXISTS (SELECT 1 FROM socle_commune c "
            "WHERE c.code = f.code AND c.current AND c.kind = 'commune-actuelle')"))
        count_publications(None)
    return result.rowcount


STATUS_CODES = {"conforme": "C", "a_ameliorer": "A", "obsolete": "O", "non_conforme": "N", "non_verifie": "V"}


def count_publications(codes) -> None:
    """Per commune: published and valid socle datasets, and ``statuses``, one letter per matrix
    column (``STATUS_CODES``, ``-`` not published) so that the matrix totals of any filter are
    one pass over the compact commune table."""
    schemas = matrix_schemas()
    params = {"schemas": schemas, "codes": list(codes or [])}
    scope = "" if codes is None else " AND f.code = ANY(:codes)"
    letters = " ".join(f"WHEN '{status}' THEN '{letter}'" for status, letter in STATUS_CODES.items())
    Session.execute(sa.text(
        "UPDATE socle_compare_commune f SET "
        "published = (SELECT count(*) FROM socle_compare_coverage v WHERE v.commune = f.code AND v.schema_name = ANY(:schemas)), "
        "valid = (SELECT count(*) FROM socle_compare_coverage v WHERE v.commune = f.code AND v.schema_name = ANY(:schemas) "
        "AND v.status IN ('conforme', 'a_ameliorer')), "
        f"statuses = (SELECT string_agg(coalesce(CASE v.status {letters} END, '-'), '' ORDER BY s.ord) "
        "FROM unnest(CAST(:schemas AS text[])) WITH ORDINALITY AS s(name, ord) "
        "LEFT JOIN socle_compare_coverage v ON v.commune = f.code AND v.schema_name = s.name) "
        f"WHERE true{scope}"), params)
    value = " ".join(schemas)
    statement = insert(META).values(key="statuses_schemas", value=value)
    Session.execute(statement.on_conflict_do_update(index_elements=[META.c.key], set_={"value": value}))


def ensure_communes() -> None:
    """Re-sync the commune facts when the reference data was (re)loaded since the last sync."""
    try:
        loaded = Session.execute(sa.text("SELECT value FROM socle_reference_meta WHERE key = 'loaded_at'")).scalar()
    except sa.exc.ProgrammingError:  # reference tables not created (plugin socle not migrated)
        Session.rollback()
        return
    synced = Session.execute(sa.select(META.c.value).where(META.c.key == "reference_loaded_at")).scalar()
    if loaded and loaded != synced:
        sync_communes()
        statement = insert(META).values(key="reference_loaded_at", value=loaded)
        Session.execute(statement.on_conflict_do_update(index_elements=[META.c.key], set_={"value": loaded}))
        Session.commit()


# -- aggregates -------------------------------------------------------------------------------------
def public_rows(schema: str, commune: str) -> list[dict]:
    """Deduplicated public rows of one commune: for equal content, the newest copy wins."""
    query = sa.text(
        "SELECT DISTINCT ON (row_key) data, modified, package_id FROM socle_compare_row "
        "WHERE schema_name = :schema AND commune = :commune AND NOT private "
        "ORDER BY row_key, modified DESC NULLS LAST")
    rows = []
    for data, modified, package_id in Session.execute(query, {"schema": schema, "commune": commune}):
        rows.append({**data, "_modified": modified.isoformat() if modified else "", "_package": package_id})
    return rows


def compute_values(schema: str, commune: str, rows: list[dict]) -> list[dict]:
    packages = sorted({r["_package"] for r in rows})
    records = []
    for indicator in I.for_schema(schema):
        for (year, dimension), measure in indicator.compute(rows).items():
            if year is None or measure.value is None:
                continue
            records.append({"indicator": indicator.id, "commune": commune, "year": year,
                            "dimension": dimension or "", "value": float(measure.value),
                            "rows": measure.rows, "packages": packages})
    return records


def coverage_cell(resources: list[dict], now: dt.datetime | None = None) -> dict:
    """The cell of one (commune, schema): the best published resource, and its status."""
    best = max(resources, key=lambda r: (LEVEL_RANK.get(r["level"], 1), r["modified"] or dt.datetime.min))
    level = best["level"] if best["level"] in LEVEL_RANK else "non_verifie"
    status = level
    limit = (now or utcnow()) - dt.timedelta(days=outdated_after_days())
    if level in CONSOLIDATED_LEVELS and best["modified"] and best["modified"] < limit:
        status = "obsolete"
    return {"status": status, "level": level, "package_id": best["package_id"],
            "package_name": best["package_name"], "resource_id": best["resource_id"],
            "schema_version": best["schema_version"], "modified": best["modified"],
            "org_title": best["org_title"], "on_behalf": bool(best["on_behalf"])}


def update_value_index(indicator_ids: list[str]) -> None:
    """Which years and dimensions each indicator has (read by every comparison page)."""
    text = Session.execute(sa.select(META.c.value).where(META.c.key == "value_index")).scalar()
    index = json.loads(text) if text else {}
    for indicator_id in indicator_ids:
        index.pop(indicator_id, None)
    for indicator_id, dimension, year in Session.execute(sa.text(
            "SELECT DISTINCT indicator, dimension, year FROM socle_compare_value WHERE indicator = ANY(:ids) "
            "ORDER BY year DESC"), {"ids": list(indicator_ids)}):
        index.setdefault(indicator_id, {}).setdefault(dimension, []).append(year)
    value = json.dumps(index, ensure_ascii=False)
    statement = insert(META).values(key="value_index", value=value)
    Session.execute(statement.on_conflict_do_update(index_elements=[META.c.key], set_={"value": value}))


def recompute_communes(schema: str, communes) -> None:
    """Recompute the values of ``schema``'s indicators and the coverage cells of ``communes``."""
    communes = sorted({c for c in communes if c})
    if not communes:
        return
    indicator_ids = [ind.id for ind in I.for_schema(schema)]
    if indicator_ids:
        Session.execute(VALUE.delete().where(VALUE.c.indicator.in_(indicator_ids), VALUE.c.commune.in_(communes)))
        records = []
        for commune in communes:
            records += compute_values(schema, commune, public_rows(schema, commune))
        for start in range(0, len(records), BATCH):
            Session.execute(VALUE.insert(), records[start:start + BATCH])
        update_value_index(indicator_ids)
    Session.execute(COVERAGE.delete().where(COVERAGE.c.schema_name == schema, COVERAGE.c.commune.in_(communes)))
    published = Session.execute(
        sa.select(RESOURCE).where(RESOURCE.c.schema_name == schema, RESOURCE.c.private.is_(False),
                                  RESOURCE.c.communes.overlap(sa.cast(communes, RESOURCE.c.communes.type)))
    ).mappings().all()
    by_commune = defaultdict(list)
    for resource in published:
        for code in resource["communes"]:
            if code in communes:
                by_commune[code].append(resource)
    cells = [{"commune": code, "schema_name": schema, **coverage_cell(group)} for code, group in by_commune.items()]
    if cells:
        Session.execute(COVERAGE.insert(), cells)
    sync_communes(communes)
    count_publications(communes)
    Session.commit()


def refresh_all(progress=None) -> dict:
    """Rebuild everything from CKAN: every socle dataset (private ones included, kept apart)."""
    context = _context()
    seen, start, done = set(), 0, 0
    query = " OR ".join(f'"{t}"' for t in SOCLE_TYPES)
    while True:
        result = tk.get_action("package_search")(dict(context), {
            # Socle dataset types, and any other dataset with a socle resource (validation's Solr field).
            "fq": f"dataset_type:({query}) OR vocab_socle_schema:[* TO *]", "include_private": True, "rows": 500, "start": start,
            "sort": "id asc"})
        for package in result["results"]:
            for resource in package.get("resources", []):
                refresh_resource(resource["id"], recompute=False)
                seen.add(resource["id"])
                done += 1
                if progress and done % 100 == 0:
                    progress(done)
        start += 500
        if start >= result["count"]:
            break
    stale = {r for (r,) in Session.execute(sa.select(RESOURCE.c.resource_id))} - seen
    for resource_id in stale:
        _forget(resource_id)
    Session.commit()
    return recompute_all() | {"resources": len(seen), "forgotten": len(stale)}


def recompute_all() -> dict:
    Session.execute(VALUE.delete())
    Session.execute(COVERAGE.delete())
    sync_communes()
    Session.commit()
    pairs = Session.execute(sa.text(
        "SELECT DISTINCT schema_name, unnest(communes) FROM socle_compare_resource")).all()
    by_schema = defaultdict(set)
    for schema, commune in pairs:
        by_schema[schema].add(commune)
    for schema, communes in by_schema.items():
        communes = sorted(communes)
        for start in range(0, len(communes), 500):
            recompute_communes(schema, communes[start:start + 500])
    return {"schemas": len(by_schema), "cells": sum(len(c) for c in by_schema.values())}
