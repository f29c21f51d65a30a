"""``smartkg serve``: the endpoint assembled from its parts, and run until stopped.

:class:`SparqlServer` binds the socket (a busy port fails at once), starts the worker pool,
and routes ``/sparql`` to the SPARQL endpoint and ``/`` to the index page. :func:`serve` runs it
in the foreground, prints the endpoint's URL, and stops the workers on Ctrl-C or SIGTERM.
:func:`running` runs it in a background thread (for tests and embedding).

Given an existing store instead of a snapshot (``smartkg serve --endpoint URL``), the server
starts no worker: the web pages read the catalogue from the store, and ``/sparql`` redirects
to the store's own endpoint (:mod:`smartkg.server.store_redirect`).
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, TextIO

from smartkg.catalogue import Layout
from smartkg.namespaces import PREFIXES
from smartkg.server.answers import AnswerCache
from smartkg.server.app import App, Route
from smartkg.server.config import ServerConfig
from smartkg.server.description import ServiceDescription
from smartkg.server.endpoint import SparqlEndpoint
from smartkg.server.errors import ServerError
from smartkg.server.httpd import HttpServer
from smartkg.server.pages import IndexPage
from smartkg.server.pool import WorkerPool
from smartkg.server.snapshot import Snapshot, load_snapshot
from smartkg.server.store_redirect import StoreRedirect, public_url

if TYPE_CHECKING:
    from smartkg.remote import RemoteEngine

__all__ = ["SPARQL_PATH", "SparqlServer", "running", "serve"]

SPARQL_PATH = "/sparql"

_log = logging.getLogger("smartkg.server")


class SparqlServer:
    """The endpoint over ``snapshot`` (or, given ``store``, the redirect to that store's
    endpoint): :meth:`start`, then :meth:`serve_forever`."""

    def __init__(
        self,
        snapshot: Snapshot | None,
        config: ServerConfig | None = None,
        *,
        store: RemoteEngine | None = None,
    ) -> None:
        if (snapshot is None) == (store is None):
            raise ValueError("serve either a snapshot or a store")
        self.snapshot = snapshot
        self.store = store
        self.config = config if config is not None else ServerConfig()
        self.app = App()
        self._http: HttpServer | None = None
        self._pool: WorkerPool | None = None
        self.answers: AnswerCache | None = None  # None: every query runs (cache_mb 0)

    @property
    def http(self) -> HttpServer:
        if self._http is None:
            raise ServerError("the server is not started")
        return self._http

    @property
    def pool(self) -> WorkerPool:
        if self._pool is None:
            raise ServerError("the server is not started")
        return self._pool

    @property
    def url(self) -> str:
        """The server's root URL, ``http://host:port/``."""
        return self.http.url

    @property
    def endpoint_url(self) -> str:
        """The SPARQL endpoint's URL."""
        return self.url.rstrip("/") + SPARQL_PATH

    def start(self) -> None:
        """Bind the socket, start the workers (waiting until they hold the data), add routes."""
        config = self.config
        try:
            http = HttpServer(
                config.host,
                config.port,
                self.app,
                max_request_bytes=config.max_request_bytes,
                access_log=config.access_log,
            )
        except OSError as exc:
            raise ServerError(
                f"cannot listen on {config.host}:{config.port}: {exc.strerror or exc}",
                rule="listen",
            ) from exc
        if self.snapshot is None:
            assert self.store is not None
            self._http = http
            redirect = StoreRedirect(self.store.endpoint, self.store.default_graph)
            self.app.add(Route(SPARQL_PATH, redirect, StoreRedirect.methods))
            return
        pool = WorkerPool(
            self.snapshot,
            size=config.worker_count,
            prefixes={prefix: str(namespace) for prefix, namespace in PREFIXES.items()},
            max_memory_mb=config.max_memory_mb,
            startup_timeout=config.startup_timeout,
            max_waiting=config.max_waiting,
        )
        try:
            pool.start()
        except BaseException:
            http.server_close()
            raise
        self._http, self._pool = http, pool
        if config.cache_mb:
            self.answers = AnswerCache(pool, config.cache_mb * 1024 * 1024)
        endpoint = SparqlEndpoint(
            self.answers or pool,
            config,
            base_iri=self.endpoint_url,
            description=ServiceDescription(self.endpoint_url, pool.triples, config),
        )
        self.app.add(Route(SPARQL_PATH, endpoint, SparqlEndpoint.methods))
        self.app.add(Route("/", IndexPage(config, SPARQL_PATH)))

    def serve_forever(self) -> None:
        """Answer requests until :meth:`shutdown` is called (from another thread)."""
        self.http.serve_forever(poll_interval=0.2)

    def shutdown(self) -> None:
        """Make :meth:`serve_forever` return (call it from another thread)."""
        self.http.shutdown()

    def close(self) -> None:
        """Close the socket and stop every worker."""
        if self._http is not None:
            self._http.server_close()
        if self._pool is not None:
            self._pool.close()

    def __enter__(self) -> SparqlServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@contextmanager
def running(
    snapshot: Snapshot | None,
    config: ServerConfig | None = None,
    *,
    store: RemoteEngine | None = None,
) -> Iterator[SparqlServer]:
    """A started server answering in a background thread; stopped (workers too) on exit."""
    server = SparqlServer(snapshot, config, store=store)
    server.start()
    thread = threading.Thread(target=server.serve_forever, name="smartkg-http", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        thread.join(5.0)
        server.close()


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _configure_logging(access_log: bool) -> None:
    if _log.handlers:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("smartkg: %(message)s"))
    _log.addHandler(handler)
    _log.setLevel(logging.INFO if access_log else logging.WARNING)
    _log.propagate = False


def _served_text(server: SparqlServer) -> str:
    if server.store is not None:
        return (
            f"smartkg: serving {server.endpoint_url} as a redirect to the store at "
            f"{public_url(server.store.endpoint)}, which the pages read; Ctrl-C stops"
        )
    return (
        f"smartkg: serving {server.endpoint_url} ({server.pool.triples} triples, "
        f"{server.pool.size} workers, {server.config.timeout:g} s timeout); Ctrl-C stops"
    )


def serve(
    root: Path | Layout,
    config: ServerConfig | None = None,
    *,
    out: TextIO | None = None,
    endpoint: str | None = None,
) -> None:
    """Serve the built catalogue of ``root`` until Ctrl-C or SIGTERM; print the URL to ``out``
    (standard output) once the endpoint answers.

    With an ``endpoint`` (else ``SMARTKG_ENDPOINT``), the pages read the catalogue from that
    SPARQL 1.1 endpoint (graph and credentials from the environment, as every reading command)
    and ``/sparql`` redirects to it; nothing needs to be built.

    Raises :class:`~smartkg.server.errors.ServerError` when the catalogue is not built, the
    address cannot be bound or the workers cannot start, and
    :class:`~smartkg.remote.RemoteError` when the store cannot answer.
    """
    from smartkg.remote import RemoteEngine, endpoint_from_environment

    config = config if config is not None else ServerConfig()
    stream = out if out is not None else sys.stdout
    _configure_logging(config.access_log)
    url = endpoint_from_environment(endpoint)
    store = RemoteEngine.from_environment(url) if url is not None else None
    snapshot = load_snapshot(root) if store is None else None
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.getsignal(signal.SIGTERM) if in_main_thread else None
    server = SparqlServer(snapshot, config, store=store)
    try:
        if in_main_thread:
            signal.signal(signal.SIGTERM, _raise_interrupt)
        server.start()
        # --- web interface (smartkg.web, issue 4): pages, /id/ IRIs, query UI, planner ---
        # Built in a thread: /sparql answers meanwhile, pages wait for it.
        from smartkg.web.mount import mount_web_in_background

        mount_web_in_background(server, root, out=sys.stderr)
        # --- end of web interface ---
        print(_served_text(server), file=stream, flush=True)
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        if in_main_thread:
            signal.signal(signal.SIGTERM, previous or signal.SIG_DFL)
    print("smartkg: stopped", file=stream, flush=True)
