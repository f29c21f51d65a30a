"""The socket side: a threaded HTTP/1.1 server that hands whole requests to an :class:`App`.

One thread per connection (:class:`http.server.ThreadingHTTPServer`); a thread waiting for a
query worker holds no lock, so cheap queries keep being answered while a heavy one runs. The
body of a request is read only when its ``Content-Length`` is within the limit: a larger one is
answered 413 and dropped unread (up to 16 MB are drained so the client can read the answer), a
chunked one is answered 411. Idle or slow connections time out.
Responses always carry ``Content-Length``; ``HEAD`` gets the headers of ``GET``.
"""

from __future__ import annotations

import logging
import socket
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from smartkg import __version__
from smartkg.server.app import CORS_HEADERS, App, Request, Response, text_response

__all__ = ["HttpServer"]

_log = logging.getLogger("smartkg.server")

_SOCKET_TIMEOUT = 30.0
_DISCARD_BYTES = 16 * 1024 * 1024
_DISCARD_SECONDS = 2.0


class HttpServer(ThreadingHTTPServer):
    """Serves ``app`` on ``(host, port)``; port 0 picks a free port (see :attr:`port`)."""

    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    # socketserver's listen backlog is 5: a sixth client connecting at the same moment has its
    # SYN dropped and retried by its kernel a whole second later (the 1 s tail at 16 clients).
    request_queue_size = 128

    def __init__(
        self, host: str, port: int, app: App, *, max_request_bytes: int, access_log: bool = False
    ) -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.app = app
        self.max_request_bytes = max_request_bytes
        self.access_log = access_log
        super().__init__((host, port), _Handler)

    @property
    def host(self) -> str:
        return str(self.server_address[0])

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    @property
    def url(self) -> str:
        """``http://host:port/`` (IPv6 hosts in brackets)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"


class _Handler(BaseHTTPRequestHandler):
    server: HttpServer
    protocol_version = "HTTP/1.1"
    server_version = f"smartkg/{__version__}"
    sys_version = ""
    timeout = _SOCKET_TIMEOUT

    def do_GET(self) -> None:
        self._dispatch()

    do_HEAD = do_POST = do_OPTIONS = do_PUT = do_DELETE = do_PATCH = do_GET

    _started = 0.0
    _sent = 0

    def _dispatch(self) -> None:
        self._started = time.monotonic()
        self._sent = 0
        early = self._check_body()
        if early is not None:
            self.close_connection = True
            if early.status == 411:
                self._discard_chunked_body()
            self._send(early.with_headers(*CORS_HEADERS, ("Connection", "close")))
            if early.status == 413:
                self._discard_body(int(self.headers["Content-Length"]))
            return
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = self.rfile.read(length) if length else b""
        except (TimeoutError, OSError):
            self.close_connection = True
            return
        if len(body) < length:
            self.close_connection = True
            return
        request = Request.make(self.command, self.path, self.headers.items(), body)
        self._send(self.server.app.handle(request))

    def _check_body(self) -> Response | None:
        """A response refusing the body before it is read, or None to go on."""
        if self.headers.get("Transfer-Encoding"):
            return text_response(411, "send the body with a Content-Length (not chunked)")
        raw = self.headers.get("Content-Length")
        if raw is None:
            return None
        if not raw.strip().isdigit():
            return text_response(400, f"bad Content-Length: {raw!r}")
        length = int(raw)
        limit = self.server.max_request_bytes
        if length > limit:
            return text_response(
                413,
                f"request body of {length} bytes is over the limit of {limit} bytes",
            )
        return None

    def _discard_body(self, length: int) -> None:
        """Read and drop (part of) a refused body, so that a client still sending it gets to
        read the 413 instead of a reset connection."""
        remaining = min(length, _DISCARD_BYTES)
        try:
            self.connection.settimeout(_DISCARD_SECONDS)
            while remaining > 0:
                chunk = self.rfile.read(min(65536, remaining))
                if not chunk:
                    return
                remaining -= len(chunk)
        except OSError:
            return

    def _discard_chunked_body(self) -> None:
        """Read and drop a refused chunked body (bounded in bytes and time) before answering 411,
        so that a client still sending it reads the 411 instead of a broken pipe or a reset."""
        remaining = _DISCARD_BYTES
        try:
            self.connection.settimeout(_DISCARD_SECONDS)
            while remaining > 0:
                size_line = self.rfile.readline(1024)
                if not size_line:
                    return
                size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                        pass
                    return
                remaining -= len(self.rfile.read(min(size + 2, remaining)))
        except (OSError, ValueError):
            return

    def _send(self, response: Response) -> None:
        self._sent = len(response.body)
        try:
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
            for name, value in response.headers:
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD" and response.body:
                self.wfile.write(response.body)
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            self.close_connection = True

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        elapsed = (time.monotonic() - self._started) * 1000 if self._started else 0.0
        self.log_message('"%s" %s %d %.0f ms', self.requestline, code, self._sent, elapsed)

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.access_log:
            _log.info("%s %s", self.address_string(), format % args)

    def log_error(self, format: str, *args: Any) -> None:
        _log.debug("%s %s", self.address_string(), format % args)
