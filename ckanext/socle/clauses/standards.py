"""Resolve the data standards a clause asks for, written ``schema@version``.

SCDL schemas come from the project's catalogue (``ckanext.socle.catalogue``); the national and
European standards that are not Table Schemas (GTFS, NeTEx, SIRI, DECP...) are listed here, with the
versions a contract may name. A reference that resolves nowhere is refused with a French message.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_REF = re.compile(r"^(?P<id>[a-z0-9][a-z0-9._/-]{0,79})@(?P<version>[A-Za-z0-9][A-Za-z0-9._+-]{0,31})$")


class UnknownStandard(ValueError):
    """A ``schema@version`` reference that neither the SCDL catalogue nor this list knows."""


@dataclass(frozen=True)
class Standard:
    id: str
    title: str
    versions: tuple[str, ...]     # empty: the version is a free label (a dated edition...)
    url: str
    family: str = "standard"


# Standards outside the SCDL catalogue that clauses name. Versions are the published ones
# that contracts met in practice cite; GTFS and the French NeTEx profile have no numbered
# releases a contract can pin, so any edition label is accepted for them.
STANDARDS = {s.id: s for s in (
    Standard("gtfs", "GTFS (horaires théoriques)", (), "https://gtfs.org/schedule/reference/"),
    Standard("gtfs-rt", "GTFS-Realtime", ("1.0", "2.0"), "https://gtfs.org/realtime/reference/"),
    Standard("netex-fr", "NeTEx — profil France", (), "https://normes.transport.data.gouv.fr/"),
    Standard("siri", "SIRI (temps réel)", ("2.0", "2.1"), "https://www.siri-cen.eu/"),
    Standard("siri-lite", "SIRI Lite (profil France)", (), "https://normes.transport.data.gouv.fr/"),
    Standard("gbfs", "GBFS (vélos et trottinettes en libre service)",
             ("1.0", "1.1", "2.0", "2.1", "2.2", "2.3", "3.0"), "https://gbfs.org/"),
    Standard("irve-dynamique", "IRVE dynamique (disponibilité des points de recharge)", (),
             "https://schema.data.gouv.fr/etalab/schema-irve-dynamique/"),
    Standard("decp", "Données essentielles de la commande publique (DECP)", ("2.0",),
             "https://github.com/139bercy/format-commande-publique"),
    Standard("sispea", "Indicateurs SISPEA (observatoire des services d'eau)", (),
             "https://www.services.eaufrance.fr/"),
)}


@dataclass(frozen=True)
class ResolvedSchema:
    ref: str          # normalised "id@version"
    id: str
    version: str
    title: str
    family: str       # "scdl" or "standard"
    url: str = ""


def split_ref(ref: str) -> tuple[str, str]:
    """``"subventions@2.1.1"`` -> ``("subventions", "2.1.1")``; refuses other shapes."""
    match = _REF.match((ref or "").strip())
    if not match:
        raise UnknownStandard(
            f"« {ref} » n'est pas une référence de schéma valide : écrivez identifiant@version, "
            "par exemple subventions@2.1.1.")
    return match["id"], match["version"]


def _resolve_scdl(ref: str):
    try:
        from ckanext.socle.catalogue import UnknownSchema, get_catalogue
    except ImportError:  # the catalogue package is not installed in this checkout
        return None
    try:
        return get_catalogue().resolve(ref)
    except UnknownSchema:
        return None


def resolve(ref: str) -> ResolvedSchema:
    """Resolve a ``schema@version`` reference or raise :class:`UnknownStandard` (French message)."""
    ident, version = split_ref(ref)
    ident = ident.lower()
    standard = STANDARDS.get(ident)
    if standard is not None:
        if standard.versions and version not in standard.versions:
            raise UnknownStandard(
                f"La version « {version} » de {standard.title} n'existe pas ; versions connues : "
                + ", ".join(standard.versions) + ".")
        return ResolvedSchema(f"{ident}@{version}", ident, version, standard.title, "standard",
                              standard.url)
    found = _resolve_scdl(f"{ident}@{version}")
    if found is None and ident.startswith("scdl/"):
        found = _resolve_scdl(f"{ident[5:]}@{version}")
    if found is None:
        raise UnknownStandard(
            f"Le schéma « {ident} » en version « {version} » est inconnu du catalogue SCDL et "
            "des standards reconnus (GTFS, NeTEx, SIRI, GBFS, DECP...).")
    return _from_catalogue(found, ident, version)


def _from_catalogue(found, ident: str, version: str) -> ResolvedSchema:
    """Adapt whatever the catalogue returns (object or mapping) to :class:`ResolvedSchema`."""
    def pick(*names, default=""):
        for name in names:
            value = found.get(name) if isinstance(found, dict) else getattr(found, name, None)
            if value:
                return str(value)
        return default
    sid = pick("slug", "id", "name", default=ident)
    ver = pick("version", default=version)
    return ResolvedSchema(f"{sid}@{ver}", sid, ver, pick("title", default=sid), "scdl",
                          pick("url", "schema_url", "page_url"))


def known_standards() -> list[Standard]:
    return list(STANDARDS.values())
