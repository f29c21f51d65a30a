"""Oxigraph server (PyPI ``oxigraph``): ``oxigraph serve`` with routes /query, /update, /store."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from stores.common import free_port, stop, wait_for_http


@dataclass(frozen=True)
class Store:
    """The URLs of a running store."""

    query: str
    update: str
    graph_store: str


def oxigraph_binary() -> str | None:
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.is_file() else shutil.which("oxigraph")


@contextmanager
def oxigraph_server(location: Path) -> Iterator[Store]:
    """``oxigraph serve`` on 127.0.0.1 with its data in ``location``; stopped on exit."""
    binary = oxigraph_binary()
    if binary is None:
        raise RuntimeError("the oxigraph server (PyPI package oxigraph) is not installed")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = (location.parent / "oxigraph.log").open("wb")
    process = subprocess.Popen(
        [binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_http(f"{base}/query?query=ASK%7B%7D", process, timeout=60)
        yield Store(query=f"{base}/query", update=f"{base}/update", graph_store=f"{base}/store")
    finally:
        stop(process)
        log.close()
