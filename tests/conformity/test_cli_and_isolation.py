"""socle-validate and the engine's independence from CKAN."""
from __future__ import annotations

import io
import json
import subprocess
import sys

from ckanext.socle.conformity import cli

from .helpers import DATA


def run(*args):
    out = io.StringIO()
    parser = cli.build_parser()
    ns = parser.parse_args(list(args))
    code = cli.run(ns.source, ns.schema, output_format=ns.format, options=cli.options_from_args(ns), out=out)
    return code, out.getvalue()


def test_exit_codes_and_text():
    code, text = run(str(DATA / "real/prenoms/digne-les-bains_2017.csv"), "--schema", "scdl/prenoms")
    assert code == 0 and "Verdict : CONFORME" in text
    code, text = run(str(DATA / "examples/subventions/v2.0/exemple-valide.csv"), "--schema", "subventions")
    assert code == 1 and "À AMÉLIORER" in text
    code, text = run(str(DATA / "examples/subventions/exemple_invalide_erreurs_cellules.csv"), "--schema", "scdl/subventions@2.1.1")
    assert code == 2 and "Conseil : Écrivez la date au format AAAA-MM-JJ : 2016-12-05." in text
    code, text = run(str(DATA / "real/subventions/departement-aube.xlsx") + ".nope", "--schema", "subventions")
    assert code == 3 and "introuvable" in text


def test_json_output():
    code, text = run(str(DATA / "real/budget/commune-crach_bp-2022.csv"), "--schema", "budget", "--format", "json")
    data = json.loads(text)
    assert code == 1 and data["level"] == "a_ameliorer" and data["counts"] == {"constraint-error": 360}


def test_console_script_entry_point(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", "import sys; from ckanext.socle.conformity.cli import main; sys.exit(main())",
         str(DATA / "real/prenoms/digne-les-bains_2017.csv"), "--schema", "prenoms", "--ignore-case"],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "CONFORME" in result.stdout


def test_engine_imports_nothing_from_ckan():
    code = (
        "import sys; import ckanext.socle.conformity as c; import ckanext.socle.conformity.cli; "
        "import ckanext.socle.conformity.fast; "
        "c.validate(b'a\\n1\\n', {'fields': [{'name': 'a', 'type': 'integer'}]}); "
        "c.validate(b'a\\n1\\n', 'scdl/prenoms'); "
        "bad = [m for m in sys.modules if m == 'ckan' or m.startswith('ckan.')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
