"""Graph exports of the catalogue: the city network (GraphML, GEXF, Cytoscape.js JSON) and
CSV tables.

- :mod:`~smartkg.graphexport.network`: the networkx graph of cities, service types, domains
  and programmes, and its Cytoscape elements (shared with the web page ``/network``).
- :mod:`~smartkg.graphexport.formats`: GraphML, GEXF and Cytoscape JSON bytes.
- :mod:`~smartkg.graphexport.tables`: ``cities.csv``, ``services.csv``, ``certifications.csv``,
  ``projects.csv`` (UTF-8 with BOM).
"""

from smartkg.graphexport.network import Network, build_graph, cytoscape_network

__all__ = ["Network", "build_graph", "cytoscape_network"]
