"""The demo's generated files get the badge they were made for, from the real engine."""
from __future__ import annotations

import collections

import pytest

from ckanext.socle.conformity import validate
from ckanext.socle.demo import generate
from ckanext.socle.demo.load import communes

COMMUNES = communes()


def test_the_seventeen_infocom94_communes_come_from_the_reference_data():
    assert len(COMMUNES) == 17
    names = {c.name for c in COMMUNES}
    assert {"Créteil", "Périgny-sur-Yerres", "Saint-Maur-des-Fossés"} <= names
    creteil = next(c for c in COMMUNES if c.insee == "94028")
    assert creteil.siren == "219400280" and creteil.population > 80000


@pytest.mark.parametrize("commune", COMMUNES, ids=[c.insee for c in COMMUNES])
def test_each_file_gets_its_intended_badge(commune):
    for demo_file in generate.generate(commune):
        report = validate(demo_file.content, f"{demo_file.dataset}@{demo_file.version}", name=demo_file.filename)
        assert report.level == demo_file.quality, (demo_file.filename, report.counts)


def test_the_portal_shows_every_badge_and_gaps_in_coverage():
    qualities = collections.Counter(f.quality for c in COMMUNES for f in generate.generate(c))
    assert set(qualities) == {"conforme", "a_ameliorer", "non_conforme"}
    published = sum(len(generate.plan(c)) for c in COMMUNES)
    assert published < len(COMMUNES) * len(generate.DATASETS)  # some datasets are not published


def test_generation_is_deterministic_and_labelled_as_demo():
    first = generate.generate(COMMUNES[0])
    again = generate.generate(COMMUNES[0])
    assert [f.content for f in first] == [f.content for f in again]
    assert all(f.filename.startswith("demo-") for f in first)
    assert "démonstration" in generate.DEMO_NOTICE
