"""The socle dataset types (one per active catalogue schema) and what the chooser page says."""
from __future__ import annotations

import os
from functools import lru_cache

import yaml

from ..catalogue import get_catalogue

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMING_DIR = os.path.normpath(os.path.join(HERE, "..", "..", "..", "schemas", "scheming"))
SCHEMING_MODULE_PATH = "ckanext.socle:../../schemas/scheming/{name}.yaml"

# EU frequency vocabulary (what ckanext-dcat maps to dct:accrualPeriodicity), French and English.
FREQUENCY_BASE = "http://publications.europa.eu/resource/authority/frequency/"
FREQUENCIES = [
    ("CONT", "Mise à jour en continu", "Continuously updated"),
    ("DAILY", "Quotidienne", "Daily"),
    ("WEEKLY", "Hebdomadaire", "Weekly"),
    ("MONTHLY", "Mensuelle", "Monthly"),
    ("QUARTERLY", "Trimestrielle", "Quarterly"),
    ("ANNUAL_2", "Semestrielle", "Semi-annual"),
    ("ANNUAL", "Annuelle", "Annual"),
    ("IRREG", "Irrégulière", "Irregular"),
    ("NEVER", "Jamais (données figées)", "Never (frozen data)"),
]

# The two licences a socle dataset may carry (ids of the licence list the plugin installs).
LICENSES = [
    ("fr-lo", "Licence Ouverte / Open Licence 2.0 (Etalab)", "Licence Ouverte / Open Licence 2.0 (Etalab)"),
    ("odc-odbl", "Open Database License (ODbL) 1.0", "Open Database License (ODbL) 1.0"),
]


@lru_cache(maxsize=1)
def _config() -> dict:
    with open(os.path.join(HERE, "types.yaml"), encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def law() -> dict:
    return _config()["law"]


def socle_types() -> list[dict]:
    """Each type: its name, the catalogue's newest entry, the plain-language texts."""
    cat = get_catalogue()
    types = []
    for item in _config()["types"]:
        entry = cat.newest(item["name"])
        if entry.status != "active":
            continue
        types.append({**item, "entry": entry, "title": entry.title, "description": entry.description})
    return types


def type_names() -> list[str]:
    return [t["name"] for t in _config()["types"]]


GENERIC_TYPE = "dataset"  # every other dataset of the portal, same metadata (generate.generic_schema)


def schema_paths() -> list[str]:
    """Values for the ``scheming.dataset_schemas`` option: the socle types, then ``dataset``."""
    return [SCHEMING_MODULE_PATH.format(name=name) for name in type_names() + [GENERIC_TYPE]]
