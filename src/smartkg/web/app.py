"""The web interface as one object: build it once, then ask it to answer requests.

:class:`WebApp` loads the catalogue into the embedded engine, indexes labels, builds the
replication planner and the ontology page once (the network view on first use), and answers
``handle(method, path, query, accept)`` with a :class:`WebResponse`, or ``None`` when the
path is not one of its own (the SPARQL endpoint's ``/sparql``, for example). It knows nothing
about sockets: :mod:`smartkg.web.mount` plugs it into ``smartkg serve``.

Routes:

- ``/`` home, ``/stats`` statistics;
- ``/yasgui`` (and ``/query``) the query editor, ``?query=NAME`` opens a catalogue query;
- ``/planner`` the replication planner (``city``, ``service-type``, ``size-class``, ``region``,
  ``domain``, ``target-group``, ``programme``, ``top``);
- ``/network`` the network view, ``/network.json`` its Cytoscape elements;
- ``/id/…`` entity, concept and concept-scheme pages (HTML, Turtle, JSON-LD, N-Triples);
- ``/ontology`` the ontology (HTML, or RDF by negotiation);
- ``/static/…`` the pages' CSS and JavaScript and the vendored libraries.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from pathlib import Path

from smartkg.catalogue import Layout, load_catalogue
from smartkg.engine import SparqlTermEngine, catalogue_engine
from smartkg.stats import compute_stats
from smartkg.web.describe import SourceDocument, read_sources
from smartkg.web.entity import EntityPages, not_found_page
from smartkg.web.home import STATS_PATH, home_html, stats_html
from smartkg.web.index import build_index
from smartkg.web.links import ID_PREFIX, ONTOLOGY_PATH, entity_iri
from smartkg.web.network import (
    NETWORK_JSON_PATH,
    NETWORK_PATH,
    Network,
    build_network,
    network_html,
)
from smartkg.web.ontology import OntologyPage
from smartkg.web.planner import PlannerAnswer, PlannerForm, PlannerService
from smartkg.web.planner_page import PLANNER_PATH, build_options, planner_html
from smartkg.web.query_page import QUERY_PATH, load_examples, query_html
from smartkg.web.responses import WebResponse, html_page, json_body, redirect, text_body
from smartkg.web.static import STATIC_PREFIX, StaticFiles

__all__ = ["QueryParams", "WebApp"]

QueryParams = Mapping[str, Sequence[str]]
"""Query-string parameters, each name with its values (as :func:`urllib.parse.parse_qs`)."""

_PAGE_PATHS = frozenset(
    {"/", STATS_PATH, QUERY_PATH, "/query", PLANNER_PATH, NETWORK_PATH, NETWORK_JSON_PATH}
)
_PLANNER_CACHE_SIZE = 256


class WebApp:
    """Every page of the web interface over the catalogue under ``root``.

    ``engine`` holds the graph the pages show: ``smartkg serve`` passes the one built from the
    endpoint's snapshot (:mod:`smartkg.web.mount`), so pages and endpoint answer from the same
    data; by default it is :func:`smartkg.engine.catalogue_engine` over ``root`` (the sources,
    plus ``build/recommendations.ttl`` when present). ``smartkg serve --endpoint`` passes a
    :class:`~smartkg.remote.RemoteEngine`: every page reads through the same engine calls.

    The statistics page is computed from the source files under ``root``; without them, or
    when ``stats_from_sources`` is false (the pages show a store, whose graph the local files
    need not match), it says so.
    """

    def __init__(
        self,
        root: Path | Layout,
        engine: SparqlTermEngine | None = None,
        *,
        stats_from_sources: bool = True,
    ) -> None:
        self.layout = root if isinstance(root, Layout) else Layout(Path(root))
        self.engine = engine if engine is not None else catalogue_engine(self.layout)
        self.index = build_index(self.engine)
        self.sources: dict[str, SourceDocument] = read_sources(self.engine)
        self.entities = EntityPages(self.engine, self.index)
        self.ontology = OntologyPage(self.engine, self.index)
        self.planner = PlannerService(self.engine)
        self.options = build_options(self.engine, self.planner.planner, self.index)
        self.examples = load_examples(self.layout)
        self.static = StaticFiles(self.layout.build_dir / "static" / "vendor")
        stats = (
            compute_stats(load_catalogue(self.layout, include_shapes=False))
            if stats_from_sources and self.layout.graph_files()
            else None
        )
        self._pages = {
            "/": home_html(self.engine, self.index),
            STATS_PATH: stats_html(stats, self.index),
        }
        self._network: tuple[Network, str, str] | None = None  # view, page, JSON
        self._network_lock = threading.Lock()
        self._planner_cache: dict[PlannerForm, str] = {}
        self._lock = threading.Lock()

    @property
    def network(self) -> Network:
        """The network view, laid out on first use (seconds for a national catalogue)."""
        return self._network_parts()[0]

    def _network_parts(self) -> tuple[Network, str, str]:
        with self._network_lock:
            if self._network is None:
                network = build_network(self.engine, self.index)
                page = network_html(network, self.index)
                self._network = (network, page, network.to_json())
            return self._network

    @staticmethod
    def owns_path(path: str) -> bool:
        """True when ``path`` is answered here (anything else is left to the caller)."""
        return (
            path in _PAGE_PATHS
            or path == ONTOLOGY_PATH
            or path.startswith(ID_PREFIX)
            or path.startswith(STATIC_PREFIX)
        )

    def handle(
        self,
        method: str,
        path: str,
        query: QueryParams | None = None,
        accept: str | None = None,
    ) -> WebResponse | None:
        """The response to ``method path?query`` (``Accept: accept``), or None when the path
        is not one of the web interface's."""
        if not self.owns_path(path):
            return None
        if method.upper() not in ("GET", "HEAD"):
            return text_body(
                405, f"method {method} is not allowed on {path}", [("Allow", "GET, HEAD")]
            )
        params = query or {}
        if path.startswith(STATIC_PREFIX):
            return self.static.respond(path)
        if path.startswith(ID_PREFIX):
            iri = entity_iri(path)
            if iri is None:
                return not_found_page(path, "This is not the path of a catalogue entity.")
            return self.entities.respond(iri, path, accept, _first(params, "format"))
        if path == ONTOLOGY_PATH:
            return self.ontology.respond(accept, _first(params, "format"))
        if path == "/query":
            return redirect(QUERY_PATH + (f"?query={_first(params, 'query')}" if params else ""))
        if path == QUERY_PATH:
            run = _first(params, "run") in ("1", "true", "yes")
            return html_page(200, query_html(self.examples, _first(params, "query"), run=run))
        if path == PLANNER_PATH:
            return html_page(200, self.planner_page(PlannerForm.from_params(params)))
        if path == NETWORK_JSON_PATH:
            json = self._network_parts()[2]
            return json_body(200, json, [("Access-Control-Allow-Origin", "*")])
        if path == NETWORK_PATH:
            return html_page(200, self._network_parts()[1])
        return html_page(200, self._pages[path])

    def planner_answer(self, form: PlannerForm) -> PlannerAnswer:
        return self.planner.answer(form)

    def planner_page(self, form: PlannerForm) -> str:
        """The planner page for ``form`` (rendered once per distinct form, then cached)."""
        cached = self._planner_cache.get(form)
        if cached is not None:
            return cached
        html = planner_html(
            self.planner_answer(form),
            self.planner.planner,
            self.index,
            self.options,
            self.sources,
        )
        with self._lock:
            if len(self._planner_cache) >= _PLANNER_CACHE_SIZE:
                self._planner_cache.pop(next(iter(self._planner_cache)))
            self._planner_cache[form] = html
        return html


def _first(params: QueryParams, name: str) -> str | None:
    values = params.get(name)
    return values[0] if values else None
