"""``smartkg serve``: a public, read-only SPARQL 1.1 endpoint over the built catalogue.

The modules, one concern each:

- :mod:`~smartkg.server.config` — settings and defaults; :mod:`~smartkg.server.errors` — the
  start-up error;
- :mod:`~smartkg.server.snapshot` — the built files, read once and shared by all workers;
- :mod:`~smartkg.server.guard` — refusing updates, SERVICE and FROM before anything runs;
- :mod:`~smartkg.server.formats` and :mod:`~smartkg.server.negotiation` — answer formats,
  ``Accept`` and ``format=``;
- :mod:`~smartkg.server.jobs`, :mod:`~smartkg.server.worker`, :mod:`~smartkg.server.pool` — the
  worker processes that run queries and are killed at the time limit;
- :mod:`~smartkg.server.results` — whole answers within the row and byte caps;
- :mod:`~smartkg.server.answers` — answers kept for queries asked again; identical ones run once;
- :mod:`~smartkg.server.app`, :mod:`~smartkg.server.httpd` — routes, CORS and the HTTP server;
- :mod:`~smartkg.server.endpoint`, :mod:`~smartkg.server.description`,
  :mod:`~smartkg.server.pages` — the SPARQL 1.1 Protocol, the service description, the pages;
- :mod:`~smartkg.server.serve` — assembling and running it all.
"""

from smartkg.server.app import App, Request, Response, Route
from smartkg.server.config import ServerConfig
from smartkg.server.errors import ServerError
from smartkg.server.guard import Inspection, QueryForm, Refusal, RefusalRule, inspect_query
from smartkg.server.serve import SPARQL_PATH, SparqlServer, running, serve
from smartkg.server.snapshot import GraphFile, Snapshot, load_snapshot

__all__ = [
    "SPARQL_PATH",
    "App",
    "GraphFile",
    "Inspection",
    "QueryForm",
    "Refusal",
    "RefusalRule",
    "Request",
    "Response",
    "Route",
    "ServerConfig",
    "ServerError",
    "Snapshot",
    "SparqlServer",
    "inspect_query",
    "load_snapshot",
    "running",
    "serve",
]
