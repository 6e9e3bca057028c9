"""Spatial coverage of a socle dataset, derived from the communes it covers.

Publishers pick communes (dataset field ``socle_communes``, INSEE codes); they never type GeoJSON.
The ``spatial`` value that ckanext-spatial indexes (solr-bbox) and that the ``socle`` RDF profile
publishes is the union of those communes' outlines from the commune reference data.

- ``spatial_from_communes(codes, outlines)``: pure function, GeoJSON MultiPolygon dict or None;
- ``commune_outlines(codes)``: outlines (and names, vintage) from the reference data: the action
  ``socle_commune_show`` when the ``socle`` plugin provides it and the table is loaded, otherwise
  the reference files (``SOCLE_HOME/reference``, else the Val-de-Marne sample shipped in the
  package);
- ``index_spatial(pkg_dict)``: the ``before_dataset_index`` hook of the ``socle`` plugin (it must be
  listed before ``spatial_query`` in ``ckan.plugins``).
"""
from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from functools import lru_cache

log = logging.getLogger(__name__)

POLYGON_TYPES = ("Polygon", "MultiPolygon")


# -- pure functions ---------------------------------------------------------------------------
def as_list(value, split: bool = False) -> list[str]:
    """Strings from a list, a JSON list string or a plain string (cut at commas, semicolons and
    spaces when ``split``), stripped, without repeats."""
    if value in (None, "", [], ()):
        return []
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                value = json.loads(text)
            except ValueError:
                value = text.strip("[]").replace('"', "").split(",")
        elif split:
            value = text.replace(";", ",").replace(" ", ",").split(",")
        else:
            value = [text]
    items = []
    for item in value if isinstance(value, (list, tuple)) else [value]:
        text = str(item).strip()
        if text and text not in items:
            items.append(text)
    return items


def parse_codes(value) -> list[str]:
    """INSEE codes from a list, a JSON list string or a comma / space separated string."""
    return list(dict.fromkeys(code.upper() for code in as_list(value, split=True)))


def polygons_of(geometry) -> list:
    """The polygons (lists of rings) of a Polygon / MultiPolygon, [] for any other geometry."""
    if isinstance(geometry, str):
        try:
            geometry = json.loads(geometry)
        except ValueError:
            return []
    if not isinstance(geometry, dict):
        return []
    if geometry.get("type") == "Polygon":
        return [geometry.get("coordinates") or []]
    if geometry.get("type") == "MultiPolygon":
        return list(geometry.get("coordinates") or [])
    if geometry.get("type") == "Feature":
        return polygons_of(geometry.get("geometry"))
    return []


def spatial_from_communes(insee_codes, outlines) -> dict | None:
    """GeoJSON MultiPolygon covering the communes ``insee_codes``.

    ``outlines`` maps an INSEE code to its GeoJSON Polygon / MultiPolygon (or is a callable doing
    so). Communes without an outline are skipped; None when none has one. The polygons are put
    side by side (communes do not overlap), which is what a MultiPolygon means and what
    ckanext-spatial's bbox and data.gouv.fr expect; no point is ever produced.
    """
    lookup = outlines if callable(outlines) else (outlines or {}).get
    polygons = []
    for code in parse_codes(insee_codes):
        polygons.extend(p for p in polygons_of(lookup(code)) if p)
    if not polygons:
        return None
    return {"type": "MultiPolygon", "coordinates": polygons}


def bbox_of(geometry) -> tuple[float, float, float, float] | None:
    points = [pt for poly in polygons_of(geometry) for ring in poly for pt in ring]
    if not points:
        return None
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


# -- reference data ---------------------------------------------------------------------------
@dataclass
class Outline:
    code: str
    name: str
    geometry: dict | None
    year: int | None  # COG year of the reference data the outline comes from
    successor: str | None = None


class _FileReference:
    """Outlines read from the reference files, only for the codes asked (the whole of France is
    ~1 M vertices: never held in memory at once). Used when the ``socle_commune`` table is not
    loaded."""

    def __init__(self, folder: str):
        from ckanext.socle.reference import sources

        self.folder = folder
        self.year = sources.vintage(folder).cog_year
        with open(os.path.join(folder, sources.COMMUNES_FILE), encoding="utf-8") as handle:
            raw = json.load(handle)
        self.names = {c["code"]: c["nom"] for c in raw if c.get("type") in sources.CURRENT_TYPES}
        self.successors = {old: c["code"] for c in raw if c.get("type") in sources.CURRENT_TYPES
                           for old in c.get("anciensCodes") or [] if old not in self.names}
        self.outlines: dict[str, dict | None] = {}

    def get(self, codes: list[str]) -> dict[str, Outline]:
        from ckanext.socle.reference import sources

        current = {c: self.successors.get(c, c) for c in codes}
        missing = {c for c in current.values() if c in self.names and c not in self.outlines}
        if missing:
            found = sources.read_outlines(os.path.join(self.folder, sources.OUTLINES_FILE), missing)
            self.outlines.update({c: found.get(c) for c in missing})
        return {
            code: Outline(code, self.names.get(target, code), self.outlines.get(target), self.year,
                          target if target != code else None)
            for code, target in current.items() if target in self.names
        }


@lru_cache(maxsize=2)
def _file_reference(folder: str) -> _FileReference:
    return _FileReference(folder)


def reference_folder() -> str:
    from ckanext.socle.reference import sources

    if os.path.isfile(os.path.join(sources.DEFAULT_DIR, sources.COMMUNES_FILE)):
        return sources.DEFAULT_DIR
    return sources.SAMPLE_DIR


def _from_action(code: str) -> Outline | None:
    """The commune from the ``socle_commune_show`` action (table ``socle_commune``), if any."""
    try:
        import ckan.plugins.toolkit as tk

        show = tk.get_action("socle_commune_show")
    except (ImportError, KeyError):
        return None
    # Called while a dataset is being written: a failing query (table not migrated yet) must not
    # abort the dataset's transaction, hence a savepoint (toolkit has no session).
    from ckan.model import Session

    savepoint = Session.begin_nested()
    try:
        commune = show({"ignore_auth": True}, {"code": code, "outline": True})
        savepoint.commit()
    except Exception:  # not loaded, unknown code, or the plugin's own trouble: fall back to files
        savepoint.rollback()
        return None
    if not isinstance(commune, dict):
        return None
    geometry = next((commune[k] for k in ("outline", "geometry", "geojson") if commune.get(k)), None)
    if isinstance(geometry, str):
        try:
            geometry = json.loads(geometry)
        except ValueError:
            geometry = None
    year = commune.get("outline_year") or commune.get("cog_year") or commune.get("year")
    return Outline(code, commune.get("name") or commune.get("nom") or code, geometry,
                   int(year) if str(year or "").isdigit() else None, commune.get("successor"))


def commune_outlines(codes) -> list[Outline]:
    """Outline, name and COG year of each commune (former codes take their successor's outline)."""
    codes = parse_codes(codes)
    found = {}
    for code in codes:
        outline = _from_action(code)
        if outline and not outline.geometry and outline.successor:
            successor = _from_action(outline.successor)
            outline.geometry = successor.geometry if successor else None
        if outline and outline.geometry:
            found[code] = outline
    missing = [c for c in codes if c not in found]
    if missing:
        found.update(_file_reference(reference_folder()).get(missing))
    return [found[c] for c in codes if c in found]


def dataset_communes(pkg_dict: dict) -> list[str]:
    """INSEE codes of ``socle_communes``, a root field (scheming) or an extra."""
    value = pkg_dict.get("socle_communes")
    if value in (None, "", []):
        value = pkg_dict.get("extras_socle_communes")
    if value in (None, "", []):
        for extra in pkg_dict.get("extras") or []:
            if isinstance(extra, dict) and extra.get("key") == "socle_communes":
                value = extra.get("value")
    return parse_codes(value)


def explicit_spatial(pkg_dict: dict):
    """A geometry the dataset itself stores (harvested, or set by an administrator).

    At indexing time, the stored dataset is ``data_dict`` (JSON): ``spatial`` keys other plugins
    add to the document (ckanext-dcat puts a ``spatial_coverage`` centroid there) do not count.
    """
    stored = pkg_dict
    if isinstance(pkg_dict.get("data_dict"), str):
        try:
            stored = json.loads(pkg_dict["data_dict"])
        except ValueError:
            stored = pkg_dict
    if stored.get("spatial") or (stored is pkg_dict and pkg_dict.get("extras_spatial")):
        return stored.get("spatial") or pkg_dict.get("extras_spatial")
    for extra in stored.get("extras") or []:
        if isinstance(extra, dict) and extra.get("key") == "spatial" and extra.get("value"):
            return extra["value"]
    return None


def communes_geometry(pkg_dict: dict) -> tuple[dict | None, int | None]:
    """The dataset's coverage from its communes' outlines, and the COG year of those outlines;
    (None, None) when the dataset carries its own geometry (harvested, or set by an
    administrator) or no commune has an outline."""
    if explicit_spatial(pkg_dict):
        return None, None
    codes = dataset_communes(pkg_dict)
    if not codes:
        return None, None
    outlines = {o.code: o for o in commune_outlines(codes)}
    geometry = spatial_from_communes(codes, lambda c: outlines[c].geometry if c in outlines else None)
    if geometry is None:
        log.info("No outline for communes %s: dataset %s is not on the map", codes, pkg_dict.get("name"))
        return None, None
    years = sorted({o.year for o in outlines.values() if o.year})
    return geometry, (years[-1] if years else None)


def index_spatial(pkg_dict: dict) -> dict:
    """``before_dataset_index`` of the ``socle`` plugin: index the communes' outline with
    ckanext-spatial's search backend (``ckanext.spatial.search_backend``, solr-bbox by default)
    when ``spatial_query`` is loaded, and ``socle_spatial_year``, the COG year of the outlines.

    Whatever the order of the plugins: the bbox is computed here with ckanext-spatial's backend;
    ``spatial`` is left in the document only for a ``spatial_query`` still to come (which removes
    it), so Solr never receives the GeoJSON as a string field (too long a term for a large EPCI);
    and it replaces the point ckanext-dcat may have put there from ``spatial_coverage``.
    Never raises.
    """
    try:
        return _index_spatial(pkg_dict)
    except Exception:  # indexing runs inside every dataset write: never make it fail
        log.exception("Spatial coverage of dataset %s not indexed", pkg_dict.get("name"))
        return pkg_dict


def _plugin_order() -> list[str]:
    import ckan.plugins.toolkit as tk

    plugins = tk.config.get("ckan.plugins") or []
    return plugins.split() if isinstance(plugins, str) else list(plugins)


def _index_spatial(pkg_dict: dict) -> dict:
    geometry, year = communes_geometry(pkg_dict)
    if geometry is None:
        return pkg_dict
    if year:
        pkg_dict["socle_spatial_year"] = str(year)
    order = _plugin_order()
    if "spatial_query" not in order:
        return pkg_dict
    import ckan.plugins.toolkit as tk
    from ckanext.spatial.search import search_backends

    backend = tk.config.get("ckanext.spatial.search_backend") or "solr-bbox"
    backend = "solr-bbox" if backend == "solr" else backend
    if backend not in search_backends:
        return pkg_dict
    value = json.dumps(geometry)
    pkg_dict["spatial"] = pkg_dict["extras_spatial"] = value
    pkg_dict = search_backends[backend]().index_dataset(pkg_dict)
    still_to_come = "socle" in order and order.index("spatial_query") > order.index("socle")
    if not still_to_come:
        pkg_dict.pop("spatial", None)
        pkg_dict.pop("extras_spatial", None)
    return pkg_dict
