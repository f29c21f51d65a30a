"""The web application without the socket: requests, responses, routes and CORS.

A :class:`Route` maps one path to a handler (a function from :class:`Request` to
:class:`Response`) and the methods it accepts; :class:`App` dispatches on the path, answers
``OPTIONS`` (CORS preflight) and ``HEAD`` itself, says 404 and 405, and adds the CORS headers
that let any web page read the endpoint (read-only, no credentials). Pages are added by adding
routes, e.g. ``app.add(Route("/city", city_page))``. Tests call :meth:`App.handle` directly; the
socket side is :mod:`smartkg.server.httpd`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from urllib.parse import urlsplit

__all__ = [
    "CORS_HEADERS",
    "App",
    "Handler",
    "Request",
    "Response",
    "Route",
    "html_response",
    "text_response",
]

_log = logging.getLogger("smartkg.server")

TEXT = "text/plain; charset=utf-8"
HTML = "text/html; charset=utf-8"

#: Headers on every response: any origin may read, without credentials.
CORS_HEADERS: tuple[tuple[str, str], ...] = (
    ("Access-Control-Allow-Origin", "*"),
    ("Access-Control-Expose-Headers", "Content-Length, X-Smartkg-Truncated"),
)
_PREFLIGHT_MAX_AGE = "86400"
_HEADER_LIST = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]+(\s*,\s*[A-Za-z0-9!#$%&'*+.^_`|~-]+)*$")


@dataclass(frozen=True)
class Request:
    """An HTTP request: method, path, raw query string, headers (names in lower case), body."""

    method: str
    path: str
    query: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""

    @classmethod
    def make(
        cls,
        method: str,
        target: str,
        headers: Mapping[str, str] | Iterable[tuple[str, str]] = (),
        body: bytes = b"",
    ) -> Request:
        """A request for ``target`` (path and query string, as in the request line)."""
        parts = urlsplit(target)
        pairs = headers.items() if isinstance(headers, Mapping) else headers
        lowered: dict[str, str] = {}
        for name, value in pairs:
            key = name.lower()
            lowered[key] = f"{lowered[key]}, {value}" if key in lowered else value
        return cls(method.upper(), parts.path or "/", parts.query, MappingProxyType(lowered), body)

    def header(self, name: str) -> str | None:
        """The value of header ``name`` (any letter case), or None."""
        return self.headers.get(name.lower())


@dataclass(frozen=True)
class Response:
    """An HTTP response, body complete."""

    status: int
    body: bytes = b""
    content_type: str = TEXT
    headers: tuple[tuple[str, str], ...] = ()

    def with_headers(self, *headers: tuple[str, str]) -> Response:
        return Response(self.status, self.body, self.content_type, (*self.headers, *headers))

    def header(self, name: str) -> str | None:
        """The value of header ``name`` (any letter case), or None."""
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


def text_response(status: int, message: str, headers: Iterable[tuple[str, str]] = ()) -> Response:
    """A plain-text response: ``message`` and a line end."""
    return Response(status, (message.rstrip("\n") + "\n").encode("utf-8"), TEXT, tuple(headers))


def html_response(status: int, html: str, headers: Iterable[tuple[str, str]] = ()) -> Response:
    """An HTML response."""
    return Response(status, html.encode("utf-8"), HTML, tuple(headers))


Handler = Callable[[Request], Response]


@dataclass(frozen=True)
class Route:
    """``path`` answered by ``handler`` for ``methods`` (HEAD comes with GET)."""

    path: str
    handler: Handler
    methods: frozenset[str] = frozenset({"GET"})

    @property
    def allowed(self) -> list[str]:
        """The methods to list in ``Allow``."""
        methods = set(self.methods) | {"OPTIONS"}
        if "GET" in methods:
            methods.add("HEAD")
        order = ["GET", "HEAD", "POST", "OPTIONS"]
        return sorted(methods, key=lambda m: (order.index(m) if m in order else len(order), m))


class App:
    """Routes by exact path."""

    def __init__(self, routes: Iterable[Route] = ()) -> None:
        self._routes: dict[str, Route] = {}
        for route in routes:
            self.add(route)

    def add(self, route: Route) -> None:
        """Answer ``route.path`` with ``route``, replacing any route of that path."""
        self._routes[route.path] = route

    @property
    def paths(self) -> list[str]:
        return sorted(self._routes)

    def handle(self, request: Request) -> Response:
        """The response to ``request``, CORS headers included."""
        return self._dispatch(request).with_headers(*CORS_HEADERS)

    def _dispatch(self, request: Request) -> Response:
        route = self._routes.get(request.path)
        if route is None:
            return text_response(404, f"not found: {request.path}")
        allow = ("Allow", ", ".join(route.allowed))
        if request.method == "OPTIONS":
            return self._preflight(request, route, allow)
        method = "GET" if request.method == "HEAD" else request.method
        if method not in route.methods:
            return text_response(
                405, f"method {request.method} is not allowed on {request.path}", [allow]
            )
        try:
            return route.handler(request)
        except Exception:
            _log.exception("error answering %s %s", request.method, request.path)
            return text_response(500, "internal error (a bug in smartkg; please report it)")

    @staticmethod
    def _preflight(request: Request, route: Route, allow: tuple[str, str]) -> Response:
        headers = [
            allow,
            ("Access-Control-Allow-Methods", ", ".join(route.allowed)),
            ("Access-Control-Max-Age", _PREFLIGHT_MAX_AGE),
        ]
        asked = (request.header("Access-Control-Request-Headers") or "").strip()
        if asked and _HEADER_LIST.match(asked):
            headers.append(("Access-Control-Allow-Headers", asked))
        else:
            headers.append(("Access-Control-Allow-Headers", "Accept, Content-Type"))
        return Response(204, b"", TEXT, tuple(headers))
