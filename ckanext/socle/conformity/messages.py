"""Every French sentence the conformity engine shows to a user, in one place.

The CKAN side wraps these strings with gettext later; keep them as plain format strings here.
Each error code has a message (what is wrong) and, where one can be given, a hint (how to fix it).
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any, Optional, Sequence

LEVEL_LABELS = {
    "conforme": "conforme",
    "a_ameliorer": "à améliorer",
    "non_conforme": "non conforme",
    "erreur": "erreur (fichier illisible)",
}

STATUS_LABELS = {"OK": "OK", "WARN": "avertissements", "KO": "KO", None: "non évalué"}

SCOPE_LABELS = {
    "source": "fichier",
    "schema": "schéma",
    "structure": "structure",
    "body": "contenu",
}

MESSAGES = {
    # source / reading
    "source-error": "Le fichier n'a pas pu être lu : {detail}",
    "empty-file": "Le fichier est vide.",
    "format-error": "Le fichier n'est pas un tableau lisible (CSV, XLSX, XLS ou ODS) : {detail}",
    "encoding-error": "Le fichier contient des octets qui ne correspondent à aucun encodage de texte connu.",
    "encoding-warning": "Le fichier n'est pas encodé en UTF-8 (encodage détecté : {encoding}).",
    "too-large": "Le fichier dépasse la taille maximale acceptée ({limit} octets).",
    "line-too-long": "Une ligne du fichier est trop longue pour être lue (ligne {row}).",
    # schema
    "schema-error": "Le schéma n'est pas un Table Schema valide : {detail}",
    "unknown-check": "Le schéma déclare un contrôle personnalisé inconnu : « {check} ».",
    "check-error": "Le contrôle personnalisé « {check} » est mal paramétré : {detail}",
    # structure
    "blank-header": "La première ligne, qui doit contenir les noms des colonnes, est vide.",
    "blank-label": "La colonne n° {column_number} n'a pas de nom.",
    "duplicate-label": "Le nom de colonne « {label} » apparaît plusieurs fois (colonnes {positions}).",
    "missing-label": "La colonne obligatoire « {field} » est absente.",
    "missing-optional-label": "La colonne facultative « {field} » est absente.",
    "extra-label": "La colonne « {label} » ne fait pas partie du schéma.",
    "label-order": "Les colonnes ne sont pas dans l'ordre du schéma.",
    "one-of-required-label": "Au moins une des colonnes « {field} » ou « {column2} » doit être présente.",
    # body
    "blank-row": "La ligne {row} est vide.",
    "missing-cell": "La ligne {row} n'a pas de valeur pour la colonne « {field} » (ligne trop courte).",
    "extra-cell": "La ligne {row} contient une cellule en trop (colonne n° {column_number}).",
    "type-error": "La valeur « {value} » de la colonne « {field} » n'est pas du type attendu ({type_label}).",
    "constraint-error": "La valeur « {value} » de la colonne « {field} » ne respecte pas la contrainte {constraint_label}.",
    "required-error": "La colonne « {field} » est obligatoire mais la cellule est vide.",
    "unique-error": "La valeur « {value} » de la colonne « {field} » doit être unique ; elle apparaît déjà plus haut.",
    "french-siret-value": "La valeur « {value} » de la colonne « {field} » n'est pas un numéro SIRET valide.",
    "french-siren-value": "La valeur « {value} » de la colonne « {field} » n'est pas un numéro SIREN valide.",
    "nomenclature-actes-value": "La valeur « {value} » de la colonne « {field} » ne suit pas la nomenclature ACTES.",
    "year-interval-value": "La valeur « {value} » de la colonne « {field} » n'est pas un intervalle d'années valide.",
    "cohesive-columns-value": "Les colonnes {columns} doivent être toutes renseignées ou toutes vides.",
    "compare-columns-value": "La condition « {field} {op} {column2} » n'est pas respectée ({value} {op} {value2}).",
    "sum-columns-value": "La colonne « {field} » ({value}) doit être égale à la somme des colonnes {columns} ({total}).",
    "one-of-required": "Au moins une des colonnes « {field} » ou « {column2} » doit être renseignée.",
    "phone-number-value": "La valeur « {value} » de la colonne « {field} » n'est pas un numéro de téléphone valide.",
    "opening-hours-value": "La valeur « {value} » de la colonne « {field} » n'est pas un horaire d'ouverture au format OpenStreetMap.",
    "french-gps-coordinates": "La valeur « {value} » de la colonne « {field} » n'est pas une coordonnée GPS [longitude, latitude] située en France.",
}

HINTS = {
    "encoding-warning": "Enregistrez le fichier en UTF-8 (dans un tableur : « CSV UTF-8 »).",
    "encoding-error": "Enregistrez le fichier en UTF-8 depuis le logiciel qui l'a produit.",
    "empty-file": "Déposez le fichier complet, avec une ligne d'en-tête et les données.",
    "format-error": "Déposez un fichier CSV (UTF-8, séparateur virgule) ou un classeur XLSX/ODS.",
    "blank-header": "Placez les noms des colonnes sur la première ligne du fichier.",
    "blank-label": "Donnez à chaque colonne le nom prévu par le schéma, ou supprimez la colonne.",
    "duplicate-label": "Chaque colonne ne doit apparaître qu'une fois : supprimez ou renommez le doublon.",
    "missing-label": "Ajoutez la colonne « {field} » (nom exact, en respectant les majuscules).",
    "missing-optional-label": "Vous pouvez ajouter la colonne « {field} », même vide.",
    "extra-label": "Supprimez cette colonne ou vérifiez l'orthographe de son nom.",
    "label-order": "Rangez les colonnes dans l'ordre du schéma : {order}.",
    "blank-row": "Supprimez les lignes vides.",
    "missing-cell": "Ajoutez les séparateurs manquants pour que chaque ligne ait autant de cellules que l'en-tête.",
    "extra-cell": "Supprimez la cellule en trop ou le séparateur superflu.",
    "required-error": "Renseignez une valeur dans cette cellule.",
    "unique-error": "Supprimez le doublon ou corrigez la valeur.",
    "french-siret-value": "Un SIRET comporte 14 chiffres (SIREN + NIC) ; vérifiez-le sur annuaire-entreprises.data.gouv.fr.",
    "french-siren-value": "Un SIREN comporte 9 chiffres ; vérifiez-le sur annuaire-entreprises.data.gouv.fr.",
    "nomenclature-actes-value": "Écrivez « matière/sous-matière », la matière étant l'une des neuf de la nomenclature ACTES (par exemple « Commande publique/Marchés publics »), sans espace après la barre oblique.",
    "year-interval-value": "Écrivez deux années « AAAA/AAAA », la seconde postérieure à la première{year_only}.",
    "cohesive-columns-value": "Renseignez toutes ces colonnes, ou laissez-les toutes vides.",
    "compare-columns-value": "Vérifiez les deux valeurs : « {field} » doit être {op_label} « {column2} ».",
    "sum-columns-value": "Vérifiez les valeurs : la somme attendue est {total}.",
    "one-of-required": "Renseignez « {field} » ou « {column2} ».",
    "phone-number-value": "Écrivez un numéro à 10 chiffres (0123456789) ou au format international (+33123456789).",
    "opening-hours-value": "Utilisez la syntaxe OpenStreetMap, par exemple « Mo-Fr 08:30-12:00,14:00-17:30; Sa 09:00-12:00 ».",
    "french-gps-coordinates": "Écrivez « [longitude, latitude] » en degrés décimaux WGS84, par exemple [2.3522, 48.8566].",
    "unknown-check": "Corrigez le nom du contrôle dans le schéma ou mettez à jour le moteur de validation.",
}

TYPE_LABELS = {
    "string": "texte",
    "number": "nombre décimal avec un point",
    "integer": "nombre entier",
    "boolean": "booléen",
    "date": "date AAAA-MM-JJ",
    "datetime": "date et heure AAAA-MM-JJTHH:MM:SS",
    "time": "heure HH:MM:SS",
    "year": "année AAAA",
    "yearmonth": "année et mois AAAA-MM",
    "duration": "durée ISO 8601",
    "geopoint": "point géographique",
    "geojson": "GeoJSON",
    "array": "tableau JSON",
    "object": "objet JSON",
    "any": "valeur",
}

FORMAT_LABELS = {"uri": "adresse web (URL)", "email": "adresse électronique", "uuid": "identifiant UUID"}

CONSTRAINT_LABELS = {
    "required": "« obligatoire »",
    "pattern": "de format (expression « {constraint} »)",
    "enum": "de liste de valeurs autorisées",
    "minLength": "de longueur minimale ({constraint} caractères)",
    "maxLength": "de longueur maximale ({constraint} caractères)",
    "minimum": "de valeur minimale ({constraint})",
    "maximum": "de valeur maximale ({constraint})",
    "exclusiveMinimum": "de valeur strictement supérieure à {constraint}",
    "exclusiveMaximum": "de valeur strictement inférieure à {constraint}",
}

OP_LABELS = {
    "<": "strictement inférieur à",
    "<=": "inférieur ou égal à",
    "==": "égal à",
    ">=": "supérieur ou égal à",
    ">": "strictement supérieur à",
}

TEXT = {
    "title": "Rapport de conformité",
    "file": "Fichier",
    "schema": "Schéma",
    "level": "Verdict",
    "structure": "Structure",
    "body": "Contenu",
    "ratio": "Taux d'erreurs pondéré",
    "rows": "Lignes lues",
    "truncated": "Seules les {limit} premières lignes ont été vérifiées (limite configurée) ; le reste du fichier n'a pas été lu.",
    "body-skipped": "Le contenu n'a pas été vérifié : sans ligne d'en-tête, aucune colonne ne peut être reconnue.",
    "errors": "Erreurs",
    "warnings": "Avertissements",
    "counts": "Nombre d'erreurs par type",
    "listed": "{listed} erreurs affichées sur {total}.",
    "none": "Aucune erreur.",
    "row": "ligne",
    "column": "colonne",
    "hint": "Conseil",
    "engine": "Moteur",
    "encoding": "Encodage",
    "delimiter": "Séparateur",
    "format": "Format",
    "unknown-schema": "Schéma inconnu : {ref}",
    "cli-error": "Erreur : {detail}",
}

# Details completing the messages above (``{detail}``) and other sentences of the report.
DETAILS = {
    "data-given": "(données transmises)",
    "stream": "(flux)",
    "file-not-found": "fichier introuvable : {path}",
    "download-failed": "téléchargement impossible ({error})",
    "no-text": "aucun texte lisible au début du fichier",
    "binary": "le fichier contient des données binaires",
    "bad-zip": "archive ZIP endommagée ({error})",
    "zip-not-spreadsheet": "archive ZIP qui n'est ni un classeur XLSX ni un classeur ODS",
    "cp1252-after-bom": "Windows-1252 précédé d'une marque UTF-8 (BOM)",
    "latin1-after-bom": "ISO-8859-1 précédé d'une marque UTF-8 (BOM)",
    "csv-error": "ligne {row} : {error}",
    "sheet-not-found": "feuille « {sheet} » introuvable (feuilles : {sheets})",
    "bad-workbook": "classeur {format} illisible ({error})",
    "checks-not-list": "doit être une liste",
    "remote-schema": "un schéma distant doit être référencé par son nom dans le catalogue (par exemple scdl/subventions@2.1.1)",
    "schema-unreadable": "fichier de schéma illisible ({error})",
    "schema-not-object": "le fichier de schéma doit contenir un objet JSON",
    "check-no-name": "entrée sans nom",
    "check-params-not-object": "les paramètres doivent être un objet",
    "check-param-missing": "paramètre « {key} » manquant",
    "check-param-not-list": "le paramètre « {key} » doit être une liste de colonnes",
    "check-unknown-operator": "opérateur « {op} » inconnu (attendu : {operators})",
    "value-length": "La valeur compte {length} caractères.",
    "year-only": " (ou une seule année AAAA)",
}


def detail(detail_key: str, **params: Any) -> str:
    return _safe_format(DETAILS[detail_key], params)


CLI_HELP = {
    "description": "Vérifie la conformité d'un fichier (CSV, XLSX, XLS, ODS) à un schéma du SCDL.",
    "source": "chemin du fichier ou adresse http(s)",
    "schema": "schéma du catalogue (scdl/subventions, subventions@2.1.1) ou fichier Table Schema JSON",
    "format": "format du rapport (text par défaut)",
    "ignore-case": "ignorer la casse des noms de colonnes",
    "row-limit": "nombre maximal de lignes vérifiées",
    "max-errors": "nombre maximal d'erreurs listées (1000)",
    "threshold": "seuil d'acceptabilité du taux d'erreurs (0.1)",
    "max-bytes": "taille maximale acceptée, en octets",
    "sheet": "feuille d'un classeur (nom ou numéro, 1 par défaut)",
}
DELIMITER_LABELS = {"\t": "tabulation", ",": "virgule", ";": "point-virgule", "|": "barre verticale"}

VALUE_MAX_CHARS = 200


def truncate(value: Any, limit: int = VALUE_MAX_CHARS) -> Optional[str]:
    """Text of a cell for a report, cut to ``limit`` characters."""
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def fold(text: str) -> str:
    """Lower-case without accents, for tolerant comparisons (``Élémentaire`` ~ ``elementaire``)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


def format_message(code: str, **params: Any) -> str:
    template = MESSAGES.get(code, code)
    return _safe_format(template, params)


def format_hint(code: str, **params: Any) -> Optional[str]:
    template = HINTS.get(code)
    return _safe_format(template, params) if template else None


class _Default(dict):
    def __missing__(self, key: str) -> str:
        return "?"


def _safe_format(template: str, params: dict) -> str:
    return template.format_map(_Default({k: ("" if v is None else v) for k, v in params.items()}))


def type_label(field_type: str, field_format: Optional[str]) -> str:
    if field_format in FORMAT_LABELS:
        return FORMAT_LABELS[field_format]
    label = TYPE_LABELS.get(field_type, field_type)
    if field_type in ("date", "datetime", "time") and field_format not in (None, "default", "any"):
        label = f"{field_type} au format {field_format}"
    return label


def constraint_label(name: str, constraint: Any) -> str:
    return _safe_format(CONSTRAINT_LABELS.get(name, name), {"constraint": constraint})


# ---------------------------------------------------------------------------------------------
# Concrete fix hints for cell values: the French habits that break ISO formats.
# ---------------------------------------------------------------------------------------------
_FRENCH_DATE = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")
_SLASHED_ISO_DATE = re.compile(r"^\s*(\d{4})/(\d{1,2})/(\d{1,2})\s*$")
_EXCEL_SERIAL = re.compile(r"^\s*(\d{5})(?:\.0+)?\s*$")
_FRENCH_NUMBER = re.compile(r"^\s*-?[\d\s\u00a0\u202f.]*,\d+\s*(?:€|euros?)?\s*$")
_SPACED_NUMBER = re.compile(r"^\s*-?\d{1,3}(?:[\s\u00a0\u202f]\d{3})+(?:[.,]\d+)?\s*(?:€|euros?)?\s*$")
_SCIENTIFIC = re.compile(r"^\s*\d+(?:[.,]\d+)?[eE]\+?\d+\s*$")
_FLOAT_ID = re.compile(r"^\s*(\d+)\.0\s*$")


def _iso_from_french(value: str) -> Optional[str]:
    match = _FRENCH_DATE.match(value)
    if match:
        day, month, year = (int(g) for g in match.groups())
        if 1 <= day <= 31 and 1 <= month <= 12:
            return f"{year:04d}-{month:02d}-{day:02d}"
    match = _SLASHED_ISO_DATE.match(value)
    if match:
        year, month, day = (int(g) for g in match.groups())
        if 1 <= day <= 31 and 1 <= month <= 12:
            return f"{year:04d}-{month:02d}-{day:02d}"
    return None


def _number_from_french(value: str) -> Optional[str]:
    text = re.sub(r"\s*(?:€|euros?)\s*$", "", value.strip())
    text = re.sub(r"[\s\u00a0\u202f]", "", text)
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    return text if re.match(r"^-?\d+(?:\.\d+)?$", text) else None


def value_hint(
    field_type: str,
    value: Any,
    *,
    enum: Optional[Sequence[Any]] = None,
    true_values: Optional[Sequence[str]] = None,
    false_values: Optional[Sequence[str]] = None,
    example: Any = None,
) -> Optional[str]:
    """A concrete correction for a wrong cell, when the mistake is a known habit."""
    text = value if isinstance(value, str) else ("" if value is None else str(value))
    if field_type in ("date", "datetime"):
        iso = _iso_from_french(text)
        if iso:
            return f"Écrivez la date au format AAAA-MM-JJ : {iso}."
        if _EXCEL_SERIAL.match(text) or isinstance(value, (int, float)):
            return "La date a été enregistrée comme un nombre par le tableur : formatez la cellule en date AAAA-MM-JJ."
        return "Écrivez la date au format AAAA-MM-JJ, par exemple 2016-12-05."
    if field_type in ("number", "integer"):
        if _FRENCH_NUMBER.match(text) or _SPACED_NUMBER.match(text):
            fixed = _number_from_french(text)
            if fixed:
                return f"Utilisez le point comme séparateur décimal, sans espace ni symbole : {fixed}."
        if field_type == "integer" and re.match(r"^\s*-?\d+\.0+\s*$", text):
            return f"Écrivez un nombre entier sans décimale : {text.strip().split('.')[0]}."
        return "Écrivez un nombre sans espace ni unité, avec un point pour les décimales (par exemple 1500.50)."
    if field_type == "boolean" and (true_values or false_values):
        allowed = ", ".join(f"« {v} »" for v in list(true_values or []) + list(false_values or []))
        return f"Valeurs acceptées : {allowed}."
    if enum:
        folded = fold(text)
        for candidate in enum:
            if fold(str(candidate)) == folded:
                return f"Écrivez exactement « {candidate} » (majuscules et accents comptent)."
        shown = ", ".join(f"« {v} »" for v in list(enum)[:12])
        more = " …" if len(enum) > 12 else ""
        return f"Valeurs autorisées : {shown}{more}."
    if _SCIENTIFIC.match(text):
        return "Le tableur a converti l'identifiant en nombre (notation scientifique) : formatez la colonne en texte et ressaisissez les valeurs."
    match = _FLOAT_ID.match(text)
    if match:
        return f"Le tableur a ajouté « .0 » : écrivez {match.group(1)} (en texte, zéros initiaux compris)."
    if example not in (None, ""):
        return f"Exemple de valeur attendue : « {example} »."
    return None
