"""The SPARQL servers the benchmarks start as real processes on 127.0.0.1 and stop by process id:
``smartkg serve`` over a catalogue root, and Oxigraph's own server (PyPI ``oxigraph``).

Each server's output goes to a log file beside its data; ``started_s`` is the time from starting
the process to its first answer to a SPARQL query.
"""

from __future__ import annotations

import http.client
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

__all__ = [
    "JSON_RESULTS",
    "Server",
    "free_port",
    "oxigraph_serve",
    "smartkg_serve",
    "sparql_post",
    "stop",
    "wait_until_answering",
]

JSON_RESULTS = "application/sparql-results+json"
_PROBE = "ASK {}"


@dataclass(frozen=True)
class Server:
    """A running server: its name, SPARQL endpoint URL, process and start-up time."""

    name: str
    endpoint: str
    process: subprocess.Popen[bytes]
    started_s: float


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (now)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def sparql_post(endpoint: str, query: str, *, timeout: float) -> tuple[int, bytes]:
    """One SPARQL 1.1 protocol query (POST, form-encoded) on a new connection, as urllib or
    SPARQLWrapper send it: the HTTP status and the whole body."""
    parts = urlsplit(endpoint)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=timeout)
    try:
        connection.request(
            "POST",
            parts.path or "/",
            body=urlencode({"query": query}),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": JSON_RESULTS,
            },
        )
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def wait_until_answering(
    endpoint: str, process: subprocess.Popen[bytes], started: float, timeout: float
) -> float:
    """Seconds from ``started`` (a :func:`time.perf_counter` reading) until ``endpoint``
    answers ``ASK {}`` with 200; raises when the process exits or ``timeout`` passes first."""
    deadline = started + timeout
    while time.perf_counter() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode} before answering")
        try:
            status, _ = sparql_post(endpoint, _PROBE, timeout=5.0)
            if status == 200:
                return time.perf_counter() - started
        except OSError:
            pass
        time.sleep(0.02)
    raise RuntimeError(f"{endpoint} did not answer within {timeout:g} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate ``process`` (this one process, by its id), killing it if it lingers."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=30)


def _console_script(name: str) -> str:
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.is_file() else shutil.which(name)
    if found is None:
        raise RuntimeError(f"{name} is not installed (pip install -e '.[dev]')")
    return found


@contextmanager
def _started(
    name: str, command: list[str], endpoint: str, log: Path, timeout: float
) -> Iterator[Server]:
    with log.open("wb") as output:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
        try:
            seconds = wait_until_answering(endpoint, process, started, timeout)
            yield Server(name, endpoint, process, seconds)
        finally:
            stop(process)


@contextmanager
def smartkg_serve(
    root: Path,
    log: Path,
    *,
    options: Sequence[str] = (),
    timeout: float = 900.0,
) -> Iterator[Server]:
    """``smartkg serve --root ROOT`` (its ``build/smartkg.nt``) on a free port, default
    settings (workers, 10 s query timeout, answer cache) but for ``options``, access log off;
    the server is named by the command line it was given."""
    port = free_port()
    command = [_console_script("smartkg"), "serve", "--root", str(root), "--port", str(port)]
    endpoint = f"http://127.0.0.1:{port}/sparql"
    name = " ".join(["smartkg serve", *options])
    with _started(name, [*command, *options, "--quiet"], endpoint, log, timeout) as server:
        yield server


@contextmanager
def oxigraph_serve(
    data: Path, log: Path, *, query_timeout: float, timeout: float = 300.0
) -> Iterator[Server]:
    """``oxigraph serve`` in memory (as ``smartkg serve`` holds its data) on a free port, with
    the same per-query time limit as smartkg's (``--timeout-s``), then the N-Triples file
    ``data`` put into its default graph (SPARQL 1.1 Graph Store Protocol); ``started_s``
    includes that load."""
    port = free_port()
    command = [
        _console_script("oxigraph"),
        "serve",
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout-s",
        f"{query_timeout:g}",
    ]
    endpoint = f"http://127.0.0.1:{port}/query"
    with _started("oxigraph server", command, endpoint, log, timeout) as server:
        started = time.perf_counter() - server.started_s
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        try:
            connection.request(
                "PUT",
                "/store?default",
                body=data.read_bytes(),
                headers={"Content-Type": "application/n-triples"},
            )
            response = connection.getresponse()
            response.read()
            if response.status not in (200, 201, 204):
                raise RuntimeError(f"oxigraph refused the data: HTTP {response.status}")
        finally:
            connection.close()
        yield Server(server.name, endpoint, server.process, time.perf_counter() - started)
