"""The ``socle`` RDF profile, layered on ckanext-dcat's ``euro_dcat_ap_3``.

Configure ``ckanext.dcat.rdf.profiles = euro_dcat_ap_3 socle``: ``euro_dcat_ap_3`` writes DCAT-AP 3,
this profile adds what data.gouv.fr and other French harvesters need to understand a socle
dataset (docs/dcat.md has the full mapping):

- each distribution ``dct:conformsTo`` the versioned schema URL of its SCDL schema, a
  ``dct:Standard`` with its title and version, and its conformity result as a DQV quality
  measurement (``dqv:value`` level, ``prov:generatedAtTime`` date of the validation run);
- ``dct:spatial``: one ``dct:Location`` per covered commune, named by its INSEE URI, with the
  commune's outline (Polygon / MultiPolygon, never a point); point geometries are removed;
- ``dct:publisher`` with the organisation's SIREN as ``dct:identifier``;
- ``dct:accrualPeriodicity`` as an EU frequency URI; ``dct:license`` URIs data.gouv.fr knows
  (Licence Ouverte 2.0, ODbL) on every distribution; temporal coverage kept as an extra too.

When parsing (harvesting), the reverse: ``schema_name`` / ``schema_version`` / ``conforms_to``
from ``dct:conformsTo``, ``socle_communes`` and ``spatial`` from the commune locations.
"""
from __future__ import annotations

import json
import logging

import ckan.plugins.toolkit as tk
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from ckanext.dcat.profiles.base import (
    ADMS,
    DCAT,
    DCT,
    FOAF,
    LOCN,
    GSP,
    GEOJSON_IMT,
    OWL,
    RDF,
    RDFS,
    SKOS,
    CleanedURIRef,
    RDFProfile,
)
from ckanext.dcat.utils import catalog_uri, resource_uri

from ckanext.socle.catalogue import get_catalogue

from . import spatial as socle_spatial
from . import vocab
from .vocab import DQV, LDQD, PROV

log = logging.getLogger(__name__)


def schema_entry(resource_dict: dict):
    """The catalogue entry of a resource: from schema_name + schema_version, else conforms_to."""
    catalogue = get_catalogue()
    name, version = resource_dict.get("schema_name"), resource_dict.get("schema_version")
    if name:
        entry = catalogue.get(f"{name}@{version}" if version else name)
        if entry:
            return entry
    for url in _as_list(resource_dict.get("conforms_to")):
        entry = catalogue.get(url)
        if entry:
            return entry
    return None


_as_list = socle_spatial.as_list


def _geometry_type(literal) -> str | None:
    """The geometry type of a locn:geometry literal (GeoJSON or WKT)."""
    text = str(literal).strip()
    if getattr(literal, "datatype", None) == GSP.wktLiteral or not text.startswith("{"):
        if text.startswith("<"):  # a CRS URI in front of the WKT
            text = text.split(">", 1)[-1].strip()
        word = text.split("(", 1)[0].strip().upper()
        return {"POLYGON": "Polygon", "MULTIPOLYGON": "MultiPolygon", "POINT": "Point",
                "MULTIPOINT": "MultiPoint", "LINESTRING": "LineString",
                "MULTILINESTRING": "MultiLineString"}.get(word, word or None)
    try:
        return json.loads(text).get("type")
    except (ValueError, AttributeError):
        return None


class SocleProfile(RDFProfile):
    """Adds SCDL schemas, communes, SIREN and conformity to ``euro_dcat_ap_3``'s graph."""

    # -- CKAN -> RDF -----------------------------------------------------------------------
    def graph_from_dataset(self, dataset_dict, dataset_ref):
        try:
            self._socle_graph(dataset_dict, dataset_ref)
        except Exception:  # one odd dataset must not take the whole catalogue down
            log.exception("socle RDF profile: dataset %s written without its socle additions",
                          dataset_dict.get("name"))

    def _socle_graph(self, dataset_dict, dataset_ref):
        g = self.g
        for prefix, namespace in (("dqv", DQV), ("prov", PROV), ("ldqd", LDQD), ("locn", LOCN),
                                  ("gsp", GSP), ("adms", ADMS), ("skos", SKOS)):
            g.bind(prefix, namespace)
        licence = vocab.licence_uri(dataset_dict.get("license_id"), dataset_dict.get("license_title"),
                                    dataset_dict.get("license_url"))
        for resource_dict in dataset_dict.get("resources") or []:
            distribution = CleanedURIRef(resource_uri(resource_dict))
            self._distribution_schema(resource_dict, distribution)
            self._distribution_conformity(resource_dict, distribution)
            if licence and not list(g.objects(distribution, DCT.license)):
                self._add_licence(distribution, licence, dataset_dict.get("license_title"))
        if licence:  # DCAT 3 allows it on the dataset too; data.gouv.fr reads both places
            self._add_licence(dataset_ref, licence, dataset_dict.get("license_title"))
        self._dataset_spatial(dataset_dict, dataset_ref)
        self._dataset_publisher(dataset_dict, dataset_ref)
        self._dataset_frequency(dataset_dict, dataset_ref)
        self._dataset_temporal(dataset_dict, dataset_ref)

    def graph_from_catalog(self, catalog_dict, catalog_ref):
        self.g.bind("dqv", DQV)
        self.g.bind("prov", PROV)

    def _distribution_schema(self, resource_dict, distribution):
        g = self.g
        entry = schema_entry(resource_dict)
        if entry is None:
            return
        # A conforms_to value that is not this canonical URL (an unversioned one, say) goes.
        for other in list(g.objects(distribution, DCT.conformsTo)):
            if str(other) != entry.url and get_catalogue().get(str(other)):
                g.remove((distribution, DCT.conformsTo, other))
        standard = URIRef(entry.url)
        g.add((distribution, DCT.conformsTo, standard))
        g.set((standard, RDF.type, DCT.Standard))
        g.set((standard, DCT.title, Literal(entry.title, lang="fr")))
        g.set((standard, DCT.identifier, Literal(entry.identifier)))
        g.set((standard, OWL.versionInfo, Literal(entry.version)))
        if entry.documentation_url:
            g.set((standard, FOAF.page, URIRef(entry.documentation_url)))

    def _distribution_conformity(self, resource_dict, distribution):
        level = resource_dict.get("socle_conformity_level")
        if level not in vocab.CONFORMITY_LEVELS or level in ("en_cours",):
            return
        g = self.g
        metric = URIRef(catalog_uri().rstrip("/") + vocab.CONFORMITY_METRIC_PATH)
        g.set((metric, RDF.type, DQV.Metric))
        g.set((metric, SKOS.prefLabel, Literal("Conformité au schéma SCDL", lang="fr")))
        g.set((metric, SKOS.definition, Literal(
            "Niveau de conformité de la ressource au schéma du Socle Commun des Données Locales "
            "qu'elle déclare : conforme, a_ameliorer, non_conforme, erreur ou non_verifie.", lang="fr")))
        g.set((metric, DQV.expectedDataType, XSD.string))
        g.set((metric, DQV.inDimension, LDQD.syntacticValidity))
        measurement = URIRef(str(distribution) + "#conformite-scdl")
        g.add((distribution, DQV.hasQualityMeasurement, measurement))
        g.set((measurement, RDF.type, DQV.QualityMeasurement))
        g.set((measurement, DQV.computedOn, distribution))
        g.set((measurement, DQV.isMeasurementOf, metric))
        g.set((measurement, DQV.value, Literal(level)))
        timestamp = resource_dict.get("validation_timestamp")
        if timestamp:
            self._add_date_triple(measurement, PROV.generatedAtTime, timestamp)
        entry = schema_entry(resource_dict)
        if entry is not None:
            g.set((measurement, PROV.wasDerivedFrom, URIRef(entry.url)))

    def _add_licence(self, distribution, uri, title=None):
        licence = URIRef(uri)
        self.g.add((distribution, DCT.license, licence))
        self.g.add((licence, RDF.type, DCT.LicenseDocument))
        known = vocab.LICENCES.get(uri)
        label = (known or {}).get("title") or title
        if label and not list(self.g.objects(licence, DCT.title)):
            self.g.add((licence, DCT.title, Literal(label)))

    def _dataset_spatial(self, dataset_dict, dataset_ref):
        g = self.g
        codes = socle_spatial.dataset_communes(dataset_dict)
        known = self._cache("communes")
        missing = [c for c in codes if c not in known]
        if missing:
            known.update({o.code: o for o in socle_spatial.commune_outlines(missing)})
        for outline in (known[c] for c in codes if c in known):
            location = URIRef(vocab.commune_uri(outline.code))
            g.add((dataset_ref, DCT.spatial, location))
            g.set((location, RDF.type, DCT.Location))
            g.set((location, SKOS.prefLabel, Literal(outline.name, lang="fr")))
            g.set((location, DCT.identifier, Literal(outline.code)))
            if outline.geometry and not list(g.objects(location, LOCN.geometry)):
                self._add_spatial_value_to_graph(location, LOCN.geometry, outline.geometry)
            if outline.year:
                g.set((location, DCT.issued, Literal(str(outline.year), datatype=XSD.gYear)))
        for location in list(g.objects(dataset_ref, DCT.spatial)):
            self._harvestable_location(location)

    def _harvestable_location(self, location):
        """What data.gouv.fr's harvester (udata ``spatial_from_rdf``) can use: it reads every
        literal of a dct:spatial location typed GeoJSON (GeoSPARQL WKT is ignored), merges the
        polygons into one MultiPolygon and refuses other geometries. So: no point or line
        anywhere (dcat:centroid goes), locn:geometry always also in GeoJSON, and dcat:bbox never
        in GeoJSON (its rectangle would be merged into the coverage); WKT stays for GeoDCAT-AP."""
        g = self.g
        geojson_type = URIRef(GEOJSON_IMT)
        for predicate in (LOCN.geometry, DCAT.bbox, DCAT.centroid):
            for literal in list(g.objects(location, predicate)):
                is_geojson = getattr(literal, "datatype", None) == geojson_type
                if _geometry_type(literal) not in socle_spatial.POLYGON_TYPES or (
                        is_geojson and predicate != LOCN.geometry):
                    g.remove((location, predicate, literal))
        literals = list(g.objects(location, LOCN.geometry))
        if literals and not any(getattr(lit, "datatype", None) == geojson_type for lit in literals):
            geometry = self._geojson(literals[0])
            if geometry:
                g.add((location, LOCN.geometry, Literal(json.dumps(geometry), datatype=geojson_type)))

    def _cache(self, name: str) -> dict:
        """A cache that lives as long as the graph: one catalogue page, or one dataset."""
        caches = self.g.__dict__.setdefault("_socle_cache", {})
        return caches.setdefault(name, {})

    def _organization(self, dataset_dict) -> dict:
        organization = dataset_dict.get("organization") or {}
        if not organization.get("id"):
            return {}
        cache = self._cache("organizations")
        if organization["id"] not in cache:
            try:
                cache[organization["id"]] = tk.get_action("organization_show")(
                    {"ignore_auth": True},
                    {"id": organization["id"], "include_datasets": False, "include_dataset_count": False,
                     "include_users": False, "include_groups": False, "include_tags": False,
                     "include_followers": False},
                )
            except (tk.ObjectNotFound, tk.NotAuthorized):
                cache[organization["id"]] = organization
        return cache[organization["id"]]

    @staticmethod
    def _org_value(org: dict, key: str):
        if org.get(key):
            return org[key]
        for extra in org.get("extras") or []:
            if extra.get("key") == key:
                return extra.get("value")
        return None

    def _dataset_publisher(self, dataset_dict, dataset_ref):
        g = self.g
        org = self._organization(dataset_dict)
        siren = self._org_value(org, "siren")
        if not org:
            return
        publishers = list(g.objects(dataset_ref, DCT.publisher))
        if not publishers:
            publisher = URIRef(catalog_uri().rstrip("/") + "/organization/" + org.get("name", org["id"]))
            g.add((dataset_ref, DCT.publisher, publisher))
            g.add((publisher, RDF.type, FOAF.Agent))
            g.add((publisher, FOAF.name, Literal(org.get("title") or org.get("name"))))
            publishers = [publisher]
        kind = vocab.PUBLISHER_TYPES.get(self._org_value(org, "socle_kind") or "")
        for publisher in publishers:
            g.add((publisher, RDF.type, FOAF.Organization))
            if siren and not list(g.objects(publisher, DCT.identifier)):
                g.add((publisher, DCT.identifier, Literal(str(siren).replace(" ", ""))))
            if siren:
                identifier = BNode()
                g.add((publisher, ADMS.identifier, identifier))
                g.add((identifier, RDF.type, ADMS.Identifier))
                g.add((identifier, SKOS.notation, Literal(str(siren).replace(" ", ""))))
                g.add((identifier, ADMS.schemaAgency, Literal("INSEE (répertoire SIRENE)", lang="fr")))
                g.add((identifier, DCT.type, Literal("SIREN")))
            if kind and not list(g.objects(publisher, DCT.type)):
                g.add((publisher, DCT.type, vocab.ADMS_PUBLISHER_TYPE[kind]))

    def _dataset_frequency(self, dataset_dict, dataset_ref):
        value = self._get_dataset_value(dataset_dict, "frequency")
        uri = vocab.frequency_uri(value)
        if not uri:
            return
        self.g.remove((dataset_ref, DCT.accrualPeriodicity, None))
        self.g.add((dataset_ref, DCT.accrualPeriodicity, URIRef(uri)))
        self.g.add((URIRef(uri), RDF.type, DCT.Frequency))

    def _dataset_temporal(self, dataset_dict, dataset_ref):
        """``temporal_coverage`` stored as a JSON extra (no scheming) is written too."""
        if list(self.g.objects(dataset_ref, DCT.temporal)):
            return
        value = self._get_dataset_value(dataset_dict, "temporal_coverage")
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                return
        if isinstance(value, dict):
            value = [value]
        for item in value or []:
            if not isinstance(item, dict) or not (item.get("start") or item.get("end")):
                continue
            period = BNode()
            self.g.add((period, RDF.type, DCT.PeriodOfTime))
            if item.get("start"):
                self._add_date_triple(period, DCAT.startDate, item["start"])
            if item.get("end"):
                self._add_date_triple(period, DCAT.endDate, item["end"])
            self.g.add((dataset_ref, DCT.temporal, period))

    # -- RDF -> CKAN (harvesting) ------------------------------------------------------------
    def parse_dataset(self, dataset_dict, dataset_ref):
        catalogue = get_catalogue()
        names = set()
        for resource_dict in dataset_dict.get("resources") or []:
            for url in _as_list(resource_dict.get("conforms_to")):
                entry = catalogue.get(url)
                if entry:
                    resource_dict["schema_name"] = entry.name
                    resource_dict["schema_version"] = entry.version
                    resource_dict["conforms_to"] = entry.url
                    names.add(entry.name)
                    break
        target = None
        if len(names) == 1 and dataset_dict.get("type") in (None, "", "dataset"):
            target = self._socle_schema(next(iter(names)))
            if target:
                dataset_dict["type"] = target["dataset_type"]
                self._move_to_schema(dataset_dict, target)

        codes, polygons = [], []
        for location in self.g.objects(dataset_ref, DCT.spatial):
            code = vocab.commune_code(location)
            if not code:
                continue
            codes.append(code)
            for geometry in self.g.objects(location, LOCN.geometry):
                geojson = self._geojson(geometry)
                polygons.extend(socle_spatial.polygons_of(geojson))
                if geojson:
                    break
        if codes:
            self._replace_value(dataset_dict, "socle_communes", sorted(set(codes)), target)
            if polygons:
                geometry = {"type": "MultiPolygon", "coordinates": polygons}
                self._replace_value(dataset_dict, "spatial", json.dumps(geometry), target)

        if not dataset_dict.get("license_id"):
            self._parse_licence(dataset_dict, dataset_ref)
        return dataset_dict

    def _geojson(self, literal):
        if getattr(literal, "datatype", None) == URIRef(GEOJSON_IMT) or str(literal).lstrip().startswith("{"):
            try:
                return json.loads(str(literal))
            except ValueError:
                return None
        try:
            from geomet import wkt

            return wkt.loads(str(literal).split(">", 1)[-1].strip())
        except Exception:  # not WKT either
            return None

    @staticmethod
    def _socle_schema(name: str) -> dict | None:
        """The scheming schema of the socle dataset type ``name``, when this portal has it."""
        try:
            return tk.get_action("scheming_dataset_schema_show")({}, {"type": name})
        except (KeyError, tk.ObjectNotFound):
            return None

    @staticmethod
    def _schema_fields(schema: dict | None) -> set:
        return {f["field_name"] for f in (schema or {}).get("dataset_fields", [])}

    def _move_to_schema(self, dataset_dict, schema):
        """Values the generic parse left as extras but that are fields of the socle type go to
        the root, and root values that are not fields of it become extras."""
        fields = self._schema_fields(schema)
        extras = []
        for item in dataset_dict.get("extras") or []:
            if item.get("key") in fields:
                dataset_dict[item["key"]] = item["value"]
            else:
                extras.append(item)
        dataset_dict["extras"] = extras

    def _replace_value(self, dataset_dict, key, value, schema=None):
        """Set ``key`` once: at the root when it is a field of the (socle or parser's) schema,
        otherwise as the only extra of that name (a list as JSON)."""
        dataset_dict["extras"] = [e for e in dataset_dict.get("extras") or [] if e.get("key") != key]
        dataset_dict.pop(key, None)
        is_field = key in self._schema_fields(schema) if schema else bool(self._schema_field(key))
        if is_field:
            dataset_dict[key] = value
        else:
            dataset_dict["extras"].append({"key": key, "value": value if isinstance(value, str) else json.dumps(value)})

    def _parse_licence(self, dataset_dict, dataset_ref):
        from ckan.model.license import LicenseRegister  # no toolkit way to list licences by URL

        register = dict(LicenseRegister().items())
        for distribution in self.g.objects(dataset_ref, DCAT.distribution):
            for licence in self.g.objects(distribution, DCT.license):
                for candidate in vocab.licence_ids_for(str(licence)):
                    if candidate in register:
                        dataset_dict["license_id"] = candidate
                        return
