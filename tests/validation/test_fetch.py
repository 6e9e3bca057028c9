"""The SSRF-safe fetcher: schemes, internal addresses, redirects, size and time limits.

Only 127.0.0.1 receives traffic (a local test server); refused addresses are refused before any
connection is attempted.
"""
from __future__ import annotations

import http.server
import threading
import time

import pytest
from ckan.tests import factories, helpers

from ckanext.socle.validation import fetch

from .conftest import make_dataset, make_org, DATA, FILES, PLUGINS

pytestmark = [pytest.mark.ckan_config("ckan.plugins", PLUGINS), pytest.mark.usefixtures("with_plugins")]


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: dict = {}

    def do_GET(self):  # noqa: N802
        route = self.routes.get(self.path.split("?")[0])
        if route is None:
            self.send_response(404)
            self.end_headers()
            return
        status, headers, body = route(self)
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        if body:
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

    def log_message(self, *args):
        pass


@pytest.fixture
def file_server():
    """A local HTTP server: /valid.csv, /redirect-*, /big.csv, /slow.csv, /loop."""
    routes = {}
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    handler = type("Handler", (_Handler,), {"routes": routes})
    server.RequestHandlerClass = handler
    base = f"http://127.0.0.1:{server.server_port}"
    valid = (DATA / FILES["valid"][0]).read_bytes()
    routes["/valid.csv"] = lambda h: (200, {"Content-Type": "text/csv", "Content-Length": str(len(valid))}, valid)
    routes["/redirect-ok"] = lambda h: (302, {"Location": "/valid.csv"}, b"")
    routes["/loop"] = lambda h: (302, {"Location": "/loop"}, b"")
    routes["/big.csv"] = lambda h: (200, {"Content-Type": "text/csv"}, b"a,b\n" + b"1,2\n" * 300_000)

    def slow(h):
        time.sleep(3)
        return 200, {}, b"a\n1\n"

    routes["/slow.csv"] = slow
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.base, server.routes, server.port = base, routes, server.server_port
    yield server
    server.shutdown()
    server.server_close()


def _download(url):
    with fetch.open_resource({"id": "x", "url": url, "url_type": ""}) as path:
        with open(path, "rb") as handle:
            return handle.read()


@pytest.mark.parametrize("url", [
    "file:///etc/passwd", "ftp://example.org/a.csv", "gopher://example.org/", "http:///nohost.csv",
    "http://127.0.0.1/a.csv", "http://localhost/a.csv", "http://[::1]/a.csv", "http://10.0.0.8/a.csv",
    "http://192.168.1.1/a.csv", "http://172.16.0.1/a.csv", "http://169.254.169.254/latest/meta-data/",
    "http://0.0.0.0/a.csv", "http://[::ffff:127.0.0.1]/a.csv", "http://user:pw@example.org/a.csv",
])
def test_refused_urls(url):
    with pytest.raises(fetch.FetchError) as error:
        _download(url)
    assert str(error.value)  # a French sentence for the publisher


def test_allowed_host_downloads_and_follows_checked_redirects(file_server, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.socle.validation.fetch.allowed_hosts", [f"127.0.0.1:{file_server.port}"])
    assert _download(file_server.base + "/valid.csv") == (DATA / FILES["valid"][0]).read_bytes()
    assert _download(file_server.base + "/redirect-ok").startswith(b"nomAttribuant,")
    # A redirect to an address that is not allowed is checked again, and refused.
    file_server.routes["/to-internal"] = lambda h: (302, {"Location": "http://127.0.0.1:9/x.csv"}, b"")
    with pytest.raises(fetch.FetchError, match="réseau interne"):
        _download(file_server.base + "/to-internal")
    file_server.routes["/to-file"] = lambda h: (302, {"Location": "file:///etc/passwd"}, b"")
    with pytest.raises(fetch.FetchError, match="http"):
        _download(file_server.base + "/to-file")


def test_limits(file_server, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.socle.validation.fetch.allowed_hosts", [f"127.0.0.1:{file_server.port}"])
    monkeypatch.setitem(ckan_config, "ckanext.socle.validation.fetch.max_redirects", 2)
    with pytest.raises(fetch.FetchError, match="redirections"):
        _download(file_server.base + "/loop")
    monkeypatch.setitem(ckan_config, "ckanext.socle.validation.fetch.max_bytes", 100_000)
    with pytest.raises(fetch.FetchError, match="taille maximale"):
        _download(file_server.base + "/big.csv")
    monkeypatch.setitem(ckan_config, "ckanext.socle.validation.fetch.timeout", 1)
    with pytest.raises(fetch.FetchError, match="à temps"):
        _download(file_server.base + "/slow.csv")
    with pytest.raises(fetch.FetchError, match="404"):
        _download(file_server.base + "/missing.csv")


def test_allow_private_switch(file_server, ckan_config, monkeypatch):
    with pytest.raises(fetch.FetchError):
        _download(file_server.base + "/valid.csv")
    monkeypatch.setitem(ckan_config, "ckanext.socle.validation.fetch.allow_private", True)
    assert _download(file_server.base + "/valid.csv")


@pytest.mark.usefixtures("socle_db")
def test_url_resource_is_validated_by_the_worker(file_server, ckan_config, monkeypatch, worker):
    monkeypatch.setitem(ckan_config, "ckanext.socle.validation.fetch.allowed_hosts", [f"127.0.0.1:{file_server.port}"])
    dataset = make_dataset(make_org())
    resource = factories.Resource(package_id=dataset["id"], url=file_server.base + "/valid.csv", format="CSV",
                                  schema_name="subventions", schema_version="2.1.1")
    worker()
    run = helpers.call_action("socle_validation_show", resource_id=resource["id"])
    assert run["level"] == "conforme" and run["source"] == file_server.base + "/valid.csv"


@pytest.mark.usefixtures("socle_db")
def test_refused_url_is_a_technical_error_with_its_reason(worker):
    dataset = make_dataset(make_org())
    resource = factories.Resource(package_id=dataset["id"], url="http://169.254.169.254/latest/data.csv",
                                  format="CSV", schema_name="subventions", schema_version="2.1.1")
    worker()
    run = helpers.call_action("socle_validation_show", resource_id=resource["id"])
    assert run["status"] == "error" and run["state"] == "erreur" and run["technical"] is True
    assert "réseau interne" in run["error"] and run["state_label"] == "erreur technique"
    shown = helpers.call_action("resource_show", id=resource["id"])
    assert shown["validation_status"] == "error" and shown["socle_conformity_level"] == "erreur"
