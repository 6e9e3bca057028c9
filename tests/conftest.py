"""Suite-wide fixtures. CKAN's own pytest plugin provides clean_db, clean_index, with_plugins,
with_test_worker, app, cli... (run with ``pytest --ckan-ini=test.ini``)."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEST_INI = ROOT / "test.ini"

# Every plugin of the suite, as a portal would load them.
SOCLE_PLUGINS = "socle socle_validation socle_publish socle_clauses socle_compare"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ckan_command() -> list[str]:
    """The `ckan` CLI of the interpreter running the tests (the project's virtualenv)."""
    return [str(Path(sys.executable).with_name("ckan"))]


def write_ini(path: Path, **options: str) -> Path:
    """A copy of test.ini with some options changed (for a CKAN served in a subprocess)."""
    subprocess.run(["cp", str(TEST_INI), str(path)], check=True)
    settings = [f"{key}={value}" for key, value in options.items()]
    subprocess.run(ckan_command() + ["config-tool", str(path), *settings], check=True,
                   stdout=subprocess.DEVNULL)
    return path


class LiveCkan:
    """CKAN served for real (`ckan run`) in a subprocess, on a free port of 127.0.0.1."""

    def __init__(self, ini: Path, log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        env = dict(os.environ, CKAN_SITE_URL=self.url)
        self._log = open(log, "w")
        self.proc = subprocess.Popen(
            ckan_command() + ["-c", str(ini), "run", "-H", "127.0.0.1", "-p", str(self.port),
                              "--disable-reloader"],
            stdout=self._log, stderr=subprocess.STDOUT, env=env,
        )

    def wait(self, timeout: float = 90) -> "LiveCkan":
        import requests

        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"ckan run exited: {self.log.read_text()[-3000:]}")
            try:
                if requests.get(self.url + "/api/3/action/status_show", timeout=2).ok:
                    return self
            except requests.ConnectionError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"ckan run did not answer: {self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self._log.close()


@pytest.fixture
def live_ckan(tmp_path, ckan_config):
    """Start CKAN with test.ini and the suite's plugins; yields a LiveCkan (url, port)."""
    plugins = ckan_config.get("ckan.plugins") or SOCLE_PLUGINS
    if isinstance(plugins, (list, tuple)):
        plugins = " ".join(plugins)
    ini = write_ini(tmp_path / "live.ini", **{"ckan.plugins": plugins})
    server = LiveCkan(ini, tmp_path / "ckan-run.log").wait()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright (never a downloaded browser)."""
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed: run scripts/install.sh")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, tmp_path):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


SCREENSHOTS = ROOT / "docs" / "screenshots"


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under docs/screenshots/ (looked at by people, kept in git)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# -- fixtures shared by the capability folders -----------------------------------------------
@pytest.fixture
def communes(clean_db, clean_index, migrate_db_for, with_plugins, app):
    """The socle tables, with the Val-de-Marne sample loaded (47 communes); ``app`` so that the
    Flask app knows the dataset types' routes."""
    from ckanext.socle.reference import sources, store

    migrate_db_for("socle")
    return store.load(sources.SAMPLE_DIR)


@pytest.fixture
def sysadmin(communes):
    from ckan.tests import factories

    return factories.Sysadmin()
