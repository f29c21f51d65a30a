"""Plugging the web interface into ``smartkg serve`` (:mod:`smartkg.server`).

:class:`WebMountedApp` answers a request with the :class:`~smartkg.web.WebApp` when the path is
one of its own (``/``, ``/yasgui``, ``/planner``, ``/network``, ``/id/…``, ``/ontology``,
``/static/…``, …) and hands every other request — ``/sparql`` above all — to the endpoint's
own :class:`~smartkg.server.App`, unchanged. :func:`mount_web` installs it on a started
:class:`~smartkg.server.SparqlServer`, over the same snapshot of the built files that the
endpoint's workers answer from, or over the store the server was given (``smartkg serve
--endpoint``), read through the same :class:`~smartkg.engine.SparqlEngine` calls.
"""

from __future__ import annotations

from pathlib import Path
from typing import TextIO
from urllib.parse import parse_qs

import pyoxigraph

from smartkg.catalogue import Layout
from smartkg.engine import EmbeddedEngine
from smartkg.server.app import CORS_HEADERS, App, Request, Response
from smartkg.server.serve import SparqlServer
from smartkg.server.snapshot import Snapshot
from smartkg.web.app import WebApp
from smartkg.web.responses import WebResponse

__all__ = ["WebMountedApp", "mount_web", "snapshot_engine", "to_server_response"]


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


class WebMountedApp(App):
    """The web interface in front of the endpoint's routes."""

    def __init__(self, inner: App, web: WebApp) -> None:
        super().__init__()
        self.inner = inner
        self.web = web

    @property
    def paths(self) -> list[str]:
        return self.inner.paths

    def handle(self, request: Request) -> Response:
        if request.method != "OPTIONS":
            answer = self.web.handle(
                request.method,
                request.path,
                parse_qs(request.query),
                request.header("Accept"),
            )
            if answer is not None:
                return to_server_response(answer)
        return self.inner.handle(request)


def mount_web(server: SparqlServer, root: Path | Layout, *, out: TextIO | None = None) -> WebApp:
    """Serve the web interface of the catalogue under ``root`` on the started ``server``;
    print where to find it to ``out`` (when given)."""
    if server.store is not None:
        web = WebApp(root, server.store, stats_from_sources=False)
    else:
        assert server.snapshot is not None
        web = WebApp(root, snapshot_engine(server.snapshot))
    server.http.app = WebMountedApp(server.app, web)
    if out is not None:
        url = server.url
        print(
            f"smartkg: web interface at {url} — query UI {url}yasgui, planner {url}planner, "
            f"network {url}network, entities such as {url}id/city/guro-gu",
            file=out,
            flush=True,
        )
    return web
