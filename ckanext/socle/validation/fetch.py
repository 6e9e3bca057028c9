"""Read a resource's bytes into a local temporary file, safely.

``open_resource(resource_dict)`` is the one entry point (docs/contracts.md): an uploaded file is
copied from CKAN's storage, a URL is downloaded over HTTP(S) with protections against server-side
request forgery:

- only ``http`` and ``https``;
- every address the host name resolves to must be public (no loopback, private, link-local,
  multicast, reserved or unspecified address) unless ``fetch.allow_private`` is on or the host is
  listed in ``fetch.allowed_hosts``;
- redirects are followed by hand, at most ``fetch.max_redirects``, each target checked again;
- at most ``fetch.max_bytes`` are read, within ``fetch.timeout`` seconds (connect, each read, and the whole body).

Known limit: the address is checked, then ``requests`` resolves the name again to connect; a DNS
answer that changes in between (rebinding) is not caught. Put the portal behind an egress proxy
if that matters.
"""
from __future__ import annotations

import contextlib
import ipaddress
import os
import shutil
import socket
import tempfile
import time
from typing import Iterator, Optional
from urllib.parse import urljoin, urlsplit

import ckan.plugins.toolkit as tk
import requests

CHUNK = 64 * 1024
USER_AGENT = "ckanext-socle validation (+https://github.com/)"


class FetchError(Exception):
    """The resource cannot be read; ``str(error)`` is a French sentence for the publisher."""


def _option(name: str):
    return tk.config.get(f"ckanext.socle.validation.fetch.{name}")


def max_bytes() -> int:
    return int(_option("max_bytes") or 52428800)


def _suffix(name: str) -> str:
    ext = os.path.splitext(urlsplit(name or "").path)[1].lower()
    return ext if ext and len(ext) <= 6 and ext[1:].isalnum() else ""


@contextlib.contextmanager
def open_resource(resource: dict) -> Iterator[str]:
    """Yield the path of a local temporary copy of the resource's file; deleted on exit.

    Raises FetchError (French message) when the file cannot be read safely.
    """
    url = (resource.get("url") or "").strip()
    handle = tempfile.NamedTemporaryFile(prefix="socle-validation-", suffix=_suffix(url), delete=False)
    try:
        with handle:
            if resource.get("url_type") == "upload":
                _copy_upload(resource, handle)
            elif url:
                download(url, handle)
            else:
                raise FetchError(tk._("La ressource n'a ni fichier déposé ni adresse (URL)."))
        yield handle.name
    finally:
        with contextlib.suppress(OSError):
            os.unlink(handle.name)


# -- uploads -----------------------------------------------------------------------------------
def _copy_upload(resource: dict, out) -> None:
    from ckan.lib import uploader  # CKAN's resource storage (no toolkit equivalent)

    upload = uploader.get_resource_uploader(dict(resource))
    location = upload.get_path(resource["id"])
    storage = getattr(upload, "storage", None)
    limit = max_bytes()
    if storage is None:
        if not os.path.isfile(location):
            raise FetchError(tk._("Le fichier déposé est introuvable dans le stockage du portail."))
        if os.path.getsize(location) > limit:
            raise FetchError(_too_large(limit))
        with open(location, "rb") as source:
            shutil.copyfileobj(source, out, CHUNK)
        return
    from ckan.lib import files

    try:
        data = files.FileData(files.Location(location), size=storage.size(files.Location(location)))
        if data.size and data.size > limit:
            raise FetchError(_too_large(limit))
        _write_limited(storage.stream(data), out, limit)
    except files.exc.FilesError as error:
        raise FetchError(tk._("Le fichier déposé est introuvable dans le stockage du portail.")) from error


# -- URLs --------------------------------------------------------------------------------------
def _too_large(limit: int) -> str:
    return tk._("Le fichier dépasse la taille maximale acceptée pour la vérification ({size} Mo).").format(
        size=round(limit / 1048576, 1))


def _allowed_hosts() -> set[str]:
    hosts = _option("allowed_hosts") or []
    if isinstance(hosts, str):
        hosts = hosts.split()
    return {h.strip().lower() for h in hosts if h.strip()}


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return not (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast
                or ip.is_reserved or ip.is_unspecified or getattr(ip, "is_site_local", False))


def check_url(url: str) -> None:
    """Raise FetchError unless ``url`` is http(s) to a host whose addresses are all allowed."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchError(tk._("Seules les adresses http:// et https:// peuvent être vérifiées."))
    host = (parts.hostname or "").lower()
    if not host:
        raise FetchError(tk._("L'adresse du fichier n'indique pas de serveur."))
    if parts.username or parts.password:
        raise FetchError(tk._("Les adresses contenant un identifiant ou un mot de passe ne sont pas acceptées."))
    port = parts.port or (443 if parts.scheme == "https" else 80)
    allowed = _allowed_hosts()
    if host in allowed or f"{host}:{port}" in allowed or tk.asbool(_option("allow_private")):
        return
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchError(tk._("Le serveur « {host} » est introuvable.").format(host=host)) from error
    for info in infos:
        if not _public(info[4][0]):
            raise FetchError(tk._(
                "L'adresse « {host} » désigne un réseau interne : le portail ne la télécharge pas."
            ).format(host=host))


def download(url: str, out, *, limit: Optional[int] = None) -> None:
    """Download ``url`` into the open binary file ``out`` with every protection of the module."""
    limit = limit or max_bytes()
    timeout = float(_option("timeout") or 30)
    redirects = int(_option("max_redirects") if _option("max_redirects") is not None else 3)
    session = requests.Session()
    session.trust_env = False  # no proxy or netrc from the environment
    for _ in range(redirects + 1):
        check_url(url)
        try:
            response = session.get(url, stream=True, allow_redirects=False, timeout=timeout,
                                   headers={"User-Agent": USER_AGENT})
        except requests.Timeout as error:
            raise FetchError(tk._("Le serveur du fichier n'a pas répondu à temps ({seconds} s).").format(
                seconds=int(timeout))) from error
        except requests.RequestException as error:
            raise FetchError(tk._("Le fichier n'a pas pu être téléchargé ({reason}).").format(
                reason=type(error).__name__)) from error
        with response:
            if response.is_redirect:
                location = response.headers.get("Location")
                if not location:
                    raise FetchError(tk._("Le serveur du fichier renvoie une redirection sans adresse."))
                url = urljoin(url, location)
                continue
            if response.status_code >= 400:
                raise FetchError(tk._("Le serveur du fichier répond « {status} » : le fichier n'est pas accessible.").format(
                    status=response.status_code))
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise FetchError(_too_large(limit))
            try:
                _write_limited(response.iter_content(CHUNK), out, limit, deadline=time.monotonic() + timeout)
            except requests.RequestException as error:
                raise FetchError(tk._("Le téléchargement du fichier a été interrompu ({reason}).").format(
                    reason=type(error).__name__)) from error
            return
    raise FetchError(tk._("Trop de redirections (plus de {count}) pour atteindre le fichier.").format(count=redirects))


def _write_limited(chunks, out, limit: int, deadline: Optional[float] = None) -> None:
    written = 0
    for chunk in chunks:
        written += len(chunk)
        if written > limit:
            raise FetchError(_too_large(limit))
        if deadline and time.monotonic() > deadline:
            raise FetchError(tk._("Le téléchargement du fichier a pris trop de temps : abandon."))
        out.write(chunk)
