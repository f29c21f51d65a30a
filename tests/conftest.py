"""Shared fixtures: paths of the repository and of the test fixtures, a CLI runner, one
validation of the real catalogue per session, and a local HTTP server that records requests."""

from __future__ import annotations

import http.server
import shutil
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from smartkg.catalogue import Catalogue, load_catalogue
from smartkg.cli import main
from smartkg.validation import ValidationReport, validate

REPO_ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINI = FIXTURES / "mini"
CASES = FIXTURES / "cases"
BIN_DIR = Path(sys.executable).parent


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository root (holds ontology/, data/, shapes/)."""
    return REPO_ROOT


@pytest.fixture
def mini_root(tmp_path: Path) -> Path:
    """A private copy of the mini fixture catalogue; tests may write into it."""
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    return root


@dataclass(frozen=True)
class CliResult:
    code: int
    out: str
    err: str


CliRunner = Callable[..., CliResult]


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> CliRunner:
    """Run ``smartkg`` in-process: ``run_cli("validate", "--root", path)``."""

    def run(*args: str | Path) -> CliResult:
        capsys.readouterr()
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture(scope="session")
def real_catalogue() -> Catalogue:
    """The repository's own catalogue, parsed once per session."""
    return load_catalogue(REPO_ROOT)


@pytest.fixture(scope="session")
def real_report(real_catalogue: Catalogue) -> ValidationReport:
    """The repository's catalogue validated against the repository's shapes, once per session."""
    return validate(real_catalogue)


@contextmanager
def recording_server(
    status: int, body: bytes = b"", content_type: str | None = None
) -> Iterator[tuple[str, list[str]]]:
    """A server on 127.0.0.1 that records every request it receives (``"GET /path?query"``)
    and answers each with ``status`` and ``body``: yields its base URL
    (``http://127.0.0.1:PORT``) and the list of requests so far. Stopped on exit."""
    hits: list[str] = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(f"{self.command} {self.path}")
            self.send_response(status)
            if content_type is not None:
                self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_POST = do_GET

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
