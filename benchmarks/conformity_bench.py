"""Conformity engine benchmark (prints figures; not a test).

Generates SCDL subventions 2.1.1 CSV files of the requested sizes, valid and with about 1 % of
faulty rows, then measures in separate processes (so each peak RSS is its own):

* this engine, fast path (polars) and, on a prefix, the exact path;
* plain ``frictionless validate`` (frictionless 5, no custom checks, no 1 000-error limit) on the
  same file up to 1 M rows (about a minute and a half per file at 11 000 rows/s); beyond
  ``--frictionless-rows`` on a prefix, extrapolated. The output says when a figure is extrapolated.

    python benchmarks/conformity_bench.py                 # 100k and 1M rows
    python benchmarks/conformity_bench.py --sizes 10M     # also: 100k,1M,10M; --keep DIR
"""
from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time

HEADER = [
    "nomAttribuant", "idAttribuant", "dateConvention", "referenceDecision", "nomBeneficiaire",
    "idBeneficiaire", "rnaBeneficiaire", "objet", "montant", "nature", "conditionsVersement",
    "datesPeriodeVersement", "idRAE", "notificationUE", "pourcentageSubvention", "dispositifAide",
]
NATURES = ["aide en numéraire", "aide en nature", "aide en numéraire;aide en nature"]
CONDITIONS = ["unique", "échelonné", "Versement à la signature de la convention"]
OBJETS = ["Fonctionnement {}", "Projet culturel {}", "Manifestation sportive {}", "Investissement {}",
          "Aide à l'emploi, action {}"]


def _luhn_digit(body: str) -> str:
    for d in "0123456789":
        total = 0
        for i, c in enumerate(reversed(body + d)):
            n = int(c) * (2 if i % 2 else 1)
            total += n - 9 if n > 9 else n
        if total % 10 == 0:
            return d
    raise AssertionError


def _siret(rng: random.Random) -> str:
    siren = str(rng.randint(10_000_000, 99_999_999))
    siren += _luhn_digit(siren)
    while True:
        nic = f"{rng.randint(0, 9999):04d}"
        body = siren + nic
        d = _luhn_digit(body)
        siret = body + d
        if not siret.startswith("356000000"):
            return siret


def _faulty(row: list, rng: random.Random) -> None:
    kind = rng.randrange(9)
    if kind == 0:
        y, m, d = row[2].split("-")
        row[2] = f"{d}/{m}/{y}"  # French date
    elif kind == 1:
        row[8] = row[8].replace(".", ",")  # decimal comma
    elif kind == 2:
        row[5] = row[5][:-1] + str((int(row[5][-1]) + 1) % 10)  # wrong SIRET checksum
    elif kind == 3:
        row[9] = row[9].capitalize()  # enum case
    elif kind == 4:
        row[4] = ""  # required
    elif kind == 5:
        row[14] = "1.5"  # maximum
    elif kind == 6:
        row[11] = row[11].replace("/", "_")  # pattern
    elif kind == 7:
        row[13] = "Non"  # boolean
    else:
        row[5] = row[6] = ""  # one-of-required


def generate(path: str, rows: int, error_rate: float, seed: int = 1) -> None:
    rng = random.Random(seed)
    sirets = [_siret(rng) for _ in range(20_000)]
    attribuants = [(f"Commune n°{i}", sirets[i]) for i in range(200)]

    def q(value: str) -> str:
        return f'"{value}"' if ("," in value or '"' in value) else value

    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write(",".join(HEADER) + "\r\n")
        lines = []
        for i in range(rows):
            nom, siret = attribuants[i % 200]
            year = 2018 + i % 6
            row = [
                nom, siret, f"{year}-{1 + i % 12:02d}-{1 + i % 28:02d}", f"DEL-{year}-{i % 997}",
                f"Association {i % 5003}", sirets[rng.randrange(20_000)],
                f"W{rng.randint(100_000_000, 999_999_999)}" if i % 3 else "",
                OBJETS[i % 5].format(i), f"{rng.randint(100, 500_000)}.{rng.randint(0, 99):02d}",
                NATURES[i % 3], CONDITIONS[i % 3], f"{year}-01-01/{year}-12-31", "",
                "oui" if i % 7 == 0 else "non", f"0.{rng.randint(1, 99):02d}", "" if i % 4 else "Dispositif A",
            ]
            if rng.random() < error_rate:
                _faulty(row, rng)
            lines.append(",".join(q(v) for v in row))
            if len(lines) == 50_000:
                out.write("\r\n".join(lines) + "\r\n")
                lines = []
        if lines:
            out.write("\r\n".join(lines) + "\r\n")


def prefix(path: str, rows: int, target: str) -> None:
    with open(path, "rb") as src, open(target, "wb") as dst:
        for i, line in enumerate(src):
            if i > rows:
                break
            dst.write(line)


def _sample(path: str, rows: int, limit: int, directory: str) -> tuple[str, str]:
    """The whole file when it has at most ``limit`` rows, else a prefix (its rate is extrapolated)."""
    if rows <= limit:
        return path, f"all {rows:,} rows"
    target = os.path.join(directory, f"prefix-{limit}.csv")
    prefix(path, limit, target)
    return target, f"first {limit:,} rows, extrapolated"


# Each measurement runs in a child process; it prints a JSON line.
CHILD = r"""
import json, resource, sys, time
kind, path, schema = sys.argv[1], sys.argv[2], sys.argv[3]
from ckanext.socle.conformity import Options, validate  # imports are not timed
import frictionless, polars
start = time.perf_counter()
usage = resource.getrusage(resource.RUSAGE_SELF)
cpu_start = usage.ru_utime + usage.ru_stime
if kind in ("fast", "exact"):
    report = validate(path, schema, options=Options(engine=kind))
    rows, errors, path_used = report.rows, report.error_count, report.engine["path"]
else:
    import json, os
    from frictionless import Resource, Schema, validate
    plain = Schema.from_descriptor(json.load(open(schema, encoding="utf-8")))
    # without limit_errors, frictionless stops at its 1,000th error (after ~125,000 rows at 1 %)
    report = validate(Resource(path=os.path.basename(path), basepath=os.path.dirname(path), schema=plain),
                      limit_errors=10**9)
    rows, errors, path_used = report.tasks[0].stats["rows"], report.stats["errors"], "frictionless"
elapsed = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_SELF)
cpu = usage.ru_utime + usage.ru_stime - cpu_start
rss = usage.ru_maxrss / 1024
print(json.dumps({"rows": rows, "errors": errors, "seconds": elapsed, "cpu": cpu, "rss_mb": rss, "path": path_used}))
"""


def measure(kind: str, path: str, schema: str) -> dict:
    result = subprocess.run([sys.executable, "-c", CHILD, kind, path, schema], capture_output=True, text=True,
                            check=False)
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-2000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def line(name, rows, megabytes, engine, result) -> None:
    rows_text = f"{rows:>10,}" if rows is not None else " " * 10
    size_text = f"{megabytes:>6.0f}" if megabytes is not None else " " * 6
    print(f"{name:<18} {rows_text} {size_text} | {engine:<48} {result['rows'] / result['seconds']:>9,.0f} "
          f"{result['rows'] / max(result['cpu'], 1e-9):>10,.0f} {result['rss_mb']:>7.0f}MB {result['errors']:>7,}")


def parse_size(text: str) -> int:
    text = text.strip().lower()
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1], 1)
    return int(float(text[:-1] if factor > 1 else text) * factor)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100k,1M")
    parser.add_argument("--frictionless-rows", type=int, default=1_000_000,
                        help="rows given to plain frictionless (beyond: a prefix, extrapolated)")
    parser.add_argument("--exact-rows", type=int, default=20_000,
                        help="rows given to the exact path (beyond: a prefix, extrapolated)")
    parser.add_argument("--keep", default=None, help="directory where generated files are kept")
    args = parser.parse_args()

    from ckanext.socle.catalogue import get_catalogue

    schema_descriptor = get_catalogue().resolve("subventions@2.1.1").descriptor
    directory = args.keep or tempfile.mkdtemp(prefix="socle-bench-")
    os.makedirs(directory, exist_ok=True)
    schema_path = os.path.join(directory, "subventions-2.1.1.json")
    with open(schema_path, "w", encoding="utf-8") as handle:
        json.dump(schema_descriptor, handle)
    plain_schema_path = os.path.join(directory, "subventions-2.1.1-plain.json")
    with open(plain_schema_path, "w", encoding="utf-8") as handle:
        json.dump({k: v for k, v in schema_descriptor.items() if k != "custom_checks"}, handle)

    print(f"machine: {os.cpu_count()} CPU, Python {sys.version.split()[0]}; files in {directory}")
    print("rows/s = rows per second of wall-clock time; rows/cpu-s = rows per second of CPU time (user+sys,")
    print("all threads), the fairer figure on a shared machine. Imports are not timed.")
    print(f"{'file':<18} {'rows':>10} {'MB':>6} | {'engine':<48} {'rows/s':>9} {'rows/cpu-s':>10} {'peak RSS':>9} {'errors':>7}")
    for size_text in args.sizes.split(","):
        rows = parse_size(size_text)
        for label, rate in (("valid", 0.0), ("1% errors", 0.01)):
            kind = "valid" if rate == 0 else "errors"
            path = os.path.join(directory, f"subventions-{size_text}-{kind}.csv")
            if not os.path.exists(path):
                started = time.perf_counter()
                generate(path, rows, rate)
                print(f"  (generated {path} in {time.perf_counter() - started:.1f} s)")
            megabytes = os.path.getsize(path) / 1e6
            name = f"{size_text} {label}"
            fast = measure("fast", path, schema_path)
            rate_fast = fast["rows"] / fast["seconds"]
            line(name, rows, megabytes, "socle fast path (" + fast["path"] + ")", fast)
            exact_file, exact_note = _sample(path, rows, args.exact_rows, directory)
            exact = measure("exact", exact_file, schema_path)
            line("", None, None, "socle exact path (" + exact_note + ")", exact)
            plain_file, plain_note = _sample(path, rows, args.frictionless_rows, directory)
            plain = measure("frictionless", plain_file, plain_schema_path)
            if plain["rows"] < min(rows, args.frictionless_rows):  # stopped early: say so
                plain_note = f"first {plain['rows']:,} rows, extrapolated"
            rate_plain = plain["rows"] / plain["seconds"]
            line("", None, None, "frictionless validate (" + plain_note + ")", plain)
            print(f"{'':<18} {'':>10} {'':>6} | fast / plain frictionless: {rate_fast / rate_plain:.1f}x wall-clock, "
                  f"{(fast['rows'] / fast['cpu']) / (plain['rows'] / plain['cpu']):.1f}x CPU "
                  f"(frictionless on {rows:,} rows: {rows / rate_plain:,.0f} s, fast path {fast['seconds']:.1f} s)")
            for sample in {exact_file, plain_file} - {path}:
                os.unlink(sample)
            if not args.keep:
                os.unlink(path)


if __name__ == "__main__":
    main()
