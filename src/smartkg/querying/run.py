"""Running a named query: the user's ``NAME=VALUE`` texts become RDF terms bound to the query's
variables (through the engine's substitutions), never text pasted into the query.

Entity parameters (city, service type, domain, technology, target group, size class, region) are
resolved with :func:`smartkg.resolve.resolve` — "구로", "guro" and "Guro-gu" all name Guro-gu; an
unknown or ambiguous name is an error before any catalogue query runs. Integer parameters become
``xsd:integer`` literals (validated), string parameters plain literals.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from rdflib import Literal, URIRef

from smartkg.engine import SparqlEngine, SparqlTermEngine
from smartkg.namespaces import XSD
from smartkg.querying.queries import NamedQuery, Parameter, ParamKind, QueryError, parameter_names
from smartkg.resolve import EntityKind, resolve
from smartkg.store import TermRows

__all__ = [
    "bind_parameters",
    "parameter_values",
    "parse_param_args",
    "run_named_query",
]

_ARG_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_INTEGER = re.compile(r"^[+-]?[0-9]+$")

_ENTITY_KIND = {
    ParamKind.CITY: EntityKind.CITY,
    ParamKind.SERVICE_TYPE: EntityKind.SERVICE_TYPE,
    ParamKind.DOMAIN: EntityKind.DOMAIN,
    ParamKind.TECHNOLOGY: EntityKind.TECHNOLOGY,
    ParamKind.TARGET_GROUP: EntityKind.TARGET_GROUP,
    ParamKind.SIZE_CLASS: EntityKind.SIZE_CLASS,
    ParamKind.REGION: EntityKind.REGION,
}


def parse_param_args(args: Sequence[str]) -> dict[str, str]:
    """``["city=구로", "minShared=2"]`` → ``{"city": "구로", "minShared": "2"}``.

    The value is everything after the first ``=`` (it may itself hold ``=``). A missing ``=``, a
    bad name or a name given twice is a :class:`QueryError`.
    """
    given: dict[str, str] = {}
    for arg in args:
        name, sep, value = arg.partition("=")
        name = name.strip()
        if not sep or not _ARG_NAME.match(name):
            raise QueryError(
                f"bad --param {arg!r}: expected NAME=VALUE (e.g. city=guro-gu)",
                rule="param-syntax",
            )
        if name in given:
            raise QueryError(f"--param {name} given twice", rule="param-syntax")
        given[name] = value
    return given


def _literal(parameter: Parameter, value: str) -> Literal:
    if parameter.kind is ParamKind.INTEGER:
        text = value.strip()
        if not _INTEGER.match(text):
            raise QueryError(
                f"parameter {parameter.name} expects an integer, not {value!r}",
                rule="param-value",
            )
        return Literal(str(int(text)), datatype=XSD.integer)
    return Literal(value)  # a simple literal (xsd:string): bound as data, never parsed


def parameter_values(query: NamedQuery, given: Mapping[str, str]) -> dict[str, str]:
    """Each parameter of ``query`` → the text given for it, else its default.

    Checks what can be checked without the graph: every given name is a parameter of the query
    (case, ``-`` and ``_`` ignored: ``service-type`` names ``serviceType``) and integers are
    integers. Raises :class:`QueryError`.
    """
    values = {parameter.name: parameter.default for parameter in query.parameters}
    seen: set[str] = set()
    for name, value in given.items():
        parameter = query.parameter(name)
        if parameter is None:
            raise QueryError(
                f"query {query.name} has no parameter {name!r} "
                f"(its parameters: {parameter_names(query.parameters)})",
                rule="unknown-param",
            )
        if parameter.name in seen:
            raise QueryError(f"parameter {parameter.name} given twice", rule="param-syntax")
        seen.add(parameter.name)
        values[parameter.name] = value
    for parameter in query.parameters:
        if parameter.kind.is_literal:
            _literal(parameter, values[parameter.name])
    return values


def bind_parameters(
    engine: SparqlEngine, query: NamedQuery, given: Mapping[str, str]
) -> dict[str, URIRef | Literal]:
    """The RDF term each parameter of ``query`` is bound to: literals are built from the text,
    entities are resolved by name (raising :class:`~smartkg.resolve.UnknownNameError` or
    :class:`~smartkg.resolve.AmbiguousNameError`)."""
    values = parameter_values(query, given)
    bindings: dict[str, URIRef | Literal] = {}
    for parameter in query.parameters:
        value = values[parameter.name]
        if parameter.kind.is_literal:
            bindings[parameter.name] = _literal(parameter, value)
        else:
            bindings[parameter.name] = resolve(engine, _ENTITY_KIND[parameter.kind], value)
    return bindings


def run_named_query(
    engine: SparqlTermEngine, query: NamedQuery, given: Mapping[str, str] | None = None
) -> TermRows:
    """Run ``query`` with its parameters (``given`` texts, defaults for the rest) bound as RDF
    terms; the query text goes to the engine exactly as it is in its file."""
    bindings = bind_parameters(engine, query, given or {})
    return engine.select_terms(query.text, bindings)
