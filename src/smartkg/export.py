"""``smartkg export``: the merged graph (ontology, vocabularies, data) in one RDF format."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from smartkg.atomic import write_atomically
from smartkg.catalogue import Layout, load_catalogue
from smartkg.serialize import RdfFormat, serialize

__all__ = ["export"]


def export(root: Path | Layout, fmt: RdfFormat, destination: Path | BinaryIO) -> int:
    """Serialise the merged graph in ``fmt`` to ``destination``; return its triple count.

    A path is written atomically (an error leaves any previous file untouched); a binary
    stream (e.g. ``sys.stdout.buffer``) is written as is.
    """
    catalogue = load_catalogue(root, include_shapes=False)
    content = serialize(catalogue.graph, fmt)
    if isinstance(destination, Path):
        write_atomically({destination: content})
    else:
        destination.write(content)
        destination.flush()
    return len(catalogue.graph)
