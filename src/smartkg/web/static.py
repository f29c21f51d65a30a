"""``/static/…``: the pages' own CSS and JavaScript (package data, ``smartkg/web/static``) and
the vendored libraries (``build/static/vendor``, copied from ``node_modules`` by
:mod:`smartkg.web.assets`). Only regular files inside those two folders are served."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from smartkg.web.responses import WebResponse, text_body

__all__ = ["PACKAGE_STATIC", "STATIC_PREFIX", "VENDOR_PREFIX", "StaticFiles"]

STATIC_PREFIX = "/static/"
VENDOR_PREFIX = "/static/vendor/"
PACKAGE_STATIC = Path(__file__).resolve().parent / "static"

_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".txt": "text/plain; charset=utf-8",
    ".map": "application/json; charset=utf-8",
}


def _inside(base: Path, relative: str) -> Path | None:
    """``base / relative`` when it is a regular file inside ``base``, else None."""
    parts = relative.split("/")
    if not relative or any(part in ("", ".", "..") or part.startswith(".") for part in parts):
        return None
    candidate = (base / relative).resolve()
    try:
        candidate.relative_to(base.resolve())
    except ValueError:
        return None
    return candidate if candidate.is_file() else None


class StaticFiles:
    """Serves ``/static/vendor/…`` from ``vendor_dir`` and ``/static/…`` from the package."""

    def __init__(self, vendor_dir: Path, package_dir: Path = PACKAGE_STATIC) -> None:
        self.vendor_dir = vendor_dir
        self.package_dir = package_dir

    def respond(self, path: str) -> WebResponse:
        if path.startswith(VENDOR_PREFIX):
            found = _inside(self.vendor_dir, path[len(VENDOR_PREFIX) :])
            if found is None:
                return text_body(
                    404,
                    f"not found: {path} (the vendored libraries are installed by "
                    "`make assets`, which runs npm ci and scripts/vendor-assets)",
                )
        else:
            found = _inside(self.package_dir, path[len(STATIC_PREFIX) :])
            if found is None:
                return text_body(404, f"not found: {path}")
        content_type = _TYPES.get(found.suffix) or (
            mimetypes.guess_type(found.name)[0] or "application/octet-stream"
        )
        return WebResponse(
            200,
            (("Content-Type", content_type), ("Cache-Control", "public, max-age=3600")),
            found.read_bytes(),
        )
