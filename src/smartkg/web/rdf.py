"""RDF answers: a graph serialised as Turtle, JSON-LD or N-Triples, with the right headers."""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Graph, URIRef

from smartkg.namespaces import PREFIXES
from smartkg.web.negotiation import ENTITY_FORMATS, Representation
from smartkg.web.responses import WebResponse, text_body

__all__ = ["alternates", "not_acceptable", "rdf_response", "serialise"]


def _context(graph: Graph) -> dict[str, str]:
    """The catalogue prefixes that ``graph`` uses, for a compact JSON-LD ``@context``."""
    used: set[str] = set()
    for triple in graph:
        for term in triple:
            if isinstance(term, URIRef):
                used.add(str(term))
    return {
        prefix: str(namespace)
        for prefix, namespace in PREFIXES.items()
        if any(iri.startswith(str(namespace)) for iri in used)
    }


def serialise(graph: Graph, representation: Representation) -> bytes:
    """``graph`` in ``representation``'s RDF syntax, UTF-8."""
    if representation.rdflib_format is None:
        raise ValueError(f"{representation.key} is not an RDF syntax")
    if representation.rdflib_format == "json-ld":
        text = graph.serialize(format="json-ld", context=_context(graph), indent=2)
        return text.encode("utf-8")
    return graph.serialize(format=representation.rdflib_format, encoding="utf-8")


def alternates(path: str) -> list[tuple[str, str]]:
    """``Link`` headers naming the other representations of the page at ``path``."""
    return [
        (
            "Link",
            f'<{path}?format={offer.names[0]}>; rel="alternate"; type="{offer.media_types[0]}"',
        )
        for offer in ENTITY_FORMATS
        if offer.rdflib_format is not None
    ]


def rdf_response(
    graph: Graph, representation: Representation, headers: Iterable[tuple[str, str]] = ()
) -> WebResponse:
    return WebResponse(
        200,
        (
            ("Content-Type", representation.content_type),
            ("Vary", "Accept"),
            ("Access-Control-Allow-Origin", "*"),
            *headers,
        ),
        serialise(graph, representation),
    )


def not_acceptable(offers: Iterable[Representation]) -> WebResponse:
    listed = ", ".join(offer.media_types[0] for offer in offers)
    names = ", ".join(offer.names[0] for offer in offers)
    return text_body(
        406,
        f"none of the Accept header's types is available here; ask for one of {listed} "
        f"(or add ?format= with one of {names})",
        [("Vary", "Accept")],
    )
