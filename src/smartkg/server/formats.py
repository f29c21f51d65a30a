"""The answer formats of the endpoint: media types, ``format=`` names and pyoxigraph formats.

SELECT and ASK answers (*results*) come as SPARQL JSON, XML, CSV or TSV; CONSTRUCT and DESCRIBE
answers (*graphs*) as Turtle, N-Triples, JSON-LD or RDF/XML. The first format of each kind is the
default. Each format lists the media types that select it in an ``Accept`` header and the short
names that select it in a ``format=`` (or ``output=``) parameter; a name can mean one format per
kind (``json`` is SPARQL JSON for SELECT and JSON-LD for CONSTRUCT, ``xml`` SPARQL XML or RDF/XML).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import pyoxigraph

__all__ = [
    "GRAPH_FORMATS",
    "GRAPH_SERIALISATION",
    "RESULTS_SERIALISATION",
    "RESULT_FORMATS",
    "Format",
    "Kind",
    "format_by_key",
    "formats_of",
    "graph_format",
    "results_format",
]


class Kind(StrEnum):
    """What a query form answers with."""

    RESULTS = "results"  # SELECT, ASK
    GRAPH = "graph"  # CONSTRUCT, DESCRIBE


@dataclass(frozen=True)
class Format:
    """One answer format."""

    key: str
    kind: Kind
    media_type: str
    """The ``Content-Type`` of the response."""
    accepts: tuple[str, ...]
    """Media types (lower case, without parameters) that select this format in ``Accept``."""
    names: tuple[str, ...]
    """Values (lower case) that select this format in ``format=``."""
    w3c_name: str
    """The format's local name in the W3C registry ``http://www.w3.org/ns/formats/``."""

    @property
    def label(self) -> str:
        """The canonical media type without parameters."""
        return self.media_type.split(";", 1)[0]


_R = pyoxigraph.QueryResultsFormat
_G = pyoxigraph.RdfFormat
_UTF8 = "; charset=utf-8"

RESULT_FORMATS: tuple[Format, ...] = (
    Format(
        "json",
        Kind.RESULTS,
        _R.JSON.media_type,
        (_R.JSON.media_type, "application/json"),
        ("json", "srj"),
        "SPARQL_Results_JSON",
    ),
    Format(
        "xml",
        Kind.RESULTS,
        _R.XML.media_type,
        (_R.XML.media_type, "application/xml", "text/xml"),
        ("xml", "srx"),
        "SPARQL_Results_XML",
    ),
    Format(
        "csv",
        Kind.RESULTS,
        _R.CSV.media_type.split(";")[0] + _UTF8,
        ("text/csv",),
        ("csv",),
        "SPARQL_Results_CSV",
    ),
    Format(
        "tsv",
        Kind.RESULTS,
        _R.TSV.media_type.split(";")[0] + _UTF8,
        ("text/tab-separated-values",),
        ("tsv",),
        "SPARQL_Results_TSV",
    ),
)

GRAPH_FORMATS: tuple[Format, ...] = (
    Format(
        "turtle",
        Kind.GRAPH,
        _G.TURTLE.media_type + _UTF8,
        (_G.TURTLE.media_type, "application/turtle", "application/x-turtle"),
        ("turtle", "ttl", "n3"),
        "Turtle",
    ),
    Format(
        "ntriples",
        Kind.GRAPH,
        _G.N_TRIPLES.media_type,
        (_G.N_TRIPLES.media_type,),
        ("nt", "ntriples", "n-triples"),
        "N-Triples",
    ),
    Format(
        "jsonld",
        Kind.GRAPH,
        _G.JSON_LD.media_type,
        (_G.JSON_LD.media_type, "application/x-json+ld", "application/json"),
        ("json-ld", "jsonld", "json"),
        "JSON-LD",
    ),
    Format(
        "rdfxml",
        Kind.GRAPH,
        _G.RDF_XML.media_type,
        (_G.RDF_XML.media_type, "application/xml", "text/xml"),
        ("rdf+xml", "rdfxml", "rdf", "xml"),
        "RDF_XML",
    ),
)

_BY_KEY = {f.key: f for f in (*RESULT_FORMATS, *GRAPH_FORMATS)}

#: pyoxigraph's serialisation format of each format key.
RESULTS_SERIALISATION = {"json": _R.JSON, "xml": _R.XML, "csv": _R.CSV, "tsv": _R.TSV}
GRAPH_SERIALISATION = {
    "turtle": _G.TURTLE,
    "ntriples": _G.N_TRIPLES,
    "jsonld": _G.JSON_LD,
    "rdfxml": _G.RDF_XML,
}


def formats_of(kind: Kind) -> tuple[Format, ...]:
    """The formats of ``kind``, the default first."""
    return RESULT_FORMATS if kind is Kind.RESULTS else GRAPH_FORMATS


def format_by_key(key: str) -> Format:
    """The format called ``key`` (``json``, ``turtle`` …)."""
    return _BY_KEY[key]


def _format(key: str, kind: Kind) -> Format:
    found = _BY_KEY.get(key)
    if found is None or found.kind is not kind:
        raise KeyError(f"no {kind.value} format {key!r}")
    return found


def results_format(key: str) -> Format:
    """The SELECT/ASK format called ``key``."""
    return _format(key, Kind.RESULTS)


def graph_format(key: str) -> Format:
    """The CONSTRUCT/DESCRIBE format called ``key``."""
    return _format(key, Kind.GRAPH)
