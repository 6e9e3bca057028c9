"""Sandboxed rendering of clause bodies.

A body is short French text with Jinja2 placeholders (``{{ contract.reference }}``), conditional
blocks (``{% if ... %}``) and loops over lists and the delivery annex. Bodies are written by
template editors and values by organisation editors: both are treated as hostile.

Defence in depth:
1. a static check of the parsed body (a whitelist of node types, filters, tests and calls;
   two nested loops at most; every name declared) run when a version is saved and again
   before every rendering;
2. :class:`ClauseEnvironment`, an ``ImmutableSandboxedEnvironment`` where attributes are only
   looked up as keys of plain mappings (no method, no ``__class__``...), the only callable is a
   bounded ``range``, string arithmetic is refused and numbers stay small;
3. a bounded output (characters) and a deadline, checked while the output is streamed.

Values never become markup: every value is wrapped in private-use sentinels that the document
parser (:mod:`.document`) treats as literal text, and each writer escapes for its format.
"""
from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from numbers import Number

import jinja2
from jinja2 import meta, nodes
from jinja2.runtime import LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from . import variables as V

VALUE_START, VALUE_END, MISSING_START = "\ue000", "\ue001", "\ue002"

MAX_BODY_CHARS = 50_000
MAX_OUTPUT_CHARS = 200_000
MAX_RANGE = 1_000
MAX_ITERATIONS = 20_000
MAX_LOOP_DEPTH = 2
DEADLINE_SECONDS = 2.0

ALLOWED_NODES = (
    nodes.Template, nodes.Output, nodes.TemplateData, nodes.Name, nodes.Const, nodes.Getattr,
    nodes.Getitem, nodes.If, nodes.For, nodes.Filter, nodes.Test, nodes.Compare, nodes.Operand,
    nodes.And, nodes.Or, nodes.Not, nodes.CondExpr, nodes.Concat, nodes.List, nodes.Tuple,
    nodes.Call, nodes.Add, nodes.Sub, nodes.Neg, nodes.Pos, nodes.Keyword,
)
ALLOWED_CALLS = {"range"}
LOOP_ATTRIBUTES = {"index", "index0", "revindex", "revindex0", "first", "last", "length"}


class ClauseRenderError(ValueError):
    """Rendering refused; ``messages`` are French sentences shown as they are."""

    def __init__(self, messages):
        if isinstance(messages, str):
            messages = [messages]
        self.messages = list(messages)
        super().__init__(" ".join(self.messages))


class MissingValues(ClauseRenderError):
    """Required values are missing: the clause cannot be rendered as final."""


class BodyError(ClauseRenderError):
    """The body itself is not an acceptable template."""


class Value:
    """A clean value as the body sees it: compares as its raw value, prints as French text."""

    __slots__ = ("raw", "text", "missing")

    def __init__(self, raw, text: str, missing: bool = False):
        self.raw, self.text, self.missing = raw, text, missing

    def __str__(self):
        return self.text

    def __bool__(self):
        return not self.missing and bool(self.raw)

    def _other(self, other):
        return other.raw if isinstance(other, Value) else other

    def __eq__(self, other):
        return self.raw == self._other(other)

    def __ne__(self, other):
        return not self == other

    def __hash__(self):
        return hash(str(self.raw))

    def _cmp(self, other, op):
        try:
            return op(self.raw, self._other(other))
        except TypeError:
            raise ClauseRenderError("Comparaison impossible entre des valeurs de types différents.") \
                from None

    def __lt__(self, other):
        return self._cmp(other, lambda a, b: a < b)

    def __le__(self, other):
        return self._cmp(other, lambda a, b: a <= b)

    def __gt__(self, other):
        return self._cmp(other, lambda a, b: a > b)

    def __ge__(self, other):
        return self._cmp(other, lambda a, b: a >= b)


# ------------------------------------------------------------------------------ filters
def _f_default(value, fallback="", boolean=True):
    if isinstance(value, jinja2.Undefined) or not value:
        return fallback
    return value


def _f_join(value, separator=", "):
    items = list(value)[:V.MAX_ROWS]
    return str(separator)[:20].join(str(item) for item in items)


def _f_join_fr(value):
    return V.join_fr([str(item) for item in list(value)[:V.MAX_ROWS]])


def _text_filter(fn):
    return lambda value: fn(str(value))


FILTERS = {
    "default": _f_default, "d": _f_default,
    "join": _f_join, "liste": _f_join_fr,
    "upper": _text_filter(str.upper), "lower": _text_filter(str.lower),
    "capitalize": _text_filter(lambda s: s[:1].upper() + s[1:]),
    "trim": _text_filter(str.strip),
    "length": lambda value: len(value) if hasattr(value, "__len__") else 0,
    "count": lambda value: len(value) if hasattr(value, "__len__") else 0,
    "first": lambda value: next(iter(value), ""),
    "last": lambda value: list(value)[-1] if len(value) else "",
}
TESTS = {
    "defined": lambda v: not isinstance(v, jinja2.Undefined),
    "undefined": lambda v: isinstance(v, jinja2.Undefined),
    "none": lambda v: v is None or (isinstance(v, Value) and v.raw is None),
    "eq": lambda a, b: a == b, "ne": lambda a, b: a != b,
    "in": lambda a, b: a in b,
}


class _Budget:
    """Shared iteration and time budget of one rendering."""

    def __init__(self, deadline: float):
        self.iterations = 0
        self.deadline = deadline

    def tick(self, count: int = 1):
        self.iterations += count
        if self.iterations > MAX_ITERATIONS:
            raise ClauseRenderError("Le modèle répète trop de fois un bloc (boucles trop longues).")
        if time.monotonic() > self.deadline:
            raise ClauseRenderError("Le rendu de la clause a pris trop de temps ; il a été arrêté.")


class ClauseEnvironment(ImmutableSandboxedEnvironment):
    """Sandbox with key-only attribute access, one bounded callable and small arithmetic."""

    intercepted_binops = frozenset({"+", "-", "*", "/", "//", "%", "**"})
    intercepted_unops = frozenset({"-", "+"})

    def __init__(self):
        super().__init__(autoescape=False, finalize=_finalize, undefined=jinja2.Undefined,
                         keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
        self.filters = dict(FILTERS)
        self.tests = dict(TESTS)
        self.globals = {}
        self.budget = None
        self.bounded_range = self._range   # the one callable a body may use, as `range`

    # attributes are keys of mappings, nothing else
    def getattr(self, obj, attribute):
        if not isinstance(attribute, str) or attribute.startswith("_"):
            raise SecurityError(f"accès interdit à « {attribute} »")
        if isinstance(obj, Mapping):
            return obj[attribute] if attribute in obj else self.undefined(obj=obj, name=attribute)
        if isinstance(obj, LoopContext) and attribute in LOOP_ATTRIBUTES:
            return getattr(obj, attribute)
        if isinstance(obj, jinja2.Undefined):
            return obj
        raise SecurityError(f"accès interdit à « {attribute} »")

    def getitem(self, obj, argument):
        if isinstance(argument, str):
            return self.getattr(obj, argument)
        if isinstance(obj, (list, tuple)) and isinstance(argument, int):
            try:
                return obj[argument]
            except IndexError:
                return self.undefined(obj=obj, name=str(argument))
        if isinstance(obj, jinja2.Undefined):
            return obj
        raise SecurityError("indexation interdite")

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 (jinja's signature)
        if __obj is not __self.bounded_range:
            raise SecurityError("appel de fonction interdit")
        if any(not key.startswith("_") for key in kwargs):   # jinja adds _loop_vars/_block_vars
            raise SecurityError("range() n'accepte pas d'argument nommé")
        return __obj(*args)

    def _range(self, *args):
        if len(args) > 3 or not all(isinstance(a, int) and not isinstance(a, bool) for a in args):
            raise SecurityError("range() n'accepte que des nombres entiers")
        span = range(*args)
        if len(span) > MAX_RANGE:
            raise ClauseRenderError(f"Une boucle ne peut dépasser {MAX_RANGE} tours.")
        return self.iterate(span)

    def call_binop(self, context, operator, left, right):
        def number(x):
            raw = x.raw if isinstance(x, Value) else x
            if isinstance(raw, bool) or not isinstance(raw, (int, Decimal, float)):
                raise SecurityError("calcul interdit sur du texte")
            return raw
        a, b = number(left), number(right)
        if operator == "**" or (operator == "*" and max(abs(a), abs(b)) > 10**6):
            raise SecurityError("calcul trop grand")
        result = self.binop_table[operator](a, b)
        if isinstance(result, (int, Decimal, float)) and abs(result) > 10**12:
            raise SecurityError("calcul trop grand")
        return result

    def call_unop(self, context, operator, arg):
        raw = arg.raw if isinstance(arg, Value) else arg
        if isinstance(raw, bool) or not isinstance(raw, Number):
            raise SecurityError("calcul interdit sur du texte")
        return self.unop_table[operator](raw)

    def iterate(self, value):
        """Iterate ``value`` under the rendering budget (used by the compiled loops)."""
        for item in value:
            self.budget.tick()
            yield item


def _finalize(value):
    if isinstance(value, jinja2.Undefined) or value is None:
        return ""
    missing = isinstance(value, Value) and value.missing
    if isinstance(value, bool):
        text = "oui" if value else "non"
    elif isinstance(value, (list, tuple)):
        text = V.join_fr([str(item) for item in value[:V.MAX_ROWS]])
    else:
        text = str(value)
    text = " ".join(V._CONTROL.sub("", text).split())
    if not text:
        return ""
    return (MISSING_START if missing else VALUE_START) + text + VALUE_END


_ENV = None


def environment() -> ClauseEnvironment:
    global _ENV
    if _ENV is None:
        _ENV = ClauseEnvironment()
    return _ENV


# ------------------------------------------------------------------------------ static check
def _syntax_message(exc: jinja2.TemplateSyntaxError) -> str:
    return f"Erreur de syntaxe ligne {exc.lineno} : {exc.message}"


def check_body(body: str, declared) -> list[str]:
    """French problems of a body: syntax, forbidden constructs, undeclared names. Empty if fine."""
    if not isinstance(body, str) or not body.strip():
        return ["Le texte de la clause est vide."]
    if len(body) > MAX_BODY_CHARS:
        return [f"Le texte de la clause dépasse {MAX_BODY_CHARS} caractères."]
    env = environment()
    try:
        tree = env.parse(body)
    except jinja2.TemplateSyntaxError as exc:
        return [_syntax_message(exc)]
    problems: list[str] = []

    def add(message):
        if message not in problems:
            problems.append(message)

    def walk(node, depth):
        if not isinstance(node, ALLOWED_NODES):
            add(f"Construction interdite dans une clause : {type(node).__name__} "
                f"(ligne {getattr(node, 'lineno', '?')}).")
            return
        if isinstance(node, nodes.For):
            depth += 1
            if depth > MAX_LOOP_DEPTH:
                add(f"Au plus {MAX_LOOP_DEPTH} boucles imbriquées (ligne {node.lineno}).")
            if node.recursive:
                add(f"Boucle récursive interdite (ligne {node.lineno}).")
        if isinstance(node, nodes.Getattr) and node.attr.startswith("_"):
            add(f"Accès interdit à « {node.attr} » (ligne {node.lineno}).")
        if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) and \
                isinstance(node.arg.value, str) and node.arg.value.startswith("_"):
            add(f"Accès interdit à « {node.arg.value} » (ligne {node.lineno}).")
        if isinstance(node, nodes.Filter) and node.name not in FILTERS:
            add(f"Filtre non autorisé : « {node.name} » (ligne {node.lineno}).")
        if isinstance(node, nodes.Test) and node.name not in TESTS:
            add(f"Test non autorisé : « {node.name} » (ligne {node.lineno}).")
        if isinstance(node, nodes.Call) and not (
                isinstance(node.node, nodes.Name) and node.node.name in ALLOWED_CALLS):
            add(f"Appel de fonction interdit (ligne {node.lineno}).")
        for child in node.iter_child_nodes():
            walk(child, depth)

    walk(tree, 0)
    if problems:   # the name analysis compiles the tree: only for bodies that passed the walk
        return problems
    roots = {name.split(".")[0] for name in declared} | ALLOWED_CALLS | {"loop"}
    unknown = sorted(meta.find_undeclared_variables(tree) - roots)
    if unknown:
        add("Variables non déclarées dans le modèle : " + ", ".join(unknown) + ".")
    return problems


# ------------------------------------------------------------------------------ context
def _value(var: V.Variable, raw, preview: bool) -> Value:
    if V._blank(raw):
        if preview:
            return Value(None, f"[{var.label}]", missing=True)
        return Value(None, "")
    shown = V.display(var, raw)
    if var.type in ("money", "percent"):   # stored as strings, compared as numbers
        raw = Decimal(str(raw))
    return Value(raw, shown)


def build_context(variables, clean: dict, preview: bool = False) -> dict:
    """Nested mapping of :class:`Value` objects, from flat dotted names."""
    context: dict = {}
    for var in variables:
        raw = clean.get(var.name)
        if var.type == "datasets":
            value = [{col.name: _value(col, row.get(col.name), False) for col in V.DATASET_COLUMNS}
                     for row in raw or []]
        elif var.type in ("list", "schema_list"):
            value = [Value(item, str(item)) for item in raw or []]
            if not value and preview:
                value = [_value(var, None, True)]
        else:
            value = _value(var, raw, preview)
        node = context
        *parents, leaf = var.name.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return context


@dataclass
class Rendered:
    text: str          # the body with sentinel-wrapped values (parse with document.parse)
    preview: bool


def render_text(body: str, variables, clean: dict, *, preview: bool = False,
                max_chars: int = MAX_OUTPUT_CHARS, deadline: float = DEADLINE_SECONDS) -> Rendered:
    """Render a body. Final rendering (``preview=False``) is refused while a required value is
    missing; preview shows missing values as bracketed labels."""
    variables = list(variables)
    problems = check_body(body, [v.name for v in variables])
    if problems:
        raise BodyError(problems)
    if not preview:
        missing = V.missing_required(variables, clean)
        if missing:
            raise MissingValues(
                ["Rendu impossible : valeurs obligatoires manquantes — "
                 + ", ".join(f"« {v.label} »" for v in missing) + "."])
    env = ClauseEnvironment()   # one per rendering: the budget is not shared between threads
    env.budget = _Budget(time.monotonic() + deadline)
    context = build_context(variables, clean, preview)
    context["range"] = env.bounded_range
    try:
        template = env.from_string(body)
        chunks, size = [], 0
        for chunk in template.generate(context):
            size += len(chunk)
            if size > max_chars:
                raise ClauseRenderError(
                    f"Le texte produit dépasse la taille autorisée ({max_chars} caractères).")
            env.budget.tick(0)
            chunks.append(chunk)
    except ClauseRenderError:
        raise
    except SecurityError as exc:
        raise ClauseRenderError(f"Le modèle utilise une expression interdite : {exc}.") from None
    except jinja2.TemplateError as exc:
        raise ClauseRenderError(f"Le modèle n'a pas pu être rendu : {exc}.") from None
    except (TypeError, ValueError, ArithmeticError, RecursionError, MemoryError) as exc:
        raise ClauseRenderError(
            f"Le modèle n'a pas pu être rendu ({type(exc).__name__}).") from None
    return Rendered("".join(chunks), preview)
