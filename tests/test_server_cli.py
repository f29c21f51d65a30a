"""``smartkg serve`` as a user runs it: a subprocess that prints its URL and stops cleanly.

The server is started with ``--port 0`` on a fresh build, its URL read from the line it prints,
queried with SPARQLWrapper, and stopped with SIGTERM or SIGINT (Ctrl-C); its worker processes
must be gone afterwards. Every subprocess is stopped in teardown, whatever happens.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from SPARQLWrapper import JSON, SPARQLWrapper

from smartkg.build import build

REPO_ROOT = Path(__file__).resolve().parents[1]
SMARTKG = Path(sys.executable).parent / "smartkg"
URL = re.compile(r"http://127\.0\.0\.1:(\d+)/sparql")
START_SECONDS = 30.0

pytestmark = pytest.mark.skipif(os.name != "posix", reason="signals and /proc are POSIX")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("served")
    build(REPO_ROOT, root / "build")
    return root


class Serving:
    """A ``smartkg serve`` subprocess and the URL it printed."""

    def __init__(self, root: Path, *args: str) -> None:
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            [str(SMARTKG), "serve", "--root", str(root), "--port", "0", "--quiet", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.first_line = self._read_line(START_SECONDS)
        match = URL.search(self.first_line)
        assert match, f"no URL in {self.first_line!r}"
        self.url = match.group()

    def _read_line(self, timeout: float) -> str:
        stdout = self.process.stdout
        assert stdout is not None
        lines: list[str] = []
        reader = threading.Thread(target=lambda: lines.append(stdout.readline()), daemon=True)
        reader.start()
        reader.join(timeout)
        assert lines, "smartkg serve printed nothing in time"
        return lines[0]

    @property
    def port(self) -> int:
        match = URL.search(self.url)
        assert match
        return int(match.group(1))

    def workers(self) -> list[int]:
        """The process ids of the server's children (its query workers)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def stop(self, signum: int) -> tuple[int, str, str]:
        self.process.send_signal(signum)
        out, err = self.process.communicate(timeout=15)
        return self.process.returncode, out, err

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate(timeout=15)


@pytest.fixture
def serving(built: Path) -> Iterator[Serving]:
    running = Serving(built, "--workers", "2")
    try:
        yield running
    finally:
        running.kill()


def _alive(pid: int) -> bool:
    stat = Path(f"/proc/{pid}/stat")
    try:
        return stat.read_text().split(") ", 1)[1][0] not in "ZX"
    except (OSError, IndexError):
        return False


def _ask(url: str) -> bool:
    client = SPARQLWrapper(url)
    client.setQuery("ASK { ?s a <https://w3id.org/smartkg/ontology#SmartService> }")
    client.setReturnFormat(JSON)
    client.setTimeout(10)
    result = client.query().convert()
    assert isinstance(result, dict)
    return bool(result["boolean"])


def test_prints_the_url_and_answers_soon(serving: Serving) -> None:
    assert serving.first_line.startswith("smartkg: serving http://127.0.0.1:")
    assert "2 workers" in serving.first_line
    assert _ask(serving.url) is True
    elapsed = time.monotonic() - serving.started
    assert elapsed < 10, f"first answer {elapsed:.2f} s after start"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_stops_cleanly_with_its_workers(serving: Serving, signum: int) -> None:
    assert _ask(serving.url)
    workers = serving.workers()
    assert len(workers) == 2
    code, out, err = serving.stop(signum)
    assert code == 0, err
    assert "smartkg: stopped" in out
    assert "Traceback" not in err
    deadline = time.monotonic() + 5
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(pid) for pid in workers)
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", serving.port), 2):
        pass


def test_not_built_is_an_error(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(SMARTKG), "serve", "--root", str(tmp_path), "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "build/smartkg.nt" in result.stderr and "smartkg build" in result.stderr


def test_port_in_use_is_an_error(built: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [str(SMARTKG), "serve", "--root", str(built), "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr


def test_bad_settings_are_an_error(built: Path) -> None:
    result = subprocess.run(
        [str(SMARTKG), "serve", "--root", str(built), "--port", "0", "--max-bytes", "10"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "max-bytes" in result.stderr
