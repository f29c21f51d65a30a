"""The city network in GraphML, GEXF and Cytoscape.js JSON, as deterministic UTF-8 bytes.

GraphML and GEXF are written by networkx (attribute types: ``string``, ``long``/``integer``,
``double``), so that ``networkx.read_graphml`` / ``read_gexf`` and Gephi read every attribute
back with its type. Lists are joined with ``;`` (``certification_years``). The Cytoscape file is
what ``/network.json`` serves: ``{"elements": {"nodes", "edges"}, "legend"}``.
"""

from __future__ import annotations

import re
from enum import StrEnum

import networkx as nx

from smartkg.graphexport.network import cytoscape_network

__all__ = ["GraphFormat", "graph_bytes"]

#: networkx stamps today's date into GEXF's <meta>; builds are reproducible, so it is removed.
_GEXF_DATE = re.compile(r' lastmodifieddate="[^"]*"')


class GraphFormat(StrEnum):
    """Network formats of ``smartkg export`` (beside the RDF ones), and ``csv`` tables."""

    GRAPHML = "graphml"
    GEXF = "gexf"
    CYTOSCAPE = "cytoscape"
    CSV = "csv"

    @property
    def suffix(self) -> str:
        return {"graphml": ".graphml", "gexf": ".gexf", "cytoscape": ".json", "csv": ""}[self.value]


def graph_bytes(graph: nx.DiGraph, fmt: GraphFormat) -> bytes:
    """``graph`` (from :func:`~smartkg.graphexport.network.build_graph`) in ``fmt``."""
    if fmt is GraphFormat.GRAPHML:
        text = "\n".join(nx.generate_graphml(graph, encoding="utf-8", prettyprint=True))
    elif fmt is GraphFormat.GEXF:
        text = "\n".join(nx.generate_gexf(graph, encoding="utf-8", prettyprint=True))
        text = _GEXF_DATE.sub("", text, count=1)
    elif fmt is GraphFormat.CYTOSCAPE:
        text = cytoscape_network(graph).to_json()
    else:
        raise ValueError(f"{fmt.value} is not a network format")
    return (text.rstrip("\n") + "\n").encode("utf-8")
