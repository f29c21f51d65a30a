"""Time to first query: from starting ``smartkg serve`` (the catalogue already built), and from
starting ``make serve`` as a user runs it once installed (build, validate, docs, serve), to the
first answer a SPARQL client (SPARQLWrapper) gets from the endpoint; and each step of
``make serve`` on its own.

``make serve`` rebuilds into the catalogue's ``build/``, so it runs in a copy of the catalogue
(its Makefile, pyproject.toml, ontology/, data/, shapes/, queries/, scripts/, src/, the vendored
web assets, with their times kept so that make sees them as up to date), sharing this checkout's
virtual environment and node_modules through links: the working tree's ``build/`` is never
touched. A first, untimed ``make serve`` settles whatever make would redo once (the web assets
after a reinstall), so the timed runs are the ones a user sees every day.
"""

from __future__ import annotations

import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import Row, Timing, log
from servers import free_port, stop

from smartkg.catalogue import Layout

__all__ = ["bench_serve", "first_answer_after"]

_COPIED = ("ontology", "data", "shapes", "queries", "scripts", "src")
_COPIED_FILES = ("Makefile", "pyproject.toml", "package.json", "package-lock.json")
_LINKED = (".venv", "node_modules")
_FIRST_QUERY = "SELECT (COUNT(*) AS ?triples) WHERE { ?s ?p ?o }"


def _smartkg() -> str:
    return str(Path(sys.executable).parent / "smartkg")


def _answers(endpoint: str) -> bool:
    """Whether ``endpoint`` answers the first query now, through SPARQLWrapper."""
    from SPARQLWrapper import JSON, SPARQLWrapper

    client = SPARQLWrapper(endpoint)
    client.setQuery(_FIRST_QUERY)
    client.setReturnFormat(JSON)
    client.setTimeout(10)
    try:
        answer = client.queryAndConvert()
    except Exception:  # refused, reset, not found yet: not answering
        return False
    return isinstance(answer, dict) and bool(answer["results"]["bindings"])


def first_answer_after(
    command: list[str], endpoint: str, cwd: Path, log_file: Path, *, timeout: float = 600.0
) -> float:
    """Seconds from starting ``command`` (in its own process group) to the first answer from
    ``endpoint``; the process group is then stopped (make and the server it started)."""
    with log_file.open("wb") as output:
        started = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=cwd, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            while time.perf_counter() - started < timeout:
                if process.poll() is not None:
                    raise RuntimeError(
                        f"{' '.join(command)} exited with {process.returncode}; see {log_file}"
                    )
                if _answers(endpoint):
                    return time.perf_counter() - started
                time.sleep(0.02)
            raise RuntimeError(f"{endpoint} did not answer within {timeout:g} s")
        finally:
            _stop_group(process)


def _stop_group(process: subprocess.Popen[bytes]) -> None:
    """Stop the process group that ``process`` leads (it was started in a session of its own,
    so the group holds only it and what it started: make, the server, the server's workers)."""
    group = process.pid
    for sig, wait in ((signal.SIGTERM, 30.0), (signal.SIGKILL, 10.0)):
        try:
            os.killpg(group, sig)
        except ProcessLookupError:
            break
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            process.poll()  # reap the leader, else its zombie keeps the group alive
            try:
                os.killpg(group, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)
    stop(process)


def _copy_catalogue(layout: Layout, into: Path) -> None:
    """What ``make serve`` reads, times kept; the environment and node_modules as links."""
    for name in _COPIED:
        shutil.copytree(layout.root / name, into / name, symlinks=True)
    for name in _COPIED_FILES:
        shutil.copy2(layout.root / name, into / name)
    vendor = layout.build_dir / "static"
    if vendor.is_dir():
        shutil.copytree(vendor, into / "build" / "static", symlinks=True)
    for name in _LINKED:
        (into / name).symlink_to(layout.root / name)


def _timed_step(command: list[str], cwd: Path, runs: int) -> Timing:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, cwd=cwd, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return Timing(statistics.median(times), runs)


def _first_answers(command: list[str], cwd: Path, work: Path, runs: int) -> Timing:
    times = []
    for run in range(runs):
        port = free_port()
        endpoint = f"http://127.0.0.1:{port}/sparql"
        port_command = [part.replace("{port}", str(port)) for part in command]
        times.append(first_answer_after(port_command, endpoint, cwd, work / f"serve-{run}.log"))
    return Timing(statistics.median(times), runs)


def bench_serve(layout: Layout, *, runs: int = 3) -> list[Row]:
    """Rows: ``smartkg serve`` on the built catalogue, ``make serve`` in a copy, and each step
    of ``make serve`` (build, validate, docs, serve) in the same copy."""
    rows: list[Row] = []
    serve = [_smartkg(), "serve", "--port", "{port}", "--quiet"]
    size = "catalogue"
    bench_dir = layout.build_dir / "bench"
    bench_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=bench_dir, prefix="make-serve-") as work:
        log("serve: smartkg serve on the built catalogue")
        rows.append(
            Row(
                "serve",
                size,
                "smartkg serve: start to first answer (SPARQLWrapper)",
                _first_answers(serve, layout.root, Path(work), runs),
                note="catalogue already built",
            )
        )
        copy = Path(work) / "catalogue"
        _copy_catalogue(layout, copy)
        make = ["make", "--no-print-directory", "serve", "SERVE_ARGS=--port {port} --quiet"]
        log("serve: make serve, once untimed to settle what make redoes once")
        _first_answers(make, copy, Path(work), 1)
        log("serve: make serve")
        rows.append(
            Row(
                "serve",
                size,
                "make serve: start to first answer (SPARQLWrapper)",
                _first_answers(make, copy, Path(work), runs),
                note="build + validate + docs + serve, nothing else to redo",
            )
        )
        for step in ("build", "validate", "docs"):
            log(f"serve: smartkg {step}")
            rows.append(
                Row(
                    "serve",
                    size,
                    f"make serve step: smartkg {step}",
                    _timed_step([_smartkg(), step], copy, runs),
                )
            )
        rows.append(
            Row(
                "serve",
                size,
                "make serve step: smartkg serve to first answer",
                _first_answers(serve, copy, Path(work), runs),
            )
        )
    return rows
