"""Alembic environment of the comparison tables: `ckan db upgrade -p socle_compare`."""
from ckanext.socle.migration.environment import run

run("socle_compare_alembic_version")
