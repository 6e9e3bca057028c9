"""Template helpers of the home page."""
from __future__ import annotations

import json
import logging

import ckan.plugins.toolkit as tk

log = logging.getLogger(__name__)

# Home-page shortcuts: (endpoint, title, text). A shortcut whose plugin is not loaded is hidden.
SHORTCUTS = [
    ("socle_datasets.chooser", "Publier un jeu du socle",
     "Un formulaire par jeu du socle commun, avec le schéma et sa version."),
    ("socle_publish.index", "Publier un fichier",
     "Déposez un fichier : schéma détecté, conformité et données personnelles vérifiées avant publication."),
    ("socle_compare.matrix", "Couverture du socle",
     "Qui publie quoi, et avec quelle conformité : la matrice communes × jeux du socle."),
    ("socle_compare.compare", "Comparer les communes",
     "Indicateurs par habitant, classements, graphiques et cartes."),
    ("socle_clauses.index", "Clauses open data",
     "Des clauses types pour que les titulaires des marchés publics livrent leurs données."),
]

LEVELS = [("conforme", "conformes"), ("a_ameliorer", "à améliorer"), ("non_conforme", "non conformes")]


def socle_home_shortcuts() -> list[dict]:
    shortcuts = []
    for endpoint, title, text in SHORTCUTS:
        try:
            url = tk.url_for(endpoint)
        except Exception:  # the plugin serving this page is not loaded
            continue
        shortcuts.append({"url": url, "title": tk._(title), "text": tk._(text)})
    return shortcuts


def socle_home_figures() -> dict:
    """Headline figures from the search index (public datasets only, as any visitor sees them)."""
    try:
        result = tk.get_action("package_search")({}, {
            "q": "*:*", "rows": 0, "facet.limit": -1,
            "facet.field": json.dumps(["vocab_socle_conformity", "vocab_socle_commune", "organization"]),
        })
    except Exception:  # a search outage must not take the home page down
        log.exception("socle home figures")
        return {}
    facets = result.get("search_facets", {})

    def counts(name):
        return {item["name"]: item["count"] for item in facets.get(name, {}).get("items", [])}

    conformity = counts("vocab_socle_conformity")
    return {
        "datasets": result.get("count", 0),
        "communes": len(counts("vocab_socle_commune")),
        "organizations": len(counts("organization")),
        "levels": [{"level": level, "label": tk._(label), "count": conformity.get(level, 0),
                    "url": tk.url_for("dataset.search", vocab_socle_conformity=level)} for level, label in LEVELS],
    }


# Main navigation: CKAN's datasets and organisations, then each capability whose plugin is loaded.
NAV = [
    ("socle_compare.matrix", "Couverture", ["socle_compare"]),
    ("socle_compare.compare", "Comparer", []),
    ("socle_clauses.index", "Clauses", ["socle_clauses"]),
]


def socle_nav_items() -> list[tuple]:
    """Items for ``h.build_nav_main``: (endpoint, label, highlighted blueprints)."""
    items = [
        ("dataset.search", tk._("Jeux de données"), ["dataset", "resource"]),
        ("organization.index", tk._("Organisations"), ["organization"]),
    ]
    for endpoint, label, highlight in NAV:
        try:
            tk.url_for(endpoint)
        except Exception:  # plugin not loaded
            continue
        items.append((endpoint, tk._(label), highlight))
    items.append(("home.about", tk._("À propos")))
    return items


def get_helpers() -> dict:
    return {"socle_home_shortcuts": socle_home_shortcuts, "socle_home_figures": socle_home_figures,
            "socle_nav_items": socle_nav_items}
