"""Generated personal data for the detectors' tests: valid checksums, invented values, never a
real person's data."""
from __future__ import annotations

import random


def nir(rng: random.Random, departement: str | None = None) -> str:
    sex = rng.choice("12")
    year = f"{rng.randint(0, 99):02d}"
    month = f"{rng.randint(1, 12):02d}"
    dep = departement or f"{rng.randint(1, 95):02d}"
    body = sex + year + month + dep + f"{rng.randint(1, 990):03d}" + f"{rng.randint(1, 999):03d}"
    numeric = body.replace("2A", "19").replace("2B", "18")
    return body + f"{97 - int(numeric) % 97:02d}"


def iban_fr(rng: random.Random) -> str:
    bban = f"{rng.randint(10000, 99999)}{rng.randint(10000, 99999)}{rng.randint(0, 10**11 - 1):011d}{rng.randint(0, 96):02d}"
    rearranged = bban + "FR00"
    digits = "".join(str(int(c, 36)) for c in rearranged)
    check = 98 - int(digits) % 97
    return f"FR{check:02d}{bban}"


def spaced(text: str, size: int = 4) -> str:
    return " ".join(text[i:i + size] for i in range(0, len(text), size))
