"""Dropped files waiting for the publisher's decision (between the drop and the review step).

Each file lives in ``<ckan.storage_path>/socle_publish/<user key>/<token>/<file name>``: a token
is only usable by the user who dropped the file. Old files are swept on each new drop.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import time
import uuid
from typing import BinaryIO, Optional

import ckan.plugins.toolkit as tk

from .analyse import PublishProblem, size_label

_TOKEN = re.compile(r"^[0-9a-f]{32}$")
CHUNK = 1 << 16


def _base() -> str:
    root = tk.config.get("ckan.storage_path") or "/tmp"
    return os.path.join(root, "socle_publish")


def _user_dir(user: str) -> str:
    return os.path.join(_base(), hashlib.sha256((user or "anonymous").encode()).hexdigest()[:24])


def safe_name(filename: str) -> str:
    name = os.path.basename((filename or "").replace("\\", "/")).strip() or "fichier.csv"
    name = re.sub(r"[^\w.\-() ]+", "_", name)[:120]
    return name if not name.startswith(".") else "fichier" + name


def sweep(hours: Optional[int] = None) -> None:
    hours = hours if hours is not None else int(tk.config.get("ckanext.socle.publish.stash_hours") or 24)
    limit = time.time() - hours * 3600
    base = _base()
    if not os.path.isdir(base):
        return
    for user in os.listdir(base):
        folder = os.path.join(base, user)
        for token in os.listdir(folder) if os.path.isdir(folder) else []:
            path = os.path.join(folder, token)
            try:
                if os.path.getmtime(path) < limit:
                    shutil.rmtree(path, ignore_errors=True)
            except OSError:
                pass


def save(stream: BinaryIO, filename: str, user: str, max_bytes: Optional[int]) -> tuple[str, str]:
    """Store the upload; (token, path). Refuses (and forgets) a file over ``max_bytes``."""
    sweep()
    token = uuid.uuid4().hex
    folder = os.path.join(_user_dir(user), token)
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, safe_name(filename))
    total = 0
    try:
        with open(path, "wb") as handle:
            while True:
                chunk = stream.read(CHUNK)
                if not chunk:
                    break
                total += len(chunk)
                if max_bytes and total > max_bytes:
                    raise PublishProblem("too-large", tk._(
                        "Le fichier est trop volumineux pour être publié ici ({limit}). Découpez-le (par année, par "
                        "exemple) ou demandez à un administrateur du portail de le charger.").format(
                        limit=size_label(max_bytes)))
                handle.write(chunk)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return token, path


def find(token: str, user: str) -> Optional[str]:
    """Path of the file of ``token`` dropped by ``user``, or None."""
    if not _TOKEN.match(token or ""):
        return None
    folder = os.path.join(_user_dir(user), token)
    if not os.path.isdir(folder):
        return None
    names = os.listdir(folder)
    return os.path.join(folder, names[0]) if names else None


def discard(token: str, user: str) -> None:
    if _TOKEN.match(token or ""):
        shutil.rmtree(os.path.join(_user_dir(user), token), ignore_errors=True)
