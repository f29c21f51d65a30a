"""The embedded SPARQL engine: the catalogue loaded into pyoxigraph, answers as plain rows.

rdflib parses and validates; pyoxigraph answers queries (DESIGN.md, "Engine and scale"). Results are
turned into rows of strings in the form of the SPARQL 1.1 CSV results format (IRIs in full, literals
by their lexical form, unbound as ""), so answers from any engine can be compared cell by cell.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyoxigraph
from rdflib import BNode, Graph, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.query import Result, ResultRow
from rdflib.term import Node

from smartkg.namespaces import XSD

__all__ = [
    "Rows",
    "Term",
    "TermRows",
    "cell",
    "load_store",
    "rows_of",
    "select",
    "select_with_rdflib",
    "terms_of",
]

Rows = tuple[tuple[str, ...], list[tuple[str, ...]]]
"""A SELECT answer: the variable names, then one tuple of cell strings per solution."""

Term = URIRef | RdfLiteral | BNode
"""An RDF term of a SELECT solution."""

TermRows = tuple[tuple[str, ...], list[tuple[Term | None, ...]]]
"""A SELECT answer with typed terms: the variable names, then one tuple per solution (None where
a variable is unbound). For output formats that keep datatypes and languages (SPARQL JSON)."""


def load_store(graph: Graph) -> pyoxigraph.Store:
    """A new in-memory pyoxigraph store holding every triple of ``graph``."""
    store = pyoxigraph.Store()
    data = graph.serialize(format="nt", encoding="utf-8")
    store.bulk_load(data, format=pyoxigraph.RdfFormat.N_TRIPLES)
    return store


def _oxigraph_cell(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, pyoxigraph.NamedNode | pyoxigraph.Literal):
        return term.value
    if isinstance(term, pyoxigraph.BlankNode):
        return f"_:{term.value}"
    raise TypeError(f"unexpected term in a SELECT solution: {term!r}")


def rows_of(solutions: object) -> Rows:
    """The variables and rows of pyoxigraph SELECT solutions."""
    if not isinstance(solutions, pyoxigraph.QuerySolutions):
        raise ValueError("not a SELECT query")
    variables = tuple(variable.value for variable in solutions.variables)
    rows = [tuple(_oxigraph_cell(solution[name]) for name in variables) for solution in solutions]
    return variables, rows


def _rdflib_term(term: object) -> Term | None:
    """A pyoxigraph term as the equal rdflib term; lexical forms are kept exactly as given."""
    if term is None:
        return None
    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return BNode(term.value)
    if isinstance(term, pyoxigraph.Literal):
        if term.language:
            return RdfLiteral(term.value, lang=term.language, normalize=False)
        datatype = term.datatype.value
        if datatype == str(XSD.string):  # an RDF 1.1 simple literal
            return RdfLiteral(term.value, normalize=False)
        return RdfLiteral(term.value, datatype=URIRef(datatype), normalize=False)
    raise TypeError(f"unexpected term in a SELECT solution: {term!r}")


def terms_of(solutions: object) -> TermRows:
    """The variables and rows of pyoxigraph SELECT solutions, as rdflib terms."""
    if not isinstance(solutions, pyoxigraph.QuerySolutions):
        raise ValueError("not a SELECT query")
    variables = tuple(variable.value for variable in solutions.variables)
    rows = [tuple(_rdflib_term(solution[name]) for name in variables) for solution in solutions]
    return variables, rows


def cell(term: Node | None) -> str:
    """A term as a cell of the SPARQL 1.1 CSV results format: IRIs in full, literals by their
    lexical form, blank nodes as ``_:label``, unbound as the empty string."""
    if term is None:
        return ""
    if isinstance(term, BNode):
        return term.n3()
    return str(term)


def select(store: pyoxigraph.Store, query: str) -> Rows:
    """Run a SELECT query on pyoxigraph and return its variables and rows."""
    return rows_of(store.query(query))


def _rdflib_cell(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, RdfLiteral):
        return str(term)
    return str(term) if not term.n3().startswith("_:") else term.n3()


def select_with_rdflib(graph: Graph, query: str) -> Rows:
    """Run a SELECT query on rdflib's own engine (the baseline); same row form as :func:`select`."""
    result: Result = graph.query(query)
    if result.type != "SELECT" or result.vars is None:
        raise ValueError("not a SELECT query")
    variables: Sequence[str] = [str(variable) for variable in result.vars]
    rows = []
    for row in result:
        assert isinstance(row, ResultRow)
        bound = row.asdict()
        rows.append(tuple(_rdflib_cell(bound.get(name)) for name in variables))
    return tuple(variables), rows
