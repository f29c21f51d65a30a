"""``/sparql`` of ``smartkg serve --endpoint``: a redirect to the store's own SPARQL endpoint.

When the pages read the catalogue from an existing store, this server runs no query of its
visitors: ``/sparql`` answers ``307 Temporary Redirect`` to the store's endpoint (method, query
string and body kept), adding the catalogue's graph as ``default-graph-uri`` when the request
names no dataset. The visitor's client then speaks to the store with its own access rights,
under the store's own limits and SERVICE setting; this server never becomes a proxy that lends
its credentials (``SMARTKG_USER`` / ``SMARTKG_PASSWORD``) to anyone who can reach it. The
credentials and any user name or password in the endpoint URL are never shown in the redirect.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from smartkg.server.app import Request, Response, text_response

__all__ = ["StoreRedirect", "public_url"]

_DATASET_PARAMETERS = ("default-graph-uri", "named-graph-uri")
_FORM = "application/x-www-form-urlencoded"


def public_url(endpoint: str) -> str:
    """``endpoint`` without the user name and password it may carry."""
    parts = urlsplit(endpoint)
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 address
        host = f"[{host}]"
    netloc = f"{host}:{parts.port}" if parts.port is not None else host
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))


class StoreRedirect:
    """The handler of ``/sparql``: every request is sent on to ``endpoint``."""

    methods = frozenset({"GET", "POST"})

    def __init__(self, endpoint: str, default_graph: str | None) -> None:
        self.endpoint = public_url(endpoint)
        self.default_graph = default_graph

    def _names_dataset(self, request: Request) -> bool:
        names = [name for name, _ in parse_qsl(request.query, keep_blank_values=True)]
        content_type = (request.header("Content-Type") or "").split(";")[0].strip().lower()
        if request.method == "POST" and content_type == _FORM:
            body = request.body.decode("utf-8", "replace")
            names.extend(name for name, _ in parse_qsl(body, keep_blank_values=True))
        return any(name in _DATASET_PARAMETERS for name in names)

    def location(self, request: Request) -> str:
        """Where ``request`` is sent: the store's endpoint with the request's query string."""
        parts = urlsplit(self.endpoint)
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        pairs.extend(parse_qsl(request.query, keep_blank_values=True))
        if self.default_graph and not self._names_dataset(request):
            pairs.append(("default-graph-uri", self.default_graph))
        return urlunsplit(parts._replace(query=urlencode(pairs)))

    def __call__(self, request: Request) -> Response:
        target = self.location(request)
        return text_response(
            307,
            f"this server's pages read the catalogue from the SPARQL endpoint {self.endpoint}; "
            f"send SPARQL queries there: {target}",
            [("Location", target)],
        )
