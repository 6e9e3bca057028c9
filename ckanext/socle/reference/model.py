"""Tables of the commune reference data (created by `ckan db upgrade -p socle`)."""
from __future__ import annotations

import sqlalchemy as sa
from ckan.plugins import toolkit as tk

COMMUNE_TABLE = "socle_commune"
META_TABLE = "socle_reference_meta"


class Commune(tk.BaseModel):
    """One INSEE commune code: a current commune, a municipal arrondissement, or a former code
    (``current`` false) whose ``successor`` is the commune it was merged into."""

    __tablename__ = COMMUNE_TABLE

    code = sa.Column(sa.String(5), primary_key=True)
    name = sa.Column(sa.UnicodeText, nullable=False)
    search_name = sa.Column(sa.UnicodeText, nullable=False, index=True)
    kind = sa.Column(sa.UnicodeText, nullable=False)
    current = sa.Column(sa.Boolean, nullable=False, default=True)
    successor = sa.Column(sa.String(5))
    siren = sa.Column(sa.String(9), index=True)
    departement = sa.Column(sa.String(3), index=True)
    region = sa.Column(sa.String(3))
    epci_siren = sa.Column(sa.String(9))
    epci_name = sa.Column(sa.UnicodeText)
    postcodes = sa.Column(sa.UnicodeText)  # space separated
    population = sa.Column(sa.Integer)  # population municipale
    population_totale = sa.Column(sa.Integer)
    population_year = sa.Column(sa.Integer)
    cog_year = sa.Column(sa.Integer)
    outline = sa.Column(sa.UnicodeText)  # GeoJSON MultiPolygon, lon/lat
    bbox = sa.Column(sa.UnicodeText)  # JSON [west, south, east, north]
    centroid = sa.Column(sa.UnicodeText)  # JSON [lon, lat]

    def as_dict(self, outline: bool = False) -> dict:
        import json

        data = {
            "code": self.code,
            "name": self.name,
            "kind": self.kind,
            "current": self.current,
            "successor": self.successor,
            "siren": self.siren,
            "departement": self.departement,
            "region": self.region,
            "epci_siren": self.epci_siren,
            "epci_name": self.epci_name,
            "postcodes": (self.postcodes or "").split(),
            "population": self.population,
            "population_totale": self.population_totale,
            "population_year": self.population_year,
            "cog_year": self.cog_year,
            "bbox": json.loads(self.bbox) if self.bbox else None,
            "centroid": json.loads(self.centroid) if self.centroid else None,
        }
        if outline:
            data["outline"] = json.loads(self.outline) if self.outline else None
        return data


class ReferenceMeta(tk.BaseModel):
    """Key/value facts about the loaded reference data (source versions, years, load date)."""

    __tablename__ = META_TABLE

    key = sa.Column(sa.UnicodeText, primary_key=True)
    value = sa.Column(sa.UnicodeText)
