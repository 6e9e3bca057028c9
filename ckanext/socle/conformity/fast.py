"""Columnar fast path (polars). Placeholder until implemented: always defers to the exact path."""
from __future__ import annotations


def applies(table, options) -> bool:
    return False


def validate_fast(info, table, options, started):
    return None
