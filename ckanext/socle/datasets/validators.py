"""Validators of the socle dataset types and of the organisation schema (French messages)."""
from __future__ import annotations

import datetime as dt
import json
import re

from ckan.plugins import toolkit as tk

from .. import organisations
from ..catalogue import UnknownSchema, get_catalogue
from ..identifiers import is_insee_commune_code, is_siren, normalise
from ..reference import store
from . import types as socle_types

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
LICENSE_ALIASES = {"etalab-2.0": "fr-lo", "lo-2.0": "fr-lo", "licence-ouverte": "fr-lo", "odbl": "odc-odbl"}
ALLOWED_LICENSES = [code for code, _fr, _en in socle_types.LICENSES]
LOCAL_AUTHORITY = "http://purl.org/adms/publishertype/LocalAuthority"
OBLIGATION_POPULATION = 3500


def _missing(value) -> bool:
    return value is tk.missing or value is None or (isinstance(value, str) and not value.strip())


def _add_error(errors, key, message):
    errors.setdefault(key, []).append(message)


def socle_not_empty(key, data, errors, context):
    if _missing(data.get(key)):
        _add_error(errors, key, tk._("Ce champ est obligatoire."))
        raise tk.StopOnError


# -- communes ---------------------------------------------------------------------------------
def _tokens(value) -> list[str]:
    if isinstance(value, (list, tuple)):
        items = value
    else:
        text = str(value).strip()
        if text.startswith("["):
            try:
                items = json.loads(text)
            except ValueError:
                items = [text]
        else:
            items = re.split(r"[,;\n]", text)
    return [str(item).strip() for item in items if str(item).strip()]


def _org(owner_org) -> dict | None:
    if _missing(owner_org):
        return None
    try:
        return organisations.show({"ignore_auth": True}, owner_org)
    except tk.ObjectNotFound:
        return None


def _commune_code(token: str, loaded: bool) -> tuple[str | None, str | None]:
    """(code, error) for a code or a commune name typed by a person."""
    if is_insee_commune_code(token):
        code = token.upper()
        if loaded and store.get(code) is None:
            return None, tk._("Code INSEE inconnu : « {code} ». Choisissez la commune dans la liste.").format(code=token)
        return code, None
    if not loaded:
        return None, tk._("« {value} » n'est pas un code INSEE (5 caractères, par exemple 94028).").format(value=token)
    from ..reference.sources import search_key

    matches = [c for c in store.search(token, limit=20) if c.search_name == search_key(token)]
    if len(matches) == 1:
        return matches[0].code, None
    if matches:
        choices = ", ".join(f"{c.name} ({c.code}, {c.departement})" for c in matches[:5])
        return None, tk._("Plusieurs communes s'appellent « {value} » : indiquez le code INSEE ({choices}).").format(
            value=token, choices=choices)
    return None, tk._("Commune inconnue : « {value} ». Tapez son nom, son code postal ou son code INSEE.").format(value=token)


def socle_commune_codes(key, data, errors, context):
    """Codes (or names) typed or picked -> JSON list of INSEE codes; empty: the organisation's commune."""
    value = data.get(key)
    tokens = [] if _missing(value) else _tokens(value)
    if not tokens:
        org = _org(data.get(("owner_org",)))
        if org and org.get("insee_code"):
            tokens = [org["insee_code"]]
    if not tokens:
        _add_error(errors, key, tk._("Indiquez au moins une commune couverte par les données."))
        raise tk.StopOnError
    loaded = store.is_loaded()
    codes = []
    for token in tokens:
        code, error = _commune_code(token, loaded)
        if error:
            _add_error(errors, key, error)
        elif code not in codes:
            codes.append(code)
    if errors.get(key):
        raise tk.StopOnError
    data[key] = json.dumps(codes)


def socle_insee_code(value, context):
    """One commune: its INSEE code, or its name typed without JavaScript (when unambiguous)."""
    if _missing(value):
        return value
    text = str(value).strip()
    loaded = store.is_loaded()
    if not is_insee_commune_code(text) and not loaded:
        raise tk.Invalid(tk._("« {value} » n'est pas un code INSEE de commune (5 caractères, par exemple 94028).").format(value=value))
    if is_insee_commune_code(text) and loaded and store.get(text.upper()) is None:
        raise tk.Invalid(tk._("Code INSEE inconnu dans le référentiel des communes : « {value} ».").format(value=value))
    code, error = _commune_code(text, loaded)
    if error:
        raise tk.Invalid(error)
    return code


def socle_siren(value, context):
    if _missing(value):
        return value
    siren = normalise(str(value))
    if len(siren) != 9 or not siren.isdigit():
        raise tk.Invalid(tk._("Un SIREN compte 9 chiffres (par exemple 219 400 280) : « {value} ».").format(value=value))
    if not is_siren(siren):
        raise tk.Invalid(tk._("SIREN invalide : « {value} ». La clé de contrôle ne correspond pas ; vérifiez les chiffres.").format(value=value))
    return siren


# -- dates, frequency, licence, contact ---------------------------------------------------------
def _parse_date(value) -> dt.date | None:
    text = str(value).strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text[:10], pattern).date()
        except ValueError:
            continue
    return None


def socle_date(value, context):
    if _missing(value):
        return value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.strftime("%Y-%m-%d")
    parsed = _parse_date(value)
    if parsed is None:
        raise tk.Invalid(tk._("Date invalide : « {value} ». Format attendu : AAAA-MM-JJ (par exemple 2025-01-31).").format(value=value))
    return parsed.isoformat()


def socle_end_after_start(key, data, errors, context):
    end, start = data.get(key), data.get(key[:-1] + ("start",))
    if _missing(end) or _missing(start):
        return
    end_date, start_date = _parse_date(end), _parse_date(start)
    if end_date and start_date and end_date < start_date:
        _add_error(errors, key, tk._("La date de fin ({end}) est antérieure à la date de début ({start}).").format(
            end=end_date.strftime("%d/%m/%Y"), start=start_date.strftime("%d/%m/%Y")))


def socle_frequency(value, context):
    if _missing(value):
        raise tk.Invalid(tk._("Choisissez une fréquence de mise à jour."))
    text = str(value).strip()
    codes = [code for code, _fr, _en in socle_types.FREQUENCIES]
    if text.upper() in codes:
        return socle_types.FREQUENCY_BASE + text.upper()
    if text.startswith(socle_types.FREQUENCY_BASE) and text[len(socle_types.FREQUENCY_BASE):] in codes:
        return text
    raise tk.Invalid(tk._("Fréquence inconnue : « {value} ».").format(value=value))


def socle_license(value, context):
    if _missing(value):
        raise tk.Invalid(tk._("Choisissez une licence : Licence Ouverte 2.0 ou ODbL."))
    license_id = LICENSE_ALIASES.get(str(value).strip().lower(), str(value).strip())
    if license_id not in ALLOWED_LICENSES:
        raise tk.Invalid(tk._("Licence non autorisée pour un jeu du socle : « {value} ». Choisissez la Licence Ouverte 2.0 "
                              "(fr-lo) ou l'ODbL (odc-odbl).").format(value=value))
    return license_id


def socle_email(value, context):
    if _missing(value):
        return value
    if not _EMAIL.match(str(value).strip()):
        raise tk.Invalid(tk._("Adresse électronique invalide : « {value} ».").format(value=value))
    return str(value).strip()


# -- resource schema --------------------------------------------------------------------------
def _raw(data, key):
    value = data.get(key)
    return "" if _missing(value) else str(value).strip()


def _type_schema(data) -> str:
    return _raw(data, ("type",)) or ""


def _resource_entry(data, resource_key):
    """The catalogue entry named by a resource's (raw) schema_name / schema_version, or None."""
    name = _raw(data, resource_key + ("schema_name",)) or _type_schema(data)
    version = _raw(data, resource_key + ("schema_version",))
    return get_catalogue().get(f"{name}@{version}" if version else name)


def socle_schema_name(key, data, errors, context):
    name = _raw(data, key) or _type_schema(data)
    try:
        data[key] = get_catalogue().canonical_name(name)
    except UnknownSchema as error:
        _add_error(errors, key, str(error))
        raise tk.StopOnError


def socle_schema_version(key, data, errors, context):
    name = _raw(data, key[:-1] + ("schema_name",)) or _type_schema(data)
    version = _raw(data, key)
    if get_catalogue().get(name) is None:
        if version and not name:
            _add_error(errors, key, tk._("Indiquez le schéma dont c'est une version."))
        elif not version:
            data.pop(key, None)  # a resource that follows no schema (generic datasets)
        raise tk.StopOnError  # an unknown name is reported on schema_name
    try:
        entry = get_catalogue().resolve(f"{name}@{version}" if version else name)
    except UnknownSchema as error:
        _add_error(errors, key, str(error))
        raise tk.StopOnError
    data[key] = entry.version


def socle_conforms_to(key, data, errors, context):
    entry = _resource_entry(data, key[:-1])
    if entry is None:
        data.pop(key, None)  # no schema (generic datasets), or a bad one reported on its field
        raise tk.StopOnError
    data[key] = entry.url


# -- derived dataset fields -------------------------------------------------------------------
def socle_dataset_after(key, data, errors, context):
    """spatial_coverage (from the communes), publisher (from the organisation) and the dataset's
    conforms_to (the schemas of its resources), in ckanext-dcat's field shapes."""
    _replace(data, "spatial_coverage", _spatial_items(data))
    org = _org(data.get(("owner_org",)))
    _replace(data, "publisher", [_publisher(org)] if org else [])
    urls = []
    for resource_key in sorted({k[:2] for k in data if k[0] == "resources" and len(k) == 3}):
        entry = _resource_entry(data, resource_key)
        if entry and entry.url not in urls:
            urls.append(entry.url)
    if not urls and get_catalogue().get(_type_schema(data)):
        urls = [get_catalogue().resolve(_type_schema(data)).url]
    _set_extra(data, "conforms_to", json.dumps(urls))


def _replace(data, field, items):
    for existing in [k for k in data if k[0] == field]:
        del data[existing]
    for index, item in enumerate(items):
        for sub, value in item.items():
            if value not in (None, ""):
                data[(field, index, sub)] = value


def _set_extra(data, field, value):
    """Set a dataset field stored as an extra (what scheming's convert_to_extras writes)."""
    indexes = {k[1] for k in data if len(k) == 3 and k[0] == "extras"}
    for index in indexes:
        if data.get(("extras", index, "key")) == field:
            data[("extras", index, "value")] = value
            return
    index = max(indexes) + 1 if indexes else 0
    data[("extras", index, "key")] = field
    data[("extras", index, "value")] = value


def _spatial_items(data) -> list[dict]:
    try:
        codes = json.loads(data.get(("socle_communes",)) or "[]")
    except (TypeError, ValueError):
        return []
    items = []
    for code in codes if isinstance(codes, list) else []:
        commune = store.get(code)
        if commune is None:
            items.append({"text": code})
            continue
        # the same URI as the socle DCAT profile (ckanext/socle/dcat/vocab.py), so both describe one place
        item = {"uri": f"http://id.insee.fr/geo/commune/{code}", "text": f"{commune.name} ({code})"}
        if commune.outline:
            item["geom"] = commune.outline
        if commune.bbox:
            west, south, east, north = json.loads(commune.bbox)
            item["bbox"] = json.dumps({"type": "Polygon", "coordinates": [[[west, south], [east, south], [east, north],
                                                                            [west, north], [west, south]]]})
        if commune.centroid:
            item["centroid"] = json.dumps({"type": "Point", "coordinates": json.loads(commune.centroid)})
        items.append(item)
    return items


def _publisher(org: dict) -> dict:
    return {
        "name": org.get("title") or org.get("name"),
        "identifier": org.get("siren") or "",
        "type": LOCAL_AUTHORITY if org.get("socle_kind") in ("commune", "epci", "departement", "region", "syndicat") else "",
        "url": tk.url_for("organization.read", id=org["name"], _external=True),
        "email": org.get("email") or "",
    }


# -- organisation -----------------------------------------------------------------------------
def socle_population(key, data, errors, context):
    """Empty for a commune: taken from the reference data (population municipale)."""
    value = data.get(key)
    if not _missing(value):
        try:
            population = int(str(value).replace(" ", "").replace("\u202f", ""))
        except ValueError:
            _add_error(errors, key, tk._("Population : un nombre entier est attendu (« {value} »).").format(value=value))
            raise tk.StopOnError
        if population < 0:
            _add_error(errors, key, tk._("La population ne peut pas être négative."))
            raise tk.StopOnError
        data[key] = population
        return
    commune = store.get(_raw(data, ("insee_code",))) if _raw(data, ("insee_code",)) else None
    if commune is not None and commune.population is not None:
        data[key] = commune.population
        if _missing(data.get(("population_year",))):
            data[("population_year",)] = commune.population_year
    else:
        data[key] = tk.missing


def socle_population_year(value, context):
    if _missing(value):
        return value
    try:
        year = int(str(value).strip())
    except ValueError:
        raise tk.Invalid(tk._("Année invalide : « {value} ».").format(value=value))
    if not 1800 <= year <= dt.date.today().year:
        raise tk.Invalid(tk._("Année invalide : « {value} ».").format(value=value))
    return year


def socle_siren_matches_commune(key, data, errors, context):
    """For a commune, the SIREN must be the commune's own (filled in when empty)."""
    if _raw(data, ("socle_kind",)) != "commune" or not _raw(data, ("insee_code",)):
        return
    commune = store.get(_raw(data, ("insee_code",)))
    if commune is None or not commune.siren:
        return
    siren = _raw(data, key)
    if not siren:
        data[key] = commune.siren
    elif normalise(siren) != commune.siren:
        _add_error(errors, key, tk._("Ce SIREN n'est pas celui de la commune {name} ({code}), qui est {siren}.").format(
            name=commune.name, code=commune.code, siren=commune.siren))


def socle_obligation(key, data, errors, context):
    """Derived: ≥ 3 500 inhabitants and ≥ 50 agents (loi pour une République numérique)."""
    population = data.get(("population",))
    agents = tk.asbool(data.get(("agents_50",)) or False) if not _missing(data.get(("agents_50",))) else False
    try:
        big_enough = int(population) >= OBLIGATION_POPULATION
    except (TypeError, ValueError):
        big_enough = False
    data[key] = "true" if big_enough and agents else "false"


def socle_int_output(value, context):
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


def socle_boolean(value, context):
    if _missing(value):
        return "false"
    return "true" if tk.asbool(value) else "false"


def get_validators():
    return {
        name: function
        for name, function in globals().items()
        if name.startswith("socle_") and callable(function)
    }
