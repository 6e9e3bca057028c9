#!/usr/bin/env python3
"""Print the README's configuration reference from every config_declaration.yaml of the package.

    python scripts/config-reference.py > /tmp/options.md
"""
from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
PLUGIN_OF = {"datasets": "socle", "validation": "socle_validation", "clauses": "socle_clauses",
             "compare": "socle_compare", "publish": "socle_publish"}


def declarations():
    for path in sorted((ROOT / "ckanext" / "socle").glob("*/config_declaration.yaml")):
        data = yaml.safe_load(path.read_text()) or {}
        for group in data.get("groups") or []:
            for option in group.get("options") or []:
                yield PLUGIN_OF.get(path.parent.name, path.parent.name), option


def main() -> int:
    print("| option | plugin | default | description |")
    print("|---|---|---|---|")
    for plugin, option in declarations():
        default = option.get("default", "")
        description = " ".join(str(option.get("description", "")).split())
        print(f"| `{option['key']}` | {plugin} | `{default}` | {description} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
