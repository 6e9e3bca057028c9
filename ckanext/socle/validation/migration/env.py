"""Alembic environment of the validation runs: `ckan db upgrade -p socle_validation`."""
from ckanext.socle.migration.environment import run

run("socle_validation_alembic_version")
