"""The fast path (polars) gives the same report as the exact path (frictionless cell readers):
same error codes at the same rows and columns, same counts, badge and level."""
from __future__ import annotations

import csv
import io
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ckanext.socle.conformity import Options, validate

from .helpers import DATA, SUBVENTIONS_HEADER

ALL = Options(max_errors_listed=10**6)


def both(source, schema, **kwargs):
    exact = validate(source, schema, options=Options(engine="exact", max_errors_listed=10**6, **kwargs))
    fast = validate(source, schema, options=Options(engine="fast", max_errors_listed=10**6, **kwargs))
    return exact, fast


def assert_same(exact, fast):
    assert exact.engine["path"] in ("exact", "none")
    assert sorted(e.key() for e in fast.errors) == sorted(e.key() for e in exact.errors)
    assert fast.counts == exact.counts
    assert fast.badge == exact.badge
    assert (fast.rows, fast.truncated) == (exact.rows, exact.truncated)
    assert [e.message for e in fast.errors] == [e.message for e in exact.errors] or \
        sorted(e.message for e in fast.errors) == sorted(e.message for e in exact.errors)


CSV_FILES = sorted(str(p.relative_to(DATA)) for p in DATA.glob("*/**/*.csv") if p.name != "index.csv")


@pytest.mark.parametrize("name", CSV_FILES)
def test_real_and_example_files(name):
    exact, fast = both(DATA / name, name.split("/")[1])
    assert_same(exact, fast)


def test_fast_path_really_runs_on_real_files():
    paths = [validate(DATA / n, n.split("/")[1], options=Options(engine="fast")).engine["path"] for n in CSV_FILES]
    assert paths.count("fast") >= 30, paths


# ---------------------------------------------------------------------------------------------
# Generated faulty files
# ---------------------------------------------------------------------------------------------
SIRETS = ["21560046100010", "21560046100085", "35600000000048", "35600000012346", "21560046100011",
          "2,43E+13", "21560046100010.0", "215600461", "", " 21560046100010"]
VALUES = {
    "nomAttribuant": ["Commune de Crach", "", "Ville d'Été", "a\nb", 'dit "X"'],
    "idAttribuant": SIRETS,
    "dateConvention": ["2022-03-01", "05/12/2016", "2022-02-30", "2022-3-1", "", "0000-01-01", "2022-03-01 "],
    "referenceDecision": ["DEL-1", "", "x" * 300],
    "nomBeneficiaire": ["Asso", "", "Ünïcødé", " "],
    "idBeneficiaire": SIRETS,
    "rnaBeneficiaire": ["W123456789", "", "W12", "w123456789", "W１２３４５６７８９"],
    "objet": ["Fonctionnement", "", "a, b; c", "é" * 257, "x" * 256],
    "montant": ["1500.50", "100000,1", "1 500", "-3", "1e5", "NaN", "", " 12 ", "1_000", "+5", "٣"],
    "nature": ["aide en numéraire", "Aide en numéraire", "aide en nature;aide en numéraire", "", "x"],
    "conditionsVersement": ["unique", "", "é" * 256],
    "datesPeriodeVersement": ["2022-01-01/2022-12-31", "2022-01-01", "2022-01-01_2022-12-31", "", "2022-01-01\n"],
    "idRAE": ["", "12345", "123456"],
    "notificationUE": ["oui", "non", "Non", "", "true"],
    "pourcentageSubvention": ["0.5", "1", "1.0000000001", "0.01", "0.0099999999", "0,5", "", "1.5", "0"],
    "dispositifAide": ["", "D"],
}
DELIB_VALUES = {
    "VOTE_EFFECTIF": ["60", "", "x", "5.5", " 70", "1e2"],
    "VOTE_REEL": ["60", "", "59", "62", "+60"],
    "VOTE_POUR": ["50", "", "62", "a"],
    "VOTE_CONTRE": ["5", "", "0"],
    "VOTE_ABSTENTION": ["5", "", "3"],
    "BUDGET_ANNEE": ["2022", "2021/2022", "2022/2021", "", "22"],
    "BUDGET_NOM": ["Budget principal", ""],
    "DELIB_MATIERE_NOM": ["Commande publique/Marchés", "COMMANDE PUBLIQUE", "Urbanisme/ PLU", ""],
    "DELIB_DATE": ["2022-01-10", "2022-02-01", "", "10/01/2022"],
    "PREF_DATE": ["2022-01-15", "2022-01-01", "", "x"],
    "COLL_SIRET": SIRETS,
}

rows_strategy = st.lists(
    st.dictionaries(st.sampled_from(sorted(VALUES)), st.integers(0, 10), max_size=6), min_size=0, max_size=25)


def render(records, header, values, delimiter, newline, quoting, extras):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline, quoting=quoting)
    writer.writerow(header)
    rng = random.Random(len(records))
    for index, choice in enumerate(records):
        row = []
        for name in header:
            options = values.get(name, [""])
            row.append(options[choice.get(name, 0) % len(options)] if name in choice else options[0])
        kind = extras.get(index)
        if kind == "blank":
            buffer.write(newline)
            continue
        if kind == "short":
            row = row[: rng.randrange(1, len(row))]
        if kind == "long":
            row = row + ["extra"]
        if kind == "empty":
            row = [""] * len(row)
        writer.writerow(row)
    return buffer.getvalue()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    records=rows_strategy,
    delimiter=st.sampled_from([",", ";", "\t"]),
    newline=st.sampled_from(["\r\n", "\n"]),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
    extras=st.dictionaries(st.integers(0, 24), st.sampled_from(["blank", "short", "long", "empty"]), max_size=3),
    drop=st.sets(st.sampled_from(SUBVENTIONS_HEADER), max_size=2),
    shuffle=st.booleans(),
    row_limit=st.sampled_from([None, None, 5]),
)
def test_generated_subventions(records, delimiter, newline, quoting, encoding, extras, drop, shuffle, row_limit):
    header = [h for h in SUBVENTIONS_HEADER if h not in drop]
    if shuffle:
        header = list(reversed(header))
    text = render(records, header, VALUES, delimiter, newline, quoting, extras)
    data = text.encode(encoding, errors="replace")
    exact, fast = both(data, "scdl/subventions@2.1.1", row_limit=row_limit)
    assert_same(exact, fast)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    records=st.lists(st.dictionaries(st.sampled_from(sorted(DELIB_VALUES)), st.integers(0, 10), max_size=8),
                     max_size=25),
    delimiter=st.sampled_from([",", ";"]),
)
def test_generated_deliberations(records, delimiter):
    from ckanext.socle.catalogue import get_catalogue

    header = [f["name"] for f in get_catalogue().resolve("deliberations").descriptor["fields"]]
    base = {"COLL_NOM": "Métropole", "COLL_SIRET": "21560046100010", "DELIB_ID": "D1", "DELIB_DATE": "2022-01-10",
            "DELIB_MATIERE_CODE": "1.1", "DELIB_MATIERE_NOM": "Commande publique/Marchés", "DELIB_OBJET": "Objet",
            "DELIB_URL": "https://example.org/d.pdf", "PREF_ID": "P1", "PREF_DATE": "2022-01-15",
            "VOTE_EFFECTIF": "60", "VOTE_REEL": "60", "VOTE_POUR": "50", "VOTE_CONTRE": "5", "VOTE_ABSTENTION": "5"}
    values = {name: [base.get(name, "")] + DELIB_VALUES.get(name, []) for name in header}
    text = render(records, header, values, delimiter, "\r\n", csv.QUOTE_MINIMAL, {})
    exact, fast = both(text.encode("utf-8"), "deliberations")
    assert_same(exact, fast)


@pytest.mark.parametrize("text", [
    "a,b,c\rd,e,f\r",  # lone CR line endings
    'nomAttribuant,idAttribuant\n"x\ny",21560046100010\nz\n',  # multi-line cell and short row
    'nomAttribuant,idAttribuant\nab"c,21560046100010\n',  # quote inside an unquoted cell
    'nomAttribuant,idAttribuant\n"ab"c,21560046100010\n',  # text after a closing quote
    'nomAttribuant,idAttribuant\n"a,b"\n',  # short row hidden by a quoted delimiter
    'nomAttribuant,idAttribuant\n""\n\n,\n',
])
def test_parser_edge_cases(text):
    exact, fast = both(text.encode("utf-8"), "subventions")
    assert_same(exact, fast)


def test_generated_file_uses_the_fast_path():
    rows = [SUBVENTIONS_HEADER] + [["Commune", "21560046100010", "2022-03-01", "", "Asso", "21560046100085", "",
                                    "Objet, détail", "10.5", "aide en nature", "unique", "2022-01-01", "", "non",
                                    "0.5", ""]] * 2000
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    report = validate(buffer.getvalue().encode(), "subventions", options=Options(engine="fast"))
    assert report.engine["path"] == "fast" and report.level == "conforme" and report.rows == 2000


def test_record_boundary():
    from ckanext.socle.conformity.fast import _record_boundary

    assert _record_boundary(b'a,b\nc,d\n') == 8
    assert _record_boundary(b'a,"b\nc",d\ne') == 10  # the newline inside quotes is not a boundary
    assert _record_boundary(b'a,"b\nc') == 0  # inside a quoted cell
    assert _record_boundary(b'x\na,"b\nc') == 2
    assert _record_boundary(b'"a\nb') == 0


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(records=rows_strategy, chunk=st.integers(16, 400))
def test_small_chunks_cut_at_record_boundaries(monkeypatch, records, chunk):
    """Chunks of a few bytes: records (multi-line cells included) are never cut."""
    from ckanext.socle.conformity import fast

    monkeypatch.setattr(fast, "CHUNK_BYTES", chunk)
    monkeypatch.setattr(fast, "BATCH_ROWS", 7)
    text = render(records, SUBVENTIONS_HEADER, VALUES, ",", "\r\n", csv.QUOTE_MINIMAL, {})
    exact, fast_report = both(text.encode("utf-8"), "subventions")
    assert_same(exact, fast_report)
