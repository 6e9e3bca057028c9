"""Scan a table for personal data: the ``privacy`` section of a conformity report.

    report = scan(headers, rows, mapping={"nomBeneficiaire": "nomBeneficiaire", ...},
                  schema_name="subventions", settings=Settings(small_count_threshold=3))
    report.status       # "rien_detecte" | "a_verifier"
    report.to_dict()    # JSON-serialisable, findings show masked samples only

``rows`` yields ``(record number, record)``, the header being record 1 (the engine's numbering).
No CKAN import.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from . import detectors as d

NOTHING_FOUND = "rien_detecte"
TO_CHECK = "a_verifier"
STATUS_LABELS = {
    NOTHING_FOUND: "Aucune donnée personnelle détectée",
    TO_CHECK: "Données personnelles possibles : à vérifier avant publication",
}

# Detector codes, their French label and what they look for.
DETECTORS = {
    "email": ("Adresses e-mail nominatives",
              "adresses e-mail qui nomment une personne (prenom.nom@…, p.nom@…) dans toutes les colonnes ; les "
              "adresses de service (contact@, mairie@…) ne sont pas signalées"),
    "telephone": ("Numéros de téléphone portable",
                  "numéros de portable français (06, 07, +33 6, +33 7) dans toutes les colonnes ; les numéros "
                  "fixes, le plus souvent ceux des services, ne sont pas signalés"),
    "nir": ("Numéros de sécurité sociale (NIR)",
            "numéros de 15 caractères dont la clé de contrôle est juste (Corse 2A/2B comprise)"),
    "iban": ("Coordonnées bancaires (IBAN)", "IBAN dont la clé de contrôle ISO 13616 est juste"),
    "date_naissance": ("Dates de naissance",
                       "dates complètes dans les colonnes dont le nom évoque une naissance, et mentions "
                       "« né(e) le … » dans les textes"),
    "personne_physique": ("Noms de personnes physiques",
                          "noms de bénéficiaires ou de titulaires sans SIRET ni RNA qui ressemblent à un nom de "
                          "personne (civilité, prénom courant) alors que le schéma attend une personne morale"),
    "petits_effectifs": ("Petits effectifs",
                         "effectifs inférieurs au seuil du portail dans les jeux statistiques (prénoms…)"),
}
NOT_CHECKED = [
    "les numéros de téléphone fixes",
    "les adresses postales de particuliers",
    "les noms de personnes dans les textes libres (objet, description…)",
    "les données de santé, opinions, appartenances ou condamnations",
    "les personnes identifiables par recoupement avec d'autres fichiers",
]

# Columns where the schema expects a legal entity, and the identifier columns that prove one.
LEGAL_ENTITY_FIELDS: Dict[str, Tuple[str, ...]] = {
    "nomBeneficiaire": ("idBeneficiaire", "rnaBeneficiaire"),
    "TITULAIRES_DENOMINATION": ("TITULAIRES_ID",),
    "MODIF_TITULAIRES_DENOMINATION": ("MODIF_TITULAIRES_ID",),
    "platProduitFournisseurNom": ("platProduitFournisseurSiret",),
}
# Count fields of statistical datasets (small counts may single people out).
COUNT_FIELDS = {"NOMBRE_OCCURRENCES"}


@dataclass
class Settings:
    small_count_threshold: int = 0  # counts strictly below it are reported; 0 = not checked
    max_rows: Optional[int] = None  # scan at most this many data rows
    rows_listed: int = 20  # row numbers kept per finding
    samples: int = 3  # masked samples kept per finding


@dataclass
class Finding:
    code: str
    column: str
    column_number: int  # 1-based
    severity: str = "alerte"  # alerte | attention
    count: int = 0
    rows: List[int] = field(default_factory=list)
    samples: List[str] = field(default_factory=list)
    note: str = ""

    def add(self, row: int, sample: str, settings: Settings) -> None:
        self.count += 1
        if len(self.rows) < settings.rows_listed and (not self.rows or self.rows[-1] != row):
            self.rows.append(row)
        if len(self.samples) < settings.samples and sample not in self.samples:
            self.samples.append(sample)

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "label": DETECTORS[self.code][0],
            "severity": self.severity,
            "column": self.column,
            "column_number": self.column_number,
            "count": self.count,
            "rows": list(self.rows),
            "rows_complete": self.count <= len(self.rows),
            "samples": list(self.samples),
            "note": self.note,
        }


@dataclass
class PrivacyReport:
    findings: List[Finding]
    rows_scanned: int
    truncated: bool
    checked: List[dict]
    not_checked: List[str]

    @property
    def status(self) -> str:
        return TO_CHECK if self.findings else NOTHING_FOUND

    @property
    def alert(self) -> bool:
        return any(f.severity == "alerte" for f in self.findings)

    def to_dict(self) -> dict:
        return {
            "status": self.status,
            "status_label": STATUS_LABELS[self.status],
            "alert": self.alert,
            "findings": [f.to_dict() for f in self.findings],
            "rows_scanned": self.rows_scanned,
            "truncated": self.truncated,
            "checked": list(self.checked),
            "not_checked": list(self.not_checked),
            "notice": (
                "Ces contrôles automatiques repèrent les cas les plus courants ; ils ne garantissent pas "
                "l'absence de données personnelles. Relisez le fichier avant de le rendre public."
            ),
        }


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _field_columns(headers: Sequence[str], mapping: Optional[dict]) -> Dict[str, int]:
    """schema field -> column index, from the detected header -> field mapping."""
    columns = {}
    for index, header in enumerate(headers):
        name = (mapping or {}).get(header)
        if name and name not in columns:
            columns[name] = index
    return columns


def _legal_entity_columns(headers: Sequence[str], fields: Dict[str, int]) -> List[Tuple[int, List[int]]]:
    """(name column, identifier columns) pairs where a legal entity is expected."""
    pairs = []
    for name_field, id_fields in LEGAL_ENTITY_FIELDS.items():
        if name_field in fields:
            pairs.append((fields[name_field], [fields[f] for f in id_fields if f in fields]))
    if pairs:
        return pairs
    # No recognised schema: "beneficiaire"/"attributaire" name columns of draft layouts.
    keys = [d.fold(h).replace(" ", "").replace("_", "") for h in headers]
    for index, key in enumerate(keys):
        if "nom" in key and ("beneficiaire" in key or key in ("attribnom", "nomattributaire")):
            ids = [i for i, k in enumerate(keys)
                   if i != index and ("siret" in k or "rna" in k or "identification" in k)
                   and ("benef" in k or "attrib" in k and "attribuant" not in k)]
            pairs.append((index, ids))
    return pairs


def scan(headers: Sequence[str], rows: Iterable[Tuple[int, Sequence[Any]]], *, mapping: Optional[dict] = None,
         schema_name: Optional[str] = None, settings: Optional[Settings] = None) -> PrivacyReport:
    settings = settings or Settings()
    headers = [_text(h).strip() for h in headers]
    fields = _field_columns(headers, mapping)
    birth_columns = {i for i, h in enumerate(headers) if d.header_means_birth(h)}
    legal = _legal_entity_columns(headers, fields)
    count_columns = [fields[f] for f in COUNT_FIELDS if f in fields] if settings.small_count_threshold > 0 else []
    findings: Dict[Tuple[str, int], Finding] = {}

    def hit(code: str, column: int, row: int, sample: str, severity: str = "alerte", note: str = "") -> None:
        key = (code, column)
        if key not in findings:
            label = headers[column] if column < len(headers) and headers[column] else f"colonne {column + 1}"
            findings[key] = Finding(code, label, column + 1, severity, note=note)
        findings[key].add(row, sample, settings)

    scanned, truncated = 0, False
    for number, record in rows:
        if settings.max_rows is not None and scanned >= settings.max_rows:
            truncated = True
            break
        scanned += 1
        for column, value in enumerate(record):
            if value is None or value == "":
                continue
            if column in birth_columns:
                born = d.as_full_date(value)
                if born and date(1900, 1, 1) <= born <= date.today():
                    hit("date_naissance", column, number, d.mask(_text(value), "date"))
                    continue
            if not isinstance(value, str):
                continue
            if "@" in value:
                for email in d.find_emails(value):
                    if d.email_looks_personal(email):
                        hit("email", column, number, d.mask(email, "email"))
            if sum(c.isdigit() for c in value) >= 9:
                for phone in d.find_phones(value):
                    if d.phone_is_mobile(phone):
                        hit("telephone", column, number, d.mask(phone, "phone"))
                for nir in d.find_nir(value):
                    hit("nir", column, number, d.mask(nir, "nir"))
                for iban in d.find_iban(value):
                    hit("iban", column, number, d.mask(iban, "iban"))
            if len(value) > 12 and " le " in value.lower():
                for mention in d.find_born_mentions(value):
                    hit("date_naissance", column, number, "né(e) le ••/••/••••")
        for name_column, id_columns in legal:
            name = _text(record[name_column]) if name_column < len(record) else ""
            if not name.strip():
                continue
            if any(_text(record[i]).strip() for i in id_columns if i < len(record)):
                continue
            reason = d.person_name_reason(name)
            if reason:
                hit("personne_physique", name_column, number, d.mask(name, "name"),
                    note=f"Sans SIRET ni RNA, le nom ressemble à celui d'une personne ({reason}).")
        for column in count_columns:
            value = _text(record[column]).strip() if column < len(record) else ""
            try:
                count = int(float(value.replace(",", ".")))
            except ValueError:
                continue
            if 0 < count < settings.small_count_threshold:
                hit("petits_effectifs", column, number, value, severity="attention",
                    note=f"Effectifs inférieurs à {settings.small_count_threshold} : une personne peut être reconnue "
                         "dans une petite commune.")

    checked = []
    for code, (label, how) in DETECTORS.items():
        if code == "petits_effectifs":
            if settings.small_count_threshold <= 0:
                continue
            if not count_columns:
                continue
            how = f"effectifs inférieurs à {settings.small_count_threshold} dans la colonne du nombre d'occurrences"
        if code == "personne_physique" and not legal:
            continue
        checked.append({"code": code, "label": label, "how": how})
    not_checked = list(NOT_CHECKED)
    if settings.small_count_threshold <= 0 and (COUNT_FIELDS & set(fields) or schema_name == "prenoms"):
        not_checked.insert(0, "les petits effectifs (aucun seuil n'est fixé sur ce portail ; le schéma prénoms "
                              "demande de publier tous les prénoms, même donnés une seule fois)")
    if not legal:
        not_checked.insert(0, "les noms de personnes physiques (aucune colonne de bénéficiaire ou de titulaire "
                              "reconnue dans ce fichier)")
    ordered = sorted(findings.values(), key=lambda f: (f.severity != "alerte", f.column_number, f.code))
    return PrivacyReport(ordered, scanned, truncated, checked, not_checked)
