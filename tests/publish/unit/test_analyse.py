"""The one-pass analysis without CKAN: organisations and communes passed in, bad input in French."""
from __future__ import annotations

from pathlib import Path

import pytest

from ckanext.socle.publish import analyse

SCDL = Path(__file__).resolve().parents[2] / "data" / "scdl"  # copies of shared/scdl
ORGS = [{"id": "o1", "name": "commune-crach", "title": "Crach", "siren": "215600461", "insee_code": "56046"}]


def run(path, **kwargs):
    return analyse.analyse(str(path), filename=Path(path).name, organisations=ORGS, **kwargs)


def test_real_budget_file():
    result = run(SCDL / "real/budget/commune-crach_ca-2021.csv")
    assert result["schema"]["name"] == "budget" and result["authority"]["organisation"]["id"] == "o1"
    assert result["temporal_coverage"] == {"start": "2021-01-01", "end": "2021-12-31", "column": "BGT_ANNEE"}
    assert result["proposal"]["name"] == "budget-commune-crach-2021" and result["proposal"]["license_id"] == "fr-lo"
    assert result["conformity"]["privacy"]["status"] == "rien_detecte" and result["problems"] == []
    assert result["file"]["rows"] > 100


def test_retired_schema_is_not_publishable():
    result = run(SCDL / "examples/marches-publics/exemple_marche_public.csv",
                 settings=analyse.Settings(publishable=["budget", "subventions"]))
    assert [p["code"] for p in result["problems"]][0] == "schema-not-publishable"


@pytest.mark.parametrize("content,code", [
    (b"", "empty-file"), (b"\n\n", "empty-file"), (b"nomAttribuant,idAttribuant\n", "no-rows"),
    (b"PK\x03\x04 broken", "format-error"),
])
def test_bad_files(tmp_path, content, code):
    path = tmp_path / "fichier.csv"
    path.write_bytes(content)
    with pytest.raises(analyse.PublishProblem) as caught:
        run(path)
    assert caught.value.code == code and caught.value.message[0].isupper()


def test_too_large(tmp_path):
    with pytest.raises(analyse.PublishProblem) as caught:
        run(SCDL / "real/budget/commune-crach_bp-2022.csv", settings=analyse.Settings(max_bytes=1024))
    assert caught.value.code == "too-large" and "1 Ko au plus" in caught.value.message


def test_unknown_schema_choice():
    with pytest.raises(analyse.PublishProblem) as caught:
        run(SCDL / "real/prenoms/digne-les-bains_2017.csv", schema="nimporte@9")
    assert caught.value.code == "unknown-schema"


def test_forced_schema_and_organisation():
    result = run(SCDL / "real/prenoms/rennes_2012-2018_ods-label-export.csv", schema="prenoms", owner_org="o1")
    assert result["schema"]["chosen_by_user"] is True and result["detection"]["status"] == "possible"
    assert result["authority"]["by"] == "choix" and result["authority"]["organisation"]["id"] == "o1"
