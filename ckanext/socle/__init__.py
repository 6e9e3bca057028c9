"""ckanext-socle: the Socle Commun des Données Locales (SCDL) for CKAN."""

__version__ = "0.1.0"
