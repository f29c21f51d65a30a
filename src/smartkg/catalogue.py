"""The catalogue on disk: where its files are, and how they are read into one graph.

A project root holds ``ontology/*.ttl``, ``ontology/vocab/*.ttl``, ``data/**/*.ttl`` and
``shapes/*.shapes.ttl``. Files are discovered in sorted order (by their path relative to the
root), parsed with rdflib into plain :class:`rdflib.Graph` objects (pySHACL reports false
violations on oxrdflib-backed graphs) and merged. Every subject is indexed to the file(s) that
define it, so a validation result can name the file to fix.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType

from rdflib import BNode, Graph, URIRef
from rdflib.term import IdentifiedNode, Node

from smartkg.errors import CatalogueError
from smartkg.namespaces import RDF, bind_prefixes

__all__ = [
    "Catalogue",
    "Layout",
    "Role",
    "SourceFile",
    "adopt_prefixes",
    "find_root",
    "load_catalogue",
    "new_graph",
    "parse_turtle",
]

TURTLE_SUFFIX = ".ttl"
SHAPES_SUFFIX = ".shapes.ttl"

# Characters IRIREF excludes in Turtle and N-Triples; an IRI holding one cannot be written back.
_BAD_IRI_CHARS = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_LINE_IN_MESSAGE = re.compile(r"\bline (\d+)\b")


class Role(StrEnum):
    """What a catalogue file contributes."""

    ONTOLOGY = "ontology"
    VOCAB = "vocab"
    DATA = "data"
    SHAPES = "shapes"


@dataclass(frozen=True)
class SourceFile:
    """One parsed file: its path relative to the root (POSIX form), role, digest and size."""

    path: str
    role: Role
    sha256: str
    triples: int


def new_graph() -> Graph:
    """An empty in-memory rdflib graph with exactly the catalogue's prefixes bound."""
    return bind_prefixes(Graph(bind_namespaces="none"))


def _visible(paths: Iterable[Path]) -> list[Path]:
    return [p for p in paths if p.is_file() and not p.name.startswith(".")]


@dataclass(frozen=True)
class Layout:
    """Where a catalogue's files live under ``root``."""

    root: Path

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def vocab_dir(self) -> Path:
        return self.ontology_dir / "vocab"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def shapes_dir(self) -> Path:
        return self.root / "shapes"

    @property
    def build_dir(self) -> Path:
        return self.root / "build"

    def relative(self, path: Path) -> str:
        """``path`` relative to the root in POSIX form (as given if it lies outside the root)."""
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()

    def _sorted(self, paths: Iterable[Path]) -> list[Path]:
        return sorted(_visible(paths), key=self.relative)

    def ontology_files(self) -> list[Path]:
        return self._sorted(self.ontology_dir.glob(f"*{TURTLE_SUFFIX}"))

    def vocab_files(self) -> list[Path]:
        return self._sorted(self.vocab_dir.glob(f"*{TURTLE_SUFFIX}"))

    def data_files(self) -> list[Path]:
        return self._sorted(self.data_dir.glob(f"**/*{TURTLE_SUFFIX}"))

    def shape_files(self) -> list[Path]:
        return self._sorted(self.shapes_dir.glob(f"*{SHAPES_SUFFIX}"))

    def graph_files(self) -> list[tuple[Role, Path]]:
        """Ontology, vocabularies and data, in that order: the files of the merged graph."""
        return [
            *((Role.ONTOLOGY, p) for p in self.ontology_files()),
            *((Role.VOCAB, p) for p in self.vocab_files()),
            *((Role.DATA, p) for p in self.data_files()),
        ]


def find_root(start: Path) -> Path | None:
    """The nearest directory at or above ``start`` that holds both ``ontology/`` and ``data/``."""
    current = start.resolve()
    for candidate in (current, *current.parents):
        if (candidate / "ontology").is_dir() and (candidate / "data").is_dir():
            return candidate
    return None


def _line_of_offset(text: str, offset: int) -> int:
    return text.count("\n", 0, max(0, min(offset, len(text)))) + 1


def syntax_error_line(exc: BaseException) -> int | None:
    """The 1-based line of an rdflib parser exception, or None when it does not say.

    rdflib's Turtle parser raises ``BadSyntax`` holding the document (UTF-8 encoded) and the
    *character* offset of the error, plus a 0-based line counter. The offset is the precise
    one; it must be applied to the decoded text, not the bytes, or Korean text shifts it.
    """
    document = getattr(exc, "_str", None)
    offset = getattr(exc, "_i", None)
    if isinstance(offset, int) and isinstance(document, bytes | str):
        text = document.decode("utf-8", "replace") if isinstance(document, bytes) else document
        if 0 <= offset <= len(text):
            return _line_of_offset(text, offset)
    lines = getattr(exc, "lines", None)
    if isinstance(lines, int) and not isinstance(lines, bool) and lines >= 0:
        return lines + 1
    match = _LINE_IN_MESSAGE.search(str(exc))
    return int(match.group(1)) if match else None


def _syntax_error_reason(exc: BaseException) -> str:
    why = getattr(exc, "_why", None)
    if isinstance(why, str) and why:
        return why
    first_line = str(exc).strip().splitlines()
    return first_line[0] if first_line else type(exc).__name__


def _find_line(text: str, needle: str) -> int | None:
    offset = text.find(needle)
    return None if offset < 0 else _line_of_offset(text, offset)


def _check_iris(graph: Graph, text: str, base: str, where: str) -> None:
    """Reject IRIs that would make the build unportable or unserialisable."""
    base_dir = base.rsplit("/", 1)[0] + "/"
    nodes = sorted({node for triple in graph for node in triple if isinstance(node, URIRef)})
    for iri in nodes:
        if iri.startswith("file:"):
            relative = iri[len(base_dir) :] if iri.startswith(base_dir) else str(iri)
            raise CatalogueError(
                f"relative IRI <{relative}> resolves against the file's location; "
                "write it in full or with a prefix",
                path=where,
                line=_find_line(text, f"<{relative}>"),
                rule="absolute-iri",
            )
        if _BAD_IRI_CHARS.search(iri):
            raise CatalogueError(
                f"IRI <{iri}> contains a character not allowed in an IRI",
                path=where,
                line=_find_line(text, str(iri)),
                rule="iri-syntax",
            )


def parse_turtle(path: Path, *, name: str | None = None) -> tuple[Graph, bytes]:
    """Parse one Turtle file into a plain rdflib graph; return it with the file's bytes.

    Any failure becomes a :class:`CatalogueError` naming the file (``name``, default the path)
    and, where the parser says, the line.
    """
    where = name if name is not None else path.as_posix()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CatalogueError(
            f"cannot read file: {exc.strerror or exc}", path=where, rule="read"
        ) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise CatalogueError(
            f"not UTF-8: {exc.reason} at byte {exc.start}", path=where, line=line, rule="encoding"
        ) from exc
    base = path.resolve().as_uri()
    graph = Graph(bind_namespaces="none")
    try:
        graph.parse(data=text, format="turtle", publicID=base)
    except Exception as exc:  # rdflib raises SyntaxError subclasses and assorted others
        raise CatalogueError(
            f"Turtle syntax error: {_syntax_error_reason(exc)}",
            path=where,
            line=syntax_error_line(exc),
            rule="turtle-syntax",
        ) from exc
    _check_iris(graph, text, base, where)
    return graph, raw


@dataclass(frozen=True)
class Catalogue:
    """A parsed catalogue.

    ``graph`` merges ontology, vocabularies and data; ``shapes`` merges the SHACL shapes;
    ``index`` maps each subject to the file(s) it was defined in: the files that give it an
    ``rdf:type``, or, when none does, every file in which it is a subject.
    """

    layout: Layout
    graph: Graph
    shapes: Graph
    files: tuple[SourceFile, ...]
    index: Mapping[IdentifiedNode, tuple[str, ...]] = field(repr=False)

    def files_of(self, node: Node) -> tuple[str, ...]:
        """The file(s) ``node`` is defined in; empty when it is never a subject."""
        if isinstance(node, IdentifiedNode):
            return self.index.get(node, ())
        return ()

    def files_with_role(self, role: Role) -> tuple[SourceFile, ...]:
        return tuple(f for f in self.files if f.role is role)


def _build_index(
    per_file: list[tuple[str, Graph]],
) -> Mapping[IdentifiedNode, tuple[str, ...]]:
    typed: dict[IdentifiedNode, list[str]] = {}
    mentioned: dict[IdentifiedNode, list[str]] = {}
    for name, graph in per_file:
        for subject in graph.subjects(unique=True):
            if not isinstance(subject, URIRef | BNode):
                continue
            mentioned.setdefault(subject, []).append(name)
            if (subject, RDF.type, None) in graph:
                typed.setdefault(subject, []).append(name)
    index = {s: tuple(typed.get(s) or files) for s, files in mentioned.items()}
    return MappingProxyType(index)


def adopt_prefixes(target: Graph, source: Graph) -> None:
    """Bind on ``target`` the prefixes ``source`` declares whose prefix and namespace are both
    still unbound there (the catalogue's own prefixes always win)."""
    prefixes = {prefix for prefix, _ in target.namespaces()}
    namespaces = {str(namespace) for _, namespace in target.namespaces()}
    for prefix, namespace in sorted(source.namespaces()):
        if prefix and prefix not in prefixes and str(namespace) not in namespaces:
            target.bind(prefix, namespace, override=False)
            prefixes.add(prefix)
            namespaces.add(str(namespace))


def load_catalogue(root: Path | Layout, *, include_shapes: bool = True) -> Catalogue:
    """Discover, parse and merge every file of the catalogue under ``root``.

    Raises :class:`CatalogueError` on the first file that cannot be read or parsed, and when
    the root holds no graph files at all.
    """
    layout = root if isinstance(root, Layout) else Layout(Path(root))
    if not layout.root.is_dir():
        raise CatalogueError("catalogue root is not a directory", path=str(layout.root))
    graph_files = layout.graph_files()
    if not graph_files:
        raise CatalogueError(
            "no Turtle files found (ontology/*.ttl, ontology/vocab/*.ttl, data/**/*.ttl)",
            path=str(layout.root),
            rule="layout",
        )
    shape_files = [(Role.SHAPES, p) for p in layout.shape_files()] if include_shapes else []

    merged = new_graph()
    shapes = new_graph()
    files: list[SourceFile] = []
    per_file: list[tuple[str, Graph]] = []
    for role, path in [*graph_files, *shape_files]:
        name = layout.relative(path)
        parsed, raw = parse_turtle(path, name=name)
        files.append(SourceFile(name, role, hashlib.sha256(raw).hexdigest(), len(parsed)))
        into = shapes if role is Role.SHAPES else merged
        into += parsed
        adopt_prefixes(into, parsed)
        if role is not Role.SHAPES:
            per_file.append((name, parsed))
    return Catalogue(
        layout=layout,
        graph=merged,
        shapes=shapes,
        files=tuple(files),
        index=_build_index(per_file),
    )
