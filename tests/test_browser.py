"""The pages in a real browser: Debian's chromium, headless, driven from its command line.

A server (the SPARQL endpoint with the web interface mounted) runs on 127.0.0.1; chromium loads
each page with every other host unresolvable (as on a machine without internet), runs its
JavaScript, and prints the resulting DOM (``--dump-dom``) or saves a screenshot under
``build/screenshots/`` for review. ``make browser`` installs chromium and a Korean font;
``make assets`` vendors YASGUI and Cytoscape.js.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from smartkg.build import build
from smartkg.namespaces import CITY
from smartkg.replication import Filters, recommend_for_city
from smartkg.server import ServerConfig, SparqlServer, load_snapshot, running
from smartkg.web import WebApp
from smartkg.web.assets import VENDOR_DIR, VENDOR_FILES, AssetError, vendor_assets
from smartkg.web.mount import mount_web

REPO_ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = REPO_ROOT / "build" / "screenshots"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
TIMEOUT = 120

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (make browser installs it)"
)


@pytest.fixture(scope="module")
def vendored() -> None:
    missing = [d for _, d in VENDOR_FILES if not (REPO_ROOT / VENDOR_DIR / d).is_file()]
    if missing:
        try:
            vendor_assets(REPO_ROOT)
        except AssetError as exc:
            pytest.skip(f"the web libraries are not installed ({exc}); run make assets")


@pytest.fixture(scope="module")
def served(
    vendored: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[SparqlServer, WebApp]]:
    root = tmp_path_factory.mktemp("browser")
    build(REPO_ROOT, root / "build")
    config = ServerConfig(port=0, workers=2, startup_timeout=60)
    with running(load_snapshot(root), config) as server:
        web = mount_web(server, REPO_ROOT)
        yield server, web


def chromium(
    url: str, *, profile: Path, screenshot: Path | None = None, size: str = "1280,1600"
) -> str:
    """Load ``url``, give its scripts time to run, and return the DOM (or save a screenshot)."""
    assert CHROMIUM is not None
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--hide-scrollbars",
        # No host but this machine resolves: the pages must work without internet.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        f"--user-data-dir={profile}",
        f"--window-size={size}",
        "--virtual-time-budget=15000",
    ]
    if screenshot is not None:
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        command.append(f"--screenshot={screenshot}")
    else:
        command.append("--dump-dom")
    command.append(url)
    done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    if screenshot is not None:
        assert screenshot.is_file() and screenshot.stat().st_size > 10_000, done.stderr[-2000:]
        assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    return done.stdout


def _url(served: tuple[SparqlServer, WebApp], target: str) -> str:
    return served[0].url.rstrip("/") + target


def test_planner_shows_recommendations_for_guro_gu(
    served: tuple[SparqlServer, WebApp], tmp_path: Path
) -> None:
    url = _url(served, "/planner?city=" + quote("구로구"))
    dom = chromium(url, profile=tmp_path / "p")
    entries = re.findall(r'<li class="recommendation" id="rec-\d+">', dom)
    assert entries, "no recommendation in the planner page"
    web = served[1]
    expected = recommend_for_city(web.planner.planner, CITY["guro-gu"], Filters(), 10)
    assert len(entries) == len(expected.items)
    first = web.index.label(str(expected.items[0].service_type))
    assert first.en is not None and first.en in dom
    chromium(
        url,
        profile=tmp_path / "p",
        screenshot=SCREENSHOTS / "planner-guro-gu.png",
        size="1280,2300",
    )


def test_network_view_draws_the_nodes(served: tuple[SparqlServer, WebApp], tmp_path: Path) -> None:
    url = _url(served, "/network")
    dom = chromium(url, profile=tmp_path / "n")
    assert "<canvas" in dom, "cytoscape drew nothing"
    match = re.search(r'id="cy"[^>]*data-nodes="(\d+)"', dom)
    assert match, "the network container is missing"
    drawn = int(match.group(1))
    assert drawn > 0
    assert drawn == len(served[1].network.nodes)
    assert "data-error" not in dom
    chromium(url, profile=tmp_path / "n", screenshot=SCREENSHOTS / "network.png", size="1400,1100")


def test_entity_page_shows_both_languages(
    served: tuple[SparqlServer, WebApp], tmp_path: Path
) -> None:
    url = _url(served, "/id/city/guro-gu")
    dom = chromium(url, profile=tmp_path / "e")
    assert "구로구" in dom and "Guro-gu" in dom
    assert "<h2>Sources</h2>" in dom
    chromium(url, profile=tmp_path / "e", screenshot=SCREENSHOTS / "entity-guro-gu.png")


def test_yasgui_runs_a_catalogue_query(served: tuple[SparqlServer, WebApp], tmp_path: Path) -> None:
    url = _url(served, "/yasgui?query=cq02-guro-services&run=1")
    dom = chromium(url, profile=tmp_path / "y")
    root = re.search(r'<div id="yasgui"[^>]*>', dom)
    assert root, "the YASGUI container is missing"
    assert 'data-ready="true"' in root.group(0), "the YASGUI script did not run"
    assert "CodeMirror" in dom and "yasr" in dom, "YASGUI drew no editor"
    assert 'data-answered="true"' in root.group(0), "the query got no answer"
    assert "guro-gu-rehab-robot" in dom, "the answer is not in the results table"
    chromium(url, profile=tmp_path / "y", screenshot=SCREENSHOTS / "yasgui.png", size="1280,1100")


def test_home_page(served: tuple[SparqlServer, WebApp], tmp_path: Path) -> None:
    url = _url(served, "/")
    dom = chromium(url, profile=tmp_path / "h")
    assert 'href="/planner"' in dom and 'href="/id/city/guro-gu"' in dom
    chromium(url, profile=tmp_path / "h", screenshot=SCREENSHOTS / "home.png", size="1280,1400")
