"""Shared helpers of the conformity tests (no fixtures needing CKAN)."""
from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any, Iterable, List, Sequence

DATA = Path(__file__).resolve().parent.parent / "data" / "scdl"

SUBVENTIONS_HEADER = [
    "nomAttribuant", "idAttribuant", "dateConvention", "referenceDecision", "nomBeneficiaire",
    "idBeneficiaire", "rnaBeneficiaire", "objet", "montant", "nature", "conditionsVersement",
    "datesPeriodeVersement", "idRAE", "notificationUE", "pourcentageSubvention", "dispositifAide",
]

GOOD_SUBVENTION = {
    "nomAttribuant": "Commune de Crach",
    "idAttribuant": "21560046100010",
    "dateConvention": "2022-03-01",
    "referenceDecision": "DEL-2022-01",
    "nomBeneficiaire": "Association sportive",
    "idBeneficiaire": "21560046100085",
    "rnaBeneficiaire": "W123456789",
    "objet": "Fonctionnement 2022",
    "montant": "1500.50",
    "nature": "aide en numéraire",
    "conditionsVersement": "unique",
    "datesPeriodeVersement": "2022-01-01/2022-12-31",
    "idRAE": "",
    "notificationUE": "non",
    "pourcentageSubvention": "0.5",
    "dispositifAide": "",
}


def csv_bytes(rows: Iterable[Sequence[Any]], delimiter: str = ",", encoding: str = "utf-8",
              newline: str = "\r\n") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue().encode(encoding)


def subventions_csv(*overrides: dict, header: List[str] = SUBVENTIONS_HEADER, **kwargs) -> bytes:
    rows = [header]
    for override in overrides:
        record = dict(GOOD_SUBVENTION, **override)
        rows.append([record.get(name, "") for name in header])
    return csv_bytes(rows, **kwargs)


def codes(report) -> List[tuple]:
    """(code, row, column) of every listed error."""
    return [(e.code, e.row, e.column) for e in report.errors]
