"""`ckan socle catalogue ...` (click only: usable without a CKAN config)."""
from __future__ import annotations

import click

from .core import CatalogueError, get_catalogue
from .update import update


@click.group("catalogue", short_help="Catalogue des schémas SCDL")
def catalogue():
    """The offline SCDL schema catalogue (schemas/)."""


@catalogue.command("list")
def list_schemas():
    """Every schema and version shipped."""
    cat = get_catalogue()
    for name in cat.names():
        entry = cat.newest(name)
        status = "" if entry.status == "active" else f" [{entry.status}]"
        click.echo(f"{name}{status}: {', '.join(cat.versions(name))} — {entry.title}")


@catalogue.command("update")
@click.option("--from", "source", required=True, type=click.Path(exists=False),
              help="schemas.json export of schema.data.gouv.fr, or a folder of schema files")
@click.option("--dry-run", is_flag=True, help="print the changes, write nothing")
def update_command(source, dry_run):
    """Merge a newer catalogue export into schemas/ (offline) and print what changed."""
    cat = get_catalogue()
    try:
        changes = update(source, cat.data_dir, dry_run=dry_run)
    except CatalogueError as error:
        raise click.ClickException(str(error))
    for line in changes.lines:
        click.echo(line)
    for warning in changes.warnings:
        click.echo(f"Attention : {warning}", err=True)
    if not changes:
        click.echo("Aucun changement.")
    elif dry_run:
        click.echo("(essai : rien n'a été écrit)")
    else:
        get_catalogue.cache_clear()
        from ..datasets import generate  # the scheming dataset types follow the catalogue

        for path in generate.write_all():
            click.echo(f"Type de jeu régénéré : {path}")


commands = [catalogue]
