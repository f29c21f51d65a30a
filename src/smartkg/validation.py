"""SHACL validation of the merged catalogue, and its report.

Validation runs with no inference on the merged graph, which includes the ontology so that
``sh:class`` sees ``rdfs:subClassOf``. Two engines give the same results: the compiled engine
(:mod:`smartkg.shacl`, the default) and pySHACL, the reference. Warnings and infos do not break
conformance; violations do. Each result is tied back to the file(s) its focus node is defined in.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import NamespaceManager
from rdflib.term import Node

from smartkg.catalogue import Catalogue, Role, paused_gc
from smartkg.errors import CatalogueError
from smartkg.labels import Labels, has_language, labels_of
from smartkg.namespaces import SH, curie, namespace_manager
from smartkg.shacl import ShaclResult, render_path, results_of_report, validate_fast
from smartkg.shacl.reference import run_pyshacl

__all__ = [
    "Engine",
    "Severity",
    "ValidationReport",
    "ValidationResult",
    "format_json",
    "format_text",
    "render_path",
    "run_shacl",
    "validate",
]

NO_FILE = "(no source file)"


class Engine(StrEnum):
    """The SHACL engines ``smartkg validate`` can use."""

    FAST = "fast"  # shapes compiled to SPARQL on pyoxigraph, pySHACL for any it cannot compile
    PYSHACL = "pyshacl"  # the reference


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
    fallback_shapes: tuple[str, ...] = ()  # shapes the fast engine handed to pySHACL

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


def _message(messages: Iterable[Literal]) -> str | None:
    messages = list(messages)
    for wanted in ("en", None):
        chosen = sorted(
            str(m) for m in messages if (has_language(m, "en") if wanted else m.language is None)
        )
        if chosen:
            return chosen[0]
    return sorted(str(m) for m in messages)[0] if messages else None


def _sort_key(result: ValidationResult, nsm: NamespaceManager) -> tuple[Any, ...]:
    return (
        result.severity.rank,
        result.file,
        curie(result.focus_node, nsm),
        curie(result.source_shape, nsm) if result.source_shape is not None else "",
        result.path or "",
        result.value.n3(nsm) if result.value is not None else "",
        result.message or "",
        # Last, so that results alike in everything else keep one order on both engines.
        str(result.constraint_component) if result.constraint_component is not None else "",
    )


def _results(
    found: Iterable[ShaclResult], path_graph: Graph, catalogue: Catalogue, nsm: NamespaceManager
) -> Iterable[ValidationResult]:
    for result in found:
        yield ValidationResult(
            severity=Severity.from_node(result.severity),
            focus_node=result.focus,
            labels=labels_of(catalogue.graph, result.focus),
            path=render_path(path_graph, result.path, nsm) if result.path is not None else None,
            value=result.value,
            source_shape=result.shape,
            constraint_component=result.component,
            message=_message(result.messages),
            files=catalogue.files_of(result.focus),
        )


def run_shacl(data: Graph, shapes: Graph, *, focus_nodes: Iterable[URIRef] | None = None) -> Graph:
    """Run pySHACL on ``data`` (a plain rdflib graph, ontology included) and return the report.

    See :func:`smartkg.shacl.reference.run_pyshacl`; kept here for the callers that want
    pySHACL's report graph itself.
    """
    return run_pyshacl(data, shapes, focus_nodes=focus_nodes)


def _run(
    catalogue: Catalogue, engine: Engine
) -> tuple[Iterable[ShaclResult], Graph, tuple[str, ...]]:
    if engine is Engine.PYSHACL:
        report = run_pyshacl(catalogue.graph, catalogue.shapes)
        return results_of_report(report), report, ()
    fast = validate_fast(catalogue.graph, catalogue.shapes, mirror=catalogue.mirror)
    nsm = namespace_manager()
    fallback = tuple(sorted(curie(shape, nsm) for shape in fast.fallback))
    return fast.results, fast.path_graph, fallback


def validate(catalogue: Catalogue, engine: Engine = Engine.FAST) -> ValidationReport:
    """Validate ``catalogue.graph`` (ontology included) against ``catalogue.shapes``.

    Raises :class:`CatalogueError` when there are no shapes, or the engine cannot run them.
    """
    shape_files = tuple(f.path for f in catalogue.files if f.role is Role.SHAPES)
    if not shape_files or len(catalogue.shapes) == 0:
        raise CatalogueError(
            "no shapes found (shapes/*.shapes.ttl): nothing to validate against",
            path=catalogue.layout.relative(catalogue.layout.shapes_dir),
            rule="layout",
        )
    try:
        with paused_gc():  # the catalogue's millions of objects, walked by every collection
            found, path_graph, fallback = _run(catalogue, engine)
            nsm = namespace_manager()
            results = sorted(
                _results(found, path_graph, catalogue, nsm), key=lambda r: _sort_key(r, nsm)
            )
    except Exception as exc:  # pySHACL reports malformed shapes with its own exception types
        raise CatalogueError(
            f"pySHACL could not run the shapes: {exc}",
            path=catalogue.layout.relative(catalogue.layout.shapes_dir),
            rule="shacl",
        ) from exc
    return ValidationReport(
        results=tuple(results),
        shape_files=shape_files,
        triples=len(catalogue.graph),
        fallback_shapes=fallback,
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
