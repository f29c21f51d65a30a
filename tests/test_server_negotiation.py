"""Choosing the answer format from ``Accept`` (with q-values and wildcards) and ``format=``."""

from __future__ import annotations

import pytest

from smartkg.server.formats import GRAPH_FORMATS, RESULT_FORMATS, Kind
from smartkg.server.negotiation import choose_format, parse_accept

R, G = Kind.RESULTS, Kind.GRAPH


@pytest.mark.parametrize(
    ("kind", "accept", "expected"),
    [
        (R, None, "json"),
        (R, "", "json"),
        (R, "*/*", "json"),
        (R, "application/sparql-results+json", "json"),
        (R, "application/json", "json"),
        (R, "application/sparql-results+xml", "xml"),
        (R, "text/csv", "csv"),
        (R, "text/tab-separated-values", "tsv"),
        (R, "text/*", "csv"),
        (R, "text/csv;q=0.5, text/tab-separated-values", "tsv"),
        (R, "application/sparql-results+xml;q=0.9, */*;q=0.1", "xml"),
        (R, "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "xml"),
        (R, "application/sparql-results+json;charset=utf-8", "json"),
        (R, "TEXT/CSV", "csv"),
        (R, "*/*;q=0.1, application/sparql-results+json;q=0", "xml"),
        (R, "text/turtle", None),
        (R, "application/sparql-results+json;q=0", None),
        (R, "garbage", "json"),
        (G, None, "turtle"),
        (G, "*/*", "turtle"),
        (G, "text/turtle", "turtle"),
        (G, "application/turtle,text/turtle", "turtle"),
        (G, "application/n-triples", "ntriples"),
        (G, "application/ld+json", "jsonld"),
        (G, "application/json", "jsonld"),
        (G, "application/rdf+xml", "rdfxml"),
        (G, "application/xml", "rdfxml"),
        (G, "text/turtle;q=0.8, application/n-triples", "ntriples"),
        (G, "application/*", "ntriples"),
        (G, "text/csv", None),
        (G, "text/turtle;q=0, */*;q=0.5", "ntriples"),
    ],
)
def test_accept(kind: Kind, accept: str | None, expected: str | None) -> None:
    chosen = choose_format(kind, accept)
    assert (chosen.key if chosen else None) == expected


@pytest.mark.parametrize(
    ("kind", "names", "accept", "expected"),
    [
        (R, ["json"], "text/csv", "json"),
        (R, ["csv"], None, "csv"),
        (R, ["tsv", "text/tab-separated-values"], "*/*", "tsv"),
        (R, ["xml"], None, "xml"),
        (R, ["text/csv"], None, "csv"),
        (G, ["json"], None, "jsonld"),
        (G, ["json-ld", "application/ld+json"], None, "jsonld"),
        (G, ["xml"], None, "rdfxml"),
        (G, ["rdf+xml", "application/rdf+xml"], None, "rdfxml"),
        (G, ["n3"], None, "turtle"),
        (G, ["nt"], None, "ntriples"),
        # a name of the other kind (or none at all) leaves the choice to Accept
        (G, ["csv"], "application/n-triples", "ntriples"),
        (R, ["turtle"], None, "json"),
        (R, ["html"], "text/csv", "csv"),
    ],
)
def test_format_parameter(kind: Kind, names: list[str], accept: str | None, expected: str) -> None:
    chosen = choose_format(kind, accept, names)
    assert chosen is not None and chosen.key == expected


def test_every_format_is_reachable_by_its_media_type_and_names() -> None:
    for fmt in (*RESULT_FORMATS, *GRAPH_FORMATS):
        assert choose_format(fmt.kind, fmt.label) == fmt
        for name in fmt.names:
            assert choose_format(fmt.kind, None, [name]) == fmt


def test_parse_accept_skips_malformed_entries() -> None:
    ranges = parse_accept(
        "text/csv;q=abc, nonsense, */json, text/plain;q=2, text/tab-separated-values"
    )
    assert [(r.type, r.subtype, r.q) for r in ranges] == [("text", "tab-separated-values", 1.0)]
