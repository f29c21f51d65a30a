"""Deterministic serialisation of a graph: the same triples give the same bytes.

Blank nodes get canonical labels (rdflib's RDF graph canonicalisation) so that their labels,
and the order rdflib's serialisers put them in, do not depend on parse order or hash seeds.
N-Triples lines are sorted; JSON-LD arrays that are sets in JSON-LD are sorted too.

Turtle is written by rdflib's own serialiser, fed from one pass over the triples instead of a
store lookup per subject and per name, so the bytes are rdflib's (see :class:`_TurtleWriter`).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from enum import StrEnum
from typing import IO, Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import RDF
from rdflib.plugins.serializers.nt import _quoteLiteral
from rdflib.plugins.serializers.turtle import VERB, TurtleSerializer
from rdflib.term import Node

from smartkg.catalogue import adopt_prefixes, new_graph

__all__ = ["RdfFormat", "canonical_graph", "serialize", "serialize_owned"]

_LIST_KEY = "@list"


class RdfFormat(StrEnum):
    """Output formats of ``build`` and ``export``."""

    TURTLE = "turtle"
    NT = "nt"
    JSONLD = "jsonld"

    @property
    def suffix(self) -> str:
        return {"turtle": ".ttl", "nt": ".nt", "jsonld": ".jsonld"}[self.value]


def _has_blank_nodes(triples: Iterable[Triple]) -> bool:
    return any(isinstance(node, BNode) for triple in triples for node in triple)


def canonical_graph(graph: Graph) -> Graph:
    """A copy of ``graph`` with canonical blank-node labels, the catalogue prefixes bound and
    the other prefixes ``graph`` binds kept."""
    out = new_graph()
    adopt_prefixes(out, graph)
    if _has_blank_nodes(graph):
        for triple in to_canonical_graph(graph):
            out.add(triple)
    else:
        out += graph
    return out


_FLUSH_EVERY = 8192  # pieces of text joined and encoded at a time

Triple = tuple[Node, Node, Node]


class _TurtleWriter(TurtleSerializer):
    """rdflib's Turtle serialiser, with the same output, made linear in practice.

    rdflib's ``preprocess`` asks for a prefixed name of every node of every triple and
    ``buildPredicateHash`` runs a store lookup per subject. Here one pass over ``triples`` (the
    graph's) keeps each subject's properties; a prefixed name that was found is remembered
    (finding it again has no side effect; one not found is looked for again, as rdflib does,
    since a prefix bound meanwhile may give one); text is encoded in large pieces. What
    decides the output (subject order, sorting, lists and nested blank nodes) is rdflib's code.
    """

    def __init__(self, store: Graph, triples: list[Triple]) -> None:
        super().__init__(store)
        self._triples = triples

    def reset(self) -> None:
        super().reset()
        self._properties: dict[Node, dict[Node, list[Node]]] = {}
        self._pnames: tuple[dict[URIRef, str], dict[URIRef, str]] = ({}, {})
        self._labels: tuple[dict[URIRef, str], dict[URIRef, str]] = ({}, {})
        self._pieces: list[str] = []
        self._encoded = io.BytesIO()

    def preprocess(self) -> None:
        properties = self._properties
        references = self._references
        subjects = self._subjects
        named, named_verbs = self._pnames
        keywords = self.keywords
        for s, p, o in self._triples:
            references[o] += 1
            subjects[s] = True
            properties.setdefault(s, {}).setdefault(p, []).append(o)
            # rdflib's preprocessTriple: get_pname of each node, for the prefixes it registers
            if s not in named:
                self.get_pname(s, gen_prefix=False)
            if p not in keywords and p not in named_verbs and not self._relative(p):
                self.get_pname(p, gen_prefix=True)
            if isinstance(o, Literal):
                if o.datatype and o.datatype not in named:
                    self.get_pname(o.datatype, gen_prefix=False)
            elif o not in named:
                self.get_pname(o, gen_prefix=False)
            if isinstance(p, BNode):
                references[p] += 1

    def _relative(self, node: Node) -> bool:
        base = self.base
        return (
            base is not None
            and isinstance(node, URIRef)
            and node.startswith(base)
            and "#" not in node.replace(base, "")
            and "/" not in node.replace(base, "")
        )

    def get_pname(self, uri: Node, gen_prefix: bool = True) -> str | None:
        if not isinstance(uri, URIRef):
            return None
        known = self._pnames[gen_prefix]
        name = known.get(uri)
        if name is None:
            name = super().get_pname(uri, gen_prefix)
            if name is not None:
                known[uri] = name
        return name

    def label(self, node: Node, position: int) -> str:
        if not isinstance(node, URIRef) or self.base is not None:
            return super().label(node, position)
        known = self._labels[position == VERB]
        text = known.get(node)
        if text is None:
            text = super().label(node, position)
            if node in self._pnames[position == VERB] or node == RDF.nil or node in self.keywords:
                known[node] = text  # not an IRI written in full: a prefix bound later may apply
        return text

    def buildPredicateHash(self, subject: Node) -> dict[Node, list[Node]]:
        return {p: list(objects) for p, objects in self._properties.get(subject, {}).items()}

    def write(self, text: str) -> None:
        self._pieces.append(text)
        if len(self._pieces) >= _FLUSH_EVERY:
            self._flush()

    def _flush(self) -> None:
        self._encoded.write("".join(self._pieces).encode(self.encoding, "replace"))
        self._pieces.clear()

    def serialize(
        self,
        stream: IO[bytes],
        base: str | None = None,
        encoding: str | None = None,
        spacious: bool | None = None,
        **kwargs: Any,
    ) -> None:
        tail = io.BytesIO()  # rdflib writes the final newline to the stream directly
        super().serialize(tail, base=base, encoding=encoding, spacious=spacious, **kwargs)
        self._flush()
        stream.write(self._encoded.getvalue())
        stream.write(tail.getvalue())


def _turtle(graph: Graph, triples: list[Triple]) -> bytes:
    out = io.BytesIO()
    _TurtleWriter(graph, triples).serialize(out, encoding="utf-8")
    return out.getvalue()


def _ntriples(triples: list[Triple]) -> bytes:
    """rdflib's N-Triples rows (``_nt_row``), IRIs and blank nodes written once each, sorted."""
    written: dict[Node, str] = {}

    def n3(node: Node) -> str:
        text = written.get(node)
        if text is None:
            text = written[node] = node.n3()
        return text

    lines = {
        f"{n3(s)} {n3(p)} {_quoteLiteral(o) if isinstance(o, Literal) else n3(o)} ."
        for s, p, o in triples
    }
    return ("\n".join(sorted(lines)) + "\n").encode("utf-8") if lines else b""


def _sorted_sets(value: Any, *, ordered: bool = False) -> Any:
    """Sort every JSON-LD array except ``@list`` contents (which are ordered)."""
    if isinstance(value, dict):
        return {k: _sorted_sets(v, ordered=k == _LIST_KEY) for k, v in value.items()}
    if isinstance(value, list):
        items = [_sorted_sets(v) for v in value]
        if ordered:
            return items
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def _jsonld(graph: Graph) -> bytes:
    context = {prefix: str(ns) for prefix, ns in sorted(graph.namespaces()) if prefix != "xml"}
    text = graph.serialize(format="json-ld", context=context, auto_compact=True)
    document = _sorted_sets(json.loads(text))
    return (json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode(
        "utf-8"
    )


def serialize(graph: Graph, fmt: RdfFormat) -> bytes:
    """``graph`` in ``fmt`` as UTF-8 bytes, byte-identical for equal graphs."""
    canonical = canonical_graph(graph)
    return _serialize_canonical(canonical, fmt, list(canonical))


def serialize_owned(
    graph: Graph, formats: tuple[RdfFormat, ...], triples: Iterable[Triple] = ()
) -> dict[RdfFormat, bytes]:
    """Like :func:`serialize` for each of ``formats``, without copying ``graph`` when it has no
    blank nodes: for a graph built with the catalogue's prefixes (:func:`load_catalogue`) that
    nobody else holds, as serialising may bind a generated prefix (``ns1``) on it.

    ``triples``, if given, are those of ``graph`` (``Catalogue.triples``), which spares reading
    them out of it; a count that does not match is ignored."""
    triples = list(triples)
    if len(triples) != len(graph):
        triples = list(graph)
    if _has_blank_nodes(triples):
        graph = canonical_graph(graph)
        triples = list(graph)
    return {fmt: _serialize_canonical(graph, fmt, triples) for fmt in formats}


def _serialize_canonical(canonical: Graph, fmt: RdfFormat, triples: list[Triple]) -> bytes:
    if fmt is RdfFormat.TURTLE:
        return _turtle(canonical, triples)
    if fmt is RdfFormat.NT:
        return _ntriples(triples)
    return _jsonld(canonical)
