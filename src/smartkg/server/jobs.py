"""What goes between the pool and a query worker: a setup, then jobs out and outcomes back.

All are plain frozen dataclasses, pickled over a :mod:`multiprocessing.connection` socket.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from smartkg.server.snapshot import Snapshot

__all__ = ["Job", "Outcome", "Ready", "Setup", "Status", "Truncation"]


class Status(StrEnum):
    """How a query ended."""

    OK = "ok"
    MALFORMED = "malformed"  # pyoxigraph's parser rejected it
    NOT_ACCEPTABLE = "not-acceptable"  # no acceptable format for its kind of answer
    FAILED = "failed"  # evaluation raised an error
    OUT_OF_MEMORY = "out-of-memory"  # the worker ran out of memory
    TIMEOUT = "timeout"  # the worker was killed at the time limit
    CRASHED = "crashed"  # the worker died while running it
    BUSY = "busy"  # no worker became free in time


@dataclass(frozen=True)
class Job:
    """One query to run. ``results_format`` and ``graph_format`` are the format keys the client
    accepts for SELECT/ASK and CONSTRUCT/DESCRIBE answers (None: none acceptable)."""

    query: str
    base_iri: str | None
    results_format: str | None
    graph_format: str | None
    max_rows: int
    max_bytes: int


@dataclass(frozen=True)
class Truncation:
    """An answer cut short: by ``rows`` (solutions or triples) or by ``bytes``, at ``limit``;
    ``returned`` rows were kept."""

    reason: str
    limit: int
    returned: int

    @property
    def header(self) -> str:
        """The value of the ``X-Smartkg-Truncated`` response header, e.g. ``rows=10000``."""
        return f"{self.reason}={self.limit}"


@dataclass(frozen=True)
class Outcome:
    """The end of a job: the serialised answer (``format_key``) or a message."""

    status: Status
    body: bytes = b""
    format_key: str | None = None
    message: str = ""
    truncation: Truncation | None = None
    rows: int | None = None
    cached: bool = False  # given from the answer cache, not run for this request


@dataclass(frozen=True)
class Ready:
    """A worker's first message: its store is loaded (``triples``), or ``error`` says why not."""

    triples: int
    error: str | None = None


@dataclass(frozen=True)
class Setup:
    """A worker's first message: the data to load, the prefixes to write graphs with, its
    memory limit (MB, 0: none) and the server's process id (it exits when that is gone)."""

    snapshot: Snapshot
    parent: int
    max_memory_mb: int = 0
    prefixes: Mapping[str, str] = field(default_factory=dict)
