"""Offline checks of docker/ (no Docker engine runs here): the compose file is consistent."""
from __future__ import annotations

import re
import subprocess

import yaml

from tests.conftest import ROOT

DOCKER = ROOT / "docker"


def _compose() -> dict:
    return yaml.safe_load((DOCKER / "docker-compose.yml").read_text())


def test_compose_declares_the_stack_with_health_checks():
    services = _compose()["services"]
    assert set(services) == {"ckan", "worker", "db", "solr", "redis"}
    assert services["worker"]["command"] == ["worker"]
    assert "solr9-spatial" in services["solr"]["image"]
    for name in ("ckan", "db", "solr", "redis"):
        assert services[name]["healthcheck"]["test"], name
    # ckan and worker share one image and wait for healthy services.
    assert services["ckan"]["image"] == services["worker"]["image"]
    assert services["worker"]["depends_on"]["solr"]["condition"] == "service_healthy"


def test_every_variable_the_compose_file_uses_is_documented():
    text = (DOCKER / "docker-compose.yml").read_text()
    used = {m.group(1) for m in re.finditer(r"\$\{([A-Z_]+)(?::-[^}]*)?\}", text)}
    documented = {line.split("=", 1)[0] for line in (DOCKER / ".env.example").read_text().splitlines()
                  if line and not line.startswith("#")}
    defaulted = {m.group(1) for m in re.finditer(r"\$\{([A-Z_]+):-", text)}
    assert used - documented - defaulted == set()
    entrypoint = (DOCKER / "ckan" / "entrypoint.sh").read_text()
    for var in re.findall(r"\$\{(CKAN_[A-Z_]+)", entrypoint):
        assert var in documented or var == "CKAN_INI", var


def test_image_builds_on_ckan_2_12_and_installs_the_pinned_requirements():
    dockerfile = (DOCKER / "ckan" / "Dockerfile").read_text()
    assert re.search(r"^FROM ckan/ckan-base:2\.12\b", dockerfile, re.M)
    assert "requirements.txt" in dockerfile
    assert "ckan[requirements]==2.12.0" in (ROOT / "requirements.txt").read_text()


def test_entrypoint_is_valid_bash():
    result = subprocess.run(["bash", "-n", str(DOCKER / "ckan" / "entrypoint.sh")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
