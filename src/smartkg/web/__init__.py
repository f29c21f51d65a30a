"""The web interface of the endpoint: query UI, linked-data pages, planner and network.

Modules, one concern each:

- :mod:`~smartkg.web.app` — :class:`WebApp`, the routes; :mod:`~smartkg.web.mount` — plugging
  it into ``smartkg serve``;
- :mod:`~smartkg.web.responses`, :mod:`~smartkg.web.negotiation`, :mod:`~smartkg.web.rdf` —
  responses, ``Accept`` and ``format=``, RDF answers;
- :mod:`~smartkg.web.html`, :mod:`~smartkg.web.layout`, :mod:`~smartkg.web.links` — escaping
  and markup, the page frame, IRIs to local paths;
- :mod:`~smartkg.web.index`, :mod:`~smartkg.web.describe`, :mod:`~smartkg.web.schemes` —
  labels and types, what the graph says about one entity, concept trees;
- :mod:`~smartkg.web.home`, :mod:`~smartkg.web.entity`, :mod:`~smartkg.web.ontology`,
  :mod:`~smartkg.web.query_page`, :mod:`~smartkg.web.planner` with
  :mod:`~smartkg.web.planner_page`, :mod:`~smartkg.web.network` — the pages;
- :mod:`~smartkg.web.static`, :mod:`~smartkg.web.assets` — serving and vendoring the CSS and
  JavaScript.
"""

from smartkg.web.app import QueryParams, WebApp
from smartkg.web.responses import WebResponse

__all__ = ["QueryParams", "WebApp", "WebResponse"]
