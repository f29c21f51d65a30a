"""The SPARQL service description (W3C SPARQL 1.1 Service Description) of the endpoint.

Returned for ``GET /sparql`` without a query: the endpoint, the language it speaks (SPARQL 1.1
Query only: no update, no federation), every result format, the default dataset with its size,
and the limits in plain words.
"""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import VOID

from smartkg.namespaces import DCT, RDF, RDFS, bind_prefixes
from smartkg.server.config import ServerConfig
from smartkg.server.formats import GRAPH_FORMATS, RESULT_FORMATS, Format

__all__ = ["FORMATS", "SD", "ServiceDescription", "limits_text"]

#: The SPARQL 1.1 Service Description vocabulary (rdflib does not ship it).
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
#: The W3C registry of format IRIs (pyoxigraph names JSON-LD outside it).
FORMATS = Namespace("http://www.w3.org/ns/formats/")

_RDFLIB_FORMAT = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld", "rdfxml": "xml"}


def limits_text(config: ServerConfig) -> str:
    """The endpoint's rules and limits in one paragraph."""
    return (
        "Read-only SPARQL 1.1 Query endpoint of the smartkg catalogue. SPARQL Update, SERVICE "
        "and FROM / FROM NAMED (and the default-graph-uri / named-graph-uri parameters) are "
        f"refused. Each query may run {config.timeout:g} s (then 503); answers are cut at "
        f"{config.max_rows} rows (solutions or triples) or {config.max_bytes} bytes, announced "
        "by the X-Smartkg-Truncated header; request bodies may hold "
        f"{config.max_request_bytes} bytes."
    )


def _graph(endpoint: str, triples: int, config: ServerConfig) -> Graph:
    graph = bind_prefixes(Graph(bind_namespaces="none"))
    graph.bind("sd", SD)
    graph.bind("void", VOID)
    service = URIRef(endpoint)
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, service))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    graph.add((service, DCT.title, Literal("smartkg SPARQL endpoint", lang="en")))
    graph.add((service, RDFS.comment, Literal(limits_text(config), lang="en")))
    for fmt in (*RESULT_FORMATS, *GRAPH_FORMATS):
        graph.add((service, SD.resultFormat, FORMATS[fmt.w3c_name]))
    dataset = BNode("defaultDataset")
    default_graph = BNode("defaultGraph")
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, SD.defaultGraph, default_graph))
    graph.add((default_graph, RDF.type, SD.Graph))
    graph.add((default_graph, VOID.triples, Literal(triples)))
    return graph


class ServiceDescription:
    """The description of one endpoint, serialised once per format on first use."""

    def __init__(self, endpoint: str, triples: int, config: ServerConfig) -> None:
        self.graph = _graph(endpoint, triples, config)
        self._cache: dict[str, bytes] = {}

    def render(self, fmt: Format) -> bytes:
        """The description in graph format ``fmt``."""
        if fmt.key not in self._cache:
            self._cache[fmt.key] = self.graph.serialize(
                format=_RDFLIB_FORMAT[fmt.key], encoding="utf-8"
            )
        return self._cache[fmt.key]
