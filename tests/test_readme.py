"""The README tells the truth about what CI runs and which options exist."""
from __future__ import annotations

import importlib.util

from tests.conftest import ROOT


def _reference():
    spec = importlib.util.spec_from_file_location("config_reference", ROOT / "scripts" / "config-reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_declared_option_is_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    missing = [option["key"] for _, option in _reference().declarations() if f"`{option['key']}`" not in readme]
    assert missing == [], f"run scripts/config-reference.py and paste its table in README.md: {missing}"


def test_ci_runs_the_readme_test_command():
    ci = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()
          if line.strip() and not line.startswith("#") and not line.startswith(("set ", "cd "))]
    readme = (ROOT / "README.md").read_text()
    assert ci == ["bash scripts/test.sh"]
    assert "bash scripts/test.sh" in readme.split("## Quick start", 1)[1].split("##", 1)[0]
