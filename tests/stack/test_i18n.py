"""French first, English translated: the ckanext-socle gettext domain is complete and used."""
from __future__ import annotations

import pytest
from babel.messages.pofile import read_po

from tests.conftest import ROOT, SOCLE_PLUGINS


def test_every_message_has_an_english_translation():
    with open(ROOT / "i18n" / "en" / "LC_MESSAGES" / "ckanext-socle.po", "rb") as handle:
        catalog = read_po(handle, locale="en")
    missing = [m.id for m in catalog if m.id and not m.string]
    assert missing == [], "run scripts/i18n.sh and translate i18n/en/.../ckanext-socle.po"


@pytest.mark.ckan_config("ckan.plugins", SOCLE_PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_pages_are_french_by_default_and_english_on_request(app):
    french = app.get("/").get_data(as_text=True)
    assert "Que voulez-vous faire ?" in french and "Couverture" in french

    english = app.get("/en/").get_data(as_text=True)
    assert "What would you like to do?" in english
    assert "Que voulez-vous faire ?" not in english
