import pytest

from ckanext.socle import identifiers as ids


@pytest.mark.parametrize(
    "value, expected",
    [
        ("217500016", True),  # Ville de Paris
        ("217 500 016", True),  # spaces typed by people are stripped
        ("217500017", False),  # last digit changed: Luhn fails
        ("21750001", False),  # too short
        ("21750001A", False),
        ("", False),
    ],
)
def test_siren(value, expected):
    assert ids.is_siren(value) is expected


@pytest.mark.parametrize(
    "value, expected",
    [
        ("21560046100010", True),  # Commune de Crach, from a real SCDL budget file
        ("215 600 461 00010", True),
        ("21560046100011", False),  # whole-number Luhn fails
        ("35600000000048", True),  # La Poste head office: ordinary Luhn
        ("35600000049837", True),  # La Poste establishment: digit sum 50, divisible by 5
        ("35600000049838", False),  # digit sum 51
        ("2156004610001", False),
        ("2.156004610001E13", False),  # scientific notation exported by spreadsheets
    ],
)
def test_siret(value, expected):
    assert ids.is_siret(value) is expected


def test_siret_needs_a_valid_siren_part():
    # 10000000000008 passes Luhn as a whole, but its SIREN part 100000000 does not.
    assert ids.luhn_ok("10000000000008")
    assert not ids.luhn_ok("100000000")
    assert ids.is_siret("10000000000008") is False


@pytest.mark.parametrize("value, expected", [("94028", True), ("2A004", True), ("2b033", True), ("9402", False), ("ABCDE", False)])
def test_insee_commune_code(value, expected):
    assert ids.is_insee_commune_code(value) is expected
