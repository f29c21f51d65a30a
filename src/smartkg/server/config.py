"""The endpoint's settings and their defaults, checked once when the server is set up."""

from __future__ import annotations

import os
from dataclasses import dataclass

from smartkg.server.errors import ServerError

__all__ = [
    "DEFAULT_CACHE_MB",
    "DEFAULT_HOST",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_MEMORY_MB",
    "DEFAULT_MAX_REQUEST_BYTES",
    "DEFAULT_MAX_ROWS",
    "DEFAULT_PORT",
    "DEFAULT_TIMEOUT",
    "ServerConfig",
    "default_workers",
]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_ROWS = 10_000
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024
DEFAULT_MAX_MEMORY_MB = 2048
DEFAULT_CACHE_MB = 64


def default_workers() -> int:
    """Two to four query workers: one per CPU, at least two so that one slow query never
    leaves the endpoint without a free worker."""
    return min(4, max(2, os.cpu_count() or 2))


@dataclass(frozen=True)
class ServerConfig:
    """How ``smartkg serve`` runs.

    ``port`` 0 picks a free port. ``timeout`` (seconds) bounds each query's run, serialisation
    included; the worker running a query that exceeds it is killed and replaced. ``max_rows``
    caps the solutions of a SELECT and the triples of a CONSTRUCT or DESCRIBE, ``max_bytes`` the
    size of a response body and ``max_request_bytes`` the size of a request body.
    ``max_memory_mb`` limits each worker's address space (0: no limit), so that a query that
    builds huge intermediate results ends its own worker instead of exhausting the machine.
    ``max_waiting`` bounds the requests that wait for a free worker; beyond it the endpoint
    answers 503 at once. ``cache_mb`` is the budget of answers kept for repeated queries
    (:mod:`smartkg.server.answers`; 0: none kept, every query runs).
    """

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    workers: int = 0  # 0: default_workers()
    timeout: float = DEFAULT_TIMEOUT
    max_rows: int = DEFAULT_MAX_ROWS
    max_bytes: int = DEFAULT_MAX_BYTES
    max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES
    max_memory_mb: int = DEFAULT_MAX_MEMORY_MB
    max_waiting: int = 64
    cache_mb: int = DEFAULT_CACHE_MB
    startup_timeout: float = 60.0
    access_log: bool = False

    def __post_init__(self) -> None:
        checks = (
            (0 <= self.port <= 65535, "port must be between 0 and 65535"),
            (self.workers >= 0, "workers must be at least 1 (or 0 for the default)"),
            (self.timeout > 0, "timeout must be more than 0 seconds"),
            (self.max_rows >= 1, "max-rows must be at least 1"),
            (self.max_bytes >= 1024, "max-bytes must be at least 1024"),
            (self.max_request_bytes >= 1024, "max-request-bytes must be at least 1024"),
            (
                self.max_memory_mb == 0 or self.max_memory_mb >= 256,
                "max-memory must be 0 (no limit) or at least 256 MB",
            ),
            (self.max_waiting >= 1, "max-waiting must be at least 1"),
            (self.cache_mb >= 0, "cache-mb must be 0 (no cache) or more"),
            (self.startup_timeout > 0, "startup timeout must be more than 0 seconds"),
        )
        for ok, message in checks:
            if not ok:
                raise ServerError(message, rule="server-config")

    @property
    def worker_count(self) -> int:
        """The number of query workers (``workers``, or the default when 0)."""
        return self.workers or default_workers()
