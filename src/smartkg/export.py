"""``smartkg export``: the merged graph (ontology, vocabularies, data) in one RDF format, or
the city network (GraphML, GEXF, Cytoscape.js JSON) and CSV tables built from it.

The network and the tables are read through SPARQL (:func:`smartkg.engine.engine_for`): from the
embedded store, or from a store's endpoint (``--endpoint`` / ``SMARTKG_ENDPOINT``) with the same
output."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from smartkg.atomic import write_atomically
from smartkg.catalogue import Layout, load_catalogue
from smartkg.engine import engine_for
from smartkg.graphexport.formats import GraphFormat, graph_bytes
from smartkg.graphexport.network import build_graph
from smartkg.graphexport.tables import write_tables
from smartkg.serialize import RdfFormat, serialize

__all__ = [
    "CSV_DIR",
    "SIMILAR_PEERS",
    "GraphFormat",
    "export",
    "export_network",
    "export_tables",
    "similarity_pairs",
]

#: Where ``--format csv`` writes without ``--output``: ROOT/build/csv/.
CSV_DIR = "csv"
#: ``--with-similarity`` links each city to this many of its closest peers.
SIMILAR_PEERS = 3


def _layout(root: Path | Layout) -> Layout:
    return root if isinstance(root, Layout) else Layout(Path(root))


def _write(content: bytes, destination: Path | BinaryIO) -> None:
    if isinstance(destination, Path):
        write_atomically({destination: content})
    else:
        destination.write(content)
        destination.flush()


def export(root: Path | Layout, fmt: RdfFormat, destination: Path | BinaryIO) -> int:
    """Serialise the merged graph in ``fmt`` to ``destination``; return its triple count.

    A path is written atomically (an error leaves any previous file untouched); a binary
    stream (e.g. ``sys.stdout.buffer``) is written as is.
    """
    catalogue = load_catalogue(root, include_shapes=False)
    _write(serialize(catalogue.graph, fmt), destination)
    return len(catalogue.graph)


def similarity_pairs(
    root: Path | Layout, peers: int = SIMILAR_PEERS, *, endpoint: str | None = None
) -> dict[tuple[str, str], float]:
    """Each city and its ``peers`` closest cities by the replication planner's similarity (the
    numbers ``smartkg similar`` prints), each unordered pair once, keyed in IRI order."""
    from smartkg.replication import open_planner, similar_cities  # numpy, scipy: lazily

    _, planner = open_planner(_layout(root), endpoint=endpoint)
    pairs: dict[tuple[str, str], float] = {}
    for city in planner.similarity.cities:
        for peer in similar_cities(planner, city, peers).peers:
            a, b = sorted((str(city), str(peer.city)))
            pairs[(a, b)] = peer.similarity
    return pairs


def export_network(
    root: Path | Layout,
    fmt: GraphFormat,
    destination: Path | BinaryIO,
    *,
    with_similarity: bool = False,
    endpoint: str | None = None,
) -> tuple[int, int]:
    """Write the city network (:func:`~smartkg.graphexport.network.build_graph`) in ``fmt``
    (GraphML, GEXF or Cytoscape JSON) to ``destination``, a path atomically; with
    ``with_similarity``, add ``similar-to`` edges. The catalogue is read from ``endpoint`` (else
    ``SMARTKG_ENDPOINT``) when given. Return the node and edge counts."""
    layout = _layout(root)
    engine = engine_for(layout, endpoint, include_derived=False)
    similarity = similarity_pairs(layout, endpoint=endpoint) if with_similarity else None
    graph = build_graph(engine, similarity=similarity)
    _write(graph_bytes(graph, fmt), destination)
    return graph.number_of_nodes(), graph.number_of_edges()


def export_tables(
    root: Path | Layout, out_dir: Path | None = None, *, endpoint: str | None = None
) -> list[Path]:
    """Write cities.csv, services.csv, certifications.csv and projects.csv (UTF-8 with BOM)
    into ``out_dir`` (default ROOT/build/csv/), atomically; return their paths. The catalogue
    is read from ``endpoint`` (else ``SMARTKG_ENDPOINT``) when given."""
    layout = _layout(root)
    engine = engine_for(layout, endpoint, include_derived=False)
    return write_tables(engine, out_dir if out_dir is not None else layout.build_dir / CSV_DIR)
