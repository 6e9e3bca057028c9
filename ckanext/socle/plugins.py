"""The four CKAN plugins of ckanext-socle.

Each class only wires one capability folder to CKAN's interfaces; the logic lives in the folder
(``catalogue/``, ``datasets/``, ``validation/``, ``clauses/``, ``compare/``...).
"""
from __future__ import annotations

import importlib
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


class _Capability:
    """Actions, auth functions and blueprint of a capability folder ``ckanext/socle/<capability>/``
    (``logic/action.py``, ``logic/auth.py``, ``views.py``: the shape every folder shares)."""

    capability = ""

    def _module(self, name: str):
        return importlib.import_module(f"ckanext.socle.{self.capability}.{name}")

    def get_actions(self):
        return self._module("logic.action").get_actions()

    def get_auth_functions(self):
        return self._module("logic.auth").get_auth_functions()

    def get_blueprint(self):
        return self._module("views").get_blueprints()

    def update_config(self, config):
        """IConfigurer: the suite's templates (ckanext/socle/templates); a capability with assets
        of its own overrides this."""
        tk.add_template_directory(config, "templates")


@_declarations("datasets")
class SoclePlugin(p.SingletonPlugin, _SocleTranslation):
    """SCDL catalogue, socle dataset types, local-authority organisations, communes."""

    p.implements(p.ITranslation)
    p.implements(p.IConfigurer)
    p.implements(p.IActions)
    p.implements(p.IAuthFunctions)
    p.implements(p.IBlueprint)
    p.implements(p.IClick)
    p.implements(p.IValidators)
    p.implements(p.ITemplateHelpers)
    p.implements(p.IPackageController, inherit=True)

    def update_config(self, config):
        from ckanext.socle.datasets import defaults

        tk.add_template_directory(config, "templates")
        tk.add_public_directory(config, "public")
        tk.add_resource("assets", "socle")
        defaults.licences(config)

    def get_actions(self):
        from ckanext.socle.catalogue.logic import action as catalogue
        from ckanext.socle.reference.logic import action as reference

        return {**catalogue.get_actions(), **reference.get_actions()}

    def get_auth_functions(self):
        from ckanext.socle.catalogue.logic import auth as catalogue
        from ckanext.socle.reference.logic import auth as reference

        return {**catalogue.get_auth_functions(), **reference.get_auth_functions()}

    def get_blueprint(self):
        from ckanext.socle.datasets import views

        return views.get_blueprints()

    def get_commands(self):
        from ckanext.socle import cli

        return cli.get_commands()

    def get_validators(self):
        from ckanext.socle.datasets import validators

        return validators.get_validators()

    def get_helpers(self):
        from ckanext.socle.datasets import helpers
        from ckanext.socle.portal import helpers as portal

        return {**helpers.get_helpers(), **portal.get_helpers()}

    # IPackageController: the communes' outline on the map (ckanext-spatial bbox), docs/dcat.md.
    def before_dataset_index(self, pkg_dict):
        from ckanext.socle.dcat.spatial import index_spatial

        return index_spatial(pkg_dict)


@_declarations("validation")
class SocleValidationPlugin(_Capability, p.SingletonPlugin, _SocleTranslation):
    """Conformity badges: background validation of resources against their SCDL schema."""

    capability = "validation"

    p.implements(p.ITranslation)
    p.implements(p.IConfigurer)
    p.implements(p.IConfigurable)
    p.implements(p.IActions)
    p.implements(p.IAuthFunctions)
    p.implements(p.ITemplateHelpers)
    p.implements(p.IBlueprint)
    p.implements(p.IClick)
    p.implements(p.IFacets, inherit=True)
    p.implements(p.IPackageController, inherit=True)

    # IConfigurer / IConfigurable
    def update_config(self, config):
        # Overrides of CKAN snippets (badges) come first, then the suite's own templates.
        tk.add_template_directory(config, "validation/templates")
        tk.add_template_directory(config, "templates")
        tk.add_resource("validation/assets", "socle_validation")

    def configure(self, config):
        from .validation import engine
        from .validation import plugin as hooks

        hooks.listen_to_commits()
        engine.warm_up()

    # ITemplateHelpers / IClick (IActions, IAuthFunctions, IBlueprint: _Capability)
    def get_helpers(self):
        from .validation import helpers

        return helpers.get_helpers()

    def get_commands(self):
        from .validation import plugin as hooks

        return hooks.commands()

    # IFacets
    def dataset_facets(self, facets_dict, package_type):
        from .validation import search

        return search.add_facets(facets_dict)

    def group_facets(self, facets_dict, group_type, package_type):
        from .validation import search

        return search.add_facets(facets_dict)

    def organization_facets(self, facets_dict, organization_type, package_type):
        from .validation import search

        return search.add_facets(facets_dict)

    # IPackageController
    def after_dataset_create(self, context, pkg_dict):
        from .validation import plugin as hooks

        hooks.dataset_saved(context, pkg_dict)

    def after_dataset_update(self, context, pkg_dict):
        from .validation import plugin as hooks

        hooks.dataset_saved(context, pkg_dict)

    def after_dataset_show(self, context, pkg_dict):
        from .validation import search

        return search.overlay(pkg_dict)

    def before_dataset_index(self, pkg_dict):
        from .validation import search

        return search.index_fields(pkg_dict)

    def after_dataset_search(self, search_results, search_params):
        from .validation import search

        return search.relabel_facets(search_results)


@_declarations("clauses")
class SocleClausesPlugin(_Capability, p.SingletonPlugin, _SocleTranslation):
    """Registry of open-data clause templates for public contracts.

    Tables: ``ckan db upgrade -p socle_clauses``; CLI (through the ``socle`` plugin's group):
    ``ckan socle clauses seed|export|import``.
    """

    capability = "clauses"

    p.implements(p.ITranslation)
    p.implements(p.IConfigurer)
    p.implements(p.IActions)
    p.implements(p.IAuthFunctions)
    p.implements(p.IBlueprint)


@_declarations("compare")
class SocleComparePlugin(_Capability, p.SingletonPlugin, _SocleTranslation):
    """Coverage matrix and inter-commune comparison."""

    capability = "compare"

    p.implements(p.ITranslation)
    p.implements(p.IConfigurer)
    p.implements(p.IActions)
    p.implements(p.IAuthFunctions)
    p.implements(p.IBlueprint)
    p.implements(p.ISignal)
    p.implements(p.IPackageController, inherit=True)

    def update_config(self, config):
        tk.add_template_directory(config, "templates")
        tk.add_resource("assets/compare", "socle_compare")

    def get_signal_subscriptions(self):
        from .compare import jobs

        return jobs.subscriptions()

    # A socle dataset edited, made private/public or deleted: its consolidation follows.
    def after_dataset_update(self, context, pkg_dict):
        from .compare import jobs

        jobs.on_dataset_changed(pkg_dict)

    def after_dataset_delete(self, context, pkg_dict):
        from .compare import jobs

        jobs.on_dataset_deleted(pkg_dict)


@_declarations("publish")
class SoclePublishPlugin(_Capability, p.SingletonPlugin, _SocleTranslation):
    """One-step publication of a socle file ("bouton open data"): drop, review, publish.

    Needs the ``socle`` plugin (dataset types, communes); works with ``socle_validation`` for the
    background badge. Logic in ``publish/`` (detection, authority, privacy guard, actions, page).
    """

    capability = "publish"

    p.implements(p.ITranslation)
    p.implements(p.IConfigurer)
    p.implements(p.IActions)
    p.implements(p.IAuthFunctions)
    p.implements(p.IBlueprint)
