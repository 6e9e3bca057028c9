"""Registry of open-data clauses for public contracts (plugin ``socle_clauses``).

Pure modules (no CKAN import): ``vocab``, ``standards``, ``variables``, ``schedule``, ``render``,
``document``, ``writers``, ``seed``. CKAN-facing modules: ``model``, ``logic/``, ``views``, ``cli``.
"""
