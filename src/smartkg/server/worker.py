"""A query worker: a separate process that holds the catalogue and runs one query at a time.

pyoxigraph cannot cancel a running query, so queries run here, where the pool can stop one by
killing the process. The pool starts ``python -m smartkg.server.worker FD``, FD being its end of a
socket pair; the worker reads a :class:`~smartkg.server.jobs.Setup` from it, loads the snapshot
into an in-memory store (the catalogue loads in tens of milliseconds), says
:class:`~smartkg.server.jobs.Ready`, then answers
:class:`~smartkg.server.jobs.Job` after job with an :class:`~smartkg.server.jobs.Outcome` until it
receives ``None`` or its pipe closes. It ignores SIGINT (Ctrl-C in the terminal reaches the whole
process group; the server stops its workers itself), limits its own address space when asked,
and exits when its parent dies.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from multiprocessing.connection import Connection

import pyoxigraph

from smartkg.server.jobs import Job, Outcome, Ready, Setup, Status
from smartkg.server.results import (
    render_boolean,
    render_solutions,
    render_solutions_natively,
    render_triples,
)
from smartkg.server.snapshot import Snapshot

__all__ = ["execute", "load_store", "main", "run_worker"]

_PARENT_CHECK_SECONDS = 1.0


def load_store(snapshot: Snapshot) -> pyoxigraph.Store:
    """A new in-memory store holding every file of ``snapshot``."""
    store = pyoxigraph.Store()
    for part in snapshot.files:
        rdf_format = pyoxigraph.RdfFormat.from_media_type(part.media_type)
        if rdf_format is None:
            raise ValueError(f"{part.name}: unknown media type {part.media_type}")
        try:
            store.load(part.data, format=rdf_format)
        except SyntaxError as exc:
            raise ValueError(f"{part.name}: {exc}") from exc
    return store


def execute(
    store: pyoxigraph.Store, job: Job, prefixes: Mapping[str, str] | None = None
) -> Outcome:
    """Run ``job`` on ``store`` and serialise its answer; errors become outcomes."""
    try:
        result = store.query(job.query, base_iri=job.base_iri)
    except SyntaxError as exc:
        return Outcome(Status.MALFORMED, message=str(exc))
    except MemoryError:
        return Outcome(Status.OUT_OF_MEMORY, message="the query needed more memory than allowed")
    except Exception as exc:  # pyoxigraph raises OSError, RuntimeError, ValueError …
        return Outcome(Status.FAILED, message=str(exc))
    try:
        if isinstance(result, pyoxigraph.QueryBoolean):
            if job.results_format is None:
                return Outcome(Status.NOT_ACCEPTABLE, message="ASK")
            return render_boolean(bool(result), job.results_format)
        if isinstance(result, pyoxigraph.QuerySolutions):
            if job.results_format is None:
                return Outcome(Status.NOT_ACCEPTABLE, message="SELECT")
            if job.results_format == "json":
                whole = render_solutions_natively(result, job.max_rows, job.max_bytes)
                if whole is not None:
                    return whole
                # Over a cap: run it again, to cut it to a valid document that says so.
                result = store.query(job.query, base_iri=job.base_iri)
                assert isinstance(result, pyoxigraph.QuerySolutions)
            return render_solutions(result, job.results_format, job.max_rows, job.max_bytes)
        if job.graph_format is None:
            return Outcome(Status.NOT_ACCEPTABLE, message="CONSTRUCT")
        return render_triples(result, job.graph_format, job.max_rows, job.max_bytes, prefixes)
    except MemoryError:
        return Outcome(Status.OUT_OF_MEMORY, message="the query needed more memory than allowed")
    except Exception as exc:  # evaluation is lazy: errors surface while iterating
        return Outcome(Status.FAILED, message=str(exc))


def _limit_memory(megabytes: int) -> None:
    if megabytes <= 0:
        return
    try:
        import resource
    except ImportError:  # pragma: no cover - not on POSIX
        return
    limit = megabytes * 1024 * 1024
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _exit_with_parent(parent: int) -> None:
    """Stop this process when the server that started it is gone (it may be killed outright,
    and a running query would otherwise go on alone)."""

    def watch() -> None:
        while True:
            time.sleep(_PARENT_CHECK_SECONDS)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="smartkg-parent-watch", daemon=True).start()


def run_worker(connection: Connection) -> None:
    """Serve jobs on ``connection`` until told to stop or the pool goes away."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        setup = connection.recv()
    except (EOFError, OSError):
        return
    if not isinstance(setup, Setup):
        connection.send(Ready(0, error=f"expected a setup, not {type(setup).__name__}"))
        return
    _exit_with_parent(setup.parent)
    _limit_memory(setup.max_memory_mb)
    try:
        store = load_store(setup.snapshot)
    except (ValueError, OSError, MemoryError) as exc:
        connection.send(Ready(0, error=str(exc)))
        return
    connection.send(Ready(len(store)))
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        try:
            connection.send(execute(store, job, setup.prefixes))
        except OSError:
            return


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m smartkg.server.worker FD``: serve on the inherited socket FD."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1 or not args[0].isdigit():
        print("usage: python -m smartkg.server.worker FD", file=sys.stderr)
        return 2
    with Connection(int(args[0])) as connection:
        run_worker(connection)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
