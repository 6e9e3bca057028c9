"""Typed variables of a clause: declaration, validation, French display, prefill.

A template version declares its variables; people (or the organisation's metadata) give raw
values; :func:`validate` returns clean values and French error messages, and :func:`context`
turns clean values into what the sandboxed renderer sees. Pure Python, no CKAN import.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from ckanext.socle import identifiers
from . import standards, vocab

MAX_TEXT = 500
MAX_LONGTEXT = 5000
MAX_LIST_ITEMS = 50
MAX_ROWS = 100

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre")
NBSP = "\u00a0"
NNBSP = "\u202f"
# Characters that are not allowed in XML 1.0 (DOCX/ODT) nor useful in a contract.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ue000-\uf8ff\ufffe\uffff]")
_EMAIL = re.compile(r"^[^@\s<>\"']{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,}$")
_URL = re.compile(r"^https?://[A-Za-z0-9.-]+(:\d+)?(/[^\s<>\"]*)?$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,99}$")
_DURATION = re.compile(r"^\s*(\d{1,4})\s*(j|jours?|d|days?|semaines?|sem|mois|months?|m|ans?|années?|y|years?)\s*$",
                       re.IGNORECASE)
_ISO_DURATION = re.compile(r"^P(\d{1,4})([DWMY])$")
_OFFSET = re.compile(r"^\s*(?:J\s*)?\+\s*(\d{1,4})\s*(?:j|jours?)?\s*$", re.IGNORECASE)

TYPES = ("text", "longtext", "list", "int", "money", "percent", "money_or_percent", "date",
         "duration", "date_or_offset", "siren", "siret", "insee_code", "email", "url", "enum",
         "licence", "bool", "schema_ref", "schema_list", "slug", "datasets")


class VariableError(ValueError):
    """A raw value that does not fit its type; the message is French and shown as is."""


@dataclass
class Variable:
    name: str
    type: str = "text"
    label: str = ""
    label_en: str = ""
    required: bool = False
    default: Any = None
    help: str = ""
    example: str = ""
    values: list | dict = field(default_factory=list)  # enum codes (or code: label), or `vocabulary`
    vocabulary: str = ""                          # name in vocab.VOCABULARIES
    min: float | None = None
    max: float | None = None
    prefill: str = ""                             # organisation field giving the default

    def __post_init__(self):
        if self.type not in TYPES:
            raise ValueError(f"unknown variable type {self.type!r} for {self.name}")
        if not re.match(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$", self.name):
            raise ValueError(f"bad variable name {self.name!r}")
        self.label = self.label or self.name

    def choices(self) -> dict:
        """Code -> (fr, en) labels for enum-like types."""
        if self.type == "licence":
            return vocab.REUSE_LICENCES
        if self.vocabulary:
            return vocab.VOCABULARIES[self.vocabulary]
        if isinstance(self.values, dict):
            return {str(code): (str(lbl), str(lbl)) for code, lbl in self.values.items()}
        return {str(code): (str(code), str(code)) for code in self.values}

    def as_dict(self) -> dict:
        out = {"name": self.name, "type": self.type, "label": self.label}
        for key in ("label_en", "help", "example", "vocabulary", "prefill"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        if self.required:
            out["required"] = True
        if self.default is not None:
            out["default"] = self.default
        if self.values:
            out["values"] = dict(self.values) if isinstance(self.values, dict) else list(self.values)
        for key in ("min", "max"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        return out


def _v(name, type_, label, label_en, **kw):
    return Variable(name=name, type=type_, label=label, label_en=label_en, **kw)


# Variables shared by every template (declared once; a template names them, may override keys).
SHARED = {v.name: v for v in (
    _v("authority.name", "text", "Nom de l'autorité contractante", "Contracting authority",
       required=True, example="Ville d'Ivry-sur-Seine", prefill="title"),
    _v("authority.siren", "siren", "SIREN de l'autorité contractante", "Authority SIREN",
       required=True, example="219400413", prefill="siren"),
    _v("authority.insee_code", "insee_code", "Code INSEE de la commune", "INSEE commune code",
       example="94041", prefill="insee_code"),
    _v("authority.kind", "enum", "Nature de l'autorité", "Kind of authority",
       vocabulary="authority_kinds", default="commune", prefill="authority_kind"),
    _v("authority.portal_url", "url", "Adresse du portail de données ouvertes", "Open-data portal URL",
       required=True, example="https://data.example.fr", prefill="portal_url"),
    _v("contract.reference", "text", "Référence du contrat", "Contract reference",
       required=True, example="2027-015"),
    _v("contract.object", "text", "Objet du contrat", "Subject of the contract",
       required=True, example="Fourniture de repas pour la restauration scolaire"),
    _v("contract.kind", "enum", "Nature du contrat", "Kind of contract", vocabulary="contract_kinds"),
    _v("contract.ccag", "enum", "CCAG de référence", "General terms (CCAG)", vocabulary="ccag",
       default="FCS"),
    _v("contract.start_date", "date", "Date de prise d'effet", "Start date"),
    _v("contract.end_date", "date", "Date de fin", "End date"),
    _v("contractor.name", "text", "Titulaire", "Contractor", example="Société Exemple SAS"),
    _v("contractor.siret", "siret", "SIRET du titulaire", "Contractor SIRET"),
    _v("licence", "licence", "Licence de réutilisation", "Reuse licence", required=True,
       default="LO-2.0"),
    _v("penalty.per_day", "money", "Pénalité par jour de retard", "Penalty per day of delay",
       example="100"),
    _v("penalty.cap", "money_or_percent", "Plafond des pénalités", "Penalty cap",
       example="5 %", help="Montant en euros ou pourcentage du montant annuel du contrat."),
    _v("contact.email", "email", "Courriel du référent données de l'autorité",
       "Authority data contact e-mail", example="opendata@example.fr", prefill="email"),
    _v("datasets", "datasets", "Annexe : données à livrer", "Annex: data to deliver"),
)}

# Columns of one row of the delivery annex (the repeating block).
DATASET_COLUMNS = (
    _v("title", "text", "Jeu de données", "Dataset", required=True),
    _v("schema", "schema_ref", "Schéma (identifiant@version)", "Schema (id@version)",
       example="menus-collectifs@1.2.3"),
    _v("format", "enum", "Format", "Format", required=True, vocabulary="formats", default="CSV"),
    _v("frequency", "enum", "Fréquence", "Frequency", required=True, vocabulary="frequencies",
       default="monthly"),
    _v("first_delivery", "date_or_offset", "Première livraison", "First delivery", required=True,
       example="J+30", help="Une date (2027-03-01) ou un délai après la prise d'effet (J+30)."),
    _v("deadline_days", "int", "Délai après la période (jours)", "Days after period end",
       min=0, max=365, default=15),
    _v("channel", "enum", "Canal de livraison", "Delivery channel", required=True,
       vocabulary="channels", default="portal_upload"),
    _v("dataset", "slug", "Jeu de données attendu sur le portail", "Expected portal dataset",
       help="Nom (slug) du jeu de données sur le portail, pour le suivi des livraisons."),
)


def declare(spec) -> Variable:
    """A variable from a seed entry: a shared name, or a mapping (shared name + overrides, or new)."""
    if isinstance(spec, str):
        if spec not in SHARED:
            raise ValueError(f"unknown shared variable {spec!r}")
        return Variable(**SHARED[spec].as_dict())
    spec = dict(spec)
    base = SHARED[spec["name"]].as_dict() if spec["name"] in SHARED else {}
    base.update(spec)
    return Variable(**base)


# ---------------------------------------------------------------------------------- parsing
def _clean_text(value, limit: int, multiline: bool = False) -> str:
    text = _CONTROL.sub("", str(value))
    if not multiline:
        text = " ".join(text.split())
    text = text.strip()
    if len(text) > limit:
        raise VariableError(f"le texte dépasse {limit} caractères")
    return text


def parse_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            parsed = dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if not 1900 <= parsed.year <= 2200:
            break
        return parsed
    raise VariableError(f"« {text[:40]} » n'est pas une date (AAAA-MM-JJ ou JJ/MM/AAAA)")


def parse_decimal(value, what: str = "montant") -> str:
    """A non-negative amount, normalised to two decimals, as a string (JSON-safe)."""
    if isinstance(value, bool):
        raise VariableError(f"{what} invalide")
    text = str(value).strip().replace(NBSP, "").replace(NNBSP, "").replace(" ", "")
    text = text.removesuffix("€").removesuffix("EUR").replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise VariableError(f"« {str(value)[:40]} » n'est pas un {what}") from None
    if not number.is_finite() or number < 0 or number > Decimal("1e12"):
        raise VariableError(f"{what} hors limites")
    return str(number.quantize(Decimal("0.01")))


def parse_duration(value) -> str:
    text = str(value).strip()
    if _ISO_DURATION.match(text.upper()):
        return text.upper()
    match = _DURATION.match(text)
    if not match:
        raise VariableError(f"« {text[:40]} » n'est pas une durée (ex. 30 jours, 3 mois, 1 an)")
    unit = match[2].lower()
    code = "D" if unit[0] in "jd" else "W" if unit.startswith("sem") else \
        "Y" if unit[0] in "ay" else "M"
    return f"P{int(match[1])}{code}"


def parse_date_or_offset(value) -> str:
    text = str(value).strip()
    match = _OFFSET.match(text)
    if match:
        return f"J+{int(match[1])}"
    return parse_date(text).isoformat()


def _parse_enum(var: Variable, value) -> str:
    code = str(value).strip()
    choices = var.choices()
    if code not in choices:
        for key, labels in choices.items():   # accept a label typed by a person
            if code.lower() in (labels[0].lower(), labels[1].lower(), key.lower()):
                return key
        allowed = ", ".join(labels[0] for labels in choices.values())
        raise VariableError(f"valeur « {code[:40]} » non autorisée (choix : {allowed})")
    return code


def parse(var: Variable, value):
    """Clean one raw value of ``var`` or raise :class:`VariableError` (French reason)."""
    t = var.type
    if t == "text":
        return _clean_text(value, MAX_TEXT)
    if t == "longtext":
        return _clean_text(value, MAX_LONGTEXT, multiline=True)
    if t == "slug":
        slug = str(value).strip().lower()
        if not _SLUG.match(slug):
            raise VariableError("identifiant attendu : minuscules, chiffres, tirets (ex. menus-2027)")
        return slug
    if t == "list":
        items = value if isinstance(value, (list, tuple)) else str(value).splitlines()
        items = [_clean_text(item, MAX_TEXT) for item in items]
        items = [item for item in items if item]
        if len(items) > MAX_LIST_ITEMS:
            raise VariableError(f"au plus {MAX_LIST_ITEMS} éléments")
        return items
    if t == "int":
        try:
            number = int(str(value).strip().replace(" ", ""))
        except ValueError:
            raise VariableError(f"« {str(value)[:40]} » n'est pas un nombre entier") from None
        low = var.min if var.min is not None else 0
        high = var.max if var.max is not None else 10**9
        if not low <= number <= high:
            raise VariableError(f"nombre attendu entre {low:g} et {high:g}")
        return number
    if t == "money":
        return parse_decimal(value)
    if t == "percent":
        number = parse_decimal(str(value).replace("%", ""), "pourcentage")
        if Decimal(number) > 100:
            raise VariableError("pourcentage supérieur à 100")
        return number
    if t == "money_or_percent":
        text = str(value)
        if "%" in text:
            return {"percent": parse(Variable(var.name, "percent"), text)}
        return {"amount": parse_decimal(text)}
    if t == "date":
        return parse_date(value).isoformat()
    if t == "duration":
        return parse_duration(value)
    if t == "date_or_offset":
        return parse_date_or_offset(value)
    if t == "siren":
        if not identifiers.is_siren(str(value)):
            raise VariableError("SIREN invalide (9 chiffres, clé de contrôle de Luhn)")
        return identifiers.normalise(str(value))
    if t == "siret":
        if not identifiers.is_siret(str(value)):
            raise VariableError("SIRET invalide (14 chiffres, clé de contrôle de Luhn)")
        return identifiers.normalise(str(value))
    if t == "insee_code":
        if not identifiers.is_insee_commune_code(str(value)):
            raise VariableError("code INSEE de commune invalide (5 caractères, ex. 94041 ou 2A004)")
        return str(value).strip().upper()
    if t == "email":
        email = str(value).strip()
        if not _EMAIL.match(email):
            raise VariableError("adresse électronique invalide")
        return email
    if t == "url":
        url = str(value).strip()
        if len(url) > 500 or not _URL.match(url):
            raise VariableError("adresse web invalide (http:// ou https://)")
        return url
    if t in ("enum", "licence"):
        return _parse_enum(var, value)
    if t == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("true", "1", "oui", "yes", "on"):
            return True
        if text in ("false", "0", "non", "no", "off", ""):
            return False
        raise VariableError("oui ou non attendu")
    if t == "schema_ref":
        try:
            return standards.resolve(str(value)).ref
        except standards.UnknownStandard as exc:
            raise VariableError(str(exc)) from None
    if t == "schema_list":
        items = parse(Variable(var.name, "list"), value)
        return [parse(Variable(var.name, "schema_ref"), item) for item in items]
    if t == "datasets":
        raise VariableError("l'annexe se valide ligne par ligne")  # handled by validate_rows
    raise VariableError(f"type inconnu {t}")  # pragma: no cover


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or \
        (isinstance(value, (list, tuple, dict)) and not value)


def validate_rows(rows, label: str = "Annexe") -> tuple[list[dict], dict[str, str]]:
    """Validate the repeating delivery annex; errors keyed ``datasets.<n>.<column>``."""
    clean_rows, errors = [], {}
    if isinstance(rows, dict):
        rows = list(rows.values())
    if not isinstance(rows, (list, tuple)):
        return [], {"datasets": f"{label} : liste de jeux de données attendue"}
    if len(rows) > MAX_ROWS:
        return [], {"datasets": f"{label} : au plus {MAX_ROWS} lignes"}
    for index, row in enumerate(rows, start=1):
        if not isinstance(row, dict) or all(_blank(v) for v in row.values()):
            continue
        clean, row_errors = validate(DATASET_COLUMNS, row)
        for name, message in row_errors.items():
            errors[f"datasets.{index}.{name}"] = f"{label}, ligne {index} : {message}"
        clean_rows.append(clean)
    return clean_rows, errors


def validate(variables, raw: dict) -> tuple[dict, dict[str, str]]:
    """Clean ``raw`` (flat dotted names) against ``variables``.

    Returns ``(clean, errors)``: clean values keyed by variable name (defaults applied, unknown
    keys dropped) and French messages keyed by variable name. Required values left empty give
    « ... est obligatoire. »; a template with errors must not be rendered as final.
    """
    clean, errors = {}, {}
    raw = raw or {}
    for var in variables:
        value = raw.get(var.name)
        if var.type == "datasets":
            rows, row_errors = validate_rows(value or [], var.label)
            errors.update(row_errors)
            clean[var.name] = rows
            if var.required and not rows and not row_errors:
                errors[var.name] = f"« {var.label} » : au moins un jeu de données est obligatoire."
            continue
        if _blank(value):
            value = var.default
        if _blank(value):
            if var.required:
                errors[var.name] = f"« {var.label} » est obligatoire."
            clean[var.name] = None
            continue
        try:
            clean[var.name] = parse(var, value)
        except VariableError as exc:
            errors[var.name] = f"« {var.label} » : {exc}"
            clean[var.name] = None
    return clean, errors


def missing_required(variables, clean: dict) -> list[Variable]:
    return [v for v in variables if v.required and _blank(clean.get(v.name))]


# ---------------------------------------------------------------------------------- display
def format_date(value) -> str:
    day = parse_date(value)
    first = "1er" if day.day == 1 else str(day.day)
    return f"{first} {MONTHS[day.month - 1]} {day.year}"


def _group(number: int) -> str:
    return f"{number:,}".replace(",", NNBSP)


def format_money(value) -> str:
    amount = Decimal(str(value))
    units = int(amount)
    cents = int((amount - units) * 100)
    text = _group(units) + (f",{cents:02d}" if cents else "")
    return f"{text}{NBSP}€"


def format_percent(value) -> str:
    number = Decimal(str(value)).normalize()
    text = f"{number:f}".replace(".", ",")
    return f"{text}{NBSP}%"


def format_duration(value) -> str:
    match = _ISO_DURATION.match(str(value))
    if not match:
        return str(value)
    count, unit = int(match[1]), match[2]
    words = {"D": ("jour", "jours"), "W": ("semaine", "semaines"), "M": ("mois", "mois"),
             "Y": ("an", "ans")}[unit]
    return f"{count} {words[0] if count == 1 else words[1]}"


def format_date_or_offset(value) -> str:
    text = str(value)
    if text.startswith("J+"):
        days = int(text[2:])
        return f"{days} jour{'s' if days > 1 else ''} après la prise d'effet du contrat"
    return format_date(text)


def display(var: Variable, value, lang: str = "fr") -> str:
    """French (or English) text of a clean value, as it appears in the contract."""
    if _blank(value) and value is not False:
        return ""
    t = var.type
    if t in ("enum", "licence"):
        return vocab.label(var.choices(), value, lang)
    if t == "date":
        return format_date(value)
    if t == "money":
        return format_money(value)
    if t == "percent":
        return format_percent(value)
    if t == "money_or_percent":
        if "percent" in value:
            return format_percent(value["percent"]) + " du montant annuel du contrat"
        return format_money(value["amount"])
    if t == "duration":
        return format_duration(value)
    if t == "date_or_offset":
        return format_date_or_offset(value)
    if t == "bool":
        return "oui" if value else "non"
    if t == "schema_ref":
        return schema_label(value)
    if t == "schema_list":
        return join_fr([schema_label(item) for item in value])
    if t == "list":
        return join_fr([str(item) for item in value])
    if t == "int":
        return _group(int(value))
    if t == "siren":
        return f"{value[:3]} {value[3:6]} {value[6:]}"
    if t == "siret":
        return f"{value[:3]} {value[3:6]} {value[6:9]} {value[9:]}"
    return str(value)


def schema_label(ref: str) -> str:
    """« Subventions » version 2.1.1 — the title from the catalogue, the ref itself if unknown."""
    try:
        found = standards.resolve(ref)
    except standards.UnknownStandard:
        return str(ref)
    return f"« {found.title} » version {found.version}"


def join_fr(items: list[str]) -> str:
    items = [item for item in items if item]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " et " + items[-1]


# ---------------------------------------------------------------------------------- prefill
# Where each organisation-level variable may be found in a CKAN organisation dict (the socle
# organisation schema's names first, then plain CKAN ones).
PREFILL_KEYS = {
    "title": ("title", "display_name", "name"),
    "siren": ("siren", "authority_siren"),
    "insee_code": ("insee_code", "code_insee", "cog", "commune_code"),
    "authority_kind": ("socle_kind", "authority_kind", "type_collectivite"),
    "portal_url": ("portal_url", "url"),
    "email": ("email", "contact_email", "opendata_email"),
}


def prefill(variables, organisation: dict, portal_url: str = "") -> dict:
    """Raw values taken from the organisation (only for variables that declare ``prefill``)."""
    organisation = organisation or {}
    extras = {e.get("key"): e.get("value") for e in organisation.get("extras") or []
              if isinstance(e, dict)}
    out = {}
    for var in variables:
        if not var.prefill:
            continue
        for key in PREFILL_KEYS.get(var.prefill, (var.prefill,)):
            value = organisation.get(key) or extras.get(key)
            if not _blank(value):
                out[var.name] = value
                break
        if var.name not in out and var.prefill == "portal_url" and portal_url:
            out[var.name] = portal_url
    return out


# ---------------------------------------------------------------------------------- samples
_SAMPLES = {
    "text": "Exemple", "longtext": "Exemple de texte", "list": ["premier élément", "second élément"],
    "int": 10, "money": "100", "percent": "5", "money_or_percent": "5 %", "date": "2027-01-01",
    "duration": "3 mois", "date_or_offset": "J+30", "siren": "219400413",
    "siret": "21940041300015", "insee_code": "94041", "email": "donnees@example.fr",
    "url": "https://data.example.fr", "licence": "LO-2.0", "bool": True,
    "schema_ref": "subventions@2.1.1", "schema_list": ["subventions@2.1.1"], "slug": "exemple",
}
SAMPLE_ROW = {"title": "Menus servis", "schema": "menus-collectifs@1.2.3", "format": "CSV",
              "frequency": "monthly", "first_delivery": "J+30", "deadline_days": 15,
              "channel": "portal_upload", "dataset": "menus-2027"}


def sample_values(variables) -> dict:
    """Valid raw values for every variable (examples first): demos, previews and tests."""
    out = {}
    for var in variables:
        if var.type == "datasets":
            out[var.name] = [dict(SAMPLE_ROW)]
        elif var.default is not None:
            out[var.name] = var.default
        elif var.type == "enum":
            out[var.name] = next(iter(var.choices()))
        elif var.example and var.type not in ("list", "schema_list"):
            out[var.name] = var.example
        else:
            out[var.name] = _SAMPLES[var.type]
    return out
