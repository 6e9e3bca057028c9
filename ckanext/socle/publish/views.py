"""Pages of socle_publish: drop a file, review what was found, decide (one blueprint)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from flask import Blueprint, request

# The report page's grouping of issues by code, so that both pages show a report alike.
from ckanext.socle.validation.views import _grouped

blueprint = Blueprint("socle_publish", __name__)


def _context() -> dict:
    return {"user": tk.current_user.name if tk.current_user.is_authenticated else "",
            "auth_user_obj": tk.current_user if tk.current_user.is_authenticated else None}


def _schemas() -> list[dict]:
    from ckanext.socle.datasets import types

    return [{"name": t["name"], "title": t["title"], "versions": _versions(t["name"])} for t in types.socle_types()]


def _versions(name: str) -> list[str]:
    from ckanext.socle.catalogue import get_catalogue

    return get_catalogue().versions(name)


def _orgs_for_user() -> list[dict]:
    return tk.get_action("organization_list_for_user")(_context(), {"permission": "create_dataset"})


def _render_review(result: dict, form: dict, errors: dict | None = None):
    conformity = result.get("conformity") or {}
    return tk.render("socle/publish/review.html", {
        "result": result, "form": form, "errors": errors or {}, "schemas": _schemas(), "orgs": _orgs_for_user(),
        "blocked": any(p["code"].startswith("schema") for p in result.get("problems") or []),
        "error_groups": _grouped(conformity.get("errors") or []),
        "warning_groups": _grouped(conformity.get("warnings") or []),
    })


def _denied():
    return tk.abort(403, tk._("Connectez-vous pour publier un fichier du socle."))


def index():
    """Step 1: drop a file (GET), then analyse it (POST) and show the review step."""
    try:
        tk.check_access("socle_publish_file", _context(), {})
    except tk.NotAuthorized:
        return _denied()
    if request.method == "GET":
        return tk.render("socle/publish/index.html", {"schemas": _schemas(), "orgs": _orgs_for_user(),
                                                      "problem": None, "form": {}})
    data = {"mode": "analyser", "upload": request.files.get("upload"),
            "schema": request.form.get("schema") or None, "owner_org": request.form.get("owner_org") or None}
    if not data["upload"] or not data["upload"].filename:
        data.pop("upload")
    try:
        result = tk.get_action("socle_publish_file")(_context(), data)
    except tk.ValidationError as error:
        problem = " ".join(m for messages in error.error_dict.values() for m in (messages if isinstance(messages, list) else [messages]))
        return tk.render("socle/publish/index.html", {"schemas": _schemas(), "orgs": _orgs_for_user(),
                                                      "problem": problem, "form": request.form})
    return _render_review(result, {})


def decide(token: str):
    """Step 2: the publisher's choice on the review page."""
    try:
        tk.check_access("socle_publish_file", _context(), {})
    except tk.NotAuthorized:
        return _denied()
    choice = request.form.get("choice") or ""
    form = request.form.to_dict()
    if choice == "corriger":
        from . import stash

        stash.discard(token, _context()["user"])
        tk.h.flash_notice(tk._("Le fichier a été oublié : corrigez-le puis déposez-le à nouveau."))
        return tk.redirect_to("socle_publish.index")
    data = {"token": token, "schema": form.get("schema") or None, "owner_org": form.get("owner_org") or None}
    if choice in ("publier", "brouillon"):
        data.update({key: form.get(key) for key in ("title", "name", "notes", "license_id", "socle_communes",
                                                     "temporal_start", "temporal_end", "dataset_id")
                     if form.get(key)})
        data["mode"] = choice
        try:
            result = tk.get_action("socle_publish_file")(_context(), data)
        except tk.ValidationError as error:
            return _review_again(token, form, error.error_dict)
        except tk.NotAuthorized:
            return _review_again(token, form, {"publication": [tk._(
                "Vous ne pouvez pas publier pour cette organisation : demandez à en devenir éditeur.")]})
        return tk.render("socle/publish/done.html", {"result": result})
    return _review_again(token, form)


def _review_again(token: str, form: dict, errors: dict | None = None):
    data = {"mode": "analyser", "token": token, "schema": form.get("schema") or None,
            "owner_org": form.get("owner_org") or None}
    try:
        result = tk.get_action("socle_publish_file")(_context(), data)
    except tk.ValidationError as error:
        problem = " ".join(m for messages in error.error_dict.values() for m in (messages if isinstance(messages, list) else [messages]))
        return tk.render("socle/publish/index.html", {"schemas": _schemas(), "orgs": _orgs_for_user(),
                                                      "problem": problem, "form": {}})
    return _render_review(result, form, errors)


def confirm(id: str):
    """A held dataset: a person confirms there is no personal data; it becomes public."""
    try:
        dataset = tk.get_action("socle_publish_confirm")(_context(), {"id": id, "confirm": request.form.get("confirm")})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Vous ne pouvez pas modifier ce jeu de données."))
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Jeu de données introuvable."))
    except tk.ValidationError as error:
        tk.h.flash_error(" ".join(m for v in error.error_dict.values() for m in v))
        return tk.redirect_to("dataset.read", id=id)
    tk.h.flash_success(tk._("Le jeu de données est maintenant public."))
    return tk.redirect_to(f"{dataset['type']}.read", id=dataset["name"])


blueprint.add_url_rule("/socle/publier", view_func=index, methods=["GET", "POST"])
blueprint.add_url_rule("/socle/publier/<token>", view_func=decide, methods=["POST"])
blueprint.add_url_rule("/socle/publier/confirmer/<id>", view_func=confirm, methods=["POST"])


def get_blueprints():
    return [blueprint]
