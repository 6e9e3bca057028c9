from __future__ import annotations

import pytest

from ckanext.socle.clauses import variables as V


def parse(type_, value, **kw):
    return V.parse(V.Variable("x", type_, **kw), value)


@pytest.mark.parametrize("value", ["219400413", "219 400 413"])
def test_siren_accepts_valid_numbers_with_spaces(value):
    assert parse("siren", value) == "219400413"


@pytest.mark.parametrize("type_,value", [
    ("siren", "219400414"), ("siren", "21940041"), ("siret", "21940041300016"),
    ("siret", "abc"), ("insee_code", "9404"), ("insee_code", "2C004"),
])
def test_identifiers_are_checked(type_, value):
    with pytest.raises(V.VariableError):
        parse(type_, value)


def test_siret_and_corsican_insee_codes():
    assert parse("siret", "219 400 413 00015") == "21940041300015"
    assert parse("insee_code", "2a004") == "2A004"


def test_dates_durations_and_offsets():
    assert parse("date", "01/03/2027") == "2027-03-01"
    assert V.format_date("2027-03-01") == "1er mars 2027"
    assert parse("duration", "3 mois") == "P3M"
    assert parse("duration", "1 an") == "P1Y"
    assert V.format_duration("P30D") == "30 jours"
    assert parse("date_or_offset", "J+30") == "J+30"
    assert parse("date_or_offset", "2027-02-01") == "2027-02-01"
    for bad in ("31/02/2027", "demain", "1800-01-01"):
        with pytest.raises(V.VariableError):
            parse("date", bad)


def test_amounts_and_percentages():
    assert str(parse("money", "1 234,5 €")) == "1234.50"
    assert V.format_money(parse("money", "1234.5")) == "1\u202f234,50\u00a0€"
    assert V.format_money(parse("money", "100")) == "100\u00a0€"
    assert parse("money_or_percent", "5 %") == {"percent": "5.00"}
    for bad in ("-3", "NaN", "1e20", "douze"):
        with pytest.raises(V.VariableError):
            parse("money", bad)
    with pytest.raises(V.VariableError):
        parse("percent", "120")


def test_licence_is_limited_to_the_two_crpa_licences():
    assert parse("licence", "LO-2.0") == "LO-2.0"
    assert parse("licence", "ODbL-1.0") == "ODbL-1.0"
    for bad in ("CC-BY-4.0", "MIT", "Licence Ouverte 1.0"):
        with pytest.raises(V.VariableError, match="non autorisée"):
            parse("licence", bad)


def test_schema_references_resolve_in_the_catalogue_and_the_standards():
    assert parse("schema_ref", "subventions@2.1.1") == "subventions@2.1.1"
    assert parse("schema_ref", "gtfs-rt@2.0") == "gtfs-rt@2.0"
    assert parse("schema_ref", "netex-fr@2024-06") == "netex-fr@2024-06"
    for bad in ("subventions@9.9.9", "inconnu@1.0", "subventions", "sub ventions@1"):
        with pytest.raises(V.VariableError):
            parse("schema_ref", bad)
    with pytest.raises(V.VariableError, match="versions connues"):
        parse("schema_ref", "gbfs@9.9")
    assert V.schema_label("subventions@2.1.1") == "« Subventions » version 2.1.1"


def test_text_is_cleaned_and_bounded():
    assert parse("text", "  a\x00b\n c\ue000 ") == "ab c"
    with pytest.raises(V.VariableError):
        parse("text", "x" * (V.MAX_TEXT + 1))
    assert parse("list", "a\n\n b \n") == ["a", "b"]
    with pytest.raises(V.VariableError):
        parse("list", ["x"] * (V.MAX_LIST_ITEMS + 1))


def test_email_url_enum_bool():
    assert parse("email", "opendata@ivry94.fr") == "opendata@ivry94.fr"
    for bad in ("x@", "<a@b.fr>", "a b@c.fr"):
        with pytest.raises(V.VariableError):
            parse("email", bad)
    assert parse("url", "https://data.ivry94.fr/x?y=1")
    for bad in ("javascript:alert(1)", "ftp://x.fr", "https://x.fr/<script>"):
        with pytest.raises(V.VariableError):
            parse("url", bad)
    var = V.Variable("f", "enum", vocabulary="frequencies")
    assert V.parse(var, "Mensuelle") == "monthly"
    assert parse("bool", "oui") is True and parse("bool", "non") is False


def test_validate_reports_missing_required_values_in_french(declare):
    variables = declare("authority.name", "authority.siren", "contract.reference", "licence")
    clean, errors = V.validate(variables, {"authority.siren": "123"})
    assert errors["authority.name"] == "« Nom de l'autorité contractante » est obligatoire."
    assert "SIREN invalide" in errors["authority.siren"]
    assert clean["licence"] == "LO-2.0"            # the default applies
    assert [v.name for v in V.missing_required(variables, clean)] == [
        "authority.name", "authority.siren", "contract.reference"]


def test_annex_rows_are_validated_line_by_line(declare):
    variables = declare({"name": "datasets", "required": True})
    rows = [dict(V.SAMPLE_ROW), {"title": "", "format": ""},
            {"title": "Tonnages", "format": "PDF", "frequency": "monthly",
             "first_delivery": "J+10", "channel": "email", "schema": "x@1"}]
    clean, errors = V.validate(variables, {"datasets": rows})
    assert len(clean["datasets"]) == 2                     # the blank row is dropped
    assert set(errors) == {"datasets.3.format", "datasets.3.schema"}
    assert errors["datasets.3.format"].startswith("Annexe : données à livrer, ligne 3")
    _, errors = V.validate(variables, {"datasets": []})
    assert "au moins un jeu de données" in errors["datasets"]
    _, errors = V.validate(variables, {"datasets": [dict(V.SAMPLE_ROW)] * (V.MAX_ROWS + 1)})
    assert "au plus" in errors["datasets"]


def test_prefill_from_an_organisation(declare):
    variables = declare("authority.name", "authority.siren", "authority.insee_code",
                        "authority.portal_url", "contract.reference", "contact.email")
    organisation = {"title": "Ivry-sur-Seine", "name": "ivry-sur-seine", "siren": "219400413",
                    "extras": [{"key": "insee_code", "value": "94041"}]}
    values = V.prefill(variables, organisation, portal_url="https://data.example.fr")
    assert values == {"authority.name": "Ivry-sur-Seine", "authority.siren": "219400413",
                      "authority.insee_code": "94041",
                      "authority.portal_url": "https://data.example.fr"}


def test_declare_shared_variables_with_overrides():
    var = V.declare({"name": "penalty.per_day", "required": True})
    assert var.type == "money" and var.required and var.label.startswith("Pénalité")
    with pytest.raises(ValueError):
        V.declare("no.such.variable")
    with pytest.raises(ValueError):
        V.Variable("Bad-Name")
