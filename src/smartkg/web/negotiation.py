"""Choosing a representation of a page: HTML for browsers, RDF for programs.

``?format=`` wins when it names a representation; otherwise the ``Accept`` header is read as
RFC 9110 says (``q`` weights, ``type/*`` and ``*/*``; the most specific matching range gives a
representation its weight; ``q=0`` refuses it) and the heaviest offer wins, ties going to the
order of the offers (HTML first, so a client that accepts anything gets the page). No header
means the first offer. Nothing acceptable is ``None`` (the caller answers 406).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from smartkg.server.negotiation import MediaRange, parse_accept

__all__ = ["ENTITY_FORMATS", "Representation", "choose", "parse_accept"]


@dataclass(frozen=True)
class Representation:
    """One way to answer: its ``format=`` names, media types (the first is sent) and, for RDF,
    the rdflib serializer."""

    key: str
    names: tuple[str, ...]
    media_types: tuple[str, ...]
    rdflib_format: str | None = None
    charset: bool = True

    @property
    def content_type(self) -> str:
        media = self.media_types[0]
        return f"{media}; charset=utf-8" if self.charset else media


HTML_PAGE = Representation("html", ("html",), ("text/html", "application/xhtml+xml"))
TURTLE = Representation("turtle", ("ttl", "turtle"), ("text/turtle",), "turtle")
JSONLD = Representation(
    "jsonld", ("jsonld", "json-ld", "json"), ("application/ld+json", "application/json"), "json-ld"
)
NTRIPLES = Representation("ntriples", ("nt", "ntriples"), ("application/n-triples",), "nt")

#: What an entity, scheme or the ontology can be had as, in order of preference.
ENTITY_FORMATS: tuple[Representation, ...] = (HTML_PAGE, TURTLE, JSONLD, NTRIPLES)


def _weight(ranges: list[MediaRange], offer: Representation) -> float:
    best = -1
    weight = 0.0
    for media_type in offer.media_types:
        for media_range in ranges:
            specificity = media_range.specificity(media_type)
            if specificity > best:
                best, weight = specificity, media_range.q
    return weight if best >= 0 else 0.0


def choose(
    offers: Sequence[Representation], accept: str | None, format_name: str | None = None
) -> Representation | None:
    """The representation to send (see the module's docstring)."""
    if format_name:
        wanted = format_name.strip().lower()
        for offer in offers:
            if wanted in offer.names or wanted in offer.media_types:
                return offer
        return None
    if not accept or not accept.strip():
        return offers[0]
    ranges = parse_accept(accept)
    if not ranges:
        return offers[0]
    weighted = [(_weight(ranges, offer), -position, offer) for position, offer in enumerate(offers)]
    weight, _, chosen = max(weighted, key=lambda item: (item[0], item[1]))
    return chosen if weight > 0 else None
