"""Pages and exports of the comparison (one blueprint, ``/comparaison``).

Every page is a server-rendered table first; the charts and the map are drawn on top of it by
``assets/compare/compare.js`` when JavaScript runs (the tables stay: they are the accessible
alternative to each chart).
"""
from __future__ import annotations

import csv
import io
import json
import math

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan.model import Session  # toolkit has no database session
from flask import Blueprint, Response, stream_with_context

from . import indicators as I
from . import queries, stats
from .consolidate import matrix_schemas

compare_bp = Blueprint("socle_compare", __name__, url_prefix="/comparaison")


# -- formatting (French) ----------------------------------------------------------------------------
def fmt(value, decimals: int | None = None) -> str:
    """1234567.891 -> "1 234 567,89" (narrow no-break spaces); None -> "—"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if decimals is None:
        decimals = 0 if abs(value) >= 1000 or float(value).is_integer() else (1 if abs(value) >= 10 else 2)
    text = f"{value:,.{decimals}f}".replace(",", "\u202f").replace(".", ",")
    return text


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(round(value, 6))
    return str(value)


def _csv_response(filename: str, header: list[str], rows) -> Response:
    def generate():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        buffer.write("\ufeff")  # spreadsheet programs then read UTF-8
        writer.writerow(header)
        for row in rows:
            writer.writerow([_csv_value(v) for v in row])
            if buffer.tell() > 65536:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    return Response(stream_with_context(generate()), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _page() -> int:
    try:
        return max(1, int(tk.request.args.get("page") or 1))
    except ValueError:
        return 1


def page_url(number: int) -> str:
    from urllib.parse import urlencode

    args = {k: v for k, v in tk.request.args.items() if k != "page"}
    return "?" + urlencode({**args, "page": number})


def export_url(endpoint: str) -> str:
    """The same query on another route (CSV, JSON): shareable, bookmarkable."""
    query = tk.request.query_string.decode()
    return tk.url_for(endpoint) + (f"?{query}" if query else "")


def _common(filters: dict | None = None) -> dict:
    # URL patterns built once per page (url_for per table cell costs more than the whole query).
    urls = {"dataset_url": tk.url_for("dataset.read", id="__ID__"),
            "commune_url": tk.url_for("socle_compare.commune", code="__CODE__")}
    return {**urls, "fmt": fmt, "page_url": page_url, "export_url": export_url, "status_labels": queries.status_labels(),
            "choices": queries.filter_choices((filters or {}).get("departement", ""), (filters or {}).get("epci", "")),
            "band_label": stats.band_label}


def _args() -> dict:
    data = {key: tk.request.args.get(key) for key in tk.request.args}
    data["communes"] = _resolve_communes(tk.request.args.get("communes", ""))
    return data


def _matrix_args() -> dict:
    """The matrix's filters; on a first visit (no ``departement`` in the URL, not even empty),
    the portal's own département (queries.default_departement)."""
    args = _args()
    if "departement" not in tk.request.args and not args["communes"] and not args.get("epci"):
        args["departement"] = queries.default_departement()
        args["default_scope"] = bool(args["departement"])
    return args


def _resolve_communes(text: str) -> list[str]:
    """INSEE codes, or names typed by a person ("Créteil, Sucy-en-Brie")."""
    from ckanext.socle.reference.sources import search_key

    codes = []
    for part in [p.strip() for p in (text or "").replace(";", ",").split(",") if p.strip()][:200]:
        if part[:5].upper().replace("A", "0").replace("B", "0").isdigit() and len(part) == 5:
            codes.append(part.upper())
            continue
        found = Session.execute(sa.text(
            "SELECT code FROM socle_commune WHERE current AND kind = 'commune-actuelle' AND search_name = :n "
            "ORDER BY population DESC NULLS LAST LIMIT 1"), {"n": search_key(part)}).scalar()
        if found:
            codes.append(found)
    return codes


def _commune_names(codes: list[str]) -> str:
    if not codes:
        return ""
    names = dict(Session.execute(sa.text("SELECT code, name FROM socle_commune WHERE code = ANY(:c)"), {"c": codes}).all())
    return ", ".join(names.get(code, code) for code in codes)


# -- coverage matrix --------------------------------------------------------------------------------
@compare_bp.route("/")
@compare_bp.route("/couverture")
def matrix():
    args = _matrix_args()
    filters = queries.clean_filters(args)
    result = queries.coverage_matrix(filters, matrix_schemas(), page=_page(), per_page=100)
    pages = max(1, math.ceil(result["count"] / result["per_page"]))
    return tk.render("socle/compare/matrix.html", extra_vars={
        **_common(filters), "m": result, "pages": pages, "query": tk.request.query_string.decode(),
        "communes_text": _commune_names(filters["communes"]), "default_scope": args.get("default_scope")})


@compare_bp.route("/couverture.csv")
def matrix_csv():
    filters = queries.clean_filters(_matrix_args())
    schemas = matrix_schemas()
    result = queries.coverage_matrix(filters, schemas, everything=True)
    labels = queries.status_labels()
    header = ["code_insee", "commune", "population", "annee_population", "departement", "epci_siren", "epci",
              "obligation_3500"] + [f"{s}_statut" for s in schemas] + [f"{s}_jeu" for s in schemas] + \
             ["jeux_publies", "jeux_conformes"]
    site = tk.config.get("ckan.site_url", "").rstrip("/")

    def rows():
        for row in result["rows"]:
            cells = row["cells"]
            yield ([row["code"], row["name"], row["population"], row["population_year"], row["departement"],
                    row["epci_siren"], row["epci_name"], "oui" if row["obligation"] else "non"]
                   + [labels[cells[s]["status"]] if cells[s] else labels["non_publie"] for s in schemas]
                   + [f"{site}/dataset/{cells[s]['package_name']}" if cells[s] else "" for s in schemas]
                   + [row["published"], row["valid"]])

    return _csv_response("couverture-socle.csv", header, rows())


# -- comparison -------------------------------------------------------------------------------------
def _compare_result(everything: bool = False):
    args = _args()
    indicator = args.get("indicator") or next(iter(I.INDICATORS))
    if I.get(indicator) is None:
        indicator = next(iter(I.INDICATORS))
    try:
        year = int(args["year"]) if args.get("year") else None
    except ValueError:
        year = None
    filters = queries.clean_filters(args)
    return queries.compare(indicator, filters, year=year, dimension=args.get("dimension") or "",
                           page=_page(), per_page=50, everything=everything)


@compare_bp.route("/indicateurs")
def compare():
    result = _compare_result()
    # Data for the charts and the map (drawn by compare.js over the tables).
    chart_rows = result["picked"] + [r for r in result["rows"] if not r["picked"]]
    chart_rows = [r for r in chart_rows if r["figure"] is not None][:40]
    map_codes, figures = [], {}
    if result["count"] <= queries.MAP_LIMIT:
        full = result if result["count"] <= result["per_page"] else _compare_result(everything=True)
        map_codes = [r["code"] for r in full["rows"]]
        figures = {r["code"]: r["figure"] for r in full["rows"]}
    payload = {
        "indicator": result["indicator"], "year": result["year"], "median": result["group"]["median"],
        "bars": [{"code": r["code"], "name": r["name"], "figure": r["figure"], "picked": r["picked"]}
                 for r in chart_rows],
        "series": result["series"],
        "map": {"figures": figures, "picked": [r["code"] for r in result["picked"]],
                "tiles": tk.config.get("ckanext.socle.compare.map_tiles_url") or "",
                "attribution": tk.config.get("ckanext.socle.compare.map_tiles_attribution") or "",
                "card_url": tk.url_for("socle_compare.commune", code="CODE")},
        "unit": result["indicator"]["per_inhabitant_unit"] or result["indicator"]["unit"],
    }
    groups = {}
    for ind in I.INDICATORS.values():
        groups.setdefault(queries.schema_label(ind.schema), []).append(ind)
    pages = max(1, math.ceil(result["count"] / result["per_page"]))
    packages = _package_titles(result["provenance"]["datasets"] or [])
    return tk.render("socle/compare/compare.html", extra_vars={
        **_common(result["filters"]), "r": result, "payload": payload, "outlines": queries.outlines(map_codes) if map_codes else None,
        "indicator_groups": groups, "pages": pages, "query": tk.request.query_string.decode(),
        "communes_text": _commune_names(result["filters"]["communes"]), "packages": packages})


def _package_titles(ids: list[str]) -> list[dict]:
    if not ids:
        return []
    found = Session.execute(sa.text(
        "SELECT DISTINCT package_id, package_name, package_title, org_title FROM socle_compare_resource "
        "WHERE package_id = ANY(:ids) AND NOT private ORDER BY package_title"), {"ids": ids[:500]}).mappings()
    return [dict(row) for row in found]


@compare_bp.route("/indicateurs.json")
def compare_json():
    from .logic.action import _json

    return Response(json.dumps(_json(_compare_result(everything=True)), ensure_ascii=False),
                    mimetype="application/json")


@compare_bp.route("/indicateurs.csv")
def compare_csv():
    result = _compare_result(everything=True)
    ind = result["indicator"]
    header = ["code_insee", "commune", "indicateur", "annee", "dimension", "valeur", "unite",
              "par_habitant", "unite_par_habitant", "population", "annee_population", "rang_dans_le_groupe",
              "communes_classees", "ecart_a_la_mediane", "mediane_du_groupe", "lignes_sources", "jeux_sources"]
    group = result["group"]

    def rows():
        for r in result["rows"]:
            yield [r["code"], r["name"], ind["id"], result["year"], result["dimension"], r["value"], ind["unit"],
                   r["per_inhabitant"], ind["per_inhabitant_unit"], r["population"], r["population_year"],
                   r["rank"], group["communes_with_data"], r["gap"], group["median"], r["rows"],
                   " ".join(r["packages"])]

    return _csv_response(f"{ind['id']}-{result['year'] or ''}.csv", header, rows())


# -- commune card -----------------------------------------------------------------------------------
@compare_bp.route("/commune/<code>")
def commune(code):
    card = queries.commune_card(code.upper()[:5], matrix_schemas())
    if card is None:
        return tk.abort(404, tk._("Commune inconnue."))
    return tk.render("socle/compare/commune.html", extra_vars={
        **_common(), "card": card, "schemas": [{"name": s, "label": queries.schema_label(s)} for s in matrix_schemas()]})


# -- consolidated files -----------------------------------------------------------------------------
@compare_bp.route("/consolidation")
def consolidation():
    counts = Session.execute(sa.text(
        "SELECT r.schema_name, count(DISTINCT r.package_id), count(DISTINCT r.resource_id), "
        "coalesce(sum(r.row_count), 0) FROM socle_compare_resource r "
        "WHERE NOT r.private AND r.level IN ('conforme', 'a_ameliorer') GROUP BY 1 ORDER BY 1")).all()
    return tk.render("socle/compare/consolidation.html", extra_vars={
        **_common(), "counts": [{"schema": s, "label": queries.schema_label(s), "datasets": d, "resources": n,
                                 "rows": rows} for s, d, n, rows in counts]})


PROVENANCE = ["niveau_conformite", "jeu_de_donnees", "ressource", "siren_organisation", "code_insee_commune",
              "derniere_modification", "version_schema"]


@compare_bp.route("/consolidation/<schema>.csv")
def consolidation_csv(schema):
    from ckanext.socle.catalogue import get_catalogue

    catalogue = get_catalogue()
    if schema not in catalogue.names():
        return tk.abort(404, tk._("Schéma inconnu."))
    version = tk.request.args.get("version") or ""
    versions = [version] if version else sorted(
        {v for (v,) in Session.execute(sa.text(
            "SELECT DISTINCT schema_version FROM socle_compare_row WHERE schema_name = :s"), {"s": schema})},
        key=lambda x: [int(p) if p.isdigit() else 0 for p in x.split(".")], reverse=True)
    fields: list[str] = []
    for each in versions or [catalogue.newest(schema).version]:
        try:
            for field in catalogue.resolve(f"{schema}@{each}").fields:
                if field["name"] not in fields:
                    fields.append(field["name"])
        except Exception:
            continue
    site = tk.config.get("ckan.site_url", "").rstrip("/")
    params = {"s": schema}
    version_clause = ""
    if version:
        version_clause = " AND r.schema_version = :v"
        params["v"] = version
    query = sa.text(
        "SELECT * FROM (SELECT DISTINCT ON (r.row_key) r.data, r.level, p.package_name, r.resource_id, r.org_siren, "
        "r.commune, r.modified, r.schema_version FROM socle_compare_row r "
        "JOIN socle_compare_resource p ON p.resource_id = r.resource_id "
        f"WHERE r.schema_name = :s AND NOT r.private{version_clause} "
        "ORDER BY r.row_key, r.modified DESC NULLS LAST) t ORDER BY commune, modified, package_name")

    def rows():
        result = Session.execute(query.execution_options(stream_results=True, yield_per=2000), params)
        for data, level, package_name, resource_id, org_siren, commune, modified, row_version in result:
            yield [data.get(f, "") for f in fields] + [
                level, f"{site}/dataset/{package_name}", f"{site}/dataset/{package_name}/resource/{resource_id}",
                org_siren or "", commune or "", modified.isoformat() if modified else "", row_version]

    suffix = f"-{version}" if version else ""
    return _csv_response(f"socle-{schema}{suffix}-consolide.csv", fields + PROVENANCE, rows())


def get_blueprints():
    return [compare_bp]
