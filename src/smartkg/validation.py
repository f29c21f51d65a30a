"""SHACL validation of the merged catalogue, and its report.

pySHACL runs with no inference on the merged graph, which includes the ontology so that
``sh:class`` sees ``rdfs:subClassOf``. Warnings and infos do not break conformance; violations
do. Each result is tied back to the file(s) its focus node is defined in.
"""

from __future__ import annotations

import functools
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import NamespaceManager
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Result
from rdflib.term import Node

from smartkg.catalogue import Catalogue, Role
from smartkg.errors import CatalogueError
from smartkg.labels import Labels, has_language, labels_of
from smartkg.namespaces import RDF, SH, curie, namespace_manager

__all__ = [
    "Severity",
    "ValidationReport",
    "ValidationResult",
    "format_json",
    "format_text",
    "validate",
]

NO_FILE = "(no source file)"


class Severity(StrEnum):
    """SHACL severities, most severe first."""

    VIOLATION = "Violation"
    WARNING = "Warning"
    INFO = "Info"

    @classmethod
    def from_node(cls, node: Node | None) -> Severity:
        """The severity an ``sh:resultSeverity`` names; any non-standard one counts as Violation."""
        if node == SH.Warning:
            return cls.WARNING
        if node == SH.Info:
            return cls.INFO
        return cls.VIOLATION

    @property
    def rank(self) -> int:
        return list(Severity).index(self)


@dataclass(frozen=True)
class ValidationResult:
    """One ``sh:ValidationResult``, with the focus node's labels and source file(s)."""

    severity: Severity
    focus_node: Node
    labels: Labels
    path: str | None
    value: Node | None
    source_shape: Node | None
    constraint_component: Node | None
    message: str | None
    files: tuple[str, ...]

    @property
    def file(self) -> str:
        """The first file the focus node comes from (files are in catalogue order)."""
        return self.files[0] if self.files else NO_FILE


@dataclass(frozen=True)
class ValidationReport:
    """All results of one validation run, sorted by severity, file, focus node and shape."""

    results: tuple[ValidationResult, ...]
    shape_files: tuple[str, ...]
    triples: int

    @property
    def conforms(self) -> bool:
        """True when nothing is a Violation (warnings and infos are allowed)."""
        return not any(r.severity is Severity.VIOLATION for r in self.results)

    def counts(self) -> dict[Severity, int]:
        counter = Counter(r.severity for r in self.results)
        return {severity: counter.get(severity, 0) for severity in Severity}

    def for_file(self, path: str) -> tuple[ValidationResult, ...]:
        """The results whose focus node is defined in ``path``."""
        return tuple(r for r in self.results if path in r.files)


def _one(graph: Graph, subject: Node, predicate: URIRef) -> Node | None:
    values = sorted(graph.objects(subject, predicate), key=str)
    return values[0] if values else None


def _message(graph: Graph, result: Node) -> str | None:
    messages = [m for m in graph.objects(result, SH.resultMessage) if isinstance(m, Literal)]
    for wanted in ("en", None):
        chosen = sorted(
            str(m) for m in messages if (has_language(m, "en") if wanted else m.language is None)
        )
        if chosen:
            return chosen[0]
    return sorted(str(m) for m in messages)[0] if messages else None


def render_path(graph: Graph, path: Node, nsm: NamespaceManager) -> str:
    """A SHACL property path in SPARQL property-path syntax."""
    if isinstance(path, URIRef):
        return curie(path, nsm)
    if not isinstance(path, BNode):
        return path.n3()
    if (path, RDF.first, None) in graph:
        return "/".join(render_path(graph, step, nsm) for step in Collection(graph, path))
    unary = {
        SH.inversePath: ("^", ""),
        SH.zeroOrMorePath: ("", "*"),
        SH.oneOrMorePath: ("", "+"),
        SH.zeroOrOnePath: ("", "?"),
    }
    for predicate, (before, after) in unary.items():
        inner = _one(graph, path, predicate)
        if inner is not None:
            return f"{before}({render_path(graph, inner, nsm)}){after}"
    alternatives = _one(graph, path, SH.alternativePath)
    if alternatives is not None:
        options = (render_path(graph, a, nsm) for a in Collection(graph, alternatives))
        return "(" + "|".join(options) + ")"
    return path.n3()


def _sort_key(result: ValidationResult, nsm: NamespaceManager) -> tuple[Any, ...]:
    return (
        result.severity.rank,
        result.file,
        curie(result.focus_node, nsm),
        curie(result.source_shape, nsm) if result.source_shape is not None else "",
        result.path or "",
        result.value.n3(nsm) if result.value is not None else "",
        result.message or "",
    )


def _results(
    report: Graph, catalogue: Catalogue, nsm: NamespaceManager
) -> Iterable[ValidationResult]:
    for node in report.subjects(RDF.type, SH.ValidationResult):
        focus = _one(report, node, SH.focusNode)
        if focus is None:
            continue
        path = _one(report, node, SH.resultPath)
        yield ValidationResult(
            severity=Severity.from_node(_one(report, node, SH.resultSeverity)),
            focus_node=focus,
            labels=labels_of(catalogue.graph, focus),
            path=render_path(report, path, nsm) if path is not None else None,
            value=_one(report, node, SH.value),
            source_shape=_one(report, node, SH.sourceShape),
            constraint_component=_one(report, node, SH.sourceConstraintComponent),
            message=_message(report, node),
            files=catalogue.files_of(focus),
        )


@functools.lru_cache(maxsize=4096)
def _prepared_query(text: str, namespaces: tuple[tuple[str, str], ...]) -> Query:
    return prepareQuery(text, initNs=dict(namespaces))


class _ParseOnceGraph(Graph):
    """A view of a graph (same store, nothing copied) that parses each SPARQL text once.

    pySHACL sends rdflib the same SPARQL text for every focus node of a SPARQL-based constraint,
    and rdflib parses it anew each time: most of a validation's run time. A prepared query may be
    evaluated any number of times with other bindings (what ``prepareQuery`` is for), so results
    are unchanged.
    """

    def __init__(self, graph: Graph) -> None:
        super().__init__(
            store=graph.store,
            identifier=graph.identifier,
            namespace_manager=graph.namespace_manager,
        )
        self._prepared: dict[str, Query] = {}

    def query(
        self,
        query_object: Any,
        processor: Any = "sparql",
        result: Any = "sparql",
        initNs: Any = None,
        initBindings: Any = None,
        use_store_provided: bool = True,
        **kwargs: Any,
    ) -> Result:
        if isinstance(query_object, str) and processor == "sparql" and not initNs and not kwargs:
            namespaces = tuple(sorted((prefix, str(iri)) for prefix, iri in self.namespaces()))
            query_object = _prepared_query(query_object, namespaces)
        return super().query(
            query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs
        )


def run_shacl(data: Graph, shapes: Graph, *, focus_nodes: Iterable[URIRef] | None = None) -> Graph:
    """Run pySHACL on ``data`` (a plain rdflib graph, ontology included) and return the report.

    The options every smartkg validation uses: no inference (the ontology's subclass axioms are in
    the data graph, which ``sh:class`` follows), SHACL-AF, Warnings and Infos allowed. Raises
    :class:`ValueError` with pySHACL's explanation when it cannot run the shapes.
    """
    import pyshacl  # heavy: imported only when validating

    _, report_graph, report_text = pyshacl.validate(
        _ParseOnceGraph(data),
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_warnings=True,
        allow_infos=True,
        abort_on_first=False,
        meta_shacl=False,
        inplace=True,
        focus_nodes=list(focus_nodes) if focus_nodes is not None else None,
    )
    if not isinstance(report_graph, Graph):  # pySHACL returns a ValidationFailure for bad shapes
        raise ValueError(str(report_graph or report_text).strip() or "no report graph")
    return report_graph


def validate(catalogue: Catalogue) -> ValidationReport:
    """Validate ``catalogue.graph`` (ontology included) against ``catalogue.shapes``.

    Raises :class:`CatalogueError` when there are no shapes, or pySHACL cannot load them.
    """
    shape_files = tuple(f.path for f in catalogue.files if f.role is Role.SHAPES)
    if not shape_files or len(catalogue.shapes) == 0:
        raise CatalogueError(
            "no shapes found (shapes/*.shapes.ttl): nothing to validate against",
            path=catalogue.layout.relative(catalogue.layout.shapes_dir),
            rule="layout",
        )
    try:
        report_graph = run_shacl(catalogue.graph, catalogue.shapes)
    except Exception as exc:  # pySHACL reports malformed shapes with its own exception types
        raise CatalogueError(
            f"pySHACL could not run the shapes: {exc}",
            path=catalogue.layout.relative(catalogue.layout.shapes_dir),
            rule="shacl",
        ) from exc
    nsm = namespace_manager()
    results = sorted(_results(report_graph, catalogue, nsm), key=lambda r: _sort_key(r, nsm))
    return ValidationReport(
        results=tuple(results), shape_files=shape_files, triples=len(catalogue.graph)
    )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary(report: ValidationReport) -> str:
    """One line: counts by severity and the verdict."""
    counts = report.counts()
    parts = ", ".join(
        _plural(counts[s], s.value.lower()) for s in (Severity.VIOLATION, Severity.WARNING)
    )
    if counts[Severity.INFO]:
        parts += f", {_plural(counts[Severity.INFO], 'info')}"
    verdict = "conforms" if report.conforms else "does not conform"
    shapes = _plural(len(report.shape_files), "shapes file")
    return f"{parts} ({report.triples} triples, {shapes}): {verdict}"


def format_text(report: ValidationReport) -> str:
    """A readable report grouped by severity then file, ending with the summary line."""
    nsm = namespace_manager()
    blocks: list[str] = []
    for result in report.results:
        focus = curie(result.focus_node, nsm)
        labels = str(result.labels)
        head = f"{result.severity.value.upper()} {result.file}  {focus}"
        if labels:
            head += f" {labels}"
        if len(result.files) > 1:
            head += f"  (also in {', '.join(result.files[1:])})"
        shape = curie(result.source_shape, nsm) if result.source_shape is not None else "?"
        lines = [head, f"  {shape}: {result.message or '(no message)'}"]
        detail = []
        if result.path is not None:
            detail.append(f"path {result.path}")
        if result.value is not None:
            detail.append(f"value {result.value.n3(nsm)}")
        if detail:
            lines.append("  " + "  ".join(detail))
        blocks.append("\n".join(lines))
    blocks.append(summary(report))
    return "\n\n".join(blocks) + "\n"


def _iri(node: Node | None) -> str | None:
    if node is None:
        return None
    return node.n3() if isinstance(node, BNode) else str(node)


def format_json(report: ValidationReport) -> str:
    """The report as JSON (full IRIs plus prefixed names), stable key order."""
    nsm = namespace_manager()
    document = {
        "conforms": report.conforms,
        "counts": {s.value: n for s, n in report.counts().items()},
        "triples": report.triples,
        "shapeFiles": list(report.shape_files),
        "results": [
            {
                "severity": r.severity.value,
                "focusNode": _iri(r.focus_node),
                "focusNodeName": curie(r.focus_node, nsm),
                "labels": {"en": r.labels.en, "ko": r.labels.ko},
                "files": list(r.files),
                "path": r.path,
                "value": r.value.n3(nsm) if r.value is not None else None,
                "sourceShape": _iri(r.source_shape),
                "sourceShapeName": (
                    curie(r.source_shape, nsm) if r.source_shape is not None else None
                ),
                "sourceConstraintComponent": (
                    curie(r.constraint_component, nsm)
                    if r.constraint_component is not None
                    else None
                ),
                "message": r.message,
            }
            for r in report.results
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
