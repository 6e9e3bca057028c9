"""Personal-data detectors on generated positives and look-alike negatives."""
from __future__ import annotations

import random

import pytest

from ckanext.socle.privacy import detectors as d

from .generate import iban_fr, nir, spaced

RNG = random.Random(20171)


@pytest.mark.parametrize("index", range(50))
def test_generated_nir_are_found(index):
    value = nir(RNG)
    assert d.is_nir(value)
    assert d.find_nir(f"dossier {value} clos") == [value]
    assert d.find_nir(f"{value[0]} {value[1:3]} {value[3:5]} {value[5:7]} {value[7:10]} {value[10:13]} {value[13:]}")


@pytest.mark.parametrize("dep", ["2A", "2B"])
def test_corsican_nir_use_19_and_18(dep):
    value = nir(RNG, dep)
    assert d.is_nir(value) and d.is_nir(value.lower())
    assert d.nir_key(value[:13]) == int(value[13:])
    numeric = value[:5] + ("19" if dep == "2A" else "18") + value[7:13]
    assert int(value[13:]) == 97 - int(numeric) % 97


def test_wrong_nir_key_and_other_numbers_are_not_nir():
    value = nir(RNG)
    wrong = value[:13] + f"{(int(value[13:]) % 97) + 1:02d}"
    assert not d.is_nir(wrong) and not d.find_nir(wrong)
    assert not d.find_nir("21560046100085")  # a SIRET: 14 digits
    assert not d.find_nir("215600461000850")  # SIRET + digit: bad key or bad month
    assert not d.find_nir("1" + "13" + "13" + "75" + "123456" + "00")  # month 13


@pytest.mark.parametrize("index", range(20))
def test_generated_iban_are_found(index):
    value = iban_fr(RNG)
    assert d.is_iban(value)
    assert d.find_iban(f"RIB : {spaced(value)}") == [spaced(value)]
    broken = value[:-1] + str((int(value[-1]) + 1) % 10)
    assert not d.is_iban(broken)


def test_uuid_is_not_an_iban():
    assert not d.find_iban("00A750D7F1A2CB50C495E35399A86C00")
    assert not d.find_iban("EE12 3456 7890 1234 5678 9012")  # Estonian code, wrong length


def test_emails_personal_or_service():
    assert d.email_looks_personal("jean.martin@example.org")
    assert d.email_looks_personal("j.martin@example.org")
    assert d.email_looks_personal("claire@example.org")
    for generic in ("contact@example.org", "mairie@example.org", "tourdefrance@example.org",
                    "opendata@94001.demo.example.org", "commercial@example.com", "accueil.mairie@example.org"):
        assert not d.email_looks_personal(generic), generic
    assert d.find_emails("écrire à jean.martin@example.org ou à contact@example.org") == [
        "jean.martin@example.org", "contact@example.org"]


@pytest.mark.parametrize("text", ["06 12 34 56 78", "07.12.34.56.78", "+33 6 12 34 56 78", "0033612345678",
                                  "+33 (0)7 12 34 56 78", "appeler le 0612345678 le soir"])
def test_mobile_numbers(text):
    found = d.find_phones(text)
    assert found and d.phone_is_mobile(found[0])


@pytest.mark.parametrize("text", ["21560046100085", "0612345678901", "ID 0612345678X", "montant 1062345678.00",
                                  "00A750D7F1A2CB50C0895E3"])
def test_not_phone_numbers(text):
    assert not [p for p in d.find_phones(text) if d.phone_is_mobile(p)]


def test_landline_is_found_but_not_mobile():
    assert d.find_phones("04 67 00 00 00") and not d.phone_is_mobile("04 67 00 00 00")


@pytest.mark.parametrize("name,person", [
    ("Jean MARTIN", True), ("MARTIN Jean", True), ("Mme Dupont", True), ("M. et Mme Durand", True),
    ("LEFEBVRE REMY", True), ("Stéphane Charmasson", True), ("Claire Fontaine EI", True),
    ("Association des amis de Jean Moulin", False), ("CLUB SPORTIF MARIE CURIE", False), ("EARL NOBLE", False),
    ("ANNO_1", False), ("Commune de Saint-Vincent", False), ("SAS Martin Frères", False),
    ("Rodriguez SA", False), ("3F OCCITANIE SA", False), ("LA POSTE", False), ("A CROQUER", False),
])
def test_person_names(name, person):
    assert bool(d.person_name_reason(name)) is person


def test_birth_dates():
    assert d.header_means_birth("DATE_NAISSANCE") and d.header_means_birth("Date de naissance")
    assert d.header_means_birth("birthDate") and not d.header_means_birth("dateConvention")
    assert d.as_full_date("03/05/1984").year == 1984 and d.as_full_date("1984-05-03").month == 5
    assert d.as_full_date("1984") is None  # a year alone is not a date of birth
    assert d.find_born_mentions("M. X, né le 03/05/1984 à Créteil")
    assert d.find_born_mentions("née le 3 mai 1984")


def test_masks_never_show_the_value():
    value = nir(RNG)
    assert value[1:] not in d.mask(value, "nir").replace(" ", "")
    iban = iban_fr(RNG)
    assert iban[4:-2] not in d.mask(iban, "iban")
    assert d.mask("jean.martin@example.org", "email") == "j•••@e•••.org"
    assert d.mask("06 12 34 56 78", "phone") == "06 •• •• •• 78"
    assert d.mask("Jean MARTIN", "name") == "J••• M•••"
    assert d.mask("03/05/1984", "date") == "••/••/198•"
