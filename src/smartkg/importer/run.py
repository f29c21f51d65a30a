"""``smartkg import``: read spreadsheets, check them, validate them with the catalogue, write
Turtle under ``data/imported/`` — all or nothing.

Order of checks: the files and sheets (kind, columns), every row (slug, duplicates, required
cells, years, dates, integers, booleans, concept and entity names), then SHACL on the catalogue
merged in memory with the new triples. Only when all pass are the Turtle files written, together,
with :func:`smartkg.atomic.write_atomically`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.term import Node

from smartkg.atomic import write_atomically
from smartkg.catalogue import Layout, load_catalogue, new_graph
from smartkg.importer.problems import ImportFailed, Problem, ShaclViolations
from smartkg.importer.reading import Sheet, read_file
from smartkg.importer.rows import Parsed, parse_sheets
from smartkg.importer.template import Kind, columns_of
from smartkg.namespaces import RDF, SH, curie
from smartkg.validation import run_shacl

__all__ = ["IMPORT_DIR", "ImportResult", "import_files", "output_path"]

#: Where imported Turtle goes, relative to ``data/``: never a hand-written file.
IMPORT_DIR = "imported"


@dataclass(frozen=True)
class ImportResult:
    """What an import added (or, with ``dry_run``, would add)."""

    outputs: dict[Path, bytes]
    entities: dict[Kind, int]
    warnings: tuple[str, ...]
    dry_run: bool


def output_path(layout: Layout, source: Path) -> Path:
    """``data/imported/<file-stem>.ttl`` for one input file."""
    return layout.data_dir / IMPORT_DIR / f"{source.stem}.ttl"


def _display(layout: Layout, path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return layout.relative(path)


def _turtle(graph: Graph, origin: str) -> bytes:
    body = graph.serialize(format="turtle")
    header = (
        f"# smartkg — imported from {origin} by `smartkg import`.\n"
        "# Edit the spreadsheet and import it again rather than this file, or move the\n"
        "# entities into the hand-written files of data/.\n\n"
    )
    return (header + body).encode("utf-8")


def _columns_for(kind: Kind, path: Node | None) -> str:
    names = [
        c.name for c in columns_of(kind) if path is not None and path in (c.predicate, *c.also)
    ]
    return "/".join(names) if names else "-"


def _shacl_problems(
    merged: Graph, shapes: Graph, parsed: Parsed
) -> tuple[list[Problem], list[str]]:
    report = run_shacl(merged, shapes, focus_nodes=sorted(parsed.rows))
    problems: list[Problem] = []
    warnings: list[str] = []
    for result in sorted(report.subjects(RDF.type, SH.ValidationResult), key=str):
        focus = report.value(result, SH.focusNode)
        if not isinstance(focus, URIRef) or focus not in parsed.rows:
            continue
        origin = parsed.rows[focus]
        path = report.value(result, SH.resultPath)
        shape = report.value(result, SH.sourceShape)
        message = str(report.value(result, SH.resultMessage) or "constraint not met")
        value = report.value(result, SH.value)
        if value is not None:
            message += f" (value {curie(value)})"
        rule = curie(shape) if shape is not None else "shacl"
        column = _columns_for(origin.sheet.kind, path)
        problem = Problem(
            origin.sheet.where, origin.row, column, f"{curie(focus)}: {message}", rule
        )
        if report.value(result, SH.resultSeverity) in (SH.Warning, SH.Info):
            warnings.append(str(problem))
        else:
            problems.append(problem)
    return sorted(problems, key=lambda p: (p.where, p.row or 0, p.column or "")), sorted(warnings)


def import_files(
    layout: Layout, files: Sequence[Path], *, kind: Kind | None = None, dry_run: bool = False
) -> ImportResult:
    """Import ``files`` (CSV or XLSX) into the catalogue at ``layout``, together.

    Raises :class:`ImportFailed` (bad input) or :class:`ShaclViolations` (rows that break the
    shapes), each listing every problem; in both cases nothing is written.
    """
    catalogue = load_catalogue(layout)
    sheets: list[Sheet] = []
    problems: list[Problem] = []
    targets: dict[Path, tuple[str, list[str]]] = {}
    for path in files:
        name = _display(layout, path)
        try:
            found = read_file(path, name, kind)
        except ImportFailed as failed:
            problems.extend(failed.problems)
            continue
        target = output_path(layout, path)
        if target in targets:
            problems.append(
                Problem(
                    name,
                    None,
                    None,
                    f"writes {layout.relative(target)} like "
                    f"{targets[target][0]}; rename one of them",
                    "output-exists",
                )
            )
        elif target.exists():
            problems.append(
                Problem(
                    name,
                    None,
                    None,
                    f"{layout.relative(target)} exists already; an import never overwrites data",
                    "output-exists",
                )
            )
        targets[target] = (name, [s.where for s in found])
        sheets.extend(found)
    if problems:
        raise ImportFailed(problems)
    order = list(Kind)
    sheets.sort(key=lambda s: order.index(s.kind))
    parsed, problems = parse_sheets(sheets, catalogue.graph)
    if problems:
        raise ImportFailed(problems)
    if not parsed.rows:
        raise ImportFailed(
            [Problem(", ".join(n for n, _ in targets.values()), None, None, "no rows", "empty")]
        )

    merged = new_graph()
    merged += catalogue.graph
    merged += parsed.graph
    violations, warnings = _shacl_problems(merged, catalogue.shapes, parsed)
    if violations:
        raise ShaclViolations(violations)

    outputs: dict[Path, bytes] = {}
    for target, (name, wheres) in targets.items():
        graph = new_graph()
        for where in wheres:
            graph += parsed.by_sheet.get(where, Graph())
        if len(graph) == 0:
            continue
        content = _turtle(graph, name)
        check = Graph().parse(data=content.decode("utf-8"), format="turtle")
        assert isomorphic(check, graph), "Turtle output does not round-trip"
        outputs[target] = content
    entities = {k: sum(1 for r in parsed.rows.values() if r.sheet.kind is k) for k in Kind}
    if not dry_run:
        write_atomically(outputs)
    return ImportResult(outputs, entities, tuple(warnings), dry_run)
