"""Schema version strings as met in the wild: ``v1.1.6``, ``1.1``, `` 2.1.1 ``, ``latest``."""
from __future__ import annotations

import re

_LEADING_V = re.compile(r"^[vV](?=\d)")


def normalise_version(value: str | None) -> str:
    """``"v1.1.6"`` -> ``"1.1.6"``; strips blanks; empty string for nothing."""
    return _LEADING_V.sub("", (value or "").strip())


def version_key(value: str) -> tuple:
    """Sort key: numeric parts compare as numbers, "1.1" == "1.1.0", text parts after numbers."""
    parts = []
    for piece in re.split(r"[.\-+]", normalise_version(value)):
        parts.append((0, int(piece), "") if piece.isdigit() else (1, 0, piece))
    while parts and parts[-1] == (0, 0, ""):
        parts.pop()
    return tuple(parts)


def same_version(a: str | None, b: str | None) -> bool:
    """``"1.1"`` and ``"v1.1.0"`` name the same version."""
    return version_key(a or "") == version_key(b or "")


def newest_first(values) -> list[str]:
    return sorted(values, key=version_key, reverse=True)
