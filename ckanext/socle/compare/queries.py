"""Read side: coverage matrix, indicator comparison, time series, commune card, outlines.

Only reads the precomputed tables (``socle_compare_value``, ``socle_compare_coverage``) joined with
the commune reference table: a page costs a few indexed queries, whatever the number of files.
"""
from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan.model import Session  # toolkit has no database session

from . import indicators as I
from . import stats
from .consolidate import ensure_communes

STATUSES = ("conforme", "a_ameliorer", "obsolete", "non_conforme", "non_verifie", "non_publie")
MAP_LIMIT = 1500  # communes drawn on a map at most (outlines are ~1 kB each)


def status_labels() -> dict:
    _ = tk._
    return {
        "conforme": _("Conforme"), "a_ameliorer": _("À améliorer"), "obsolete": _("Pas à jour"),
        "non_conforme": _("Publié, non conforme"), "non_verifie": _("Publié, non vérifié"),
        "non_publie": _("Non publié"),
    }


SHORT_LABELS = {
    "deliberations": "Délibérations", "subventions": "Subventions", "budget": "Budget",
    "equipements": "Équipements", "prenoms": "Prénoms", "menus-collectifs": "Menus",
    "plats-menus-collectifs": "Plats des menus", "catalogue": "Catalogue", "irve-statique": "Bornes IRVE",
    "dae": "Défibrillateurs",
}


def schema_label(name: str) -> str:
    """Short French name of a socle dataset (column headers), the catalogue title otherwise."""
    from ckanext.socle.catalogue import get_catalogue

    if name in SHORT_LABELS:
        return SHORT_LABELS[name]
    try:
        return get_catalogue().info(name).get("title") or name
    except Exception:
        return name


# -- which communes ---------------------------------------------------------------------------------
def clean_filters(data: dict) -> dict:
    """Filters from a query string or an API call, validated (bad values are dropped)."""
    def text(key, size=20):
        value = str(data.get(key) or "").strip()
        return value[:size] if value else ""

    band = text("population_band")
    codes = data.get("communes") or []
    if isinstance(codes, str):
        codes = codes.replace(";", ",").replace(" ", ",").split(",")
    return {
        "departement": text("departement", 3).upper(),
        "epci": text("epci", 9),
        "population_band": band if band in {b[0] for b in stats.POPULATION_BANDS} else "",
        "obligation": str(data.get("obligation") or "").lower() in ("1", "true", "yes", "oui", "on"),
        "communes": sorted({str(c).strip().upper()[:5] for c in codes if str(c).strip()})[:200],
    }


def default_departement() -> str:
    """The département the coverage matrix opens on (``ckanext.socle.compare.default_departement``):
    ``auto`` picks the one département where the portal's communes publish, if there is only one
    (a departmental or intercommunal portal), else all of France; empty means all of France."""
    configured = str(tk.config.get("ckanext.socle.compare.default_departement") or "").strip().upper()
    if configured != "AUTO":
        return configured[:3]
    found = Session.execute(sa.text(
        "SELECT DISTINCT departement FROM socle_compare_commune WHERE published > 0 LIMIT 2")).scalars().all()
    return found[0] if len(found) == 1 and found[0] else ""


def _where(filters: dict, params: dict, include_codes: bool = True) -> str:
    """SQL condition on ``socle_compare_commune c`` (compact commune facts) for the filters."""
    clauses = ["true"]
    if filters.get("departement"):
        clauses.append("c.departement = :departement")
        params["departement"] = filters["departement"]
    if filters.get("epci"):
        clauses.append("c.epci_siren = :epci")
        params["epci"] = filters["epci"]
    if filters.get("population_band"):
        clauses.append("c.band = :band")
        params["band"] = filters["population_band"]
    if filters.get("obligation"):
        clauses.append("c.obligation")
    if include_codes and filters.get("communes"):
        clauses.append("c.code = ANY(:codes)")
        params["codes"] = filters["communes"]
    return " AND ".join(clauses)


def _has_group(filters: dict) -> bool:
    return any(filters.get(k) for k in ("departement", "epci", "population_band", "obligation"))


_CACHE: dict = {}


def _reference_stamp() -> str:
    return Session.execute(sa.text("SELECT value FROM socle_compare_meta WHERE key = 'reference_loaded_at'")).scalar() or ""


def _cached(name: str, compute):
    """Per-process cache of facts that change only when the reference data is reloaded."""
    key = (name, _reference_stamp())
    if key not in _CACHE:
        _CACHE[key] = compute()
    return _CACHE[key]


def filter_choices(departement: str = "", epci: str = "") -> dict:
    """Départements, and the EPCI of the chosen département (a national list of 1 255 EPCI is
    neither usable in a form nor cheap to render), plus the EPCI already chosen."""
    ensure_communes()
    return _cached(f"choices-{departement}-{epci}", lambda: _filter_choices(departement, epci))


def _filter_choices(departement: str, epci: str) -> dict:
    departements = [d for (d,) in Session.execute(sa.text(
        "SELECT DISTINCT departement FROM socle_compare_commune WHERE departement IS NOT NULL ORDER BY 1"))]
    epcis = [{"siren": s, "name": n} for s, n in Session.execute(sa.text(
        "SELECT DISTINCT epci_siren, epci_name FROM socle_compare_commune WHERE epci_siren IS NOT NULL "
        "AND (departement = :departement OR epci_siren = :epci) ORDER BY 2"),
        {"departement": departement, "epci": epci})]
    bands = [{"key": k, "label": label} for k, _l, _h, label in stats.POPULATION_BANDS]
    return {"departements": departements, "epcis": epcis, "population_bands": bands}


def population_vintage() -> int | None:
    return _cached("vintage", lambda: Session.execute(sa.text(
        "SELECT max(population_year) FROM socle_compare_commune")).scalar())


def _commune_dict(row) -> dict:
    return {"code": row.code, "name": row.name, "population": row.population,
            "population_year": row.population_year, "departement": row.departement,
            "epci_siren": row.epci_siren, "epci_name": row.epci_name,
            "population_band": row.band, "obligation": row.obligation}


COMMUNE_COLUMNS = ("c.code, c.name, c.population, c.population_year, c.departement, c.epci_siren, "
                   "c.epci_name, c.band, c.obligation")


# -- coverage matrix -------------------------------------------------------------------------------
def coverage_matrix(filters: dict, schemas: list[str], page: int = 1, per_page: int = 100,
                    everything: bool = False) -> dict:
    ensure_communes()
    params: dict = {"schemas": schemas}
    where = _where(filters, params)
    total, publishing, valid_cells = Session.execute(sa.text(
        f"SELECT count(*), count(*) FILTER (WHERE c.published > 0), coalesce(sum(c.valid), 0) "
        f"FROM socle_compare_commune c WHERE {where}"), params).one()
    limit = "" if everything else " LIMIT :limit OFFSET :offset"
    params.update(limit=per_page, offset=max(page - 1, 0) * per_page)
    communes = Session.execute(sa.text(
        f"SELECT {COMMUNE_COLUMNS} FROM socle_compare_commune c WHERE {where} "
        f"ORDER BY c.population DESC NULLS LAST, c.code{limit}"), params).all()
    codes = [c.code for c in communes]
    cells = defaultdict(dict)
    if codes:
        for cell in Session.execute(sa.text(
                "SELECT * FROM socle_compare_coverage WHERE commune = ANY(:codes) AND schema_name = ANY(:schemas)"),
                {"codes": codes, "schemas": schemas}).mappings():
            cells[cell["commune"]][cell["schema_name"]] = dict(cell)
    # Column totals and published-per-commune counts over the whole filtered set (not the page).
    totals = {s: {status: 0 for status in STATUSES} for s in schemas}
    stored = (Session.execute(sa.text("SELECT value FROM socle_compare_meta WHERE key = 'statuses_schemas'"))
              .scalar() or "").split()
    if all(schema in stored for schema in schemas):
        # One pass over the compact commune table: one letter per matrix column in ``statuses``.
        from .consolidate import STATUS_CODES

        columns, keys = [], []
        for schema in schemas:
            position = stored.index(schema) + 1
            for status, letter in STATUS_CODES.items():
                columns.append(f"count(*) FILTER (WHERE substr(c.statuses, {position}, 1) = '{letter}')")
                keys.append((schema, status))
        counts = Session.execute(sa.text(f"SELECT {', '.join(columns)} FROM socle_compare_commune c WHERE {where}"),
                                 params).one()
        for (schema, status), count in zip(keys, counts):
            totals[schema][status] = count
    else:  # matrix columns changed since the last refresh: count from the cells
        for schema, status, count in Session.execute(sa.text(
                f"SELECT v.schema_name, v.status, count(*) FROM socle_compare_coverage v "
                f"JOIN socle_compare_commune c ON c.code = v.commune WHERE {where} AND v.schema_name = ANY(:schemas) "
                f"GROUP BY 1, 2"), params):
            totals[schema][status] = count
    for schema in schemas:
        totals[schema]["non_publie"] = total - sum(totals[schema].values())
        totals[schema]["published"] = total - totals[schema]["non_publie"]
    rows = []
    for commune in communes:
        row = _commune_dict(commune)
        row["cells"] = {s: cells[commune.code].get(s) for s in schemas}
        row["published"] = sum(1 for cell in row["cells"].values() if cell)
        row["valid"] = sum(1 for cell in row["cells"].values() if cell and cell["status"] in ("conforme", "a_ameliorer"))
        rows.append(row)
    return {
        "filters": filters, "schemas": [{"name": s, "label": schema_label(s)} for s in schemas],
        "rows": rows, "totals": totals, "count": total, "page": page, "per_page": per_page,
        "communes_publishing": publishing, "valid_cells": valid_cells,
        "population_year": population_vintage(),
    }


# -- comparison ------------------------------------------------------------------------------------
def value_index() -> dict:
    """{indicator: {dimension: [years, newest first]}}: kept by the refresh in socle_compare_meta,
    so that a page never scans the values to list them."""
    text = Session.execute(sa.text("SELECT value FROM socle_compare_meta WHERE key = 'value_index'")).scalar()
    return json.loads(text) if text else {}


def indicator_years(indicator_id: str, dimension: str = "") -> list[int]:
    return value_index().get(indicator_id, {}).get(dimension, [])


def indicator_dimensions(indicator_id: str) -> list[str]:
    dims = value_index().get(indicator_id, {})
    return sorted(dims, key=lambda d: (-len(dims[d]), d))


# One CTE for the group: the figure compared is per inhabitant when the indicator has a scale.
# Missing values stay NULL: never ranked, never in the median, counted apart.
GROUP_SQL = """
WITH g AS (
  SELECT c.code, c.name, c.population, c.population_year, c.departement, c.epci_siren, c.epci_name,
         c.band, c.obligation, v.value, v.rows,
         CASE WHEN CAST(:scale AS integer) IS NULL THEN v.value
              ELSE v.value * :scale / NULLIF(c.population, 0) END AS figure
  FROM socle_compare_commune c
  LEFT JOIN socle_compare_value v ON v.commune = c.code AND v.indicator = :indicator
       AND v.dimension = :dimension AND v.year = :year
  WHERE {where}
), r AS (
  SELECT g.*, CASE WHEN figure IS NOT NULL THEN rank() OVER (ORDER BY figure DESC NULLS LAST) END AS rank,
         row_number() OVER (ORDER BY figure IS NULL, figure DESC, name) AS position FROM g
)
"""


def _entry(row, median, picked) -> dict:
    entry = {"code": row.code, "name": row.name, "population": row.population,
             "population_year": row.population_year, "departement": row.departement,
             "epci_siren": row.epci_siren, "epci_name": row.epci_name, "population_band": row.band,
             "obligation": row.obligation, "value": row.value, "rows": row.rows or 0,
             "figure": row.figure, "rank": row.rank, "picked": row.code in picked}
    entry["gap"] = (row.figure - median) if row.figure is not None and median is not None else None
    entry["gap_pct"] = (100 * entry["gap"] / median) if entry["gap"] is not None and median else None
    return entry


def compare(indicator_id: str, filters: dict, year: int | None = None, dimension: str = "",
            page: int = 1, per_page: int = 50, everything: bool = False, details: bool = True) -> dict:
    """``details`` False (commune card): no provenance list, no time series."""
    indicator = I.get(indicator_id)
    if indicator is None:
        raise tk.ValidationError({"indicator": [tk._("Indicateur inconnu.")]})
    dimensions = indicator_dimensions(indicator_id)
    if indicator.dimension_label and dimension not in dimensions:
        dimension = dimensions[0] if dimensions else ""
    years = indicator_years(indicator_id, dimension)
    if year not in years:
        year = years[0] if years else None
    ensure_communes()
    params: dict = {"indicator": indicator_id, "dimension": dimension, "year": year,
                    "scale": indicator.per_inhabitant}
    picked = set(filters.get("communes") or [])
    if _has_group(filters):
        group_where = _where(filters, params, include_codes=False)
        if picked:
            group_where = f"(({group_where}) OR c.code = ANY(:codes))"
            params["codes"] = sorted(picked)
    else:
        group_where = _where(filters, params)
    cte = GROUP_SQL.format(where=group_where)
    summary = Session.execute(sa.text(
        cte + "SELECT count(*) AS communes, count(figure) AS with_data, "
              "percentile_cont(0.5) WITHIN GROUP (ORDER BY figure) AS median, avg(figure) AS mean, "
              "min(figure) AS min, max(figure) AS max FROM g"), params).one()
    group = {"median": summary.median, "mean": summary.mean, "min": summary.min, "max": summary.max,
             "communes_with_data": summary.with_data, "communes": summary.communes}
    offset = max(page - 1, 0) * per_page
    params.update(low=offset, high=offset + per_page, picked=sorted(picked))
    window = "" if everything else " WHERE (position > :low AND position <= :high) OR code = ANY(:picked)"
    shown, chosen = [], []
    for row in Session.execute(sa.text(cte + "SELECT * FROM r" + window + " ORDER BY position"), params):
        entry = _entry(row, group["median"], picked)
        if everything or offset < row.position <= offset + per_page:
            shown.append(entry)
        if entry["picked"]:
            chosen.append(dict(entry))
    for entry in shown + chosen:
        entry["per_inhabitant"] = entry["figure"] if indicator.per_inhabitant else None
    # Provenance: the datasets behind the figures (all of the group), and per row for those shown.
    packages = [p for (p,) in Session.execute(sa.text(
        "SELECT DISTINCT unnest(v.packages) FROM socle_compare_value v JOIN socle_compare_commune c "
        f"ON c.code = v.commune WHERE {group_where} AND v.indicator = :indicator AND v.dimension = :dimension "
        "AND v.year = :year ORDER BY 1"), params)] \
        if year is not None and details and (everything or group["communes"] <= MAP_LIMIT) else None
    codes = sorted({e["code"] for e in shown + chosen if e["figure"] is not None})
    per_row = dict(Session.execute(sa.text(
        "SELECT commune, packages FROM socle_compare_value WHERE indicator = :indicator AND dimension = :dimension "
        "AND year = :year AND commune = ANY(:codes)"), dict(params, codes=codes)).all()) if codes else {}
    for entry in shown + chosen:
        entry["packages"] = list(per_row.get(entry["code"], []))
    return {
        "indicator": indicator.as_dict(), "year": year, "years": years, "dimension": dimension,
        "dimensions": dimensions, "filters": filters, "group": group, "rows": shown, "picked": chosen,
        "count": group["communes"], "page": page, "per_page": per_page,
        "series": _series(indicator, dimension, group_where, params, chosen) if chosen and details else
        {"years": [], "group_median": [], "communes": []},
        "population_year": population_vintage(),
        "provenance": {"datasets": packages, "communes_with_data": group["communes_with_data"],
                       "communes_in_group": group["communes"]},
    }


def figures(indicator_id: str, filters: dict, year, dimension: str = "") -> dict:
    """{code: figure or None} of every commune of the group (for the map: small groups only)."""
    result = compare(indicator_id, filters, year=year, dimension=dimension, everything=True)
    return {e["code"]: e["figure"] for e in result["rows"]}


def _series(indicator, dimension, group_where, params, chosen) -> dict:
    """Each studied commune over the years, and the group median of each year."""
    scale = indicator.per_inhabitant
    figure = "v.value * :scale / NULLIF(c.population, 0)" if scale else "v.value"
    medians = dict(Session.execute(sa.text(
        f"SELECT v.year, percentile_cont(0.5) WITHIN GROUP (ORDER BY {figure}) FROM socle_compare_value v "
        f"JOIN socle_compare_commune c ON c.code = v.commune WHERE {group_where} AND v.indicator = :indicator "
        "AND v.dimension = :dimension GROUP BY 1 ORDER BY 1"), params).all())
    years = sorted(medians)
    own = defaultdict(dict)
    for code, year, value in Session.execute(sa.text(
            f"SELECT v.commune, v.year, {figure} FROM socle_compare_value v JOIN socle_compare_commune c "
            "ON c.code = v.commune WHERE v.indicator = :indicator AND v.dimension = :dimension "
            "AND v.commune = ANY(:picked)"), params):
        own[code][year] = value
    return {"years": years, "group_median": [medians[y] for y in years],
            "communes": [{"code": e["code"], "name": e["name"], "values": [own[e["code"]].get(y) for y in years]}
                         for e in chosen]}


def outlines(codes: list[str]) -> dict:
    """GeoJSON FeatureCollection of commune outlines (at most MAP_LIMIT)."""
    features = []
    for code, name, outline in Session.execute(sa.text(
            "SELECT code, name, outline FROM socle_commune WHERE code = ANY(:codes) AND outline IS NOT NULL"),
            {"codes": list(codes)[:MAP_LIMIT]}):
        features.append({"type": "Feature", "id": code, "properties": {"code": code, "name": name},
                         "geometry": json.loads(outline)})
    return {"type": "FeatureCollection", "features": features}


# -- commune card ----------------------------------------------------------------------------------
HEADLINE = ("subventions.montant", "budget.fonctionnement", "budget.equipement", "deliberations.nombre",
            "equipements.nombre", "prenoms.naissances", "menus.siqo", "catalogue.jeux")


def commune_card(code: str, schemas: list[str]) -> dict | None:
    ensure_communes()
    row = Session.execute(sa.text(f"SELECT {COMMUNE_COLUMNS} FROM socle_compare_commune c WHERE c.code = :code"),
                          {"code": code}).first()
    if row is None:
        return None
    commune = _commune_dict(row)
    coverage = {cell["schema_name"]: dict(cell) for cell in Session.execute(sa.text(
        "SELECT * FROM socle_compare_coverage WHERE commune = :code"), {"code": code}).mappings()}
    headline = []
    band = commune["population_band"]
    for indicator_id in HEADLINE:
        indicator = I.get(indicator_id)
        latest = Session.execute(sa.text(
            "SELECT year, value, rows FROM socle_compare_value WHERE indicator = :i AND commune = :c "
            "AND dimension = '' ORDER BY year DESC LIMIT 1"), {"i": indicator_id, "c": code}).first()
        if latest is None:
            continue
        peer = compare(indicator_id, {"population_band": band, "departement": "", "epci": "",
                                      "obligation": False, "communes": [code]}, year=latest.year,
                       per_page=1, details=False)
        mine = peer["picked"][0] if peer["picked"] else {}
        headline.append({"indicator": indicator.as_dict(), "year": latest.year, "value": latest.value,
                         "per_inhabitant": mine.get("per_inhabitant"), "figure": mine.get("figure"),
                         "rank": mine.get("rank"), "group": peer["group"], "rows": latest.rows})
    return {"commune": commune, "coverage": {s: coverage.get(s) for s in schemas}, "headline": headline,
            "band_label": stats.band_label(band or ""), "generated": dt.datetime.utcnow().isoformat()}
