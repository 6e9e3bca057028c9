"""The four CKAN plugins of ckanext-socle.

Each class only wires one capability folder to CKAN's interfaces; the logic lives in the folder
(``catalogue/``, ``datasets/``, ``validation/``, ``clauses/``, ``compare/``...).
"""
from __future__ import annotations

import os

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultTranslation  # the documented base of ITranslation plugins

HERE = os.path.dirname(os.path.abspath(__file__))
# Translations sit at the top of the repository (i18n/), beside setup.py.
I18N_DIR = os.path.normpath(os.path.join(HERE, "..", "..", "i18n"))


class _SocleTranslation(DefaultTranslation):
    """Every plugin of the suite shares one gettext domain, ``ckanext-socle``."""

    def i18n_directory(self):
        return I18N_DIR

    def i18n_domain(self):
        return "ckanext-socle"


def _declarations(folder: str):
    """Options of one capability, from ``<folder>/config_declaration.yaml``."""
    return tk.blanket.config_declarations(os.path.join(HERE, folder, "config_declaration.yaml"))


@_declarations("datasets")
class SoclePlugin(p.SingletonPlugin, _SocleTranslation):
    """SCDL catalogue, socle dataset types, local-authority organisations, communes."""

    p.implements(p.ITranslation)
    p.implements(p.IConfigurer)

    def update_config(self, config):
        tk.add_template_directory(config, "templates")
        tk.add_public_directory(config, "public")
        tk.add_resource("assets", "socle")


@_declarations("validation")
class SocleValidationPlugin(p.SingletonPlugin, _SocleTranslation):
    """Conformity badges: background validation of resources against their SCDL schema."""

    p.implements(p.ITranslation)


@_declarations("clauses")
class SocleClausesPlugin(p.SingletonPlugin, _SocleTranslation):
    """Registry of open-data clause templates for public contracts."""

    p.implements(p.ITranslation)


@_declarations("compare")
class SocleComparePlugin(p.SingletonPlugin, _SocleTranslation):
    """Coverage matrix and inter-commune comparison."""

    p.implements(p.ITranslation)
