"""socle_publish_file on the real stack: real files, demo communes, bad input, updates, privacy hold."""
from __future__ import annotations

import csv
import io
import os
import random

import pytest

from ckan.plugins import toolkit as tk
from ckan.tests import factories

from ckanext.socle.demo import generate as demo_generate
from ckanext.socle.demo import load as demo_load

from ..privacy.generate import nir
from .conftest import CRACH_SIREN, PLUGINS, ROOT, SCDL, dataset_count, make_org, publish

pytestmark = [pytest.mark.ckan_config("ckan.plugins", PLUGINS)]

def read_expected():
    with open(ROOT / "tests" / "data" / "publish" / "expected-schemas.csv", encoding="utf-8") as handle:
        return {row["file"]: row for row in csv.DictReader(handle)}


@pytest.mark.parametrize("name", [
    "real/budget/commune-crach_bp-2022.csv", "real/prenoms/digne-les-bains_2017.csv",
    "real/subventions/departement-lot_2017.csv", "real/subventions/toulouse-metropole_2022.csv",
    "real/deliberations/saint-etienne-metropole_2022_excel-export.csv",
    "real/menus-collectifs/ville-antibes_2025-s06-s07.xlsx", "real/subventions/departement-vendee.xlsx",
    "real/subventions/departement-deux-sevres.xls", "examples/subventions/exemple_valide.csv",
])
def test_analyse_real_files_creates_nothing(sysadmin, name):
    expected = read_expected()[name]
    result = publish(sysadmin, SCDL / name)
    assert result["detection"]["status"] == expected["status"]
    if "@" in expected["expected"]:
        assert f"{result['schema']['name']}@{result['schema']['version']}" == expected["expected"]
        assert result["conformity"]["level"] in ("conforme", "a_ameliorer", "non_conforme")
        assert result["conformity"]["privacy"] == result["privacy"]
    elif expected["status"] == "inconnu":
        assert result["schema"] is None and result["conformity"] is None
        assert any(p["code"] == "schema-inconnu" for p in result["problems"])
    assert result["privacy"]["status"] == "rien_detecte"
    assert dataset_count(sysadmin) == 0


def test_publish_a_real_budget_then_correct_it_then_a_new_year(admin, crach):
    sysadmin, org = admin, crach
    first = publish(sysadmin, SCDL / "real/budget/commune-crach_bp-2022.csv", mode="publier")
    assert first["authority"]["status"] == "organisation" and first["authority"]["organisation"]["id"] == org["id"]
    created = first["publication"]
    assert created["action"] == "created" and created["held_private"] is False
    dataset = tk.get_action("package_show")({"user": sysadmin["name"]}, {"id": created["dataset"]["id"]})
    assert dataset["type"] == "budget" and dataset["private"] is False and dataset["owner_org"] == org["id"]
    assert dataset["name"] == "budget-commune-crach-2022"
    assert dataset["temporal_coverage"] == [{"start": "2022-01-01", "end": "2022-12-31"}]
    assert dataset["license_id"] == "fr-lo" and "Crach" in dataset["title"] and "2022" in dataset["title"]
    assert dataset["socle_communes"] == ["56046"]
    [resource] = dataset["resources"]
    assert (resource["schema_name"], resource["schema_version"]) == ("budget", "0.8.3")
    assert resource["url_type"] == "upload" and resource["format"] == "CSV"

    # a corrected file for the same year: same dataset, the file is replaced
    again = publish(sysadmin, SCDL / "real/budget/commune-crach-budget-annexe_bp-2022.csv",
                    filename="commune-crach_bp-2022.csv", mode="publier")
    assert again["publication"]["action"] == "updated"
    assert again["publication"]["dataset"]["id"] == dataset["id"]
    dataset = tk.get_action("package_show")({"user": sysadmin["name"]}, {"id": dataset["id"]})
    assert len(dataset["resources"]) == 1 and dataset["resources"][0]["id"] == resource["id"]
    assert "remplacé" in dataset["resources"][0]["description"]

    # a new year: a dataset of its own, the 2022 one stays
    later = publish(sysadmin, SCDL / "real/budget/commune-crach_ca-2021.csv", mode="publier")
    assert later["publication"]["action"] == "created"
    assert later["publication"]["dataset"]["name"] == "budget-commune-crach-2021"
    assert dataset_count(sysadmin) == 2


def test_demo_communes_are_recognised_and_published(sysadmin):
    communes = demo_load.communes()[:3]
    for commune in communes:
        org = tk.get_action("organization_create")({"user": sysadmin["name"]}, demo_load.organisation_for(commune))
        for demo_file in demo_generate.generate(commune):
            result = publish(sysadmin, demo_file.content, demo_file.filename)
            assert result["schema"]["name"] == demo_file.dataset, demo_file.filename
            assert result["schema"]["version"] == demo_file.version, demo_file.filename
            authority = result["authority"]
            assert authority["status"] == "organisation", (demo_file.filename, authority)
            assert authority["organisation"]["id"] == org["id"]
            if authority["by"] == "nom":  # the demo spoils some SIRETs on purpose: the name is the fallback
                assert authority["evidence"]["invalid"] > 0
            else:
                assert authority["commune"]["code"] == commune.insee, (demo_file.filename, authority)
                assert result["proposal"]["socle_communes"] == [commune.insee]
    commune = communes[0]
    demo_file = next(f for f in demo_generate.generate(commune) if f.dataset != "catalogue")
    result = publish(sysadmin, demo_file.content, demo_file.filename, mode="brouillon")
    dataset = tk.get_action("package_show")({"user": sysadmin["name"]}, {"id": result["publication"]["dataset"]["id"]})
    assert dataset["private"] is True and dataset["socle_communes"] == [commune.insee]


def subventions_csv(objet: str = "Fonctionnement", beneficiary: str = "Association Démo", siret: str = "",
                    rna: str = "W561000001") -> bytes:
    header = ["nomAttribuant", "idAttribuant", "dateConvention", "referenceDecision", "nomBeneficiaire",
              "idBeneficiaire", "rnaBeneficiaire", "objet", "montant", "nature", "conditionsVersement",
              "datesPeriodeVersement", "idRAE", "notificationUE", "pourcentageSubvention", "dispositifAide"]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerow(["Crach", "21560046100010", "2024-03-01", "D-1", beneficiary, siret, rna,
                     objet, "1500", "aide en numéraire", "unique", "2024-04-01", "", "non", "1", ""])
    return buffer.getvalue().encode("utf-8")


def test_personal_data_holds_the_dataset_private_until_confirmed(admin, crach):
    sysadmin = admin
    secret = nir(random.Random(9))
    result = publish(sysadmin, subventions_csv(objet=f"Aide au dossier {secret}"), "subventions-2024.csv",
                     mode="publier")
    assert result["privacy"]["status"] == "a_verifier"
    [finding] = result["privacy"]["findings"]
    assert finding["code"] == "nir" and finding["column"] == "objet" and finding["rows"] == [2]
    assert secret not in str(result)
    publication = result["publication"]
    assert publication["held_private"] is True and publication["dataset"]["private"] is True
    with pytest.raises(tk.ValidationError):
        tk.get_action("socle_publish_confirm")({"user": sysadmin["name"]}, {"id": publication["dataset"]["id"]})
    stranger = factories.User()
    with pytest.raises(tk.NotAuthorized):
        tk.get_action("socle_publish_confirm")({"user": stranger["name"]},
                                               {"id": publication["dataset"]["id"], "confirm": True})
    shown = tk.get_action("socle_publish_confirm")({"user": sysadmin["name"]},
                                                   {"id": publication["dataset"]["id"], "confirm": True})
    assert shown["private"] is False


@pytest.mark.ckan_config("ckanext.socle.publish.hold_private", "false")
def test_hold_option_off_publishes_with_the_findings_shown(admin, crach):
    sysadmin = admin
    result = publish(sysadmin, subventions_csv(beneficiary="Jean MARTIN", rna=""), "s.csv", mode="publier")
    assert result["privacy"]["findings"][0]["code"] == "personne_physique"
    assert result["publication"]["held_private"] is False and result["publication"]["dataset"]["private"] is False


def test_an_editor_publishes_only_for_their_organisation(admin, crach):
    sysadmin, editor = admin, factories.User()
    other = make_org(sysadmin, "autre", "Autre commune", insee="56034", editors=[editor])
    with pytest.raises(tk.NotAuthorized):
        publish(editor, SCDL / "real/budget/commune-crach_bp-2022.csv", mode="publier")
    result = publish(editor, SCDL / "real/budget/commune-crach_bp-2022.csv", mode="brouillon", owner_org=other["id"])
    assert result["publication"]["dataset"]["private"] is True
    assert dataset_count(sysadmin) == 1


def _refused(user, source, filename, **data) -> str:
    with pytest.raises(tk.ValidationError) as caught:
        publish(user, source, filename, **data)
    return " ".join(str(v) for v in caught.value.error_dict.values())


def test_bad_input_gives_french_messages_and_creates_nothing(admin, crach, tmp_path):
    from ckanext.socle.publish import stash

    sysadmin = admin

    def stashed():
        base = stash._base()
        return {os.path.join(r, f) for r, _, files in os.walk(base) for f in files} if os.path.isdir(base) else set()

    before = stashed()
    assert "vide" in _refused(sysadmin, b"", "vide.csv", mode="publier")
    assert "ligne d'en-tête" in _refused(sysadmin, subventions_csv().splitlines()[0] + b"\n", "entete.csv",
                                         mode="publier")
    unknown = _refused(sysadmin, b"a,b,c\n1,2,3\n", "inconnu.csv", mode="publier")
    assert "Aucun schéma du socle" in unknown
    unsure = _refused(sysadmin, b"COLL_NOM,COLL_SIRET,TITRE\nCrach,21560046100010,x\n", "peu-sur.csv", mode="publier")
    assert "confirmez" in unsure  # a guess is never published without the publisher's word
    ambiguous = _refused(sysadmin, b"COLL_NOM,COLL_SIRET\nCrach,21560046100010\n", "ambigu.csv", mode="publier")
    assert "schéma" in ambiguous
    no_org = subventions_csv().replace(b"21560046100010", b"35600000000048")  # a valid SIRET, no organisation
    assert "aucune organisation" in _refused(sysadmin, no_org, "sans-org.csv", mode="publier")
    by_name = subventions_csv().replace(b"21560046100010", b"21560046100011")  # bad key: the name is the clue
    assert "confirmez-la" in _refused(sysadmin, by_name, "nom.csv", mode="publier")
    assert "Schéma inconnu" in _refused(sysadmin, subventions_csv(), "s.csv", mode="publier", schema="foo@1")
    binary = _refused(sysadmin, b"PK\x03\x04 not a zip" * 10, "casse.xlsx", mode="publier")
    assert "lisible" in binary or "ZIP" in binary
    assert dataset_count(sysadmin) == 0
    assert tk.get_action("organization_show")({"user": sysadmin["name"]}, {"id": "commune-crach"})["package_count"] == 0
    assert stashed() == before  # refused one-call publications leave no file behind


@pytest.mark.ckan_config("ckanext.socle.publish.max_bytes", "2048")
def test_huge_file_is_refused(admin, crach):
    sysadmin = admin
    message = _refused(sysadmin, SCDL / "real/budget/commune-crach_bp-2022.csv", None, mode="publier")
    assert "trop volumineux" in message and "2 Ko" in message
    assert dataset_count(sysadmin) == 0


def test_invalid_metadata_leaves_nothing_half_created(admin, crach):
    sysadmin = admin
    message = _refused(sysadmin, SCDL / "real/budget/commune-crach_bp-2022.csv", None, mode="publier",
                       license_id="proprietary", temporal_start="2022-12-31", temporal_end="2022-01-01")
    assert message
    assert dataset_count(sysadmin) == 0


def test_token_is_personal(sysadmin, editor):
    result = publish(sysadmin, SCDL / "real/prenoms/digne-les-bains_2017.csv")
    with pytest.raises(tk.ValidationError) as caught:
        tk.get_action("socle_publish_file")({"user": editor["name"]}, {"token": result["token"]})
    assert "plus disponible" in str(caught.value.error_dict)


def test_anonymous_cannot_publish(communes):
    with pytest.raises(tk.NotAuthorized):
        tk.get_action("socle_publish_file")({"user": "", "ignore_auth": False}, {"mode": "analyser"})


def test_one_http_call_for_a_software_vendor(app, admin, crach):
    sysadmin = admin
    token = factories.APIToken(user=sysadmin["name"])["token"]
    with open(SCDL / "real/budget/commune-crach_bp-2022.csv", "rb") as handle:
        response = app.post("/api/3/action/socle_publish_file", headers={"Authorization": token},
                            data={"mode": "publier", "upload": (handle, "commune-crach_bp-2022.csv")})
    assert response.status_code == 200, response.body
    result = response.json["result"]
    assert result["schema"]["name"] == "budget" and result["authority"]["organisation"]["name"] == "commune-crach"
    assert result["conformity"]["level"] in ("a_ameliorer", "non_conforme", "conforme")
    assert result["privacy"]["status"] == "rien_detecte"
    assert result["publication"]["dataset"]["url"].endswith("/budget/budget-commune-crach-2022")
    response = app.post("/api/3/action/socle_publish_file", headers={"Authorization": token},
                        data={"mode": "publier", "upload": (io.BytesIO(b""), "vide.csv")})
    assert response.status_code == 409 and "vide" in response.body

