"""Reading the shapes graph into the shapes and constraints the compiler supports.

A shape that uses anything else is marked unsupported (with the reason) and is left to pySHACL.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from smartkg.namespaces import OWL, RDF, RDFS, SH, curie
from smartkg.shacl.paths import sparql_path

__all__ = [
    "AskComponent",
    "Shape",
    "SparqlConstraint",
    "Targets",
    "Unsupported",
    "ask_components",
    "read_shape",
    "targets_of",
    "top_shapes",
]

Targets = dict[URIRef, list[Node]]  # target predicate -> its objects
TARGET_PREDICATES = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
# Core constraint parameters the compiler evaluates (each at most once per shape).
CORE_PARAMETERS = frozenset(
    {
        SH.minCount,
        SH.maxCount,
        SH.datatype,
        SH["class"],
        SH.pattern,
        SH.flags,
        SH.minInclusive,
        SH.maxInclusive,
        SH.minExclusive,
        SH.maxExclusive,
        SH.languageIn,
        SH.uniqueLang,
        SH.nodeKind,
        SH.equals,
        SH.hasValue,
    }
)
# Shape terms that are not constraints.
NON_CONSTRAINTS = frozenset(
    {
        SH.path,
        SH.severity,
        SH.message,
        SH.deactivated,
        SH.property,
        SH.sparql,
        SH.name,
        SH.description,
        SH.order,
        SH.group,
        SH.defaultValue,
        *TARGET_PREDICATES,
    }
)


class Unsupported(Exception):
    """The shape uses a feature the compiler does not handle."""


@dataclass(frozen=True)
class SparqlConstraint:
    """An ``sh:sparql`` constraint: its SELECT text with the prefixes it declares."""

    node: Node
    select: str
    prefixes: dict[str, str]
    messages: frozenset[Literal]


@dataclass(frozen=True)
class AskComponent:
    """A SPARQL-based constraint component with one parameter and an ASK validator."""

    node: URIRef
    parameter: URIRef  # the parameter's sh:path
    name: str  # the parameter's local name: the query variable it binds
    ask: str
    prefixes: dict[str, str]
    messages: frozenset[Literal]


@dataclass
class Shape:
    """A node or property shape, with the constraints the compiler will evaluate."""

    node: URIRef | BNode
    path: Node | None  # the shapes-graph path node of a property shape
    sparql: str | None  # the path as a SPARQL property path
    severity: Node
    messages: frozenset[Literal]
    deactivated: bool
    parameters: dict[URIRef, Node] = field(default_factory=dict)
    language_in: tuple[str, ...] = ()
    sparql_constraints: list[SparqlConstraint] = field(default_factory=list)
    components: list[tuple[AskComponent, Node]] = field(default_factory=list)
    properties: list[Shape] = field(default_factory=list)

    @property
    def is_property(self) -> bool:
        return self.path is not None


def _single(graph: Graph, node: Node, predicate: URIRef) -> Node | None:
    values = list(graph.objects(node, predicate))
    if len(values) > 1:
        raise Unsupported(f"{predicate.n3()} given {len(values)} times")
    return values[0] if values else None


def _prefixes(graph: Graph, node: Node) -> dict[str, str]:
    prefixes: dict[str, str] = {}
    for declarations in graph.objects(node, SH.prefixes):
        for declaration in graph.objects(declarations, SH.declare):
            prefix = graph.value(declaration, SH.prefix)
            namespace = graph.value(declaration, SH.namespace)
            if prefix is None or namespace is None:
                raise Unsupported("an sh:declare without sh:prefix or sh:namespace")
            prefixes[str(prefix)] = str(namespace)
    return prefixes


def _messages(graph: Graph, node: Node) -> frozenset[Literal]:
    messages = frozenset(graph.objects(node, SH.message))
    if not all(isinstance(m, Literal) and isinstance(m.value, str) for m in messages):
        raise Unsupported("an sh:message that is not a string")
    return messages  # type: ignore[return-value]


def _is_true(node: Node | None) -> bool:
    return isinstance(node, Literal) and node.value is True


def ask_components(graph: Graph) -> dict[URIRef, AskComponent]:
    """The SPARQL-based constraint components the compiler can run, by parameter path."""
    components: dict[URIRef, AskComponent] = {}
    for node in graph.subjects(RDF.type, SH.ConstraintComponent):
        parameters = list(graph.objects(node, SH.parameter))
        validators = [
            v
            for p in (SH.validator, SH.nodeValidator, SH.propertyValidator)
            for v in graph.objects(node, p)
        ]
        if not isinstance(node, URIRef) or len(parameters) != 1 or len(validators) != 1:
            continue
        path = graph.value(parameters[0], SH.path)
        ask = graph.value(validators[0], SH.ask)
        if (
            not isinstance(path, URIRef)
            or ask is None
            or _is_true(graph.value(parameters[0], SH.optional))
        ):
            continue
        if (node, SH.validator, None) not in graph:
            continue  # node- or property-only validators: left to pySHACL
        name = str(path).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        components[path] = AskComponent(
            node=node,
            parameter=path,
            name=name,
            ask=str(ask),
            prefixes=_prefixes(graph, validators[0]),
            messages=_messages(graph, validators[0]),
        )
    return components


def _all_component_parameters(graph: Graph) -> set[Node]:
    return {
        path
        for component in graph.subjects(RDF.type, SH.ConstraintComponent)
        for parameter in graph.objects(component, SH.parameter)
        for path in graph.objects(parameter, SH.path)
    }


def read_shape(
    graph: Graph,
    node: URIRef | BNode,
    components: dict[URIRef, AskComponent],
    *,
    seen: frozenset[Node] = frozenset(),
) -> Shape:
    """The shape at ``node``; raises :class:`Unsupported` naming the first feature it lacks."""
    if node in seen:
        raise Unsupported("a shape that contains itself")
    custom = _all_component_parameters(graph)
    path = _single(graph, node, SH.path)
    sparql = sparql_path(graph, path) if path is not None else None
    if path is not None and sparql is None:
        raise Unsupported(f"the path {path.n3()}")
    messages = _messages(graph, node)
    shape = Shape(
        node=node,
        path=path,
        sparql=sparql,
        severity=_single(graph, node, SH.severity) or SH.Violation,
        messages=messages,
        deactivated=_is_true(_single(graph, node, SH.deactivated)),
    )
    for predicate in set(graph.predicates(node, None)):
        if predicate in custom:
            if predicate not in components:
                raise Unsupported(f"the constraint component of {predicate.n3()}")
            for value in graph.objects(node, predicate):
                shape.components.append((components[predicate], value))  # type: ignore[index]
        elif predicate in CORE_PARAMETERS:
            parameter = _single(graph, node, predicate)  # type: ignore[arg-type]
            if parameter is None:
                continue
            shape.parameters[predicate] = parameter  # type: ignore[index]
        elif str(predicate).startswith(str(SH)) and predicate not in NON_CONSTRAINTS:
            raise Unsupported(f"{curie(predicate)} is not compiled")
    if SH.flags in shape.parameters and SH.pattern not in shape.parameters:
        raise Unsupported("sh:flags without sh:pattern")
    if SH.languageIn in shape.parameters:
        tags = list(Collection(graph, shape.parameters[SH.languageIn]))
        if not all(isinstance(t, Literal) and isinstance(t.value, str) for t in tags):
            raise Unsupported("sh:languageIn with a non-string")
        shape.language_in = tuple(str(t).lower() for t in tags)
    if SH.equals in shape.parameters and not isinstance(shape.parameters[SH.equals], URIRef):
        raise Unsupported("sh:equals with a path")
    for constraint in graph.objects(node, SH.sparql):
        select = _single(graph, constraint, SH.select)
        if not isinstance(select, Literal) or (constraint, SH.ask, None) in graph:
            raise Unsupported("an sh:sparql constraint without one sh:select")
        if _is_true(_single(graph, constraint, SH.deactivated)):
            continue
        shape.sparql_constraints.append(
            SparqlConstraint(
                node=constraint,
                select=str(select),
                prefixes=_prefixes(graph, constraint),
                messages=_messages(graph, constraint),
            )
        )
    silent = [c for c in shape.sparql_constraints if not c.messages] if not messages else []
    if not messages and (shape.parameters or shape.components or silent):
        raise Unsupported("a constraint without sh:message (pySHACL then writes its own)")
    for child in graph.objects(node, SH.property):
        if not isinstance(child, (URIRef, BNode)):
            raise Unsupported("an sh:property that is not a shape")
        prop = read_shape(graph, child, components, seen=seen | {node})
        if not prop.is_property:
            raise Unsupported(f"sh:property {child.n3()} without sh:path")
        shape.properties.append(prop)
    return shape


def top_shapes(graph: Graph) -> list[URIRef | BNode]:
    """The shapes that have targets (what pySHACL starts from), in a stable order."""
    found: set[URIRef | BNode] = set()
    for predicate in (*TARGET_PREDICATES, SH.target):
        for subject in graph.subjects(predicate, None):
            if isinstance(subject, (URIRef, BNode)):
                found.add(subject)
    for kind in (SH.NodeShape, SH.PropertyShape):
        for subject in graph.subjects(RDF.type, kind):
            if isinstance(subject, (URIRef, BNode)) and (
                (subject, RDF.type, RDFS.Class) in graph or (subject, RDF.type, OWL.Class) in graph
            ):
                found.add(subject)  # implicit class target: unsupported, found for the fallback
    return sorted(found, key=str)


def targets_of(graph: Graph, node: Node) -> Targets:
    """The target declarations of ``node``; raises :class:`Unsupported` for others."""
    if (node, SH.target, None) in graph:
        raise Unsupported("sh:target (SPARQL-based targets)")
    if (node, RDF.type, RDFS.Class) in graph or (node, RDF.type, OWL.Class) in graph:
        raise Unsupported("an implicit class target")
    return {p: list(graph.objects(node, p)) for p in TARGET_PREDICATES}
