"""Detectors of personal data in cell values. Pure functions, no CKAN import.

Each ``find_*`` returns the matches found in one text; ``mask`` shows a value without revealing
it. The detectors favour certainty where a checksum exists (NIR, IBAN) and say what they are
where they are heuristics (names of natural persons).
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from typing import List, Optional

from .firstnames import FIRST_NAMES


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


# ---------------------------------------------------------------------------------------------
# NIR (numéro d'inscription au répertoire, "numéro de sécurité sociale")
# ---------------------------------------------------------------------------------------------
# sex (1, 2; 3/4/7/8 for provisional numbers), year, month (01-12, 20-42 and 50-99 for unknown
# or special cases), département (2 digits, 2A/2B), commune or country (3), order (3), key (2).
_NIR = re.compile(
    r"(?<![0-9A-Za-z])([1-478])[ .]?(\d{2})[ .]?(\d{2})[ .]?(\d{2}|2[AaBb])[ .]?(\d{3})[ .]?(\d{3})[ .]?(\d{2})(?![0-9A-Za-z])"
)


def nir_key(thirteen: str) -> int:
    """Key of a 13-character NIR: 97 - (number mod 97), Corsica 2A -> 19, 2B -> 18."""
    text = thirteen.upper()
    if text[5:7] == "2A":
        text = text[:5] + "19" + text[7:]
    elif text[5:7] == "2B":
        text = text[:5] + "18" + text[7:]
    return 97 - int(text) % 97


def is_nir(value: str) -> bool:
    text = re.sub(r"[ .]", "", value or "").upper()
    if len(text) != 15 or not re.fullmatch(r"[1-478]\d{4}(\d{2}|2A|2B)\d{8}", text):
        return False
    month = int(text[3:5])
    if not (1 <= month <= 12 or 20 <= month <= 42 or 50 <= month <= 99):
        return False
    return nir_key(text[:13]) == int(text[13:])


def find_nir(text: str) -> List[str]:
    found = []
    for match in _NIR.finditer(text or ""):
        candidate = "".join(match.groups())
        if is_nir(candidate):
            found.append(match.group(0))
    return found


# ---------------------------------------------------------------------------------------------
# IBAN (ISO 13616, mod 97)
# ---------------------------------------------------------------------------------------------
_IBAN = re.compile(r"(?<![A-Za-z0-9])([A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?)(?![A-Za-z0-9])")
# Lengths of the IBANs of the SEPA area; other country codes are not taken for IBANs (a hexadecimal
# identifier such as a UUID can pass the mod-97 check by chance, 1 time in 97).
_IBAN_LENGTHS = {
    "AD": 24, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "EE": 20,
    "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GI": 23, "GR": 27, "HR": 21, "HU": 28, "IE": 22, "IS": 26,
    "IT": 27, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MT": 31, "NL": 18, "NO": 15, "PL": 28,
    "PT": 25, "RO": 24, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "VA": 22,
}


def is_iban(value: str) -> bool:
    text = re.sub(r"\s", "", value or "").upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}", text):
        return False
    if _IBAN_LENGTHS.get(text[:2]) != len(text):
        return False
    rearranged = text[4:] + text[:4]
    digits = "".join(str(int(c, 36)) for c in rearranged)
    return int(digits) % 97 == 1


def find_iban(text: str) -> List[str]:
    return [m.group(1) for m in _IBAN.finditer((text or "").upper()) if is_iban(m.group(1))]


# ---------------------------------------------------------------------------------------------
# E-mail addresses and phone numbers
# ---------------------------------------------------------------------------------------------
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_GENERIC_LOCAL = {
    "contact", "accueil", "info", "infos", "information", "mairie", "secretariat", "direction", "service",
    "communication", "courrier", "admin", "webmaster", "opendata", "open-data", "donnees", "dpo", "rgpd",
    "noreply", "no-reply", "cantine", "restauration", "scolaire", "urbanisme", "technique", "culture",
    "sport", "sports", "jeunesse", "social", "ccas", "compta", "comptabilite", "finances", "rh",
    "marches", "commande-publique", "subventions", "associations", "bibliotheque", "mediatheque",
    "ecole", "creche", "police", "etat-civil", "elections", "cabinet", "dgs", "maire", "presse",
}


def find_emails(text: str) -> List[str]:
    return _EMAIL.findall(text or "")


def email_looks_personal(email: str) -> bool:
    """``jean.dupont@...``, ``j.dupont@...``, ``marie@...``: the local part names somebody."""
    local = fold(email.split("@", 1)[0])
    if local in _GENERIC_LOCAL or any(local.startswith(g + ".") or local.startswith(g + "-") for g in _GENERIC_LOCAL):
        return False
    parts = [p for p in re.split(r"[._\-+]", local) if p]
    if any(p in FIRST_NAMES for p in parts):
        return True
    # initial + surname (j.dupont) or two word-like parts (dupont.marie)
    return len(parts) >= 2 and all(p.isalpha() for p in parts) and (len(parts[0]) == 1 or len(parts[1]) == 1)


_PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)33[ .\-]?(?:\(0\)[ .\-]?)?|0)([1-9])(?:[ .\-]?\d{2}){4}(?!\w)"
)


def find_phones(text: str) -> List[str]:
    return [m.group(0) for m in _PHONE.finditer(text or "")]


def phone_is_mobile(phone: str) -> bool:
    digits = re.sub(r"\D", "", phone.replace("(0)", ""))
    if digits.startswith("0033"):
        digits = "0" + digits[4:]
    elif digits.startswith("33"):
        digits = "0" + digits[2:]
    return digits[:2] in ("06", "07")


# ---------------------------------------------------------------------------------------------
# Dates of birth
# ---------------------------------------------------------------------------------------------
_BIRTH_HEADER = re.compile(r"naiss|birth|\bddn\b|date_?nais|datenais|\bne[e]?_?le\b")
_BORN_TEXT = re.compile(r"\bn[ée]e?s?\s+le\s+\d{1,2}[/ .\-]\d{1,2}[/ .\-]\d{2,4}|\bn[ée]e?s?\s+le\s+\d{1,2}(?:er)?\s+[a-zéû]+\s+\d{4}",
                        re.IGNORECASE)
_FULL_DATE = re.compile(r"^\s*(?:(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?|(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4}))\s*$")


def header_means_birth(header: str) -> bool:
    return bool(_BIRTH_HEADER.search(fold(header).replace("-", "_")))


def as_full_date(value) -> Optional[date]:
    """A day-precise date (not a bare year), from a date object or common text forms."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = _FULL_DATE.match(str(value or ""))
    if not match:
        return None
    try:
        if match.group(1):
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        year = int(match.group(6))
        year = year + (1900 if year > 30 else 2000) if year < 100 else year
        return date(year, int(match.group(5)), int(match.group(4)))
    except ValueError:
        return None


def find_born_mentions(text: str) -> List[str]:
    return [m.group(0) for m in _BORN_TEXT.finditer(text or "")]


# ---------------------------------------------------------------------------------------------
# Names of natural persons
# ---------------------------------------------------------------------------------------------
_CIVILITY = re.compile(r"^(?:m\.|mr\.?|mme\.?|mlle\.?|monsieur|madame|mademoiselle|m\s+et\s+mme|mr\s+et\s+mme)(?:\s|$)")
_ORGANISATION_WORDS = frozenset("""
association asso assoc club comite sa sas sasu sarl eurl sci earl gaec scop scic fondation federation union
ville commune communes mairie departement departemental departementale region regional syndicat office
centre ccas cias college lycee ecole ecoles amicale cooperative societe ste groupe groupement entreprise
ets etablissement etablissements institut theatre compagnie cie festival fc us as es ac ogec mjc maison
foyer conseil chambre universite hopital clinique caisse banque agence gie sem spl opac oph habitat
collectif cercle ligue sporting les des aux amis federale communaute agglomeration metropole
secours restos restaurants comites jumelage patronage paroisse diocese eglise musee orchestre chorale
harmonie ensemble atelier ateliers academie conservatoire radio journal editions production productions
services service sports sport football rugby basket handball tennis judo karate gym gymnastique danse
cinema culture culturel culturelle loisirs sante solidarite emploi insertion formation education
saint sainte st ste sud nord est ouest france francais francaise national nationale international
anno
""".split())
_TOKEN = re.compile(r"[^\W\d_]+(?:[\-'’][^\W\d_]+)*", re.UNICODE)


def person_name_reason(name: str) -> Optional[str]:
    """Why ``name`` looks like a natural person's (civility, first name), or None."""
    text = (name or "").strip()
    if not text or any(c.isdigit() for c in text) or len(text) > 60:
        return None
    folded = fold(text)
    if _CIVILITY.match(folded):
        return "civilité (M., Mme…)"
    tokens = _TOKEN.findall(folded)
    if not 2 <= len(tokens) <= 4:
        return None
    if any(t in _ORGANISATION_WORDS for t in tokens):
        return None
    if "ei" in tokens or "entrepreneur" in tokens:
        return "entrepreneur individuel"
    if tokens[0] in FIRST_NAMES or tokens[-1] in FIRST_NAMES:
        return "prénom suivi ou précédé d'un nom"
    return None


# ---------------------------------------------------------------------------------------------
# Masking: enough to recognise a case, never the value
# ---------------------------------------------------------------------------------------------
BULLET = "•"


def _mask_word(word: str) -> str:
    return word[:1] + BULLET * 3 if word else ""


def mask(value: str, kind: str) -> str:
    text = str(value or "").strip()
    if kind == "email":
        local, _, domain = text.partition("@")
        parts = domain.split(".")
        return f"{_mask_word(local)}@{_mask_word(parts[0])}.{parts[-1] if len(parts) > 1 else ''}"
    if kind == "phone":
        digits = re.sub(r"\D", "", text)
        return f"{digits[:2]} {BULLET * 2} {BULLET * 2} {BULLET * 2} {digits[-2:]}"
    if kind == "nir":
        compact = re.sub(r"[ .]", "", text)
        return f"{compact[:1]} {BULLET * 2} {BULLET * 2} {BULLET * 2} {BULLET * 3} {BULLET * 3} {BULLET * 2}"
    if kind == "iban":
        compact = re.sub(r"\s", "", text).upper()
        return f"{compact[:2]}{BULLET * 2} {BULLET * 4} … {compact[-2:]}"
    if kind == "date":
        found = as_full_date(text)
        return f"{BULLET * 2}/{BULLET * 2}/{found.year // 10}{BULLET}" if found else BULLET * 8
    if kind == "name":
        return " ".join(_mask_word(w) for w in text.split())
    if kind == "count":
        return text
    return _mask_word(text)
