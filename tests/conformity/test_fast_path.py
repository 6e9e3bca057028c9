"""Boundaries of the fast path's shortcuts: each one either gives the exact result or hands the
values (or the whole file) to the exact code."""
from __future__ import annotations

import csv
import io
import re

import polars as pl
import pytest

from ckanext.socle.conformity import fast
from ckanext.socle.identifiers import is_siren, is_siret

from .helpers import GOOD_SUBVENTION, SUBVENTIONS_HEADER
from .test_differential import assert_same, both

# ---------------------------------------------------------------------------------------------
# Patterns: a vectorised match must be a match for Python's re (what frictionless runs)
# ---------------------------------------------------------------------------------------------
PATTERNS = [
    r"^\d{14}$", r"^W\d{9}$", r"^[0-9]{4}\-[0-9]{2}\-[0-9]{2}(\/[0-9]{4}\-[0-9]{2}\-[0-9]{2})?$",
    r"\w+", r"\s*x\s*", r"(?i:k)", r"a|b", r"[^a]+", r".*", r"é+", r"\bab\b", r"[a-z]{2,}",
    r"[[:digit:]]+", r"[a[b]]", r"\<a", r"[a-c--b]", r"[a~~b]", r"x{2}",
]
VALUES = ["", "a", "b", "ab", "abc", "k", "K", "\u212a", "x", " x ", "x\n", "\nx", "1", "12", "١٢",
          "21560046100010", "2156004610001١", "W123456789", "W１２３４５６７８９", "é", "éé", "a b", "[",
          ":]", "2022-01-01", "2022-01-01/2022-12-31", "2022-01-01\n", "\x1c", "a\x1cb", "<a", "ab\n"]


@pytest.mark.parametrize("pattern", PATTERNS)
def test_pattern_test_never_accepts_what_python_rejects(pattern):
    test = fast._pattern_test(pattern, pl.col("v"))
    if test is None:
        return
    rust = pl.DataFrame({"v": VALUES}).select(test.fill_null(False)).to_series().to_list()
    python = [bool(re.compile(f"^{pattern}$").match(v)) for v in VALUES]
    assert [v for v, r, p in zip(VALUES, rust, python) if r and not p] == []


@pytest.mark.parametrize("pattern", [r"[[:digit:]]+", r"[a[b]]", r"\<a", r"a\>", r"\b{start}a", r"[a-c--b]",
                                     r"[a&&b]", r"[a~~b]"])
def test_rust_only_syntax_gets_no_shortcut(pattern):
    assert fast._pattern_test(pattern, pl.col("v")) is None


@pytest.mark.parametrize("pattern", [r"^\d{14}$", r"^W\d{9}$", r"[a-z]+", r"[]a]", r"[^]a]", r"\[x\]"])
def test_ordinary_patterns_keep_their_shortcut(pattern):
    assert fast._pattern_test(pattern, pl.col("v")) is not None


# Python's re warns that it reads "[[:" as a nested set to come: the very difference tested here.
@pytest.mark.filterwarnings("ignore:Possible nested set:FutureWarning")
def test_posix_class_pattern_same_on_both_paths():
    schema = {"fields": [{"name": "code", "type": "string", "constraints": {"pattern": "[[:digit:]]+"}}]}
    data = "code\n1\n12\n:]\n[:]\nd]\n".encode()
    exact, fast_report = both(data, schema)
    assert_same(exact, fast_report)
    assert fast_report.engine["path"] == "fast" and fast_report.counts == {"constraint-error": 3}


# ---------------------------------------------------------------------------------------------
# SIRET / SIREN sums
# ---------------------------------------------------------------------------------------------
IDENTIFIERS = ["21560046100010", "21560046100011", "35600000000048", "35600000012346", "2156004610001é",
               "215600461000é", "2156004610001١", "21560046100010 ", " 2156004610001", "2,43E+13", "",
               "215600461", "215600462", "21560046\x00", "000000000", "00000000000000", "99999999999999",
               "2156 0046 1", "21560046.", "abcdefghijklmn"]


@pytest.mark.parametrize("name, function", [("french-siret-value", is_siret), ("french-siren-value", is_siren)])
def test_identifier_sums_agree_with_the_exact_check(name, function):
    spec = type("Spec", (), {"name": name})()
    values = pl.Series(IDENTIFIERS)
    sized = values.str.len_bytes() == fast._IDENTIFIER_LENGTHS[name]
    ok = fast._identifier_ok(spec, values, sized)
    assert [v for v, good in zip(IDENTIFIERS, ok) if good and not function(v)] == []
    plain = [v for v in IDENTIFIERS if len(v) == fast._IDENTIFIER_LENGTHS[name] and v.isascii() and v.isdigit()
             and function(v) and not v.startswith("356000000")]
    assert plain and all(good for v, good in zip(IDENTIFIERS, ok) if v in plain)


# ---------------------------------------------------------------------------------------------
# Records: short, blank, multi-line, quoted
# ---------------------------------------------------------------------------------------------
def rows_text(rows, quoting=csv.QUOTE_MINIMAL, newline="\r\n"):
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=newline, quoting=quoting).writerows(rows)
    return buffer.getvalue()


GOOD = [GOOD_SUBVENTION[h] for h in SUBVENTIONS_HEADER]
MULTILINE = list(GOOD)
MULTILINE[7] = "Objet\r\nsur deux lignes, avec virgule"
QUOTED = list(GOOD)
QUOTED[7] = 'Dit "le grand", projet'
EMPTY_LAST = list(GOOD)
EMPTY_LAST[15] = ""


@pytest.mark.parametrize("text, path", [
    (rows_text([SUBVENTIONS_HEADER, MULTILINE, GOOD, MULTILINE]), "fast"),  # multi-line cells, no short record
    (rows_text([SUBVENTIONS_HEADER, GOOD, [""] * 3, GOOD]), "fast"),  # a short record of empty cells: blank
    (rows_text([SUBVENTIONS_HEADER, GOOD]) + "\r\n" + rows_text([GOOD]) + "\r\n", "fast"),  # empty lines
    (rows_text([SUBVENTIONS_HEADER, QUOTED, EMPTY_LAST, QUOTED]), "fast"),  # delimiters and "" inside quotes
    (rows_text([SUBVENTIONS_HEADER, QUOTED, GOOD] * 3, quoting=csv.QUOTE_ALL), "fast"),  # every cell quoted
    (rows_text([SUBVENTIONS_HEADER, MULTILINE, GOOD[:5]]), "exact"),  # short record among multi-line ones
    (rows_text([SUBVENTIONS_HEADER, QUOTED, GOOD[:8] + ["a,b"]]), "exact"),  # short, with a quoted delimiter
    (rows_text([SUBVENTIONS_HEADER, GOOD]) + 'x,"a"b' + "," * 14 + "\r\n", "exact"),  # text after a quote
])
def test_record_shapes(text, path):
    exact, fast_report = both(text.encode("utf-8"), "subventions")
    assert_same(exact, fast_report)
    assert fast_report.engine["path"] == path


@pytest.mark.parametrize("few", [0, 2000])
def test_many_failing_cells_go_through_polars(monkeypatch, few):
    """Sources with more than FEW_CELLS cells for the exact code are counted by polars."""
    monkeypatch.setattr(fast, "FEW_CELLS", few)
    bad = list(GOOD)
    bad[1], bad[2], bad[5], bad[8] = "21560046100011", "01/03/2022", "2156004610001", "1 500,50"
    rows = [SUBVENTIONS_HEADER] + [GOOD, bad, bad, EMPTY_LAST] * 50
    exact, fast_report = both(rows_text(rows).encode("utf-8"), "subventions")
    assert_same(exact, fast_report)
    assert fast_report.engine["path"] == "fast" and fast_report.counts["french-siret-value"] == 200
