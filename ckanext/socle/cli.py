"""`ckan socle ...`: one click group; each capability attaches its subcommands.

A capability lists its module in ``CAPABILITY_CLIS``; that module exposes ``commands`` (a list of
click commands or groups) which are added to the group. A module not written yet is skipped.
"""
from __future__ import annotations

import importlib

import click

CAPABILITY_CLIS = [
    "ckanext.socle.catalogue.cli",
    "ckanext.socle.reference.cli",
    "ckanext.socle.validation.cli",
    "ckanext.socle.clauses.cli",
    "ckanext.socle.compare.cli",
    "ckanext.socle.publish.cli",
    "ckanext.socle.demo.cli",
]


@click.group(short_help="Socle Commun des Données Locales")
def socle():
    """Socle Commun des Données Locales: catalogue, communes, validation, clauses, comparison."""


def get_commands():
    for module_name in CAPABILITY_CLIS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name and module_name.startswith(error.name):
                continue  # that capability has no CLI (yet)
            raise
        for command in getattr(module, "commands", []):
            if command.name not in socle.commands:
                socle.add_command(command)
    return [socle]
