"""``ckan socle validate``: (re)validate socle resources from the command line or cron."""
from __future__ import annotations

import importlib.util

import click
import ckan.plugins.toolkit as tk


@click.command("validate", short_help="Vérifier la conformité des ressources SCDL.")
@click.option("--dataset", "dataset", help="Nom ou identifiant d'un jeu de données.")
@click.option("--org", "organization", help="Nom ou identifiant d'une organisation.")
@click.option("--all", "all_", is_flag=True, help="Tous les jeux de données (privés compris).")
@click.option("--sync", is_flag=True, help="Vérifier tout de suite, sans passer par la file d'attente.")
@click.option("--urls-only", is_flag=True,
              help="Seulement les ressources liées par URL (revérification périodique, depuis cron).")
@click.option("--reap", is_flag=True,
              help="Passer en « erreur technique » les vérifications perdues (processus tué, file vidée).")
def validate(dataset, organization, all_, sync, urls_only, reap):
    """Validate every socle resource of a dataset, an organisation or the whole portal."""
    from . import jobs

    if reap:
        count = jobs.reap()
        click.echo(f"{count} vérification(s) perdue(s) passée(s) en erreur technique.")
        if not (dataset or organization or all_):
            return
    if sum(bool(x) for x in (dataset, organization, all_)) != 1:
        raise click.UsageError("Indiquez une seule cible : --dataset ID, --org NOM ou --all.")
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    context = {"user": site_user["name"], "ignore_auth": True}
    data = {"dataset": dataset, "organization": organization, "all": all_, "sync": sync,
            "trigger": "cli", "urls_only": urls_only}
    try:
        result = tk.get_action("socle_validation_run_batch")(context, data)
    except (tk.ObjectNotFound, tk.ValidationError) as error:
        raise click.ClickException(str(getattr(error, "error_dict", None) or error))
    for run in result["runs"]:
        label = run.get("level") or run.get("status")
        click.echo(f"{run['resource_id']}  {run.get('schema_name')}@{run.get('schema_version')}  {label}"
                   + (f"  ({run['error']})" if run.get("error") else ""))
    verb = "vérifiée(s)" if sync else "mise(s) en file d'attente"
    click.echo(f"{result['count']} ressource(s) {verb}.")


@click.group("search-index", short_help="Jeux enregistrés pendant une panne de Solr.")
def search_index():
    """Datasets saved while Solr was down (docs/validation.md, "Solr or Redis down")."""


@search_index.command("retry", short_help="Réindexer les jeux enregistrés pendant une panne de Solr.")
def search_index_retry():
    """Reindex the backlog now (cron-friendly: quiet when there is nothing to do)."""
    from . import search_outage

    try:
        result = search_outage.retry_backlog()
    except search_outage.SearchIndexError as error:
        left = len(search_outage.pending())
        raise click.ClickException(f"Solr ne répond toujours pas ({error}) ; {left} jeu(x) en attente.")
    if result["indexed"]:
        click.echo(f"{result['indexed']} jeu(x) réindexé(s).")


@search_index.command("pending", short_help="Lister les jeux en attente de réindexation.")
def search_index_pending():
    from . import search_outage

    for package_id in search_outage.pending():
        click.echo(package_id)


commands = [validate, search_index]  # attached to `ckan socle` by ckanext/socle/cli.py


def standalone_commands() -> list:
    """The suite's ``socle`` group (with ``validate``), also when only socle_validation is loaded."""
    if importlib.util.find_spec("ckanext.socle.cli") is not None:
        from ckanext.socle import cli

        return cli.get_commands()

    @click.group("socle", short_help="Socle Commun des Données Locales.")
    def socle():
        pass

    for command in commands:
        socle.add_command(command)
    return [socle]
