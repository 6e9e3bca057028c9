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

STATUSES = ("conforme", "a_ameliorer", "obsolete", "non_conforme", "non_verifie", "non_publie")
MAP_LIMIT = 1500  # communes drawn on a map at most (outlines are ~1 kB each)


def status_labels() -> dict:
    _ = tk._
    return {
        "conforme": _("Conforme"), "a_ameliorer": _("À améliorer"), "obsolete": _("Pas à jour"),
        "non_conforme": _("Publié, non conforme"), "non_verifie": _("Publié, non vérifié"),
        "non_publie": _("Non publié"),
    }


def schema_label(name: str) -> str:
    from ckanext.socle.catalogue import get_catalogue

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


def _where(filters: dict, params: dict, include_codes: bool = True) -> str:
    clauses = ["c.current", "c.kind = 'commune-actuelle'"]
    if filters.get("departement"):
        clauses.append("c.departement = :departement")
        params["departement"] = filters["departement"]
    if filters.get("epci"):
        clauses.append("c.epci_siren = :epci")
        params["epci"] = filters["epci"]
    if filters.get("population_band"):
        _key, low, high, _label = next(b for b in stats.POPULATION_BANDS if b[0] == filters["population_band"])
        clauses.append("c.population >= :band_low")
        params["band_low"] = low
        if high is not None:
            clauses.append("c.population < :band_high")
            params["band_high"] = high
    if filters.get("obligation"):
        clauses.append("COALESCE(c.population_totale, c.population) >= :threshold")
        params["threshold"] = stats.OBLIGATION_THRESHOLD
    if include_codes and filters.get("communes"):
        clauses.append("c.code = ANY(:codes)")
        params["codes"] = filters["communes"]
    return " AND ".join(clauses)


def _has_group(filters: dict) -> bool:
    return any(filters.get(k) for k in ("departement", "epci", "population_band", "obligation"))


def filter_choices() -> dict:
    """Départements and EPCI present in the reference table (for the filter forms)."""
    departements = [d for (d,) in Session.execute(sa.text(
        "SELECT DISTINCT departement FROM socle_commune WHERE current AND departement IS NOT NULL ORDER BY 1"))]
    epcis = [{"siren": s, "name": n} for s, n in Session.execute(sa.text(
        "SELECT DISTINCT epci_siren, epci_name FROM socle_commune WHERE current AND epci_siren IS NOT NULL "
        "ORDER BY 2 LIMIT 2000"))]
    bands = [{"key": k, "label": label} for k, _l, _h, label in stats.POPULATION_BANDS]
    return {"departements": departements, "epcis": epcis, "population_bands": bands}


def population_vintage() -> int | None:
    return Session.execute(sa.text("SELECT max(population_year) FROM socle_commune WHERE current")).scalar()


def _commune_dict(row) -> dict:
    return {"code": row.code, "name": row.name, "population": row.population,
            "population_year": row.population_year, "departement": row.departement,
            "epci_siren": row.epci_siren, "epci_name": row.epci_name,
            "population_band": stats.population_band(row.population),
            "obligation": (row.population_totale or row.population or 0) >= stats.OBLIGATION_THRESHOLD}


COMMUNE_COLUMNS = ("c.code, c.name, c.population, c.population_totale, c.population_year, c.departement, "
                   "c.epci_siren, c.epci_name")


# -- coverage matrix -------------------------------------------------------------------------------
def coverage_matrix(filters: dict, schemas: list[str], page: int = 1, per_page: int = 100,
                    everything: bool = False) -> dict:
    params: dict = {"schemas": schemas}
    where = _where(filters, params)
    total = Session.execute(sa.text(f"SELECT count(*) FROM socle_commune c WHERE {where}"), params).scalar()
    limit = "" if everything else " LIMIT :limit OFFSET :offset"
    params.update(limit=per_page, offset=max(page - 1, 0) * per_page)
    communes = Session.execute(sa.text(
        f"SELECT {COMMUNE_COLUMNS} FROM socle_commune c WHERE {where} "
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
    for schema, status, count in Session.execute(sa.text(
            f"SELECT v.schema_name, v.status, count(*) FROM socle_compare_coverage v "
            f"JOIN socle_commune c ON c.code = v.commune WHERE {where} AND v.schema_name = ANY(:schemas) "
            f"GROUP BY 1, 2"), params):
        totals[schema][status] = count
    for schema in schemas:
        totals[schema]["non_publie"] = total - sum(totals[schema].values())
        totals[schema]["published"] = total - totals[schema]["non_publie"]
    summary = Session.execute(sa.text(
        f"SELECT count(DISTINCT v.commune), count(*) FILTER (WHERE v.status IN ('conforme', 'a_ameliorer')) "
        f"FROM socle_compare_coverage v JOIN socle_commune c ON c.code = v.commune "
        f"WHERE {where} AND v.schema_name = ANY(:schemas)"), params).one()
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
        "communes_publishing": summary[0], "valid_cells": summary[1],
        "population_year": population_vintage(),
    }


# -- comparison ------------------------------------------------------------------------------------
def indicator_years(indicator_id: str, dimension: str = "") -> list[int]:
    return [y for (y,) in Session.execute(sa.text(
        "SELECT DISTINCT year FROM socle_compare_value WHERE indicator = :i AND dimension = :d ORDER BY 1 DESC"),
        {"i": indicator_id, "d": dimension})]


def indicator_dimensions(indicator_id: str) -> list[str]:
    return [d for (d,) in Session.execute(sa.text(
        "SELECT dimension FROM socle_compare_value WHERE indicator = :i GROUP BY 1 ORDER BY count(*) DESC, 1"),
        {"i": indicator_id})]


def _values(indicator_id: str, dimension: str, where: str, params: dict, years=None) -> dict:
    params = dict(params, indicator=indicator_id, dimension=dimension)
    year_clause = ""
    if years:
        year_clause = " AND v.year = ANY(:years)"
        params["years"] = list(years)
    result = defaultdict(dict)
    for commune, year, value, rows, packages in Session.execute(sa.text(
            f"SELECT v.commune, v.year, v.value, v.rows, v.packages FROM socle_compare_value v "
            f"JOIN socle_commune c ON c.code = v.commune WHERE {where} AND v.indicator = :indicator "
            f"AND v.dimension = :dimension{year_clause}"), params):
        result[commune][year] = (value, rows, packages)
    return result


def compare(indicator_id: str, filters: dict, year: int | None = None, dimension: str = "",
            page: int = 1, per_page: int = 50, everything: bool = False) -> dict:
    indicator = I.get(indicator_id)
    if indicator is None:
        raise tk.ValidationError({"indicator": [tk._("Indicateur inconnu.")]})
    dimensions = indicator_dimensions(indicator_id)
    if indicator.dimension_label and dimension not in dimensions:
        dimension = dimensions[0] if dimensions else ""
    years = indicator_years(indicator_id, dimension)
    if year not in years:
        year = years[0] if years else None
    params: dict = {}
    picked = set(filters.get("communes") or [])
    if _has_group(filters):
        group_where = _where(filters, params, include_codes=False)
        if picked:
            group_where = f"(({group_where}) OR (c.current AND c.code = ANY(:codes)))"
            params["codes"] = sorted(picked)
    else:
        group_where = _where(filters, params)
    members = Session.execute(sa.text(
        f"SELECT {COMMUNE_COLUMNS} FROM socle_commune c WHERE {group_where}"), params).all()
    found = _values(indicator_id, dimension, group_where, params)
    entries, series_values = [], defaultdict(list)
    for member in members:
        entry = _commune_dict(member)
        by_year = found.get(member.code, {})
        value, rows, packages = by_year.get(year, (None, 0, []))
        entry.update(value=value, rows=rows, packages=packages, picked=member.code in picked,
                     series={y: val for y, (val, _r, _p) in by_year.items()})
        entries.append(entry)
        for y, (val, _r, _p) in by_year.items():
            if indicator.per_inhabitant and entry["population"]:
                series_values[y].append(val * indicator.per_inhabitant / entry["population"])
            elif not indicator.per_inhabitant:
                series_values[y].append(val)
    group = stats.compare(entries, indicator.per_inhabitant)
    entries.sort(key=lambda e: (e["figure"] is None, -(e["figure"] or 0), e["name"]))
    with_data = [e for e in entries if e["figure"] is not None]
    start = max(page - 1, 0) * per_page
    shown = entries if everything else entries[start:start + per_page]
    medians = {y: stats.v.median(vals) for y, vals in sorted(series_values.items())}
    series = {
        "years": sorted(series_values),
        "group_median": [medians[y] for y in sorted(series_values)],
        "communes": [{"code": e["code"], "name": e["name"], "values": [
            stats.per_inhabitant(e["series"].get(y), e["population"], indicator.per_inhabitant)
            if indicator.per_inhabitant else e["series"].get(y) for y in sorted(series_values)]}
            for e in entries if e["picked"]],
    }
    packages = sorted({p for e in with_data for p in e["packages"]})
    return {
        "indicator": indicator.as_dict(), "year": year, "years": years, "dimension": dimension,
        "dimensions": dimensions, "filters": filters, "group": group, "rows": shown,
        "picked": [e for e in entries if e["picked"]], "count": len(entries), "page": page,
        "per_page": per_page, "series": series, "population_year": population_vintage(),
        "provenance": {"datasets": packages, "communes_with_data": group["communes_with_data"],
                       "communes_in_group": group["communes"]},
    }


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
    row = Session.execute(sa.text(f"SELECT {COMMUNE_COLUMNS} FROM socle_commune c WHERE c.code = :code"),
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
                       per_page=1)
        mine = peer["picked"][0] if peer["picked"] else {}
        headline.append({"indicator": indicator.as_dict(), "year": latest.year, "value": latest.value,
                         "per_inhabitant": mine.get("per_inhabitant"), "figure": mine.get("figure"),
                         "rank": mine.get("rank"), "group": peer["group"], "rows": latest.rows})
    return {"commune": commune, "coverage": {s: coverage.get(s) for s in schemas}, "headline": headline,
            "band_label": stats.band_label(band or ""), "generated": dt.datetime.utcnow().isoformat()}
