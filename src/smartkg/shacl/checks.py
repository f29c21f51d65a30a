"""Per-value tests of the core constraints, with pySHACL 0.40.1's exact semantics.

The compiler fetches value nodes with SPARQL and decides each distinct value here, on the
rdflib term as written in the data graph (so ill-typed literals, language tags and lexical forms
are judged as pySHACL judges them).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal

from pyshacl.rdfutil.compare import compare_literal
from rdflib import BNode, Literal, URIRef
from rdflib.term import Identifier, Node

from smartkg.namespaces import RDF, RDFS, SH, XSD

__all__ = ["ValueCheck", "value_checks"]

ValueCheck = Callable[[Node], bool]  # True when the value conforms


def _actual_datatype(value: Literal, datatype: Node) -> bool:
    python = value.value
    if datatype in (XSD.string, RDF.langString):
        return isinstance(python, (str, bytes))
    expected: dict[Node, type | tuple[type, ...]] = {
        XSD.integer: int,
        XSD.float: float,
        XSD.decimal: Decimal,
        XSD.boolean: bool,
        XSD.date: date,
        XSD.time: time,
        XSD.dateTime: datetime,
    }
    kind = expected.get(datatype)
    return True if kind is None else isinstance(python, kind)


def datatype_check(datatype: Node) -> ValueCheck:
    def check(value: Node) -> bool:
        if not isinstance(value, Literal):
            return False
        if value.datatype == datatype:
            if getattr(value, "ill_typed", None) is True:
                return False
            return _actual_datatype(value, datatype)
        if datatype == RDFS.Literal:
            return True
        if datatype == RDFS.Datatype and value.datatype:
            return True
        if value.datatype is None and value.language is None and datatype == XSD.string:
            return _actual_datatype(value, datatype)
        if datatype == RDF.langString and value.language:
            return _actual_datatype(value, datatype)
        return False

    return check


def node_kind_check(kind: Node) -> ValueCheck:
    def check(value: Node) -> bool:
        if isinstance(value, BNode):
            return kind in (SH.BlankNode, SH.BlankNodeOrLiteral, SH.BlankNodeOrIRI)
        if isinstance(value, Literal):
            return kind in (SH.BlankNodeOrLiteral, SH.Literal, SH.IRIOrLiteral)
        if isinstance(value, Identifier):
            return kind in (SH.IRI, SH.IRIOrLiteral, SH.BlankNodeOrIRI)
        return False

    return check


def _as_string(value: Node) -> str:
    plain = isinstance(value, Literal) and value.datatype in (None, RDF.langString, XSD.string)
    if plain and isinstance(value, Literal) and value.value is not None:
        return str(value.value)
    return str(value)


def pattern_check(pattern: Node, flags: Node | None) -> ValueCheck:
    re_flags = 0
    if isinstance(flags, Literal) and flags.value:
        text = str(flags.value).lower()
        re_flags |= re.I if "i" in text else 0
        re_flags |= re.M if "m" in text else 0
    value_of = pattern.value if isinstance(pattern, Literal) else None
    source = str(value_of) if value_of is not None and len(value_of) > 1 else str(pattern)
    matcher = re.compile(source, re_flags)

    def check(value: Node) -> bool:
        if isinstance(value, BNode):
            return False
        text = _as_string(value)
        return bool(matcher.match(text) or matcher.search(text))

    return check


def language_in_check(languages: tuple[str, ...]) -> ValueCheck:
    wanted = set(languages)

    def check(value: Node) -> bool:
        if not isinstance(value, Literal) or not value.language:
            return False
        lang = str(value.language).lower()
        return "*" in wanted or lang in wanted or lang.split("-")[0] in wanted

    return check


def range_check(bound: Node, accept: Callable[[int], bool]) -> ValueCheck:
    if not isinstance(bound, Literal):
        raise ValueError(f"a range bound must be a literal: {bound.n3()}")
    bound_is_string = isinstance(bound.value, str)

    def check(value: Node) -> bool:
        if isinstance(value, (BNode, URIRef)) or not isinstance(value, Literal):
            return False
        if isinstance(value.value, str) != bound_is_string:
            return False
        try:
            order: int = compare_literal(value, bound)  # type: ignore[no-untyped-call]
            return accept(order)
        except (TypeError, NotImplementedError):
            return False

    return check


def value_checks(
    parameters: dict[URIRef, Node], languages: tuple[str, ...]
) -> list[tuple[URIRef, ValueCheck]]:
    """(constraint component, check) for each per-value constraint among ``parameters``."""
    checks: list[tuple[URIRef, ValueCheck]] = []
    if SH.datatype in parameters:
        checks.append((SH.DatatypeConstraintComponent, datatype_check(parameters[SH.datatype])))
    if SH.nodeKind in parameters:
        checks.append((SH.NodeKindConstraintComponent, node_kind_check(parameters[SH.nodeKind])))
    if SH.pattern in parameters:
        check = pattern_check(parameters[SH.pattern], parameters.get(SH.flags))
        checks.append((SH.PatternConstraintComponent, check))
    if SH.languageIn in parameters:
        checks.append((SH.LanguageInConstraintComponent, language_in_check(languages)))
    ranges = (
        (SH.minInclusive, SH.MinInclusiveConstraintComponent, lambda c: c >= 0),
        (SH.minExclusive, SH.MinExclusiveConstraintComponent, lambda c: c > 0),
        (SH.maxInclusive, SH.MaxInclusiveConstraintComponent, lambda c: c <= 0),
        (SH.maxExclusive, SH.MaxExclusiveConstraintComponent, lambda c: c < 0),
    )
    for parameter, component, accept in ranges:
        if parameter in parameters:
            checks.append((component, range_check(parameters[parameter], accept)))
    return checks
