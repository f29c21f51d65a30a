"""The catalogue on disk: where its files are, and how they are read into one graph.

A project root holds ``ontology/*.ttl``, ``ontology/vocab/*.ttl``, ``data/**/*.ttl`` and
``shapes/*.shapes.ttl``. Files are discovered in sorted order (by their path relative to the
root) and merged into plain :class:`rdflib.Graph` objects (pySHACL reports false violations on
oxrdflib-backed graphs). Each file is parsed with pyoxigraph, whose terms are turned into the
rdflib terms rdflib's own parser would give; a file pyoxigraph rejects, or one where the two
parsers could disagree, is parsed with rdflib instead, so errors read as before. Every subject
is indexed to the file(s) that define it, so a validation result can name the file to fix.

On request the data (not the shapes) also goes into a pyoxigraph store as it is parsed, for the
SHACL engine, which would otherwise copy the rdflib graph into one.
"""

from __future__ import annotations

import codecs
import contextlib
import gc
import hashlib
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import chain
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import IdentifiedNode, Node

from smartkg.errors import CatalogueError
from smartkg.namespaces import RDF, XSD, bind_prefixes

if TYPE_CHECKING:
    from smartkg.shacl.terms import StoreMirror

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
    "paused_gc",
]

TURTLE_SUFFIX = ".ttl"
SHAPES_SUFFIX = ".shapes.ttl"

# Characters IRIREF excludes in Turtle and N-Triples; an IRI holding one cannot be written back.
_BAD_IRI_CHARS = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_LINE_IN_MESSAGE = re.compile(r"\bline (\d+)\b")
# Where pyoxigraph's terms or prefixes could differ from rdflib's (rdflib keeps an explicit
# ^^xsd:string and a language tag's case, and binds a redeclared prefix its own way), the file
# is parsed with rdflib.
# The scans run on the file's bytes: a literal search there is several times faster.
_EXPLICIT_STRING_TYPE = re.compile(rb"\^\^\s*(?:<[^>]*string>|[^\s:]*:string\b)")
_UPPERCASE_LANGUAGE = re.compile(rb"@[a-z0-9-]*[A-Z]")  # a language tag when after a quote
_PREFIX_DIRECTIVE = re.compile(rb"(?:@prefix|\bprefix)\s+([^\s:<>]*):\s*<([^>]*)>", re.IGNORECASE)

Triple = tuple[Node, Node, Node]


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


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the block (no-op if already paused).

    Loading makes millions of long-lived objects and next to no cycles; every full
    collection walks them all, and their number keeps triggering more (about a third of a
    1M-triple load). They are still freed by reference counting.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


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
    _check_iri_set(
        {node for triple in graph for node in triple if isinstance(node, URIRef)}, text, base, where
    )


def _check_iri_set(iris: set[URIRef], text: str, base: str, where: str) -> None:
    """Reject the first IRI of ``iris`` in sorted order that :func:`_check_iris` rejects."""
    base_dir = base.rsplit("/", 1)[0] + "/"
    for iri in sorted(iris):
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


def _read_text(path: Path, where: str) -> tuple[bytes, str]:
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
    return raw, text


def _parse_with_rdflib(text: str, base: str, where: str) -> Graph:
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
    return graph


def parse_turtle(path: Path, *, name: str | None = None) -> tuple[Graph, bytes]:
    """Parse one Turtle file into a plain rdflib graph; return it with the file's bytes.

    Any failure becomes a :class:`CatalogueError` naming the file (``name``, default the path)
    and, where the parser says, the line.
    """
    where = name if name is not None else path.as_posix()
    raw, text = _read_text(path, where)
    return _parse_with_rdflib(text, path.resolve().as_uri(), where), raw


class _TermConverter:
    """pyoxigraph terms to the rdflib terms rdflib's Turtle parser makes of the same text.

    IRIs and literals are cached across files (a catalogue repeats them a lot); blank nodes
    are fresh per file, as two parses by rdflib would make them. Each IRI is converted once,
    so each is checked once (:meth:`take_new_iris`).
    """

    def __init__(self) -> None:
        self._terms: dict[object, Node] = {}
        self._literals: dict[Literal, Literal] = {}
        self._blank: dict[ox.BlankNode, BNode] = {}
        self._new_iris: list[URIRef] = []
        self._new_typed: list[tuple[ox.Literal, Literal]] = []
        self.merged_literals = False

    def start_file(self) -> None:
        self._blank = {}
        self.merged_literals = False

    @property
    def met_blank_nodes(self) -> bool:
        """Whether the current file has blank nodes."""
        return bool(self._blank)

    def take_new_typed_literals(self) -> list[tuple[ox.Literal, Literal]]:
        """(as parsed, as rdflib term) for the literals with a datatype other than xsd:string
        first met since the last call."""
        new, self._new_typed = self._new_typed, []
        return new

    def take_new_iris(self) -> list[URIRef]:
        """The IRIs first met since the last call."""
        new, self._new_iris = self._new_iris, []
        return new

    def term(self, node: object) -> Node:
        try:
            return self._terms[node]
        except KeyError:
            pass
        if isinstance(node, ox.BlankNode):
            return self._blank.setdefault(node, BNode())
        converted: Node
        if isinstance(node, ox.NamedNode):
            converted = URIRef(node.value)
            self._new_iris.append(converted)
        elif isinstance(node, ox.Literal):
            literal = self._literal(node)
            converted = self._literals.setdefault(literal, literal)
            if literal.datatype is not None:
                self._new_typed.append((node, literal))
            # rdflib normalises some lexical forms ("01" and "1" as xsd:integer): two
            # distinct triples for pyoxigraph may be one for rdflib
            self.merged_literals |= converted is not literal
        else:
            raise TypeError(f"unexpected term {node!r}")
        self._terms[node] = converted
        return converted

    @staticmethod
    def _literal(node: ox.Literal) -> Literal:
        if node.language:
            return Literal(node.value, lang=node.language)
        datatype = node.datatype.value
        if datatype == _XSD_STRING:
            return Literal(node.value)
        return Literal(node.value, datatype=URIRef(datatype))

    def triples(self, quads: Iterable[ox.Quad]) -> Iterator[Triple]:
        term = self.term
        for quad in quads:
            yield term(quad.subject), term(quad.predicate), term(quad.object)


_XSD_STRING = str(XSD.string)


def _declared_prefixes(data: bytes) -> list[tuple[str, str]] | None:
    """The prefix declarations of a file, or None when a prefix or a namespace is declared
    twice (rdflib and pyoxigraph then keep different bindings)."""
    declared = []
    lowered = data.lower()
    at = lowered.find(b"prefix")
    while at >= 0:
        start = at - 1 if at > 0 and data[at - 1] == ord("@") else at
        match = _PREFIX_DIRECTIVE.match(data, start)
        if match:
            prefix, namespace = match.groups()
            declared.append((prefix.decode("utf-8"), namespace.decode("utf-8")))
        at = lowered.find(b"prefix", at + 1)
    if len({prefix for prefix, _ in declared}) != len(declared):
        return None
    if len({namespace for _, namespace in declared}) != len(declared):
        return None
    return declared


def _may_differ_in_terms(data: bytes) -> bool:
    """Whether rdflib could make other terms of ``data`` than pyoxigraph: an explicit
    ``^^xsd:string`` (rdflib keeps it) or a language tag with a capital (rdflib keeps case)."""
    if _EXPLICIT_STRING_TYPE.search(data):
        return True
    return any(
        m.start() > 0 and data[m.start() - 1] in b"\"'" for m in _UPPERCASE_LANGUAGE.finditer(data)
    )


@dataclass(frozen=True)
class _ParsedFile:
    triples: list[Triple]  # without repeats
    namespaces: list[tuple[str, str]]
    # The same triples as pyoxigraph parsed them, when a store given them holds ``triples``:
    # no blank nodes (the parser keeps their labels, which files share) and no two literals
    # that rdflib made one.
    quads: set[ox.Quad] | None = None


def _parse_with_oxigraph(data: bytes, base: str, converter: _TermConverter) -> _ParsedFile | None:
    """The file's triples as rdflib terms, or None where rdflib's parser must decide."""
    if _may_differ_in_terms(data):
        return None
    declared = _declared_prefixes(data)
    if declared is None:
        return None
    converter.start_file()
    parser = ox.parse(data, format=ox.RdfFormat.TURTLE, base_iri=base)
    try:
        quads = set(parser)
    except SyntaxError:
        return None
    prefixes = sorted(parser.prefixes.items())
    if sorted(declared) != prefixes:  # a declaration the scan misread: let rdflib decide
        return None
    triples = list(converter.triples(quads))
    as_parsed: set[ox.Quad] | None = quads
    if converter.merged_literals:
        triples = list(set(triples))
        as_parsed = None
    if converter.met_blank_nodes:
        as_parsed = None
    return _ParsedFile(triples, [(prefix, ns) for prefix, ns in prefixes if prefix], as_parsed)


def _check_new_iris(iris: list[URIRef], text: str, base: str, where: str) -> None:
    """:func:`_check_iris` on the IRIs of a file not met in an earlier file (those passed)."""
    suspicious = {iri for iri in iris if iri.startswith("file:") or _BAD_IRI_CHARS.search(iri)}
    if suspicious:
        _check_iri_set(suspicious, text, base, where)


def _read_graph_file(
    path: Path, where: str, converter: _TermConverter
) -> tuple[_ParsedFile, bytes]:
    raw, text = _read_text(path, where)
    base = path.resolve().as_uri()
    data = raw[len(codecs.BOM_UTF8) :] if raw.startswith(codecs.BOM_UTF8) else raw
    parsed = _parse_with_oxigraph(data, base, converter)
    if parsed is None:
        graph = _parse_with_rdflib(text, base, where)
        namespaces = [(prefix, str(ns)) for prefix, ns in graph.namespaces() if prefix]
        return _ParsedFile(list(graph), namespaces), raw
    _check_new_iris(converter.take_new_iris(), text, base, where)
    return parsed, raw


@dataclass(frozen=True)
class Catalogue:
    """A parsed catalogue.

    ``graph`` merges ontology, vocabularies and data; ``shapes`` merges the SHACL shapes;
    ``index`` maps each subject to the file(s) it was defined in: the files that give it an
    ``rdf:type``, or, when none does, every file in which it is a subject. ``triples`` are the
    triples of ``graph`` as loaded, and ``mirror`` (when asked for) a pyoxigraph store holding
    them: both describe ``graph`` only while nobody changes it.
    """

    layout: Layout
    graph: Graph
    shapes: Graph
    files: tuple[SourceFile, ...]
    index: Mapping[IdentifiedNode, tuple[str, ...]] = field(repr=False)
    triples: tuple[Triple, ...] = field(default=(), repr=False, compare=False)
    mirror: StoreMirror | None = field(default=None, repr=False, compare=False)

    def files_of(self, node: Node) -> tuple[str, ...]:
        """The file(s) ``node`` is defined in; empty when it is never a subject."""
        if isinstance(node, IdentifiedNode):
            return self.index.get(node, ())
        return ()

    def files_with_role(self, role: Role) -> tuple[SourceFile, ...]:
        return tuple(f for f in self.files if f.role is role)


def _build_index(
    per_file: list[tuple[str, list[Triple]]],
) -> Mapping[IdentifiedNode, tuple[str, ...]]:
    typed: dict[IdentifiedNode, list[str]] = {}
    mentioned: dict[IdentifiedNode, list[str]] = {}
    rdf_type = {RDF.type}  # a set: its hash test skips URIRef.__eq__, which is Python code
    for name, triples in per_file:
        subjects = {s for s, _, _ in triples}
        for subject in subjects:
            if isinstance(subject, URIRef | BNode):
                mentioned.setdefault(subject, []).append(name)
        for subject in {s for s, p, _ in triples if p in rdf_type}:
            if isinstance(subject, URIRef | BNode):
                typed.setdefault(subject, []).append(name)
    index = {s: tuple(typed.get(s) or files) for s, files in mentioned.items()}
    return MappingProxyType(index)


def adopt_prefixes(target: Graph, source: Graph) -> None:
    """Bind on ``target`` the prefixes ``source`` declares whose prefix and namespace are both
    still unbound there (the catalogue's own prefixes always win)."""
    _adopt(target, [(prefix, str(namespace)) for prefix, namespace in source.namespaces()])


def _adopt(target: Graph, declared: Iterable[tuple[str, str]]) -> None:
    prefixes = {prefix for prefix, _ in target.namespaces()}
    namespaces = {str(namespace) for _, namespace in target.namespaces()}
    for prefix, namespace in sorted(declared):
        if prefix and prefix not in prefixes and namespace not in namespaces:
            target.bind(prefix, namespace, override=False)
            prefixes.add(prefix)
            namespaces.add(str(namespace))


def load_catalogue(
    root: Path | Layout, *, include_shapes: bool = True, with_store: bool = False
) -> Catalogue:
    """Discover, parse and merge every file of the catalogue under ``root``.

    ``with_store`` also loads the graph into a pyoxigraph store (``Catalogue.mirror``) for the
    SHACL engine.

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

    with paused_gc():
        return _merge(layout, [*graph_files, *shape_files], with_store)


class _StoreLoader:
    """The graph files' triples in a pyoxigraph store, with what reads them back as rdflib
    terms: a file pyoxigraph parsed goes in as parsed, any other is converted."""

    def __init__(self) -> None:
        from smartkg.shacl.terms import to_ox  # the SHACL engine is imported only when needed

        self._to_ox = to_ox
        self._store = ox.Store()
        self._typed: list[tuple[ox.Literal, Literal]] = []
        self._terms: dict[Node, ox.NamedNode | ox.BlankNode | ox.Literal] = {}

    def add(self, parsed: _ParsedFile, typed: list[tuple[ox.Literal, Literal]]) -> None:
        """Add one file; ``typed`` are the typed literals the converter first met in it, as
        parsed and as rdflib terms (kept even when the file is converted: a later file may
        hold the same literal and go in as parsed)."""
        self._typed += typed
        if parsed.quads is not None:
            self._store.bulk_extend(parsed.quads)
            return
        self._store.bulk_extend(
            ox.Quad(self._term(s), self._term(p), self._term(o))  # type: ignore[arg-type]
            for s, p, o in parsed.triples
        )

    def _term(self, node: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        converted = self._terms.get(node)
        if converted is None:
            converted = self._terms[node] = self._to_ox(node)  # a blank node keeps its label
            if isinstance(node, Literal) and node.datatype not in (None, XSD.string):
                assert isinstance(converted, ox.Literal)
                self._typed.append((converted, node))
        return converted

    def mirror(self, graph: Graph) -> StoreMirror | None:
        """The store as the mirror of ``graph``; None if it merged triples rdflib keeps apart
        (the SHACL engine then copies ``graph`` itself, and decides)."""
        from smartkg.shacl.terms import mirror_store

        return mirror_store(self._store, graph, self._typed)


def _merge(layout: Layout, sources: list[tuple[Role, Path]], with_store: bool) -> Catalogue:
    merged = new_graph()
    shapes = new_graph()
    files: list[SourceFile] = []
    per_file: list[tuple[str, list[Triple]]] = []
    converter = _TermConverter()
    loader = _StoreLoader() if with_store else None
    for role, path in sources:
        name = layout.relative(path)
        parsed, raw = _read_graph_file(path, name, converter)
        # the graph files come first: a literal first met in a shapes file is not data
        typed = converter.take_new_typed_literals()
        files.append(SourceFile(name, role, hashlib.sha256(raw).hexdigest(), len(parsed.triples)))
        into = shapes if role is Role.SHAPES else merged
        add = into.store.add  # what Graph.add calls, without its per-triple type checks
        for triple in parsed.triples:
            add(triple, into, False)
        _adopt(into, parsed.namespaces)
        if role is not Role.SHAPES:
            per_file.append((name, parsed.triples))
            if loader is not None:
                loader.add(parsed, typed)
    triples = tuple(dict.fromkeys(chain.from_iterable(t for _, t in per_file)))
    return Catalogue(
        layout=layout,
        graph=merged,
        shapes=shapes,
        files=tuple(files),
        index=_build_index(per_file),
        triples=triples,
        mirror=loader.mirror(merged) if loader is not None else None,
    )
