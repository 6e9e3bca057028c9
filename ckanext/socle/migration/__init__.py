"""Alembic folders CKAN looks up per plugin: ``migration/<plugin>/alembic.ini`` (``ckan db upgrade -p <plugin>``)."""
