"""SCDL schema catalogue (no CKAN import): ``get_catalogue().resolve("subventions@2.1.1")``."""
from .core import (
    DEFAULT_DATA_DIR,
    Catalogue,
    CatalogueError,
    SchemaEntry,
    UnknownSchema,
    canonical_url,
    get_catalogue,
)
from .versions import normalise_version, same_version

__all__ = [
    "DEFAULT_DATA_DIR",
    "Catalogue",
    "CatalogueError",
    "SchemaEntry",
    "UnknownSchema",
    "canonical_url",
    "get_catalogue",
    "normalise_version",
    "same_version",
]
