"""Alembic environment of the commune reference data (plugin socle): `ckan db upgrade -p socle`."""
from ckanext.socle.migration.environment import run

run("socle_alembic_version")
