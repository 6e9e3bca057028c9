"""`ckan socle clauses seed|export|import`: the clause catalogue as YAML files."""
from __future__ import annotations

import sys

import click

from ckanext.socle.clauses import registry


def _report(report: dict) -> None:
    click.echo(f"créés : {len(report['created'])}, mis à jour : {len(report['updated'])}, "
               f"inchangés : {len(report['unchanged'])}, refusés : {len(report['refused'])}")
    for slug, problems in report["refused"].items():
        for problem in problems:
            click.echo(f"  {slug} : {problem}", err=True)


@click.group(short_help="Registre des clauses open data des contrats publics")
def clauses():
    """Contract-clause templates: seed the 15 templates, export and import the catalogue."""


@clauses.command()
def seed():
    """Load the seeded templates (new ones created, newer versions appended)."""
    from ckanext.socle.clauses.logic import action

    report = action.import_templates(registry.load_seed(), author="ckanext-socle")
    _report(report)
    if report["refused"]:
        sys.exit(1)


@clauses.command()
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-",
              help="File to write (default: standard output).")
def export(output):
    """Write the whole catalogue (all versions) as YAML."""
    from ckanext.socle.clauses.logic import action

    output.write(registry.dump_catalogue_yaml(action.export_templates()))


@clauses.command(name="import")
@click.argument("source", type=click.File("r", encoding="utf-8"))
def import_(source):
    """Read a YAML catalogue: create missing templates, append newer versions."""
    from ckanext.socle.clauses.logic import action

    try:
        templates = registry.load_catalogue_yaml(source.read())
    except (ValueError, Exception) as exc:   # yaml errors included
        raise click.ClickException(f"Fichier illisible : {exc}") from None
    report = action.import_templates(templates)
    _report(report)
    if report["refused"]:
        sys.exit(1)


@clauses.command()
def demo():
    """Seed the templates and fill a few clauses for the Infocom94 demo communes."""
    from ckanext.socle.clauses import demo as clauses_demo

    clauses_demo.load(progress=click.echo)


commands = [clauses]
