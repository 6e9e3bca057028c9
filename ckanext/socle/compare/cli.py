"""`ckan socle compare refresh`: rebuild the consolidation and the precomputed aggregates."""
from __future__ import annotations

import click


@click.group(short_help="Comparaison entre communes : consolidation et agrégats")
def compare():
    """Coverage matrix and inter-commune comparison."""


@compare.command()
@click.option("--resource", "resource_id", default=None, help="Une seule ressource (id).")
@click.option("--recompute-only", is_flag=True, help="Recalculer les agrégats sans relire les fichiers.")
def refresh(resource_id, recompute_only):
    """Consolider les fichiers conformes et recalculer indicateurs et matrice de couverture."""
    from . import consolidate

    if resource_id:
        click.echo(consolidate.refresh_resource(resource_id))
    elif recompute_only:
        click.echo(consolidate.recompute_all())
    else:
        click.echo(consolidate.refresh_all(progress=lambda n: click.echo(f"{n} ressources…")))


commands = [compare]
