"""The "Publier un fichier du socle" pages: Flask client flow, then headless Chromium screenshots."""
from __future__ import annotations

import io
import random

import pytest

from ckan.plugins import toolkit as tk
from ckan.tests import factories

from tests.conftest import screenshot

from ..privacy.generate import nir
from .conftest import PLUGINS, SCDL, dataset_count
from .test_api import subventions_csv

pytestmark = [pytest.mark.ckan_config("ckan.plugins", PLUGINS)]


def _auth(user) -> dict:
    return {"Authorization": factories.APIToken(user=user["name"])["token"]}


def test_drop_review_publish_through_the_pages(app, admin, crach):
    headers = _auth(admin)
    assert app.get("/socle/publier", status=403)
    page = app.get("/socle/publier", headers=headers)
    assert "Publier un fichier du socle" in page.body and 'type="file"' in page.body
    with open(SCDL / "real/budget/commune-crach_bp-2022.csv", "rb") as handle:
        review = app.post("/socle/publier", headers=headers,
                          data={"upload": (handle, "commune-crach_bp-2022.csv")})
    body = review.body
    assert "Vérifiez avant de publier" in body and "Schéma reconnu" in body
    assert "Organisation reconnue par son SIREN 215600461" in body
    assert "Aucune donnée personnelle détectée" in body and "budget-commune-crach-2022" in body
    assert dataset_count(admin) == 0
    token = body.split('action="/socle/publier/', 1)[1].split('"', 1)[0]
    done = app.post(f"/socle/publier/{token}", headers=headers, data={
        "choice": "publier", "schema": "budget@0.8.3", "owner_org": crach["id"],
        "title": "Budget primitif 2022 de Crach", "name": "budget-crach-2022", "license_id": "fr-lo",
        "socle_communes": "56046", "temporal_start": "2022-01-01", "temporal_end": "2022-12-31"})
    assert "Jeu de données créé" in done.body and "Le jeu est public" in done.body
    dataset = tk.get_action("package_show")({"user": admin["name"]}, {"id": "budget-crach-2022"})
    assert dataset["title"] == "Budget primitif 2022 de Crach" and not dataset["private"]
    # the token is used up
    again = app.post(f"/socle/publier/{token}", headers=headers, data={"choice": "publier"})
    assert "plus disponible" in again.body


def test_bad_files_on_the_page(app, admin, crach):
    headers = _auth(admin)
    empty = app.post("/socle/publier", headers=headers, data={"upload": (io.BytesIO(b""), "vide.csv")})
    assert "Le fichier ne peut pas être publié" in empty.body and "vide" in empty.body
    unknown = app.post("/socle/publier", headers=headers, data={"upload": (io.BytesIO(b"a;b\n1;2\n"), "x.csv")})
    import re
    text = re.sub(r"<[^>]+>", " ", unknown.body)
    assert "Aucun schéma du socle" in text, " ".join(text.split())[-2500:]
    assert "disabled" in unknown.body
    hostile = subventions_csv(beneficiary="<script>alert(1)</script>")
    review = app.post("/socle/publier", headers=headers, data={"upload": (io.BytesIO(hostile), "s.csv")})
    assert "<script>alert(1)</script>" not in review.body


def test_fix_and_retry_forgets_the_file(app, admin, crach):
    headers = _auth(admin)
    review = app.post("/socle/publier", headers=headers,
                      data={"upload": (io.BytesIO(subventions_csv()), "s.csv")})
    token = review.body.split('action="/socle/publier/', 1)[1].split('"', 1)[0]
    app.post(f"/socle/publier/{token}", headers=headers, data={"choice": "corriger"})
    again = app.post(f"/socle/publier/{token}", headers=headers, data={"choice": "publier"})
    assert "plus disponible" in again.body and dataset_count(admin) == 0


@pytest.mark.browser
def test_screenshots_drop_review_and_personal_data(admin, crach, live_ckan, page, tmp_path):
    token = factories.APIToken(user=admin["name"])["token"]
    page.set_extra_http_headers({"Authorization": token})

    page.goto(f"{live_ckan.url}/socle/publier")
    assert page.get_by_role("heading", name="Publier un fichier du socle").is_visible()
    screenshot(page, "publish-1-drop")

    page.set_input_files("#socle-publish-upload", str(SCDL / "real/budget/commune-crach_bp-2022.csv"))
    page.get_by_role("button", name="Analyser le fichier").click()
    page.wait_for_selector("#socle-schema")
    assert page.get_by_text("Schéma reconnu").is_visible()
    screenshot(page, "publish-2-review")

    secret = nir(random.Random(3))
    rows = subventions_csv(objet=f"Aide au dossier {secret}, contact claire.durand@example.org",
                           beneficiary="Jean MARTIN", rna="")
    generated = tmp_path / "subventions-crach-2024.csv"
    generated.write_bytes(rows)
    page.goto(f"{live_ckan.url}/socle/publier")
    page.set_input_files("#socle-publish-upload", str(generated))
    page.get_by_role("button", name="Analyser le fichier").click()
    page.wait_for_selector("#socle-privacy")
    assert page.locator(".socle-finding").count() == 3
    assert secret not in page.content() and "claire.durand" not in page.content()
    page.locator("#socle-privacy").scroll_into_view_if_needed()
    screenshot(page, "publish-3-personal-data")

    page.get_by_role("button", name="Publier", exact=True).click()
    page.wait_for_selector("text=le jeu reste privé")
    screenshot(page, "publish-4-held-private")


@pytest.mark.browser
def test_the_curl_recipe_of_the_docs(admin, crach, live_ckan):
    """docs/publish.md's one-call recipe, run as written against a served CKAN."""
    import json
    import subprocess

    token = factories.APIToken(user=admin["name"])["token"]
    url = f"{live_ckan.url}/api/3/action/socle_publish_file"
    source = str(SCDL / "real/budget/commune-crach_bp-2022.csv")
    analysed = subprocess.run(["curl", "-s", "-H", f"Authorization: {token}", "-F", "mode=analyser",
                               "-F", f"upload=@{source}", url], capture_output=True, check=True, text=True)
    result = json.loads(analysed.stdout)["result"]
    assert result["schema"]["name"] == "budget" and result["authority"]["status"] == "organisation"
    assert result["conformity"]["level"] and result["privacy"]["status"] == "rien_detecte"
    published = subprocess.run(["curl", "-s", "-H", f"Authorization: {token}", "-F", "mode=publier",
                                "-F", f"upload=@{source}", url], capture_output=True, check=True, text=True)
    publication = json.loads(published.stdout)["result"]["publication"]
    assert publication["action"] == "created" and publication["dataset"]["private"] is False
    empty = subprocess.run(["curl", "-s", "-H", f"Authorization: {token}", "-F", "mode=publier",
                            "-F", "upload=@/dev/null;filename=vide.csv", url], capture_output=True, check=True, text=True)
    answer = json.loads(empty.stdout)
    assert answer["success"] is False and "vide" in json.dumps(answer["error"], ensure_ascii=False)
