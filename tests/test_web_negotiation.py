"""Choosing HTML or RDF for a page: ``?format=`` first, then ``Accept`` with q-values."""

from __future__ import annotations

import pytest

from smartkg.web.negotiation import ENTITY_FORMATS, choose


@pytest.mark.parametrize(
    ("accept", "format_name", "expected"),
    [
        (None, None, "html"),
        ("", None, "html"),
        ("*/*", None, "html"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", None, "html"),
        ("text/turtle", None, "turtle"),
        ("text/turtle;q=0.9, text/html;q=0.5", None, "turtle"),
        ("application/ld+json", None, "jsonld"),
        ("application/json", None, "jsonld"),
        ("application/n-triples", None, "ntriples"),
        ("text/*", None, "html"),
        ("text/html;q=0, text/*", None, "turtle"),
        ("TEXT/TURTLE", None, "turtle"),
        ("garbage", None, "html"),
        ("image/png", None, None),
        ("text/html;q=0", None, None),
        ("text/html", "ttl", "turtle"),
        ("text/turtle", "html", "html"),
        (None, "jsonld", "jsonld"),
        (None, "json-ld", "jsonld"),
        (None, "nt", "ntriples"),
        (None, "text/turtle", "turtle"),
        (None, "xml", None),
    ],
)
def test_choose(accept: str | None, format_name: str | None, expected: str | None) -> None:
    chosen = choose(ENTITY_FORMATS, accept, format_name)
    assert (chosen.key if chosen else None) == expected


def test_every_rdf_representation_names_an_rdflib_serializer() -> None:
    rdf = [offer for offer in ENTITY_FORMATS if offer.rdflib_format is not None]
    assert {offer.key for offer in rdf} == {"turtle", "jsonld", "ntriples"}
    assert ENTITY_FORMATS[0].key == "html"
