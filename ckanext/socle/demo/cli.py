"""`ckan socle demo load`: the Infocom94 demo portal."""
from __future__ import annotations

from pathlib import Path

import click


@click.group(short_help="Portail de démonstration Infocom94.")
def demo():
    """Infocom94 demo portal (17 Val-de-Marne communes, generated SCDL files)."""


@demo.command("load")
@click.option("--password-file", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the admin password when the admin user is created.")
@click.option("--communes", "only", help="Only these INSEE codes, comma-separated (default: all 17).")
def load(password_file: Path | None, only: str | None):
    """Create the demo organisations, datasets and admin user (idempotent)."""
    from ckanext.socle.demo.load import load as load_demo

    result = load_demo(progress=click.echo, only=set(only.split(",")) if only else None)
    if result["password"] and password_file:
        password_file.write_text(result["password"] + "\n")
        password_file.chmod(0o600)
    click.echo(f"{result['created']['datasets']} jeux de données créés, "
               f"administrateur : {result['admin']}")


commands = [demo]
