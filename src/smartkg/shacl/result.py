"""One SHACL validation result, engine-neutral, and how to read them from a pySHACL report."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from rdflib import Graph, Literal
from rdflib.term import Node

from smartkg.namespaces import RDF, SH

__all__ = ["ShaclResult", "results_of_report"]


@dataclass(frozen=True)
class ShaclResult:
    """An ``sh:ValidationResult``; ``path`` is a node of ``path_graph`` (shapes or report)."""

    focus: Node
    shape: Node
    path: Node | None
    value: Node | None
    severity: Node
    component: Node
    messages: frozenset[Literal]


def _one(graph: Graph, subject: Node, predicate: Node) -> Node | None:
    values = sorted(graph.objects(subject, predicate), key=str)
    return values[0] if values else None


def results_of_report(report: Graph) -> Iterator[ShaclResult]:
    """The results of a pySHACL report graph (their paths are nodes of ``report``)."""
    for node in report.subjects(RDF.type, SH.ValidationResult):
        focus = _one(report, node, SH.focusNode)
        shape = _one(report, node, SH.sourceShape)
        component = _one(report, node, SH.sourceConstraintComponent)
        if focus is None or shape is None or component is None:
            continue
        yield ShaclResult(
            focus=focus,
            shape=shape,
            path=_one(report, node, SH.resultPath),
            value=_one(report, node, SH.value),
            severity=_one(report, node, SH.resultSeverity) or SH.Violation,
            component=component,
            messages=frozenset(
                m for m in report.objects(node, SH.resultMessage) if isinstance(m, Literal)
            ),
        )
