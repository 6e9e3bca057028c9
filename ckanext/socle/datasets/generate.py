"""Generate the ckanext-scheming dataset type of each socle dataset from the catalogue.

``python -m ckanext.socle.datasets.generate`` (or ``ckan socle catalogue update``, after a change)
writes ``schemas/scheming/<type>.yaml``; the files are committed so a reviewer reads what a form
holds, and tests/datasets/test_generate.py fails when they are stale. Field names follow
ckanext-dcat's scheming schemas (``temporal_coverage``, ``frequency``, ``contact``, ``publisher``,
``spatial_coverage``, ``conforms_to``) so the DCAT export maps them as they are.
"""
from __future__ import annotations

import os

import yaml

from . import types as socle_types

GENERATED = "Generated from the SCDL catalogue by ckanext.socle.datasets.generate: do not edit."


def _text(fr: str, en: str) -> dict:
    return {"fr": fr, "en": en}


def _sentence(text: str) -> str:
    text = " ".join((text or "").split())
    return text if not text or text.endswith((".", "!", "?")) else text + "."


def dataset_fields(kind: dict) -> list[dict]:
    entry = kind["entry"]
    return [
        {"field_name": "title", "label": _text("Titre", "Title"), "preset": "title", "required": True,
         "form_placeholder": _text(f"ex. {entry.title} 2025 de la ville", f"e.g. {kind['title_en']} 2025 of the town"),
         "validators": "socle_not_empty unicode_safe"},
        {"field_name": "name", "label": _text("Adresse (URL)", "URL"), "preset": "dataset_slug",
         "form_placeholder": "ex. subventions-2025"},
        {"field_name": "notes", "label": _text("Description", "Description"), "form_snippet": "markdown.html",
         "display_snippet": "markdown.html",
         "help_text": _text(
             f"Ce jeu suit le schéma « {entry.title} » : {_sentence(entry.description)} Précisez ce que couvre votre publication.",
             f"This dataset follows the \"{entry.title}\" schema ({kind['title_en']}). Say what your publication covers.")},
        {"field_name": "owner_org", "label": _text("Collectivité qui publie", "Publishing authority"),
         "preset": "dataset_organization",
         "help_text": _text("L'organisation qui publie ce jeu : la collectivité ou l'établissement producteur.",
                            "The organisation publishing this dataset: the local authority that produces it.")},
        {"field_name": "socle_communes", "label": _text("Communes couvertes", "Communes covered"),
         "form_snippet": "socle_communes.html", "display_snippet": "socle_communes.html",
         "validators": "socle_commune_codes", "output_validators": "scheming_load_json", "required": True,
         "form_placeholder": _text("Nom, code postal ou code INSEE", "Name, postcode or INSEE code"),
         "help_text": _text(
             "Tapez le nom, le code postal ou le code INSEE des communes que couvrent les données ; "
             "sans JavaScript, saisissez les codes INSEE séparés par des virgules. "
             "Vide : la commune de la collectivité qui publie.",
             "Type the name, postcode or INSEE code of the communes the data cover; without JavaScript, "
             "type INSEE codes separated by commas. Empty: the publishing authority's commune.")},
        {"field_name": "temporal_coverage", "label": _text("Période couverte", "Temporal coverage"),
         "display_snippet": "socle_period.html", "repeating_once": True, "repeating_label": _text("Période", "Period"),
         "repeating_subfields": [
             {"field_name": "start", "label": _text("Début", "Start"), "form_snippet": "date.html",
              "display_snippet": "date.html", "validators": "ignore_missing socle_date"},
             {"field_name": "end", "label": _text("Fin", "End"), "form_snippet": "date.html",
              "display_snippet": "date.html", "validators": "ignore_missing socle_date socle_end_after_start"},
         ],
         "help_text": _text("Les dates de début et de fin des données publiées (par exemple l'exercice budgétaire).",
                            "Start and end dates of the data (for example the budget year).")},
        {"field_name": "frequency", "label": _text("Fréquence de mise à jour", "Update frequency"),
         "preset": "select", "validators": "socle_frequency", "required": True,
         "default": socle_types.FREQUENCY_BASE + kind.get("frequency", "ANNUAL"),
         "choices": [{"value": socle_types.FREQUENCY_BASE + code, "label": _text(fr, en)}
                     for code, fr, en in socle_types.FREQUENCIES]},
        {"field_name": "license_id", "label": _text("Licence", "Licence"), "preset": "select",
         "validators": "socle_license", "required": True, "default": "fr-lo",
         "choices": [{"value": code, "label": _text(fr, en)} for code, fr, en in socle_types.LICENSES],
         "help_text": _text("Les données publiques se publient sous Licence Ouverte 2.0 ou sous ODbL "
                            "(article D. 323-2-1 du code des relations entre le public et l'administration).",
                            "Public data are published under the Licence Ouverte 2.0 or the ODbL.")},
        {"field_name": "contact", "label": _text("Contact", "Contact"), "repeating_once": True,
         "display_snippet": "socle_contact.html",
         "repeating_label": _text("Contact", "Contact point"),
         "repeating_subfields": [
             {"field_name": "name", "label": _text("Service ou personne", "Department or person"),
              "validators": "ignore_missing unicode_safe"},
             {"field_name": "email", "label": _text("Adresse électronique", "Email"),
              "display_snippet": "email.html", "validators": "ignore_missing unicode_safe socle_email"},
         ],
         "help_text": _text("À qui écrire pour une question sur ces données.", "Who to write to about these data.")},
        {"field_name": "tag_string", "label": _text("Mots-clés", "Keywords"), "preset": "tag_string_autocomplete",
         "form_placeholder": _text("ex. associations, sport", "e.g. associations, sport")},
        # Derived on save (after_validators), shown on the dataset page, mapped by ckanext-dcat.
        {"field_name": "conforms_to", "label": _text("Conforme au schéma", "Conforms to"),
         "preset": "multiple_text", "form_snippet": None, "display_snippet": "socle_conforms_to.html",
         "validators": "ignore_missing scheming_multiple_text"},
        {"field_name": "spatial_coverage", "label": _text("Couverture géographique", "Spatial coverage"),
         "form_snippet": None, "display_snippet": None,
         "repeating_subfields": [{"field_name": key, "label": key}
                                 for key in ("uri", "text", "geom", "bbox", "centroid")]},
        {"field_name": "publisher", "label": _text("Éditeur", "Publisher"), "form_snippet": None,
         "display_snippet": None,
         "repeating_subfields": [{"field_name": key, "label": key}
                                 for key in ("uri", "name", "email", "url", "type", "identifier")]},
    ]


def resource_fields(kind: dict) -> list[dict]:
    entry = kind["entry"]
    return [
        {"field_name": "url", "label": _text("Fichier ou lien", "File or link"), "preset": "resource_url_upload",
         "help_text": _text("Déposez le fichier (CSV de préférence) ou indiquez son adresse.",
                            "Upload the file (CSV preferred) or give its address.")},
        {"field_name": "name", "label": _text("Nom", "Name"),
         "form_placeholder": _text(f"ex. {entry.title} 2025", f"e.g. {kind['title_en']} 2025")},
        {"field_name": "description", "label": _text("Description", "Description"), "form_snippet": "markdown.html"},
        {"field_name": "format", "label": _text("Format", "Format"), "preset": "resource_format_autocomplete"},
        {"field_name": "schema_name", "label": _text("Schéma", "Schema"), "form_snippet": "select.html",
         "display_snippet": "select.html", "choices_helper": "socle_schema_choices", "default": kind["name"],
         "validators": "socle_schema_name",
         "help_text": _text(f"Le schéma du socle que suit le fichier : {entry.title}. {_sentence(entry.description)}",
                            f"The socle schema the file follows: {kind['title_en']}.")},
        {"field_name": "schema_version", "label": _text("Version du schéma", "Schema version"),
         "form_snippet": "select.html", "choices_helper": "socle_schema_version_choices",
         "socle_schema": kind["name"], "default": entry.version, "validators": "socle_schema_version",
         "help_text": _text("Par défaut la version la plus récente ; choisissez celle que suit votre fichier.",
                            "Newest by default; pick the one your file follows.")},
        {"field_name": "conforms_to", "label": _text("Conforme au schéma", "Conforms to"), "form_snippet": None,
         "display_snippet": "socle_conforms_to.html", "validators": "socle_conforms_to"},
    ]


def scheming_schema(kind: dict) -> dict:
    entry = kind["entry"]
    return {
        "scheming_version": 2,
        "dataset_type": kind["name"],
        "about": f"{entry.title} ({entry.identifier}). {GENERATED}",
        "about_url": entry.documentation_url,
        "socle_schema": kind["name"],
        "after_validators": "socle_dataset_after",
        "dataset_fields": dataset_fields(kind),
        "resource_fields": resource_fields(kind),
    }


def render(kind: dict) -> str:
    return _yaml(scheming_schema(kind))


def generic_schema() -> dict:
    """The ``dataset`` type: any other dataset of the portal, with the same metadata, every field
    optional, any licence; its resources may name a catalogue schema. ckanext-dcat needs a
    ``dataset`` schema to exist when scheming is on."""
    optional = {"socle_communes": "ignore_empty socle_commune_codes", "frequency": "ignore_empty socle_frequency"}
    fields = []
    for field in dataset_fields(GENERIC):
        field = {k: v for k, v in field.items() if k not in ("help_text", "form_placeholder", "default")
                 or field["field_name"] in ("socle_communes",)}
        if field["field_name"] in optional:
            field["validators"] = optional[field["field_name"]]
            field.pop("required", None)
        if field["field_name"] == "socle_communes":
            field["help_text"] = _text("Les communes que couvrent les données (facultatif).",
                                       "The communes the data cover (optional).")
        if field["field_name"] == "license_id":
            field = {"field_name": "license_id", "label": _text("Licence", "Licence"), "form_snippet": "license.html",
                     "validators": "ignore_missing unicode_safe"}
        fields.append(field)
    resources = []
    for field in resource_fields(GENERIC):
        field = {k: v for k, v in field.items() if k not in ("help_text", "default", "socle_schema", "form_placeholder")}
        if field["field_name"] == "schema_name":
            field.update(validators="ignore_empty socle_schema_name", form_include_blank_choice=True,
                         help_text=_text("Facultatif : le schéma du socle que suit le fichier.",
                                         "Optional: the socle schema the file follows."))
        if field["field_name"] == "schema_version":
            field.update(form_snippet="text.html",
                         help_text=_text("Facultatif : vide = la version la plus récente du schéma.",
                                         "Optional: empty = the schema's newest version."))
        resources.append(field)
    return {
        "scheming_version": 2,
        "dataset_type": "dataset",
        "about": f"Any other dataset of a socle portal. {GENERATED}",
        "about_url": "https://schema.data.gouv.fr/",
        "after_validators": "socle_dataset_after",
        "dataset_fields": fields,
        "resource_fields": resources,
    }


# Stands for a socle type in the field builders, for the generic ``dataset`` type.
GENERIC = dict(name="dataset", title="Jeu de données", title_en="Dataset",
                   entry=type("Entry", (), {"title": "Jeu de données", "description": "", "version": ""})())


def _yaml(schema: dict) -> str:
    return f"# {GENERATED}\n" + yaml.safe_dump(schema, allow_unicode=True, sort_keys=False, width=100)


def write_all(directory: str = socle_types.SCHEMING_DIR) -> list[str]:
    """Write every type's YAML (and the generic ``dataset`` type); returns the paths that changed."""
    os.makedirs(directory, exist_ok=True)
    changed = []
    documents = [(kind["name"], render(kind)) for kind in socle_types.socle_types()]
    documents.append(("dataset", _yaml(generic_schema())))
    for name, text in documents:
        path = os.path.join(directory, f"{name}.yaml")
        if os.path.isfile(path) and open(path, encoding="utf-8").read() == text:
            continue
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        changed.append(path)
    return changed


if __name__ == "__main__":
    for written in write_all():
        print(written)
