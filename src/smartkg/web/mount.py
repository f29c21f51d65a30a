"""Plugging the web interface into ``smartkg serve`` (:mod:`smartkg.server`).

:class:`WebMountedApp` answers a request with the :class:`~smartkg.web.WebApp` when the path is
one of its own (``/``, ``/yasgui``, ``/planner``, ``/network``, ``/id/…``, ``/ontology``,
``/static/…``, …) and hands every other request — ``/sparql`` above all — to the endpoint's
own :class:`~smartkg.server.App`, unchanged. :func:`mount_web` installs it on a started
:class:`~smartkg.server.SparqlServer`, over the same snapshot of the built files that the
endpoint's workers answer from, or over the store the server was given (``smartkg serve
--endpoint``), read through the same :class:`~smartkg.engine.SparqlEngine` calls.

``smartkg serve`` mounts it with :func:`mount_web_in_background`: ``/sparql`` answers as soon
as the workers hold the data, while the pages (labels index, planner, network layout) are built
in a thread; a page asked for meanwhile waits for them, up to :data:`PAGE_WAIT` seconds.
"""

from __future__ import annotations

import threading
import traceback
from pathlib import Path
from typing import TextIO
from urllib.parse import parse_qs

import pyoxigraph

from smartkg.catalogue import Layout
from smartkg.engine import EmbeddedEngine
from smartkg.server.app import CORS_HEADERS, App, Request, Response, text_response
from smartkg.server.serve import SparqlServer
from smartkg.server.snapshot import Snapshot
from smartkg.web.app import WebApp
from smartkg.web.responses import WebResponse

__all__ = [
    "PAGE_WAIT",
    "WebBuild",
    "WebMountedApp",
    "mount_web",
    "mount_web_in_background",
    "snapshot_engine",
    "to_server_response",
]

PAGE_WAIT = 120.0
"""Seconds a page request waits for the web interface still being built, before a 503."""


def snapshot_engine(snapshot: Snapshot) -> EmbeddedEngine:
    """An embedded engine holding the files of ``snapshot`` (the built graph and the derived
    graphs beside it)."""
    store = pyoxigraph.Store()
    for part in snapshot.files:
        store.bulk_load(part.data, format=pyoxigraph.RdfFormat.from_media_type(part.media_type))
    return EmbeddedEngine(store)


def to_server_response(answer: WebResponse) -> Response:
    """A web answer as the endpoint's :class:`Response`, with its CORS headers."""
    headers = [(k, v) for k, v in answer.headers if k.lower() != "content-type"]
    present = {k.lower() for k, _ in headers}
    headers.extend((k, v) for k, v in CORS_HEADERS if k.lower() not in present)
    return Response(answer.status, answer.body, answer.content_type, tuple(headers))


class WebBuild:
    """The :class:`WebApp` of a server, built by :meth:`run` (here, or in a thread)."""

    def __init__(self, root: Path | Layout, server: SparqlServer) -> None:
        self.root = root
        self.server = server
        self.web: WebApp | None = None
        self.error: str | None = None
        self._done = threading.Event()

    def run(self) -> WebApp:
        """Build the web interface (raising what the build raises, also kept in ``error``)."""
        try:
            self.web = _web_app(self.server, self.root)
            return self.web
        except BaseException as exc:
            self.error = "".join(traceback.format_exception_only(exc)).strip()
            raise
        finally:
            self._done.set()

    def wait(self, timeout: float) -> WebApp | None:
        """The web interface, once built (None: still building after ``timeout``, or failed)."""
        self._done.wait(timeout)
        return self.web


class WebMountedApp(App):
    """The web interface in front of the endpoint's routes; a page asked for while ``build``
    is still running waits for it, up to ``page_wait`` seconds."""

    def __init__(self, inner: App, build: WebBuild, *, page_wait: float = PAGE_WAIT) -> None:
        super().__init__()
        self.inner = inner
        self.build = build
        self.page_wait = page_wait

    @property
    def paths(self) -> list[str]:
        return self.inner.paths

    def handle(self, request: Request) -> Response:
        if request.method != "OPTIONS" and WebApp.owns_path(request.path):
            web = self.build.web or self.build.wait(self.page_wait)
            if web is None:
                return self._unavailable()
            answer = web.handle(
                request.method,
                request.path,
                parse_qs(request.query),
                request.header("Accept"),
            )
            if answer is not None:
                return to_server_response(answer)
        return self.inner.handle(request)

    def _unavailable(self) -> Response:
        if self.build.error is not None:
            return text_response(500, f"the web interface could not start: {self.build.error}")
        return text_response(
            503,
            "the web interface is still starting (the SPARQL endpoint already answers)",
            [("Retry-After", "5")],
        )


def _web_app(server: SparqlServer, root: Path | Layout) -> WebApp:
    if server.store is not None:
        return WebApp(root, server.store, stats_from_sources=False)
    assert server.snapshot is not None
    return WebApp(root, snapshot_engine(server.snapshot))


def mount_web(server: SparqlServer, root: Path | Layout, *, out: TextIO | None = None) -> WebApp:
    """Serve the web interface of the catalogue under ``root`` on the started ``server``; print
    where to find it to ``out`` (when given)."""
    build = WebBuild(root, server)
    web = build.run()
    server.http.app = WebMountedApp(server.app, build)
    _announce(server, out)
    return web


def mount_web_in_background(
    server: SparqlServer, root: Path | Layout, *, out: TextIO | None = None
) -> WebBuild:
    """:func:`mount_web`, the pages built in a thread: requests for them wait until they are
    built; every other request (``/sparql``) is answered meanwhile."""
    build = WebBuild(root, server)
    server.http.app = WebMountedApp(server.app, build)

    def run() -> None:
        try:
            build.run()
        except Exception:  # kept in build.error: every page answers 500 with it
            if out is not None:
                print(f"smartkg: the web interface could not start: {build.error}", file=out)
            return
        _announce(server, out)

    threading.Thread(target=run, name="smartkg-web-build", daemon=True).start()
    return build


def _announce(server: SparqlServer, out: TextIO | None) -> None:
    if out is None:
        return
    url = server.url
    print(
        f"smartkg: web interface at {url} — query UI {url}yasgui, planner {url}planner, "
        f"network {url}network, entities such as {url}id/city/guro-gu",
        file=out,
        flush=True,
    )
