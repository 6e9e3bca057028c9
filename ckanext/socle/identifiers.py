"""French public identifiers: SIREN, SIRET, INSEE commune code.

Pure functions, no CKAN import: used by the conformity engine (Validata's ``french-siret-value``
and ``french-siren-value`` checks), the organisation schema and the clause variables.
"""
from __future__ import annotations

import re

# La Poste's establishments share the SIREN 356 000 000, whose SIRETs do not follow Luhn: INSEE
# gives them a digit sum divisible by 5 instead. The head office is the one ordinary exception.
LA_POSTE_SIREN = "356000000"
LA_POSTE_HEAD_OFFICE = "35600000000048"

_SEPARATORS = re.compile(r"[\s.\u00a0\u202f]")
_INSEE_COMMUNE = re.compile(r"^(?:\d{2}|2A|2B)\d{3}$")


def normalise(value: str) -> str:
    """Strip the spaces and dots people type inside identifiers ("213 400 014 00011")."""
    return _SEPARATORS.sub("", value or "")


def luhn_ok(digits: str) -> bool:
    """Luhn checksum on a string of digits (SIREN and SIRET both use it)."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        digit = int(char)
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def is_siren(value: str) -> bool:
    siren = normalise(value)
    return len(siren) == 9 and siren.isdigit() and luhn_ok(siren)


def is_siret(value: str) -> bool:
    siret = normalise(value)
    if len(siret) != 14 or not siret.isdigit():
        return False
    if siret.startswith(LA_POSTE_SIREN) and siret != LA_POSTE_HEAD_OFFICE:
        return sum(int(c) for c in siret) % 5 == 0
    return luhn_ok(siret) and luhn_ok(siret[:9])


def is_insee_commune_code(value: str) -> bool:
    """Shape of a COG commune code: 5 characters, Corsica's 2A/2B included (not its existence)."""
    return bool(_INSEE_COMMUNE.match((value or "").strip().upper()))
