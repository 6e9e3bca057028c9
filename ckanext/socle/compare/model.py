"""Tables of the comparison (created by `ckan db upgrade -p socle_compare`).

- ``socle_compare_resource``: one row per socle resource the refresh has seen (any level), with
  what the coverage matrix needs (dataset, organisation, communes covered, level, dates, privacy).
- ``socle_compare_row``: the consolidated rows of the resources whose latest run is *conforme* or
  *à améliorer*, kept with the schema's columns (JSONB) and their provenance. Duplicates (the same
  row published twice, e.g. by a commune and by its EPCI) are all stored, and removed when read
  (``DISTINCT ON row_key``, newest first), so that withdrawing one copy never loses the other.
- ``socle_compare_value``: precomputed indicator values per commune, year and dimension, from
  PUBLIC datasets only (these figures are shown to everyone).
- ``socle_compare_coverage``: precomputed coverage cell per (commune, schema), PUBLIC datasets only.
- ``socle_compare_commune``: compact copy of the reference communes (population, band, obligation,
  EPCI, département; no outline) with per-commune published/valid counts: the table pages scan.
"""
from __future__ import annotations

import datetime as dt

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class CompareResource(tk.BaseModel):
    __tablename__ = "socle_compare_resource"

    resource_id = sa.Column(sa.UnicodeText, primary_key=True)
    resource_name = sa.Column(sa.UnicodeText)
    package_id = sa.Column(sa.UnicodeText, nullable=False, index=True)
    package_name = sa.Column(sa.UnicodeText)
    package_title = sa.Column(sa.UnicodeText)
    private = sa.Column(sa.Boolean, nullable=False, default=False)
    org_id = sa.Column(sa.UnicodeText)
    org_name = sa.Column(sa.UnicodeText)
    org_title = sa.Column(sa.UnicodeText)
    org_siren = sa.Column(sa.UnicodeText)
    org_kind = sa.Column(sa.UnicodeText)
    schema_name = sa.Column(sa.UnicodeText, nullable=False, index=True)
    schema_version = sa.Column(sa.UnicodeText)
    level = sa.Column(sa.UnicodeText)
    validated_at = sa.Column(sa.DateTime)
    modified = sa.Column(sa.DateTime)
    communes = sa.Column(ARRAY(sa.UnicodeText), nullable=False, default=list)
    on_behalf = sa.Column(sa.Boolean, nullable=False, default=False)  # published by an EPCI etc.
    fingerprint = sa.Column(sa.UnicodeText)
    row_count = sa.Column(sa.Integer, nullable=False, default=0)
    note = sa.Column(sa.UnicodeText)
    refreshed_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)


class CompareRow(tk.BaseModel):
    __tablename__ = "socle_compare_row"

    id = sa.Column(sa.BigInteger, primary_key=True, autoincrement=True)
    schema_name = sa.Column(sa.UnicodeText, nullable=False)
    schema_version = sa.Column(sa.UnicodeText, nullable=False)
    resource_id = sa.Column(sa.UnicodeText, nullable=False, index=True)
    package_id = sa.Column(sa.UnicodeText, nullable=False)
    org_siren = sa.Column(sa.UnicodeText)
    commune = sa.Column(sa.UnicodeText)
    level = sa.Column(sa.UnicodeText, nullable=False)
    modified = sa.Column(sa.DateTime)
    private = sa.Column(sa.Boolean, nullable=False, default=False)
    row_key = sa.Column(sa.UnicodeText, nullable=False)
    data = sa.Column(JSONB, nullable=False)


class CompareValue(tk.BaseModel):
    __tablename__ = "socle_compare_value"

    indicator = sa.Column(sa.UnicodeText, primary_key=True)
    commune = sa.Column(sa.UnicodeText, primary_key=True)
    year = sa.Column(sa.Integer, primary_key=True)
    dimension = sa.Column(sa.UnicodeText, primary_key=True, default="")
    value = sa.Column(sa.Float, nullable=False)
    rows = sa.Column(sa.Integer, nullable=False)
    packages = sa.Column(ARRAY(sa.UnicodeText), nullable=False, default=list)


class CompareCoverage(tk.BaseModel):
    __tablename__ = "socle_compare_coverage"

    commune = sa.Column(sa.UnicodeText, primary_key=True)
    schema_name = sa.Column(sa.UnicodeText, primary_key=True)
    status = sa.Column(sa.UnicodeText, nullable=False)
    level = sa.Column(sa.UnicodeText)
    package_id = sa.Column(sa.UnicodeText)
    package_name = sa.Column(sa.UnicodeText)
    resource_id = sa.Column(sa.UnicodeText)
    schema_version = sa.Column(sa.UnicodeText)
    modified = sa.Column(sa.DateTime)
    org_title = sa.Column(sa.UnicodeText)
    on_behalf = sa.Column(sa.Boolean, nullable=False, default=False)


class CompareCommune(tk.BaseModel):
    """Compact copy of the reference communes (no outline) + published/valid counts."""

    __tablename__ = "socle_compare_commune"

    code = sa.Column(sa.UnicodeText, primary_key=True)
    name = sa.Column(sa.UnicodeText, nullable=False)
    population = sa.Column(sa.Integer)
    population_totale = sa.Column(sa.Integer)
    population_year = sa.Column(sa.Integer)
    departement = sa.Column(sa.UnicodeText)
    epci_siren = sa.Column(sa.UnicodeText)
    epci_name = sa.Column(sa.UnicodeText)
    band = sa.Column(sa.UnicodeText)
    obligation = sa.Column(sa.Boolean, nullable=False, default=False)
    published = sa.Column(sa.Integer, nullable=False, default=0)
    valid = sa.Column(sa.Integer, nullable=False, default=0)
    statuses = sa.Column(sa.UnicodeText, nullable=False, default="")  # one letter per matrix column


class CompareMeta(tk.BaseModel):
    __tablename__ = "socle_compare_meta"

    key = sa.Column(sa.UnicodeText, primary_key=True)
    value = sa.Column(sa.UnicodeText)


RESOURCE = CompareResource.__table__
COMMUNE = CompareCommune.__table__
META = CompareMeta.__table__
ROW = CompareRow.__table__
VALUE = CompareValue.__table__
COVERAGE = CompareCoverage.__table__
