"""Differences between two versions of a template (pure Python, for the version page)."""
from __future__ import annotations

import difflib


def body_diff(old: str, new: str) -> list[dict]:
    """Line diff: a list of ``{"op": "equal"|"insert"|"delete", "old": n, "new": m, "text"}``."""
    old_lines, new_lines = (old or "").splitlines(), (new or "").splitlines()
    out = []
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                out.append({"op": "equal", "old": i1 + k + 1, "new": j1 + k + 1,
                            "text": old_lines[i1 + k]})
            continue
        for k in range(i1, i2):
            out.append({"op": "delete", "old": k + 1, "new": None, "text": old_lines[k]})
        for k in range(j1, j2):
            out.append({"op": "insert", "old": None, "new": k + 1, "text": new_lines[k]})
    return out


def variables_diff(old: list[dict], new: list[dict]) -> dict:
    """Variables added, removed and changed (by name) between two versions."""
    before = {v["name"]: v for v in old or []}
    after = {v["name"]: v for v in new or []}
    return {
        "added": [after[n] for n in after if n not in before],
        "removed": [before[n] for n in before if n not in after],
        "changed": [{"name": n, "before": before[n], "after": after[n]}
                    for n in after if n in before and before[n] != after[n]],
    }


def stats(lines: list[dict]) -> dict:
    return {"inserted": sum(1 for x in lines if x["op"] == "insert"),
            "deleted": sum(1 for x in lines if x["op"] == "delete")}
