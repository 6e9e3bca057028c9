"""DCAT for the socle: the ``socle`` RDF profile (``profile.py``) and the spatial coverage of socle
datasets derived from their communes (``spatial.py``). See docs/dcat.md."""
