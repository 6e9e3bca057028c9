"""Configuration the socle plugin fills in when the portal's configuration leaves it empty."""
from __future__ import annotations

import os

HERE = os.path.dirname(os.path.abspath(__file__))
LICENSES = "file://" + os.path.join(HERE, "licenses.json")


def licences(config) -> None:
    """The licence list (Licence Ouverte 2.0, ODbL and the common open licences), read lazily by
    CKAN after every plugin's update_config. The scheming options are declared with defaults in
    config_declaration.yaml, which works whatever the order of ckan.plugins."""
    if not config.get("licenses_group_url"):
        config["licenses_group_url"] = LICENSES
