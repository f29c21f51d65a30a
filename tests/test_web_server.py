"""The web interface on a real socket, mounted in front of the SPARQL endpoint, and
``smartkg serve`` as a user starts it: the pages and the endpoint answer from one server."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from rdflib import Graph, Literal

from smartkg.build import build
from smartkg.namespaces import CITY, RDFS
from smartkg.server import ServerConfig, SparqlServer, load_snapshot, running
from smartkg.web.mount import mount_web

REPO_ROOT = Path(__file__).resolve().parents[1]
SMARTKG = Path(sys.executable).parent / "smartkg"


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def fetch(base: str, target: str, method: str = "GET", accept: str | None = None) -> Reply:
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    try:
        headers = {"Accept": accept} if accept else {}
        connection.request(method, target, headers=headers)
        response = connection.getresponse()
        body = response.read()
        return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, body)
    finally:
        connection.close()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("web-served")
    build(REPO_ROOT, root / "build")
    return root


@pytest.fixture(scope="module")
def served(built: Path) -> Iterator[SparqlServer]:
    config = ServerConfig(port=0, workers=2, startup_timeout=60)
    with running(load_snapshot(built), config) as server:
        mount_web(server, REPO_ROOT)
        yield server


def test_pages_over_http(served: SparqlServer) -> None:
    for target in ("/", "/yasgui", "/planner?city=" + quote("구로"), "/network", "/ontology"):
        reply = fetch(served.url, target)
        assert reply.status == 200, target
        assert reply.headers["content-type"] == "text/html; charset=utf-8"
        assert int(reply.headers["content-length"]) == len(reply.body)


def test_the_endpoint_still_answers(served: SparqlServer) -> None:
    query = quote("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    reply = fetch(served.url, f"/sparql?query={query}", accept="application/sparql-results+json")
    assert reply.status == 200
    count = json.loads(reply.body)["results"]["bindings"][0]["n"]["value"]
    assert int(count) > 1000


def test_entity_by_content_negotiation(served: SparqlServer) -> None:
    page = fetch(served.url, "/id/city/guro-gu", accept="text/html")
    assert page.status == 200 and "구로구" in page.text and "Guro-gu" in page.text
    turtle = fetch(served.url, "/id/city/guro-gu", accept="text/turtle")
    assert turtle.headers["content-type"] == "text/turtle; charset=utf-8"
    assert turtle.headers["access-control-allow-origin"] == "*"
    graph = Graph().parse(data=turtle.body, format="turtle")
    assert (CITY["guro-gu"], RDFS.label, Literal("구로구", lang="ko")) in graph


def test_head_and_errors(served: SparqlServer) -> None:
    head = fetch(served.url, "/planner", method="HEAD")
    assert head.status == 200 and head.body == b""
    assert fetch(served.url, "/id/city/atlantis").status == 404
    assert fetch(served.url, "/no-such-page").status == 404
    assert fetch(served.url, "/planner", method="POST").status == 405


def test_static_files_over_http(served: SparqlServer) -> None:
    css = fetch(served.url, "/static/smartkg.css")
    assert css.status == 200 and css.headers["content-type"].startswith("text/css")
    assert fetch(served.url, "/static/../pyproject.toml").status in (400, 404)


def test_the_web_pages_show_the_served_snapshot(served: SparqlServer) -> None:
    reply = fetch(served.url, "/network.json")
    nodes = json.loads(reply.body)["elements"]["nodes"]
    assert any(node["data"]["id"] == str(CITY["guro-gu"]) for node in nodes)


@pytest.mark.skipif(os.name != "posix", reason="signals are POSIX")
def test_smartkg_serve_prints_where_the_pages_are(built: Path) -> None:
    """``smartkg serve`` on a built catalogue: the endpoint's URL on standard output, the web
    interface's on standard error, and both answer."""
    process = subprocess.Popen(
        [str(SMARTKG), "serve", "--root", str(built), "--port", "0", "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines: list[str] = []
        assert process.stdout is not None
        stdout = process.stdout
        reader = threading.Thread(target=lambda: lines.append(stdout.readline()), daemon=True)
        reader.start()
        reader.join(60)
        assert lines, "smartkg serve printed nothing"
        match = re.search(r"http://127\.0\.0\.1:(\d+)/sparql", lines[0])
        assert match, lines[0]
        base = f"http://127.0.0.1:{match.group(1)}/"
        home = fetch(base, "/")
        assert home.status == 200 and 'href="/planner"' in home.text
        assert fetch(base, "/id/city/guro-gu").status == 200
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=30)
    assert process.returncode == 0
    assert re.search(r"web interface at http://127\.0\.0\.1:\d+/", err)
