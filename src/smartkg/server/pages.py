"""The HTML pages. For now only ``/``: what the server offers and how to query it."""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from smartkg import __version__
from smartkg.server.app import Request, Response, html_response
from smartkg.server.config import ServerConfig
from smartkg.server.description import limits_text

__all__ = ["EXAMPLE_QUERY", "IndexPage"]

EXAMPLE_QUERY = """\
PREFIX skg: <https://w3id.org/smartkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?city ?name (COUNT(?service) AS ?services)
WHERE {
  ?service a skg:SmartService ; skg:provider ?city .
  ?city rdfs:label ?name . FILTER(lang(?name) = "en")
}
GROUP BY ?city ?name
ORDER BY DESC(?services)
"""


class IndexPage:
    """``GET /``: a short page naming the SPARQL endpoint, with an example query."""

    def __init__(self, config: ServerConfig, sparql_path: str = "/sparql") -> None:
        example = f"{sparql_path}?query={quote(EXAMPLE_QUERY)}"
        self.html = f"""<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>smartkg</title></head>
<body>
<h1>smartkg</h1>
<p>The knowledge graph of Korea's smart cities and the smart services they run
(smartkg {escape(__version__)}).</p>
<h2>SPARQL endpoint</h2>
<p><a href="{escape(sparql_path)}">{escape(sparql_path)}</a> answers SPARQL 1.1 queries by
GET or POST (SPARQL 1.1 Protocol); without a query it returns its service description.</p>
<p>{escape(limits_text(config))}</p>
<p>Example (<a href="{escape(example)}">run it</a>):</p>
<pre>{escape(EXAMPLE_QUERY)}</pre>
</body>
</html>
"""

    def __call__(self, request: Request) -> Response:
        return html_response(200, self.html)
