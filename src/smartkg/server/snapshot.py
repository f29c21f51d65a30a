"""The data the endpoint serves: the built catalogue's files, read once at start-up.

The server reads ``build/smartkg.nt`` and the derived graphs beside it
(``build/recommendations.ttl`` when present) into memory once and hands the same bytes to every
worker, so all workers, replacements included, answer from the same snapshot even if ``build/``
is rebuilt while the server runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph

from smartkg.catalogue import Layout
from smartkg.server.errors import ServerError

__all__ = ["GraphFile", "Snapshot", "load_snapshot"]

_NT = pyoxigraph.RdfFormat.N_TRIPLES.media_type
_TURTLE = pyoxigraph.RdfFormat.TURTLE.media_type


@dataclass(frozen=True)
class GraphFile:
    """One RDF file: a display name, its bytes and its media type."""

    name: str
    data: bytes
    media_type: str


@dataclass(frozen=True)
class Snapshot:
    """The files one store is loaded from."""

    files: tuple[GraphFile, ...]

    @property
    def size(self) -> int:
        """Total bytes."""
        return sum(len(part.data) for part in self.files)


def _read(path: Path, name: str, media_type: str) -> GraphFile:
    try:
        return GraphFile(name, path.read_bytes(), media_type)
    except OSError as exc:
        raise ServerError(f"cannot read file: {exc.strerror or exc}", path=name) from exc


def load_snapshot(root: Path | Layout) -> Snapshot:
    """The built catalogue of ``root`` (``build/smartkg.nt``) and its derived graphs.

    Raises :class:`~smartkg.server.errors.ServerError` when the catalogue has not been built.
    """
    from smartkg.build import GRAPH_NT
    from smartkg.engine import derived_files

    layout = root if isinstance(root, Layout) else Layout(Path(root))
    graph = layout.build_dir / GRAPH_NT
    if not graph.is_file():
        raise ServerError(
            "the catalogue is not built: run `smartkg build` (or `make serve`) first",
            path=layout.relative(graph),
            rule="not-built",
        )
    files = [_read(graph, layout.relative(graph), _NT)]
    files.extend(_read(path, layout.relative(path), _TURTLE) for path in derived_files(layout))
    return Snapshot(tuple(files))
