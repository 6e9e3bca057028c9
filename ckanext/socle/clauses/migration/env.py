"""Alembic environment of the contract-clause registry: `ckan db upgrade -p socle_clauses`."""
from ckanext.socle.migration.environment import run

run("socle_clauses_alembic_version")
