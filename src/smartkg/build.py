"""``smartkg build``: merge ontology, vocabularies and data into ``build/``, atomically.

Everything is parsed and checked before anything is written; the outputs then go to temporary
files in ``build/`` and are moved into place together, so an error leaves the previous build
untouched. The outputs are reproducible byte for byte: sorted N-Triples, canonical blank nodes,
no timestamps.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import URIRef

from smartkg.atomic import write_atomically
from smartkg.catalogue import Catalogue, Layout, load_catalogue, paused_gc
from smartkg.serialize import RdfFormat, serialize, serialize_owned

__all__ = [
    "GRAPH_NT",
    "GRAPH_TTL",
    "MANIFEST",
    "SHAPES_TTL",
    "BuildResult",
    "build",
    "manifest",
    "render_outputs",
]

GRAPH_TTL = "smartkg.ttl"
GRAPH_NT = "smartkg.nt"
SHAPES_TTL = "shapes.ttl"
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote, and the catalogue it was built from (validate it without a second
    load)."""

    out_dir: Path
    outputs: tuple[Path, ...]
    triples: int
    shape_triples: int
    files: int
    catalogue: Catalogue = field(repr=False, compare=False)


def _sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def manifest(catalogue: Catalogue, outputs: dict[str, bytes]) -> bytes:
    """The build manifest: input files with digests, output digests, subject -> file index.

    Only IRI subjects are listed (blank-node labels are not stable across parses).
    """
    subjects = {
        str(subject): list(files)
        for subject, files in catalogue.index.items()
        if isinstance(subject, URIRef)
    }
    document = {
        "triples": len(catalogue.graph),
        "shapeTriples": len(catalogue.shapes),
        "files": {
            f.path: {"role": f.role.value, "sha256": f.sha256, "triples": f.triples}
            for f in catalogue.files
        },
        "outputs": {name: _sha256(content) for name, content in outputs.items()},
        "subjects": subjects,
    }
    text = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    return text.encode("utf-8")


def render_outputs(catalogue: Catalogue) -> dict[str, bytes]:
    """The build's outputs for ``catalogue``, by file name, in the order they are written.

    ``catalogue`` is the build's own: its graph is serialised in place (it may gain a prefix).
    """
    graph = serialize_owned(catalogue.graph, (RdfFormat.TURTLE, RdfFormat.NT), catalogue.triples)
    contents = {
        GRAPH_TTL: graph[RdfFormat.TURTLE],
        GRAPH_NT: graph[RdfFormat.NT],
        SHAPES_TTL: serialize(catalogue.shapes, RdfFormat.TURTLE),
    }
    contents[MANIFEST] = manifest(catalogue, contents)
    return contents


def build(
    root: Path | Layout, out_dir: Path | None = None, *, with_store: bool = False
) -> BuildResult:
    """Build ``smartkg.ttl``, ``smartkg.nt``, ``shapes.ttl`` and ``manifest.json``.

    ``out_dir`` defaults to ``build/`` under the root; ``with_store`` loads the catalogue into
    a pyoxigraph store as well, so that validating ``BuildResult.catalogue`` copies nothing. Raises
    :class:`~smartkg.errors.CatalogueError` (bad input; nothing written) or
    :class:`~smartkg.errors.BuildError` (outputs could not be written; previous ones kept).
    """
    layout = root if isinstance(root, Layout) else Layout(Path(root))
    target = out_dir if out_dir is not None else layout.build_dir
    with paused_gc():
        catalogue = load_catalogue(layout, with_store=with_store)
        outputs = {target / name: content for name, content in render_outputs(catalogue).items()}
    write_atomically(outputs)
    return BuildResult(
        out_dir=target,
        outputs=tuple(outputs),
        triples=len(catalogue.graph),
        shape_triples=len(catalogue.shapes),
        files=len(catalogue.files),
        catalogue=catalogue,
    )
