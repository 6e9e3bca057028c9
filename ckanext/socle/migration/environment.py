"""The alembic environment every socle plugin shares; only the version table differs.

Each capability's ``migration/env.py`` calls ``run("<plugin>_alembic_version")``, so the plugins'
migration histories stay independent (``ckan db upgrade -p socle_compare`` touches nothing else).
"""
from __future__ import annotations

from logging.config import fileConfig

from alembic import context
from sqlalchemy import engine_from_config, pool


def run(version_table: str) -> None:
    config = context.config
    if config.config_file_name:
        fileConfig(config.config_file_name)
    if context.is_offline_mode():
        context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=None,
                          literal_binds=True, version_table=version_table)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = engine_from_config(config.get_section(config.config_ini_section), prefix="sqlalchemy.",
                                poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=None, version_table=version_table)
        with context.begin_transaction():
            context.run_migrations()
