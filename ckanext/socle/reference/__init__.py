"""Commune reference data: INSEE code, SIREN, population (and its year), EPCI, outlines."""
