import pytest

from ckanext.socle.catalogue import UnknownSchema, get_catalogue

SCDL = ["budget", "catalogue", "deliberations", "equipements", "menus-collectifs",
        "plats-menus-collectifs", "prenoms", "subventions"]


@pytest.fixture(scope="module")
def cat():
    return get_catalogue()


def test_cached(cat):
    assert get_catalogue() is cat


def test_every_socle_schema_is_there(cat):
    names = cat.names()
    for name in SCDL + ["irve-statique", "dae", "adresses", "marches-publics"]:
        assert name in names
    # retired ones come last
    assert names[-2:] == ["adresses", "marches-publics"]


@pytest.mark.parametrize("spec", [
    "subventions@2.1.1", "scdl/subventions", "subventions", "scdl/subventions@v2.1.1",
    " Subventions @ 2.1.1 ".replace(" @ ", "@"), "subventions@latest",
    "https://schema.data.gouv.fr/schemas/scdl/subventions/2.1.1/schema.json",
])
def test_resolve_newest_subventions(cat, spec):
    entry = cat.resolve(spec)
    assert (entry.name, entry.version) == ("subventions", "2.1.1")
    assert entry.identifier == "scdl/subventions"
    assert entry.url == "https://schema.data.gouv.fr/schemas/scdl/subventions/2.1.1/schema.json"


def test_every_scdl_version_has_its_canonical_url(cat):
    for name in SCDL:
        for version in cat.versions(name):
            entry = cat.resolve(f"{name}@{version}")
            assert entry.url == f"https://schema.data.gouv.fr/schemas/scdl/{name}/{version}/schema.json"
            assert entry.title and entry.description
            assert entry.documentation_url == f"https://schema.data.gouv.fr/scdl/{name}/{version}/"
            assert entry.fields and entry.status == "active"


def test_versions_met_in_real_data_newest_first(cat):
    assert cat.versions("subventions") == ["2.1.1", "2.0.2", "1.1.0"]
    assert cat.versions("scdl/deliberations") == ["2.1.5", "1.1.0"]
    assert cat.versions("budget") == ["0.8.3", "0.8.1"]
    assert cat.versions("menus-collectifs") == ["1.2.3", "0.9.0"]
    # the index lists more versions than are shipped
    assert "2.0.1" in cat.listed_versions("subventions")


def test_older_version(cat):
    old = cat.resolve("subventions@1.1")
    assert old.version == "1.1.0"
    assert "rnaBeneficiaire" not in [f["name"] for f in old.fields]
    assert "rnaBeneficiaire" in [f["name"] for f in cat.resolve("subventions").fields]


def test_version_written_with_a_v_is_normalised(cat):
    entry = cat.resolve("prenoms")
    assert entry.version == "1.1.6"
    assert entry.declared_version == "v1.1.6"
    assert entry.url.endswith("/scdl/prenoms/1.1.6/schema.json")
    assert cat.resolve("prenoms@v1.1.6") == entry


def test_wrong_declared_version_is_a_warning(cat):
    entry = cat.resolve("deliberations@1.1.0")
    assert any("« 2.0 »" in w for w in entry.warnings)


def test_custom_checks_kept(cat):
    checks = cat.resolve("deliberations").descriptor["custom_checks"]
    assert any(c["name"] == "nomenclature-actes-value" for c in checks)


def test_labelled_schemas_keep_their_own_urls(cat):
    irve = cat.resolve("irve-statique")
    assert irve.identifier == "etalab/schema-irve-statique"
    assert irve.url == "https://schema.data.gouv.fr/schemas/etalab/schema-irve-statique/2.3.0/schema-statique.json"
    assert cat.resolve("etalab/schema-irve-statique@v2.3.0") == irve
    assert cat.resolve("atlasante/schema-dae").version == "1.0.7"


def test_retired_and_invalid_marches_publics_loads_with_warnings(cat):
    entry = cat.resolve("marches-publics")
    assert entry.status == "retired"
    assert not entry.valid
    text = " ".join(entry.warnings)
    assert "pas un Table Schema valide" in text
    assert "MODIF_DUREE_MOIS" in text and "pattern:" in text
    assert "DECP" in text
    assert cat.resolve("adresses").status == "retired"
    assert cat.resolve("adresses").valid


def test_every_shipped_schema_but_marches_publics_is_valid(cat):
    invalid = [e.spec for e in cat.entries() if not e.valid]
    assert invalid == ["marches-publics@1.0"]


def test_agrees_with_frictionless(cat):
    frictionless = pytest.importorskip("frictionless")
    for entry in cat.entries():
        descriptor = {k: v for k, v in entry.descriptor.items() if k != "custom_checks"}
        try:
            frictionless.Schema.from_descriptor(descriptor)
            accepted = True
        except Exception:  # frictionless raises its own FrictionlessException
            accepted = False
        assert accepted is entry.valid, entry.spec


@pytest.mark.parametrize("spec, words", [
    ("budjet", "Schéma inconnu : « budjet »"),
    ("subventions@9.9", "Version inconnue pour le schéma « subventions » : « 9.9 »"),
    ("subventions@2.0.1", "connue du catalogue mais son fichier n'est pas disponible hors ligne"),
    ("", "Schéma inconnu"),
])
def test_unknown(cat, spec, words):
    with pytest.raises(UnknownSchema) as caught:
        cat.resolve(spec)
    assert isinstance(caught.value, KeyError)
    assert words in str(caught.value)
    assert cat.get(spec) is None
    assert spec not in cat


def test_entries_and_names_agree(cat):
    assert {e.name for e in cat.entries()} == set(cat.names())
    assert len(cat.entries()) == sum(len(cat.versions(n)) for n in cat.names())
