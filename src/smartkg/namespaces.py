"""Every IRI base of the catalogue, declared once.

The rest of the package looks namespaces up here; no other module types an IRI string.
The prefixes are exactly those of ``docs/model.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import (
    DCTERMS,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    SH,
    SKOS,
    XSD,
    NamespaceManager,
)
from rdflib.term import Node

__all__ = [
    "AGENT",
    "AREA",
    "AWARD",
    "CERT",
    "CITY",
    "CKIND",
    "CPSV",
    "CSCHEME",
    "CSTATUS",
    "CV",
    "DCT",
    "DOCKIND",
    "DOM",
    "FIG",
    "ID",
    "LEVEL",
    "ORG",
    "OWL",
    "PREFIXES",
    "PROG",
    "PROJ",
    "PROV",
    "PTYPE",
    "RDF",
    "RDFS",
    "REC",
    "REGION",
    "ROUND",
    "RUN",
    "SCHEMA",
    "SCHEME",
    "SH",
    "SIZE",
    "SKG",
    "SKGSH",
    "SKOS",
    "SRC",
    "SSTATUS",
    "ST",
    "SVC",
    "TECH",
    "TG",
    "TRACK",
    "XSD",
    "bind_prefixes",
    "curie",
    "namespace_manager",
    "sparql_prefixes",
]

# The catalogue's own terms and shapes.
SKG: Final = Namespace("https://w3id.org/smartkg/ontology#")
SKGSH: Final = Namespace("https://w3id.org/smartkg/shapes#")

# Instances: https://w3id.org/smartkg/id/{type}/{slug}
ID: Final = Namespace("https://w3id.org/smartkg/id/")
CITY: Final = Namespace(ID["city/"])
SVC: Final = Namespace(ID["service/"])
CERT: Final = Namespace(ID["certification/"])
ROUND: Final = Namespace(ID["certification-round/"])
CSCHEME: Final = Namespace(ID["certification-scheme/"])
PROG: Final = Namespace(ID["programme/"])
TRACK: Final = Namespace(ID["programme-track/"])
PROJ: Final = Namespace(ID["project/"])
AWARD: Final = Namespace(ID["award/"])
FIG: Final = Namespace(ID["figure/"])
SRC: Final = Namespace(ID["source/"])
AGENT: Final = Namespace(ID["organisation/"])
SCHEME: Final = Namespace(ID["scheme/"])
ST: Final = Namespace(ID["service-type/"])
DOM: Final = Namespace(ID["domain/"])
TECH: Final = Namespace(ID["technology/"])
TG: Final = Namespace(ID["target-group/"])
SIZE: Final = Namespace(ID["size-class/"])
LEVEL: Final = Namespace(ID["admin-level/"])
REGION: Final = Namespace(ID["region/"])
PTYPE: Final = Namespace(ID["programme-type/"])
CKIND: Final = Namespace(ID["certification-kind/"])
CSTATUS: Final = Namespace(ID["certification-status/"])
SSTATUS: Final = Namespace(ID["service-status/"])
AREA: Final = Namespace(ID["evaluation-area/"])
DOCKIND: Final = Namespace(ID["document-kind/"])
# Derived by the replication planner (not facts of the sources).
REC: Final = Namespace(ID["recommendation/"])
RUN: Final = Namespace(ID["replication-run/"])

# Reused vocabularies that rdflib does not ship (or ships under another IRI).
SCHEMA: Final = Namespace("https://schema.org/")
CV: Final = Namespace("http://data.europa.eu/m8g/")
CPSV: Final = Namespace("http://purl.org/vocab/cpsv#")
DCT: Final = DCTERMS

#: prefix -> namespace, in the order of docs/model.md.
PREFIXES: Final[Mapping[str, Namespace]] = MappingProxyType(
    {
        "skg": SKG,
        "skgsh": SKGSH,
        "city": CITY,
        "svc": SVC,
        "cert": CERT,
        "round": ROUND,
        "cscheme": CSCHEME,
        "prog": PROG,
        "track": TRACK,
        "proj": PROJ,
        "award": AWARD,
        "fig": FIG,
        "src": SRC,
        "agent": AGENT,
        "scheme": SCHEME,
        "st": ST,
        "dom": DOM,
        "tech": TECH,
        "tg": TG,
        "size": SIZE,
        "level": LEVEL,
        "region": REGION,
        "ptype": PTYPE,
        "ckind": CKIND,
        "cstatus": CSTATUS,
        "sstatus": SSTATUS,
        "area": AREA,
        "dockind": DOCKIND,
        "rec": REC,
        "run": RUN,
        "rdf": Namespace(str(RDF)),
        "rdfs": Namespace(str(RDFS)),
        "owl": Namespace(str(OWL)),
        "xsd": Namespace(str(XSD)),
        "skos": Namespace(str(SKOS)),
        "dct": Namespace(str(DCTERMS)),
        "prov": Namespace(str(PROV)),
        "schema": SCHEMA,
        "org": Namespace(str(ORG)),
        "cv": CV,
        "cpsv": CPSV,
        "sh": Namespace(str(SH)),
    }
)


def sparql_prefixes(*names: str) -> str:
    """``PREFIX`` lines for the catalogue prefixes ``names``, for SPARQL text built in code."""
    return "".join(f"PREFIX {name}: <{PREFIXES[name]}>\n" for name in names)


def bind_prefixes(graph: Graph) -> Graph:
    """Bind every prefix of docs/model.md on ``graph``, replacing rdflib's defaults; return it."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def namespace_manager() -> NamespaceManager:
    """A fresh namespace manager that knows exactly the catalogue's prefixes."""
    return bind_prefixes(Graph(bind_namespaces="none")).namespace_manager


def curie(node: Node, manager: NamespaceManager | None = None) -> str:
    """``node`` as a prefixed name when a catalogue prefix covers it, else in its N3 form."""
    if isinstance(node, URIRef):
        nsm = manager if manager is not None else namespace_manager()
        try:
            return nsm.curie(str(node), generate=False)
        except (KeyError, ValueError):
            return node.n3()
    return node.n3()
