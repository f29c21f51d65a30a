"""What a web handler returns: status, headers and a complete body, with a few constructors."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "HTML",
    "JSON",
    "TEXT",
    "WebResponse",
    "html_page",
    "json_body",
    "redirect",
    "text_body",
]

HTML = "text/html; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
JSON = "application/json; charset=utf-8"


@dataclass(frozen=True)
class WebResponse:
    """An HTTP response of the web layer; ``headers`` holds everything but ``Content-Length``."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes

    @property
    def content_type(self) -> str:
        return self.header("Content-Type") or "application/octet-stream"

    def header(self, name: str) -> str | None:
        """The value of header ``name`` (any letter case), or None."""
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    @property
    def text(self) -> str:
        """The body decoded as UTF-8 (for tests and logs)."""
        return self.body.decode("utf-8")


def _response(
    status: int, content_type: str, body: bytes, headers: Iterable[tuple[str, str]]
) -> WebResponse:
    return WebResponse(status, (("Content-Type", content_type), *headers), body)


def html_page(status: int, html: str, headers: Iterable[tuple[str, str]] = ()) -> WebResponse:
    return _response(status, HTML, html.encode("utf-8"), headers)


def text_body(status: int, text: str, headers: Iterable[tuple[str, str]] = ()) -> WebResponse:
    return _response(status, TEXT, (text.rstrip("\n") + "\n").encode("utf-8"), headers)


def json_body(status: int, text: str, headers: Iterable[tuple[str, str]] = ()) -> WebResponse:
    return _response(status, JSON, text.encode("utf-8"), headers)


def redirect(location: str, status: int = 303) -> WebResponse:
    """A redirect to ``location`` (a local path)."""
    return _response(status, TEXT, f"see {location}\n".encode(), [("Location", location)])
