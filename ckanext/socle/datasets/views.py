"""The "Publier un jeu du socle" page: one card per socle dataset type, with the law behind it."""
from __future__ import annotations

from flask import Blueprint

from ckan.plugins import toolkit as tk

socle_datasets = Blueprint("socle_datasets", __name__)


def chooser():
    return tk.render("socle/datasets/chooser.html", extra_vars={
        "types": tk.h.socle_dataset_types(),
        "law": tk.h.socle_law(),
    })


socle_datasets.add_url_rule("/publier", view_func=chooser, endpoint="chooser")


def get_blueprints():
    return [socle_datasets]
