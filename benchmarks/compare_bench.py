"""Comparison benchmark (prints figures; not a test).

Builds, in a database of its own, the volume of a national portal: every current commune of the
reference data (~35 000, full France from `ckan socle communes load`), 8 socle datasets each
(280 000 resources tracked, their coverage cells, and the precomputed indicator values of 3 years),
then times the pages and actions that read them, server side, through CKAN's Flask app:

* the coverage matrix (all France, a département, a population band with the obligation filter),
  the action and the full CSV export;
* a comparison over all communes, over a stratum with a picked commune, over a département with
  the map outlines; the JSON export; a commune card;
* the refresh path: recomputing values and coverage of communes from consolidated rows.

    python benchmarks/compare_bench.py                    # builds the volume once, then times
    python benchmarks/compare_bench.py --rebuild          # regenerate the synthetic volume
    python benchmarks/compare_bench.py --repeat 9

Needs the services of scripts/services.sh (started here) and the full reference data
(~/.cache/ckanext-socle/reference, fetched by scripts/install.sh).
"""
from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
PLUGINS = "socle socle_validation socle_compare scheming_datasets scheming_organizations"
SCHEMAS = ["deliberations", "subventions", "budget", "equipements", "prenoms", "menus-collectifs",
           "plats-menus-collectifs", "catalogue"]
LEVELS = [("conforme", 0.45), ("a_ameliorer", 0.15), ("non_conforme", 0.1), ("non_verifie", 0.02), (None, 0.28)]
YEARS = (2022, 2023, 2024)


def sh(*args, env=None, quiet=True):
    result = subprocess.run(list(args), env=env, cwd=ROOT, text=True,
                            stdout=subprocess.PIPE if quiet else None, stderr=subprocess.STDOUT if quiet else None)
    if result.returncode:
        raise SystemExit(f"failed: {' '.join(args)}\n{result.stdout or ''}")
    return result.stdout


def prepare(database: str) -> tuple[str, dict]:
    """Services, a database and a Solr core of the benchmark's own, an ini with the plugins."""
    sh("bash", "scripts/services.sh", "start")
    sh("bash", "scripts/services.sh", "database", database)
    sh("bash", "scripts/services.sh", "core", database)
    env = dict(os.environ,
               CKAN_SQLALCHEMY_URL=f"postgresql://ckan_default:pass@127.0.0.1/{database}",
               CKAN_SOLR_URL=f"http://127.0.0.1:{os.environ.get('SOLR_PORT', '8983')}/solr/{database}",
               CKAN_REDIS_URL="redis://127.0.0.1:6379/15",
               CKAN_STORAGE_PATH=f"/tmp/{database}-storage")
    os.environ.update({k: env[k] for k in ("CKAN_SQLALCHEMY_URL", "CKAN_SOLR_URL", "CKAN_REDIS_URL", "CKAN_STORAGE_PATH")})
    ini = Path(tempfile.gettempdir()) / f"{database}.ini"
    sh("cp", str(ROOT / "test.ini"), str(ini))
    sh(str(VENV_BIN / "ckan"), "config-tool", str(ini), f"ckan.plugins={PLUGINS}", "testing=false")
    ckan = [str(VENV_BIN / "ckan"), "-c", str(ini)]
    sh(*ckan, "db", "init", env=env)
    for plugin in ("socle", "socle_validation", "socle_compare"):
        sh(*ckan, "db", "upgrade", "-p", plugin, env=env)
    return str(ini), env


def copy_rows(cursor, table: str, columns: list[str], rows) -> int:
    buffer, count = io.StringIO(), 0
    for row in rows:
        buffer.write("\t".join("\\N" if v is None else str(v) for v in row) + "\n")
        count += 1
    buffer.seek(0)
    cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)
    return count


def generate(session, seed: int = 7) -> dict:
    """Synthetic precomputed tables for every current commune (the read side's whole input)."""
    from ckanext.socle.compare import indicators as I

    rng = random.Random(seed)
    communes = session.execute(__import__("sqlalchemy").text(
        "SELECT code, coalesce(population, 0) FROM socle_commune WHERE current AND kind = 'commune-actuelle'")).all()
    connection = session.connection().connection
    cursor = connection.cursor()
    for table in ("socle_compare_value", "socle_compare_coverage", "socle_compare_resource", "socle_compare_row"):
        cursor.execute(f"TRUNCATE {table}")
    resources, cells, values = [], [], []
    levels, weights = zip(*LEVELS)
    by_schema = {s: I.for_schema(s) for s in SCHEMAS}
    for code, population in communes:
        for schema in SCHEMAS:
            level = rng.choices(levels, weights)[0]
            if level is None:
                continue
            rid = f"{code}-{schema}"
            modified = f"2024-{rng.randint(1, 12):02d}-15 10:00:00"
            resources.append((rid, f"bench-{schema}-{code}", f"pkg-{rid}", False, schema, "1.0", level,
                              modified, "{" + code + "}", 20))
            cells.append((code, schema, level, level, f"pkg-{rid}", f"bench-{schema}-{code}", rid, "1.0", modified))
            if level not in ("conforme", "a_ameliorer"):
                continue
            for indicator in by_schema[schema]:
                dims = [""] if not indicator.dimension_label else ["A", "B", "C"]
                scale = (population or 1000) / (indicator.per_inhabitant or 1) if indicator.per_inhabitant else 1
                for year in YEARS:
                    for dim in dims:
                        values.append((indicator.id, code, year, dim, round(rng.uniform(0.2, 3) * scale, 2),
                                       rng.randint(5, 500), "{" + f"pkg-{rid}" + "}"))
    copy_rows(cursor, "socle_compare_resource", ["resource_id", "package_name", "package_id", "private",
              "schema_name", "schema_version", "level", "modified", "communes", "row_count"], resources)
    copy_rows(cursor, "socle_compare_coverage", ["commune", "schema_name", "status", "level", "package_id",
              "package_name", "resource_id", "schema_version", "modified"], cells)
    copy_rows(cursor, "socle_compare_value", ["indicator", "commune", "year", "dimension", "value", "rows",
              "packages"], values)
    connection.commit()
    # What a refresh keeps beside the values: the compact commune facts (with one status letter per
    # matrix column) and the index of years and dimensions.
    from ckanext.socle.compare import consolidate

    consolidate.sync_communes()
    consolidate.update_value_index(list(I.INDICATORS))
    session.commit()
    cursor = session.connection().connection.cursor()
    cursor.execute("ANALYZE")
    session.connection().connection.commit()
    return {"communes": len(communes), "resources": len(resources), "coverage_cells": len(cells),
            "values": len(values)}


def timed(label: str, call, repeat: int) -> dict:
    call()  # warm-up (template compilation, caches)
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    result = {"label": label, "median_ms": statistics.median(samples), "max_ms": max(samples)}
    print(f"  {label:<72} median {result['median_ms']:7.1f} ms   max {result['max_ms']:7.1f} ms", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default="ckan_bench_compare")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rebuild", action="store_true", help="regenerate the synthetic volume")
    parser.add_argument("--refresh-communes", type=int, default=300,
                        help="communes whose consolidated rows are recomputed in the refresh timing")
    args = parser.parse_args()

    print("preparing the database and the services…", flush=True)
    ini, _env = prepare(args.database)
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    config = load_config(ini)
    app = make_app(config)
    flask_app = app._wsgi_app
    import sqlalchemy as sa
    from ckan.model import Session

    with flask_app.test_request_context():
        loaded = Session.execute(sa.text("SELECT count(*) FROM socle_commune WHERE current")).scalar()
        if loaded < 30000:
            print("loading the full commune reference (France)…", flush=True)
            from ckanext.socle.reference import store

            store.load()
        volume_present = Session.execute(sa.text("SELECT count(*) FROM socle_compare_coverage")).scalar()
        if args.rebuild or volume_present < 100000:
            started = time.time()
            print("generating the volume…", flush=True)
            facts = generate(Session)
            print(f"  {facts} in {time.time() - started:.0f} s", flush=True)
        elif Session.execute(sa.text("SELECT count(*) FROM socle_compare_commune")).scalar() < 30000:
            from ckanext.socle.compare import consolidate
            from ckanext.socle.compare import indicators as I

            consolidate.sync_communes()
            consolidate.update_value_index(list(I.INDICATORS))
            Session.commit()
        counts = {t: Session.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar() for t in (
            "socle_commune", "socle_compare_resource", "socle_compare_coverage", "socle_compare_value")}
        print(f"volume: {counts}", flush=True)
        Session.remove()

    client = flask_app.test_client()

    def get(url):
        def call():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code, response.get_data(as_text=True)[:500])
            response.get_data()
        return call

    def action(name, **data):
        import ckan.plugins.toolkit as tk

        def call():
            with flask_app.test_request_context():
                tk.get_action(name)({"ignore_auth": True}, data)
                Session.remove()
        return call

    print("server time (Flask test client, no network), milliseconds:", flush=True)
    results = [
        timed("page  matrix, all France, page 1 of 100 communes + totals", get("/comparaison/couverture"), args.repeat),
        timed("page  matrix, département 13", get("/comparaison/couverture?departement=13"), args.repeat),
        timed("page  matrix, 3 500–4 999 hab. + obligation", get("/comparaison/couverture?population_band=3500-4999&obligation=1"), args.repeat),
        timed("action socle_coverage_matrix, all France", action("socle_coverage_matrix"), args.repeat),
        timed("page  comparison, subventions €/hab, all ~35 000 communes", get("/comparaison/indicateurs?indicator=subventions.montant"), args.repeat),
        timed("page  comparison, budget €/hab, stratum 50–100k + Créteil picked", get("/comparaison/indicateurs?indicator=budget.fonctionnement&population_band=50000-99999&communes=94028"), args.repeat),
        timed("page  comparison with map, département 94 (47 outlines)", get("/comparaison/indicateurs?indicator=prenoms.naissances&departement=94&communes=94028"), args.repeat),
        timed("action socle_compare, all communes (per_page 50)", action("socle_compare", indicator="subventions.montant"), args.repeat),
        timed("page  commune card (8 headline indicators vs stratum)", get("/comparaison/commune/94028"), args.repeat),
        timed("export matrix CSV, all France (not a page view)", get("/comparaison/couverture.csv"), max(1, args.repeat // 2)),
        timed("export comparison JSON, all communes (not a page view)", get("/comparaison/indicateurs.json?indicator=subventions.montant"), max(1, args.repeat // 2)),
    ]

    # Refresh path: consolidated rows -> values and coverage for N communes (20 grants each).
    with flask_app.test_request_context():
        from ckanext.socle.compare import consolidate

        rng = random.Random(3)
        codes = [c for (c,) in Session.execute(sa.text(
            "SELECT code FROM socle_commune WHERE current AND kind = 'commune-actuelle' ORDER BY code LIMIT :n"),
            {"n": args.refresh_communes})]
        connection = Session.connection().connection
        cursor = connection.cursor()
        cursor.execute("DELETE FROM socle_compare_row")
        import json

        rows = []
        for code in codes:
            for index in range(20):
                data = {"montant": str(rng.randint(1000, 90000)), "dateConvention": f"2024-0{rng.randint(1, 9)}-10",
                        "nomBeneficiaire": f"Association {index}", "nature": "aide en numéraire"}
                rows.append(("subventions", "2.1.1", f"{code}-subventions", f"pkg-{code}-subventions", code,
                             "conforme", "2024-06-01 00:00:00", False, f"{code}-{index}", json.dumps(data)))
        copy_rows(cursor, "socle_compare_row", ["schema_name", "schema_version", "resource_id", "package_id",
                  "commune", "level", "modified", "private", "row_key", "data"], rows)
        connection.commit()
        started = time.perf_counter()
        consolidate.recompute_communes("subventions", codes)
        elapsed = time.perf_counter() - started
        print(f"refresh: values + coverage of {len(codes)} communes ({len(rows)} rows) recomputed in "
              f"{elapsed * 1000:.0f} ms ({elapsed * 1000 / max(len(codes), 1):.1f} ms per commune)")
        Session.execute(sa.text("DELETE FROM socle_compare_row"))
        Session.commit()
    slow = [r for r in results if r["median_ms"] > 500 and "export" not in r["label"]]
    print("pages over 500 ms (median): " + (", ".join(r["label"] for r in slow) if slow else "none"))


if __name__ == "__main__":
    main()
