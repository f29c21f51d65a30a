"""Run the shapes: compiled to SPARQL on pyoxigraph where possible, pySHACL for the rest."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from smartkg.namespaces import SH
from smartkg.shacl.checks import ValueCheck, value_checks
from smartkg.shacl.reference import run_pyshacl
from smartkg.shacl.result import ShaclResult, results_of_report
from smartkg.shacl.shapes import (
    AskComponent,
    Shape,
    SparqlConstraint,
    Targets,
    Unsupported,
    ask_components,
    read_shape,
    targets_of,
    top_shapes,
)
from smartkg.shacl.sparql import (
    ask_violations_query,
    class_instances_query,
    prefix_lines,
    select_query,
    target_query,
)
from smartkg.shacl.terms import (
    AmbiguousTerm,
    NotMirrorable,
    OxTerm,
    StoreMirror,
    mirror_graph,
    to_ox,
)

__all__ = ["FastReport", "validate_fast"]

Pairs = dict[OxTerm, list[OxTerm]]
# Errors pyoxigraph raises on a query it cannot parse or run: the shape goes to pySHACL.
_QUERY_ERRORS = (Unsupported, AmbiguousTerm, SyntaxError, OSError, ValueError, TypeError)
# SPARQL functions that see a literal's lexical form, which oxigraph may have canonicalised.
_LEXICAL = re.compile(
    r"\b(STR|SUBSTR|STRLEN|CONCAT|REGEX|REPLACE|LCASE|UCASE|STRSTARTS|STRENDS|CONTAINS|"
    r"STRBEFORE|STRAFTER|ENCODE_FOR_URI|sameTerm|MD5|SHA1|SHA256|SHA384|SHA512)\s*\(",
    re.IGNORECASE,
)
_VARIABLE_PREDICATE = re.compile(r"[?$]\w+\s+[?$]\w+\s+[^\s.;,)]")
_PREFIXED_NAME = re.compile(r"(?<![\w<?$])([A-Za-z][\w-]*)?:([\w-]*)")
_FULL_IRI = re.compile(r"<([^<>\s]*)>")


def _single_iri(path: str) -> ox.NamedNode | None:
    """The predicate of a SPARQL path that is one full IRI; None for any other path."""
    match = _FULL_IRI.fullmatch(path)
    return ox.NamedNode(match.group(1)) if match else None


def _mentioned_iris(query: str, prefixes: dict[str, str]) -> set[str]:
    """The IRIs a query names, full or prefixed."""
    iris = set(_FULL_IRI.findall(query))
    for prefix, local in _PREFIXED_NAME.findall(query):
        if prefix in prefixes:
            iris.add(prefixes[prefix] + local)
    return iris


@dataclass(frozen=True)
class FastReport:
    """The results, the graph their path nodes live in, and the shapes pySHACL ran (why)."""

    results: tuple[ShaclResult, ...]
    path_graph: Graph
    fallback: dict[Node, str]


def _substitute(message: str, bindings: dict[str, Node]) -> str:
    # pySHACL's substitution for SPARQL-constraint messages, replacement text and all.
    for name, value in bindings.items():
        message = re.sub(f"{{[?$]{name}}}", str(value), message)
    return message


def _bind_component_message(message: Literal, bindings: dict[str, Node]) -> Literal:
    # pySHACL's substitution for constraint-component messages: language kept.
    text = str(message.value)
    for name, value in bindings.items():
        text = re.sub(r"{[\$\?]" + name + r"}", str(value), text)
    return Literal(text, lang=message.language, datatype=message.datatype)


class _Evaluator:
    """Evaluates compiled shapes on one store; caches what several shapes share."""

    def __init__(self, mirror: StoreMirror, prefixes: dict[str, str], only: set[OxTerm] | None):
        self._mirror = mirror
        self._store = mirror.store
        self._prefixes = prefixes
        self._only = only
        self._pairs: dict[str, Pairs] = {}
        self._instances: dict[Node, set[OxTerm]] = {}
        self._focus: dict[str, list[OxTerm]] = {}

    def _rows(self, query: str) -> Iterator[ox.QuerySolution]:
        solutions = self._store.query(query)
        assert isinstance(solutions, ox.QuerySolutions)
        yield from solutions

    def focus_nodes(self, targets: Targets) -> list[OxTerm]:
        query = target_query(targets)
        if query is None:
            return []
        if query not in self._focus:
            nodes = [row[0] for row in self._rows(query)]
            if self._only is not None:
                nodes = [n for n in nodes if n in self._only]
            self._focus[query] = nodes
        return self._focus[query]

    def _values(self, path: str) -> Pairs:
        if path not in self._pairs:
            pairs: Pairs = defaultdict(list)
            predicate = _single_iri(path)
            if predicate is not None:  # the same pairs as the query, without the query engine
                found = self._store.quads_for_pattern(None, predicate, None, ox.DefaultGraph())
                for quad in found:
                    pairs[quad.subject].append(quad.object)  # type: ignore[index, arg-type]
            else:
                for row in self._rows(f"SELECT DISTINCT ?s ?v WHERE {{ ?s {path} ?v }}"):
                    pairs[row[0]].append(row[1])
            self._pairs[path] = pairs
        return self._pairs[path]

    def _instances_of(self, cls: Node) -> set[OxTerm]:
        if cls not in self._instances:
            query = class_instances_query(cls)
            self._instances[cls] = {row[0] for row in self._rows(query)}
        return self._instances[cls]

    def run(self, shape: Shape, targets: Targets) -> list[ShaclResult]:
        if shape.deactivated:
            return []
        focus = self.focus_nodes(targets)
        if not focus:
            return []
        results = self._constraints(shape, focus, targets)
        for prop in shape.properties:
            if not prop.deactivated:
                results += self._constraints(prop, focus, targets)
        return results

    def _result(
        self,
        shape: Shape,
        focus: OxTerm,
        value: Node | None,
        component: Node,
        messages: frozenset[Literal] | None = None,
        path: Node | None = None,
    ) -> ShaclResult:
        return ShaclResult(
            focus=self._mirror.to_rdflib(focus),
            shape=shape.node,
            path=path if path is not None else shape.path,
            value=value,
            severity=shape.severity,
            component=component,
            messages=messages if messages is not None else shape.messages,
        )

    def _constraints(
        self, shape: Shape, focus: list[OxTerm], targets: Targets
    ) -> list[ShaclResult]:
        if shape.sparql is not None:
            pairs = self._values(shape.sparql)
            values = {f: pairs.get(f, []) for f in focus}
        else:
            values = {f: [f] for f in focus}
        results = self._cardinality(shape, values)
        for component, check in value_checks(shape.parameters, shape.language_in):
            results += self._per_value(shape, values, component, check)
        results += self._unique_lang(shape, values)
        results += self._has_value(shape, values)
        results += self._equals(shape, values)
        results += self._class(shape, values)
        for ask, argument in shape.components:
            results += self._component(shape, ask, argument, set(focus))
        for constraint in shape.sparql_constraints:
            results += self._sparql(shape, constraint, targets, set(focus))
        return results

    def _cardinality(self, shape: Shape, values: dict[OxTerm, list[OxTerm]]) -> list[ShaclResult]:
        results = []
        limits: tuple[tuple[URIRef, URIRef, Callable[[int, int], bool]], ...] = (
            (SH.minCount, SH.MinCountConstraintComponent, lambda n, bound: n < bound),
            (SH.maxCount, SH.MaxCountConstraintComponent, lambda n, bound: n > bound),
        )
        for parameter, component, fails in limits:
            bound = shape.parameters.get(parameter)
            if bound is None:
                continue
            if not isinstance(bound, Literal) or not isinstance(bound.value, int):
                raise Unsupported(f"{parameter.n3()} that is not an integer")
            for f, vs in values.items():
                if fails(len(vs), bound.value):
                    results.append(self._result(shape, f, None, component))
        return results

    def _per_value(
        self,
        shape: Shape,
        values: dict[OxTerm, list[OxTerm]],
        component: URIRef,
        check: ValueCheck,
    ) -> list[ShaclResult]:
        verdicts: dict[OxTerm, bool] = {}
        results = []
        for f, vs in values.items():
            for v in vs:
                verdict = verdicts.get(v)
                if verdict is None:
                    verdict = verdicts[v] = check(self._mirror.to_rdflib(v))
                if not verdict:
                    results.append(self._result(shape, f, self._mirror.to_rdflib(v), component))
        return results

    def _unique_lang(self, shape: Shape, values: dict[OxTerm, list[OxTerm]]) -> list[ShaclResult]:
        flag = shape.parameters.get(SH.uniqueLang)
        if flag is None:
            return []
        if not (isinstance(flag, Literal) and isinstance(flag.value, bool)):
            raise Unsupported("sh:uniqueLang that is not a boolean")
        if not flag.value:
            return []
        results = []
        for f, vs in values.items():
            seen: set[str] = set()
            duplicates: set[str] = set()
            for v in vs:
                if isinstance(v, ox.Literal) and v.language:
                    lang = v.language.lower()
                    (duplicates if lang in seen else seen).add(lang)
            results += [
                self._result(shape, f, None, SH.UniqueLangConstraintComponent) for _ in duplicates
            ]
        return results

    def _has_value(self, shape: Shape, values: dict[OxTerm, list[OxTerm]]) -> list[ShaclResult]:
        wanted = shape.parameters.get(SH.hasValue)
        if wanted is None:
            return []
        return [
            self._result(shape, f, None, SH.HasValueConstraintComponent)
            for f, vs in values.items()
            if not any(self._mirror.to_rdflib(v) == wanted for v in vs)
        ]

    def _equals(self, shape: Shape, values: dict[OxTerm, list[OxTerm]]) -> list[ShaclResult]:
        other = shape.parameters.get(SH.equals)
        if other is None:
            return []
        pairs = self._values(other.n3())
        results = []
        for f, vs in values.items():
            mine = {self._mirror.to_rdflib(v) for v in vs}
            theirs = {self._mirror.to_rdflib(v) for v in pairs.get(f, [])}
            for value in [*(mine - theirs), *(theirs - mine)]:
                results.append(self._result(shape, f, value, SH.EqualsConstraintComponent))
        return results

    def _class(self, shape: Shape, values: dict[OxTerm, list[OxTerm]]) -> list[ShaclResult]:
        cls = shape.parameters.get(SH["class"])
        if cls is None:
            return []
        instances = self._instances_of(cls)
        return [
            self._result(shape, f, self._mirror.to_rdflib(v), SH.ClassConstraintComponent)
            for f, vs in values.items()
            for v in vs
            if v not in instances
        ]

    def _component(
        self, shape: Shape, component: AskComponent, argument: Node, focus: set[OxTerm]
    ) -> list[ShaclResult]:
        if shape.sparql is None or shape.path is None:
            raise Unsupported("a SPARQL-based constraint component on a node shape")
        prefixes = prefix_lines({**self._prefixes, **component.prefixes})
        query = ask_violations_query(component, argument, prefixes, shape.sparql)
        results = []
        for row in self._rows(query):
            this, value = row["this"], row["value"]
            if this not in focus:
                continue
            bindings = {
                component.name: argument,
                "this": self._mirror.to_rdflib(this),
                "value": self._mirror.to_rdflib(value),
                "path": shape.path,
            }
            messages = shape.messages | {
                _bind_component_message(m, bindings) for m in component.messages
            }
            # The DASH tests want no sh:value from a component on a property shape (pySHACL).
            results.append(self._result(shape, this, None, component.node, messages))
        return results

    def _sparql(
        self,
        shape: Shape,
        constraint: SparqlConstraint,
        targets: Targets,
        focus: set[OxTerm],
    ) -> list[ShaclResult]:
        declared = {**self._prefixes, **constraint.prefixes}
        query = select_query(constraint.select, prefix_lines(declared), targets, shape.sparql)
        if _LEXICAL.search(constraint.select) and self._mirror.canonicalised_by:
            body = query.split("{", 1)[-1]  # $PATH substituted, PREFIX lines left out
            mentioned = _mentioned_iris(body, declared)
            if mentioned & self._mirror.canonicalised_by or _VARIABLE_PREDICATE.search(body):
                raise Unsupported("a query that reads lexical forms the store has canonicalised")
        solutions = self._store.query(query)
        assert isinstance(solutions, ox.QuerySolutions)
        names = [variable.value for variable in solutions.variables]
        seen: set[tuple[object, ...]] = set()
        results = []
        for row in solutions:
            bound = {name: row[name] for name in names if row[name] is not None}
            this = bound.pop("this", None)
            if this is None or this not in focus:
                continue
            path = bound.pop("path", None)
            value = bound.pop("value", None)
            key = (this, path, value, frozenset(bound.items()))
            if key in seen:
                continue
            seen.add(key)
            this_node = self._mirror.to_rdflib(this)
            path_node = self._mirror.to_rdflib(path) if path is not None else None
            value_node = self._mirror.to_rdflib(value) if value is not None else None
            if value_node is None and not shape.is_property:
                value_node = this_node
            bindings: dict[str, Node] = {k: self._mirror.to_rdflib(v) for k, v in bound.items()}
            bindings["this"] = this_node
            if path_node is not None:
                bindings["path"] = path_node
            if value_node is not None:
                bindings["value"] = value_node
            messages = frozenset(
                Literal(_substitute(str(m.value), bindings))
                for m in constraint.messages | shape.messages
            )
            results.append(
                self._result(
                    shape, this, value_node, SH.SPARQLConstraintComponent, messages, path_node
                )
            )
        return results


def _shared_with(shapes: Graph, fallback: Iterable[Node]) -> set[Node]:
    """Every shape reachable through sh:property from ``fallback``."""
    reached: set[Node] = set()
    todo = list(fallback)
    while todo:
        for child in shapes.objects(todo.pop(), SH.property):
            if child not in reached:
                reached.add(child)
                todo.append(child)
    return reached


def _as_graph(data: Graph | ox.Store) -> Graph:
    if isinstance(data, Graph):
        return data
    dumped = data.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    return Graph().parse(data=dumped, format="nt")


def validate_fast(
    data: Graph | ox.Store,
    shapes: Graph,
    *,
    focus_nodes: Iterable[URIRef] | None = None,
    mirror: StoreMirror | None = None,
) -> FastReport:
    """Validate ``data`` against ``shapes`` with the compiled engine and pySHACL for the rest.

    ``data`` is an rdflib graph, or a pyoxigraph store holding the data in its default graph
    (no copy then; literals are reported in the store's canonical form, the only one it keeps).
    ``mirror``, with an rdflib graph, is a store already holding that graph's triples
    (:func:`~smartkg.shacl.terms.mirror_store`): the graph is not copied then, and the results
    are those of the graph.

    ``focus_nodes`` restricts validation to those IRIs, as pySHACL's option of the same name.
    """
    components = ask_components(shapes)
    compiled: dict[Node, tuple[Shape, Targets]] = {}
    fallback: dict[Node, str] = {}
    node: Node
    for node in top_shapes(shapes):
        try:
            compiled[node] = (read_shape(shapes, node, components), targets_of(shapes, node))
        except Unsupported as exc:
            fallback[node] = str(exc)
    only_list = list(focus_nodes) if focus_nodes is not None else []
    only = {to_ox(n) for n in only_list if isinstance(n, URIRef)} if only_list else None
    per_shape: dict[Node, list[ShaclResult]] = {}
    try:
        if mirror is None:
            mirror = mirror_graph(data) if isinstance(data, Graph) else StoreMirror(data, {}, set())
    except NotMirrorable as exc:
        fallback.update({node: f"the data graph: {exc}" for node in compiled})
        compiled = {}
    else:
        graph = data if isinstance(data, Graph) else Graph()  # its default prefix bindings
        prefixes = {prefix: str(ns) for prefix, ns in graph.namespaces() if prefix}
        evaluator = _Evaluator(mirror, prefixes, only)
        for node, (shape, targets) in compiled.items():
            try:
                per_shape[node] = evaluator.run(shape, targets)
            except _QUERY_ERRORS as exc:
                fallback[node] = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    for node in _shared_with(shapes, fallback) & compiled.keys():
        fallback[node] = "shared with a shape pySHACL runs"
    results = [r for node, found in per_shape.items() if node not in fallback for r in found]
    path_graph = shapes
    if fallback:
        reduced = Graph()
        reduced += shapes
        for node in compiled.keys() - fallback.keys():
            reduced.add((node, SH.deactivated, Literal(True)))
        report = run_pyshacl(_as_graph(data), reduced, focus_nodes=focus_nodes)
        results += results_of_report(report)
        path_graph = Graph()
        path_graph += shapes
        path_graph += report
    return FastReport(results=tuple(results), path_graph=path_graph, fallback=fallback)
