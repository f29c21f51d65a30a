"""Where SPARQL queries run: one small interface over the embedded store (and, later, endpoints).

Everything that reads the catalogue asks an :class:`SparqlEngine`; nothing else knows whether the
answers come from the embedded pyoxigraph store or another SPARQL 1.1 engine
(:class:`smartkg.remote.RemoteEngine`, chosen by :func:`engine_for`). Parameters are bound
as RDF terms through pyoxigraph's substitutions (RDF-dev SEP-0007), never pasted into query text;
a bound variable must therefore be projected by the query's SELECT clause.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

import pyoxigraph
from rdflib import BNode, Graph, Literal, URIRef

from smartkg.catalogue import Layout, load_catalogue, parse_turtle
from smartkg.store import Rows, TermRows, load_store, rows_of, terms_of

__all__ = [
    "DERIVED_FILES",
    "Bindings",
    "EmbeddedEngine",
    "SparqlEngine",
    "SparqlTermEngine",
    "catalogue_engine",
    "derived_files",
    "engine_for",
]

#: Derived graphs that ``build/`` may hold beside the catalogue (not facts of the sources), loaded
#: into the engine when present so that SPARQL can query them.
DERIVED_FILES = ("recommendations.ttl",)

OxigraphTerm = pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal | pyoxigraph.Triple

Bindings = Mapping[str, URIRef | Literal]
"""Variable name (without ``?``) → the RDF term it is bound to."""


class SparqlEngine(Protocol):
    """Answers SELECT queries with optional bound variables."""

    def select(self, query: str, bindings: Bindings | None = None) -> Rows: ...


class SparqlTermEngine(SparqlEngine, Protocol):
    """Also answers with typed RDF terms (for output formats that keep datatypes and languages)."""

    def select_terms(self, query: str, bindings: Bindings | None = None) -> TermRows: ...


def _oxigraph_term(term: URIRef | Literal) -> pyoxigraph.NamedNode | pyoxigraph.Literal:
    if isinstance(term, URIRef):
        return pyoxigraph.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return pyoxigraph.Literal(str(term), language=term.language)
        if term.datatype:
            return pyoxigraph.Literal(str(term), datatype=pyoxigraph.NamedNode(str(term.datatype)))
        return pyoxigraph.Literal(str(term))
    if isinstance(term, BNode):  # pragma: no cover - guarded by the type, kept for clarity
        raise TypeError("blank nodes cannot be bound as query parameters")
    raise TypeError(f"cannot bind {term!r}")


class EmbeddedEngine:
    """The catalogue in an in-memory pyoxigraph store."""

    def __init__(self, store: pyoxigraph.Store) -> None:
        self.store = store

    @classmethod
    def from_graph(cls, graph: Graph) -> EmbeddedEngine:
        return cls(load_store(graph))

    def _solutions(self, query: str, bindings: Bindings | None) -> object:
        substitutions: dict[pyoxigraph.Variable, OxigraphTerm] = {
            pyoxigraph.Variable(name): _oxigraph_term(term)
            for name, term in (bindings or {}).items()
        }
        return self.store.query(query, substitutions=substitutions or None)

    def select(self, query: str, bindings: Bindings | None = None) -> Rows:
        return rows_of(self._solutions(query, bindings))

    def select_terms(self, query: str, bindings: Bindings | None = None) -> TermRows:
        return terms_of(self._solutions(query, bindings))


def derived_files(layout: Layout) -> list[Path]:
    """The derived graphs of :data:`DERIVED_FILES` that exist in ``layout``'s build directory."""
    return [path for name in DERIVED_FILES if (path := layout.build_dir / name).is_file()]


def catalogue_engine(root: Path | Layout, *, include_derived: bool = True) -> EmbeddedEngine:
    """An embedded engine over the catalogue's merged graph (ontology, vocabularies, data).

    With ``include_derived`` (the default), the derived graphs of ``build/`` that exist
    (``build/recommendations.ttl``, written by ``smartkg replicate --write``) are loaded too, so
    that SPARQL can query them. A derived file that is not valid Turtle is a
    :class:`~smartkg.errors.CatalogueError` naming it.
    """
    catalogue = load_catalogue(root, include_shapes=False)
    graph = catalogue.graph
    if include_derived:
        for path in derived_files(catalogue.layout):
            parsed, _ = parse_turtle(path, name=catalogue.layout.relative(path))
            graph += parsed
    return EmbeddedEngine.from_graph(graph)


def engine_for(
    root: Path | Layout, endpoint: str | None = None, *, include_derived: bool = True
) -> SparqlTermEngine:
    """The engine the reading commands use: a :class:`~smartkg.remote.RemoteEngine` over
    ``endpoint`` (else the ``SMARTKG_ENDPOINT`` environment variable) when one is given, with the
    graph and credentials of the environment; otherwise :func:`catalogue_engine` over ``root``."""
    from smartkg.remote import RemoteEngine, endpoint_from_environment

    url = endpoint_from_environment(endpoint)
    if url is not None:
        return RemoteEngine.from_environment(url)
    return catalogue_engine(root, include_derived=include_derived)
