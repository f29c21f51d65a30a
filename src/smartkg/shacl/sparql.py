"""The SPARQL texts the compiler runs on pyoxigraph: targets, SHACL-SPARQL constraints and
ASK-validated constraint components, each over all focus nodes in one query."""

from __future__ import annotations

import re

from pyshacl.helper.sparql_query_helper import SPARQLQueryHelper
from rdflib import Literal
from rdflib.term import Node

from smartkg.namespaces import RDF, RDFS, SH
from smartkg.shacl.shapes import AskComponent, Targets, Unsupported

__all__ = ["ask_violations_query", "prefix_lines", "select_query", "target_query"]

_SELECT = re.compile(r"\bSELECT\b", re.IGNORECASE)
_PROJECTS_THIS = re.compile(r"\bSELECT\s+(DISTINCT\s+|REDUCED\s+)?[^{]*[$?]this\b", re.IGNORECASE)
_PATH_VARIABLE = re.compile(r"([\s{}()])[$?]PATH\b")
_FIRST_BRACE = re.compile(r"\{")


# What pySHACL refuses to run in a SHACL-SPARQL query: such a shape is left to pySHACL, which
# then reports the error just as ``--engine pyshacl`` would.
_REFUSED = (
    (SPARQLQueryHelper.has_minus_regex, "MINUS"),
    (SPARQLQueryHelper.has_values_regex, "VALUES"),
    (SPARQLQueryHelper.has_service_regex, "SERVICE"),
    (SPARQLQueryHelper.has_nested_select_regex, "a nested SELECT"),
)
_PREBOUND = frozenset({"this", "shapesGraph", "currentShape"})


def _refuse_what_pyshacl_refuses(query: str, prebound: frozenset[str] = _PREBOUND) -> None:
    for regex, what in _REFUSED:
        if regex.search(query):
            raise Unsupported(f"a query with {what}, which pySHACL refuses or restricts")
    rebinding = SPARQLQueryHelper.has_as_var_regex.search(query)  # pySHACL checks the first only
    if rebinding and rebinding.group(1) in prebound:
        raise Unsupported("a query that rebinds a pre-bound variable with AS")


def _n3(node: Node) -> str:
    return node.n3()


def prefix_lines(prefixes: dict[str, str]) -> str:
    return "".join(f"PREFIX {prefix}: <{namespace}>\n" for prefix, namespace in prefixes.items())


def class_instances_query(cls: Node) -> str:
    """Every instance of ``cls`` (rdf:type then rdfs:subClassOf*, as sh:class reads it)."""
    return f"SELECT DISTINCT ?v WHERE {{ ?v {_n3(RDF.type)}/{_n3(RDFS.subClassOf)}* {_n3(cls)} }}"


def target_query(targets: Targets) -> str | None:
    """SELECT DISTINCT ?this over the union of the target declarations; None if there are none."""
    pattern = _target_pattern(targets)
    return None if pattern is None else f"SELECT DISTINCT ?this WHERE {{ {pattern} }}"


def _target_pattern(targets: Targets) -> str | None:
    groups: list[str] = []
    for cls in targets.get(SH.targetClass, []):
        groups.append(f"{{ ?this {_n3(RDF.type)}/{_n3(RDFS.subClassOf)}* {_n3(cls)} }}")
    for predicate in targets.get(SH.targetSubjectsOf, []):
        groups.append(f"{{ ?this {_n3(predicate)} ?any }}")
    for predicate in targets.get(SH.targetObjectsOf, []):
        groups.append(f"{{ ?any {_n3(predicate)} ?this }}")
    nodes = targets.get(SH.targetNode, [])
    if nodes:
        groups.append(f"{{ VALUES ?this {{ {' '.join(map(_n3, nodes))} }} }}")
    if not groups:
        return None
    return " UNION ".join(groups)


def select_query(select: str, prefixes: str, targets: Targets, path: str | None) -> str:
    """A constraint's SELECT run for every focus node at once.

    The focus-node pattern goes first in the outermost group, so ``$this`` is bound wherever the
    query's own filters see it, as with pySHACL's pre-binding of ``$this``.
    """
    _refuse_what_pyshacl_refuses(select)
    if len(_SELECT.findall(select)) != 1:
        raise Unsupported("a SELECT with a subquery")
    if not _PROJECTS_THIS.search(select):
        raise Unsupported("a SELECT that does not return $this")
    if _PATH_VARIABLE.search(select):
        if path is None:
            raise Unsupported("$PATH in a node shape")
        select = _PATH_VARIABLE.sub(lambda m: f"{m.group(1)}{path}", select)
    where = _FIRST_BRACE.search(select)
    if where is None:
        raise Unsupported("a SELECT without a WHERE clause")
    at = where.end()
    focus = f" {{ {target_query(targets)} }} "
    return prefixes + select[:at] + focus + select[at:]


def ask_violations_query(component: AskComponent, argument: Node, prefixes: str, path: str) -> str:
    """The (focus, value) pairs of a property shape for which the component's ASK is false."""
    ask = component.ask
    _refuse_what_pyshacl_refuses(ask, _PREBOUND | {"value", component.name})
    opened, closed = ask.find("{"), ask.rfind("}")
    if opened < 0 or closed < opened or _SELECT.search(ask):
        raise Unsupported("an sh:ask the compiler cannot read")
    if isinstance(argument, Literal) and not argument.value and argument.value != 0:
        raise Unsupported("an ill-typed component argument")
    body = ask[opened + 1 : closed]
    if _PATH_VARIABLE.search(body):
        body = _PATH_VARIABLE.sub(lambda m: f"{m.group(1)}{path}", body)
    body = re.sub(rf"[$?]{re.escape(component.name)}\b", lambda _: argument.n3(), body)
    return (
        prefixes
        + f"SELECT DISTINCT ?this ?value WHERE {{ ?this {path} ?value . "
        + f"FILTER NOT EXISTS {{ {body} }} }}"
    )
