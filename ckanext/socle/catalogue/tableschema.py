"""A light structural check of Table Schema descriptors, with French messages.

The catalogue loads every schema it is given; a descriptor that Table Schema tools would refuse
(the 2018 marchés publics file has a constraint spelled ``pattern:`` and a field without a type)
is kept as published and carries warnings instead of crashing anything. This check covers what
frictionless refuses in the files of the family; it imports nothing heavy.
"""
from __future__ import annotations

import re

FIELD_TYPES = frozenset(
    "string number integer boolean object array date time datetime year yearmonth duration "
    "geopoint geojson any".split()
)
CONSTRAINTS = frozenset(
    "required unique minLength maxLength minimum maximum pattern enum jsonSchema "
    "exclusiveMinimum exclusiveMaximum".split()
)


def problems(descriptor) -> list[str]:
    """French sentences, one per problem; an empty list for a usable Table Schema."""
    if not isinstance(descriptor, dict):
        return ["Le fichier n'est pas un objet JSON : ce n'est pas un schéma Table Schema."]
    fields = descriptor.get("fields")
    if not isinstance(fields, list) or not fields:
        return ["Le schéma ne déclare aucune liste de champs (« fields »)."]
    found: list[str] = []
    seen: set[str] = set()
    for position, field in enumerate(fields, start=1):
        if not isinstance(field, dict) or not isinstance(field.get("name"), str) or not field["name"]:
            found.append(f"Le champ n° {position} n'a pas de nom.")
            continue
        name = field["name"]
        if name in seen:
            found.append(f"Le champ « {name} » est déclaré deux fois.")
        seen.add(name)
        found.extend(_field_problems(name, field))
    return found


def _field_problems(name: str, field: dict) -> list[str]:
    found = []
    if "type" not in field:
        found.append(f"Le champ « {name} » n'a pas de type.")
    elif field["type"] not in FIELD_TYPES:
        found.append(f"Le champ « {name} » a un type inconnu : « {field['type']} ».")
    constraints = field.get("constraints", {})
    if not isinstance(constraints, dict):
        return found + [f"Les contraintes du champ « {name} » ne sont pas un objet JSON."]
    for key, value in constraints.items():
        if key not in CONSTRAINTS:
            found.append(f"Le champ « {name} » a une contrainte inconnue : « {key} ».")
        elif key == "pattern":
            try:
                re.compile(value)
            except (re.error, TypeError):
                found.append(f"Le motif (pattern) du champ « {name} » n'est pas une expression régulière valide.")
        elif key == "enum" and not isinstance(value, list):
            found.append(f"La liste de valeurs (enum) du champ « {name} » n'est pas une liste.")
    return found
