"""Copying an rdflib graph into a pyoxigraph store, and reading terms back as rdflib terms.

Oxigraph stores numbers, booleans and dates in canonical form ("01"^^xsd:integer comes back as
"1"), while pySHACL reports the literal as written. The original of every literal whose form
changes is remembered so that reported values read back as written; when two literals written
differently become one term, reading that term back is ambiguous and raises
:class:`AmbiguousTerm`; when that merges two triples, the graph cannot be mirrored at all.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from smartkg.namespaces import RDF, XSD

__all__ = [
    "AmbiguousTerm",
    "NotMirrorable",
    "OxTerm",
    "StoreMirror",
    "mirror_graph",
    "mirror_store",
    "to_ox",
]

OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal
_XSD_STRING = str(XSD.string)
_LANG_STRING = str(RDF.langString)


class NotMirrorable(Exception):
    """The graph cannot be copied into oxigraph without merging distinct triples."""


class AmbiguousTerm(Exception):
    """A stored literal stands for two literals written differently in the source graph."""


def to_ox(node: Node) -> OxTerm:
    """The pyoxigraph term for an rdflib term."""
    if isinstance(node, URIRef):
        return ox.NamedNode(str(node))
    if isinstance(node, BNode):
        return ox.BlankNode(str(node))
    if isinstance(node, Literal):
        if node.language:
            return ox.Literal(str(node), language=node.language)
        if node.datatype is not None:
            return ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype)))
        return ox.Literal(str(node))
    raise TypeError(f"not an RDF term: {node!r}")


class StoreMirror:
    """A pyoxigraph store holding the triples of an rdflib graph, and the way back."""

    def __init__(
        self, store: ox.Store, originals: dict[ox.Literal, Literal], ambiguous: set[ox.Literal]
    ) -> None:
        self.store = store
        self._originals = originals
        self._ambiguous = ambiguous
        self._cache: dict[OxTerm, Node] = {}
        self.canonicalised_by: set[str] = set()  # predicates (IRIs) of the changed literals

    def to_rdflib(self, term: OxTerm) -> Node:
        """The rdflib term (as written in the source graph) for a term the store returned."""
        cached = self._cache.get(term)
        if cached is not None:
            return cached
        node: Node
        if term in self._ambiguous:
            raise AmbiguousTerm(f"{term} stands for several literals of the source graph")
        if isinstance(term, ox.NamedNode):
            node = URIRef(term.value)
        elif isinstance(term, ox.BlankNode):
            node = BNode(term.value)
        elif term in self._originals:
            node = self._originals[term]
        elif term.language is not None:
            node = Literal(term.value, lang=term.language)
        elif term.datatype.value == _XSD_STRING:
            node = Literal(term.value)
        else:
            node = Literal(term.value, datatype=URIRef(term.datatype.value))
        self._cache[term] = node
        return node


def _canonical_forms(literals: list[ox.Literal]) -> list[ox.Literal]:
    """What oxigraph makes of each literal once stored (it canonicalises on insertion)."""
    scratch = ox.Store()
    predicate = ox.NamedNode("urn:smartkg:canonical")
    scratch.extend(
        ox.Quad(ox.NamedNode(f"urn:smartkg:{index}"), predicate, literal)
        for index, literal in enumerate(literals)
    )
    forms: dict[int, ox.Literal] = {}
    for quad in scratch:
        obj = quad.object
        assert isinstance(obj, ox.Literal)
        forms[int(quad.subject.value.rsplit(":", 1)[1])] = obj
    return [forms[index] for index in range(len(literals))]


def mirror_graph(graph: Graph) -> StoreMirror:
    """Copy ``graph`` into a new in-memory store; raises :class:`NotMirrorable` (see module doc)."""
    # Keyed by plain strings where possible: rdflib terms compare in Python, str in C.
    iris: dict[str, ox.NamedNode] = {}
    blanks: dict[str, ox.BlankNode] = {}
    literals: dict[Literal, ox.Literal] = {}
    typed: list[tuple[ox.Literal, Literal]] = []

    def convert(node: Node) -> OxTerm:
        kind = type(node)
        if kind is URIRef:
            key = str(node)
            iri = iris.get(key)
            if iri is None:
                iri = iris[key] = ox.NamedNode(key)
            return iri
        if kind is BNode:
            key = str(node)
            blank = blanks.get(key)
            if blank is None:
                blank = blanks[key] = ox.BlankNode(key)
            return blank
        assert isinstance(node, Literal)
        literal: ox.Literal | None = literals.get(node)
        if literal is None:
            converted = to_ox(node)
            assert isinstance(converted, ox.Literal)
            literal = literals[node] = converted
            if node.datatype not in (None, XSD.string):
                typed.append((converted, node))
        return literal

    store = ox.Store()
    store.bulk_extend(
        ox.Quad(convert(s), convert(p), convert(o))  # type: ignore[arg-type]
        for s, p, o in graph
    )
    mirror = mirror_store(store, graph, typed)
    if mirror is None:
        raise NotMirrorable("oxigraph merged triples that rdflib keeps apart")
    return mirror


def mirror_store(
    store: ox.Store, graph: Graph, typed: Iterable[tuple[ox.Literal, Literal]]
) -> StoreMirror | None:
    """The mirror of ``graph`` in ``store``, which already holds its triples (in its default
    graph, blank nodes labelled as in ``graph``); None when the store merged triples.

    ``typed`` pairs each literal with a datatype other than xsd:string inserted into the store
    with its rdflib term in ``graph`` (pairs for literals not inserted only add ambiguity).
    """
    if len(store) != len(graph):
        return None
    pairs = list(dict.fromkeys(typed))
    # a stored form read back as written must not be another literal of the graph
    written = {literal for _, literal in pairs}
    originals: dict[ox.Literal, Literal] = {}
    ambiguous: set[ox.Literal] = set()
    changed: list[Literal] = []
    forms = _canonical_forms([inserted for inserted, _ in pairs])
    for (_, literal), form in zip(pairs, forms, strict=True):
        if form.value == str(literal) and form.datatype.value == str(literal.datatype):
            continue
        changed.append(literal)
        if originals.get(form, literal) != literal or _as_written(form) in written:
            ambiguous.add(form)
        originals[form] = literal
    for form in ambiguous:
        del originals[form]
    mirror = StoreMirror(store, originals, ambiguous)
    mirror.canonicalised_by = {
        str(predicate)
        for literal in dict.fromkeys(changed)
        for predicate in graph.predicates(None, literal)
    }
    return mirror


def _as_written(form: ox.Literal) -> Node:
    return Literal(form.value, datatype=URIRef(form.datatype.value))
