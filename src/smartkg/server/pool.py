"""The pool of query workers: queries run there, never in the server process.

Each worker is a fresh interpreter, ``python -m smartkg.server.worker FD`` (started with
:mod:`subprocess`: safe from a threaded server, nothing of the server's state leaks into it, and
no ``if __name__ == "__main__"`` guard is needed in whatever program embeds the server), talking
to the pool over a socket pair. Idle workers wait in a queue. :meth:`WorkerPool.execute` takes
one (waiting at most the time limit), sends it the job and waits for the outcome at most the
time limit; a worker that does not answer in time is killed — the only way to stop a pyoxigraph
query — and replaced in the background, while the other workers keep answering. A worker that
dies on its own (out of memory, for example) is replaced the same way.
"""

from __future__ import annotations

import logging
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

import smartkg
from smartkg.server.errors import ServerError
from smartkg.server.jobs import Job, Outcome, Ready, Setup, Status
from smartkg.server.snapshot import Snapshot

__all__ = ["WorkerPool"]

_log = logging.getLogger("smartkg.server")

_REPLACE_ATTEMPTS = 3
_JOIN_SECONDS = 5.0


_WORKER_MODULE = "smartkg.server.worker"


@dataclass(eq=False)
class _Worker:
    process: subprocess.Popen[bytes]
    connection: Connection

    @property
    def pid(self) -> int:
        return self.process.pid

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.connection.close()

    def join(self, timeout: float) -> int | None:
        """Wait for the process to end; its return code (None if it has not)."""
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            return None


def _worker_environment() -> dict[str, str]:
    """The server's environment, with the directory smartkg was imported from first on the
    module path (so that the worker runs this very smartkg, installed or not) and Rust's
    backtraces off."""
    env = dict(os.environ)
    package_parent = str(Path(smartkg.__file__).resolve().parents[1])
    paths = [package_parent, *filter(None, env.get("PYTHONPATH", "").split(os.pathsep))]
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    env["RUST_BACKTRACE"] = "0"  # a worker out of memory says so in one line, not a backtrace
    return env


def _exit_description(code: int | None) -> str:
    if code is None:
        return "still running"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


class WorkerPool:
    """``size`` worker processes, each holding ``snapshot`` in its own store."""

    def __init__(
        self,
        snapshot: Snapshot,
        *,
        size: int,
        prefixes: Mapping[str, str] | None = None,
        max_memory_mb: int = 0,
        startup_timeout: float = 60.0,
        max_waiting: int = 64,
    ) -> None:
        if size < 1:
            raise ValueError("a pool needs at least one worker")
        self.size = size
        self.triples = 0
        self._snapshot = snapshot
        self._prefixes = dict(prefixes or {})
        self._max_memory_mb = max_memory_mb
        self._startup_timeout = startup_timeout
        self._max_waiting = max_waiting
        self._environment = _worker_environment()
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._workers: set[_Worker] = set()
        self._lock = threading.Lock()
        self._waiting = 0
        self._closed = False
        self._replacements: list[threading.Thread] = []

    # -- life cycle ------------------------------------------------------------------------

    def start(self) -> None:
        """Start every worker (in parallel) and wait until all have loaded the snapshot.

        Raises :class:`~smartkg.server.errors.ServerError` when one cannot start; the others
        are stopped then.
        """
        workers: list[_Worker] = []
        try:
            workers.extend(self._spawn() for _ in range(self.size))
            for worker in workers:
                self._send_setup(worker)
            for worker in workers:
                self.triples = self._await_ready(worker)
        except BaseException:
            self.close()
            raise
        for worker in workers:
            self._idle.put(worker)

    def close(self) -> None:
        """Stop every worker. Queries still running are abandoned."""
        with self._lock:
            self._closed = True
            workers = list(self._workers)
            self._workers.clear()
        for worker in workers:
            worker.kill()
        for worker in workers:
            worker.join(_JOIN_SECONDS)
        for thread in list(self._replacements):
            thread.join(_JOIN_SECONDS)

    def __enter__(self) -> WorkerPool:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def closed(self) -> bool:
        return self._closed

    def pids(self) -> list[int]:
        """The process ids of the live workers."""
        with self._lock:
            return sorted(w.pid for w in self._workers)

    def idle_count(self) -> int:
        """How many workers wait for a job right now."""
        return self._idle.qsize()

    # -- running queries -----------------------------------------------------------------

    def execute(self, job: Job, timeout: float) -> Outcome:
        """Run ``job`` on a free worker within ``timeout`` seconds.

        Waiting for a free worker is bounded by ``timeout`` too (answering
        :attr:`~smartkg.server.jobs.Status.BUSY`). A worker still running at the limit is
        killed and replaced, and the outcome is :attr:`~smartkg.server.jobs.Status.TIMEOUT`.
        """
        worker = self._acquire(timeout)
        if worker is None:
            return Outcome(
                Status.BUSY,
                message=f"all {self.size} query workers are busy; try again in a moment",
            )
        try:
            worker.connection.send(job)
            if not worker.connection.poll(timeout):
                self._retire(worker)
                return Outcome(Status.TIMEOUT, message=f"the query ran longer than {timeout:g} s")
            outcome = worker.connection.recv()
        except (EOFError, OSError, TypeError, ValueError):  # the worker died, or close() ran
            return self._crashed(worker)
        self._idle.put(worker)
        if not isinstance(outcome, Outcome):  # pragma: no cover - a bug in the worker
            return Outcome(Status.FAILED, message="the query worker answered nonsense")
        return outcome

    def _acquire(self, timeout: float) -> _Worker | None:
        with self._lock:
            if self._closed or self._waiting >= self._max_waiting:
                return None
            self._waiting += 1
        try:
            return self._idle.get(timeout=timeout)
        except queue.Empty:
            return None
        finally:
            with self._lock:
                self._waiting -= 1

    def _crashed(self, worker: _Worker) -> Outcome:
        self._retire(worker)
        how = _exit_description(worker.join(1.0))
        limit = (
            f" (more than the {self._max_memory_mb} MB each worker may use?)"
            if self._max_memory_mb
            else ""
        )
        return Outcome(
            Status.CRASHED,
            message=f"the query worker stopped ({how}) while running the query; "
            f"it probably needed too much memory{limit}",
        )

    # -- workers -------------------------------------------------------------------------

    def _spawn(self) -> _Worker:
        ours, theirs = socket.socketpair()
        try:
            process = subprocess.Popen(
                [sys.executable, "-m", _WORKER_MODULE, str(theirs.fileno())],
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
                env=self._environment,
            )
        except OSError as exc:
            ours.close()
            raise ServerError(f"cannot start a query worker: {exc}") from exc
        finally:
            theirs.close()
        worker = _Worker(process, Connection(ours.detach()))
        with self._lock:
            closed = self._closed
            if not closed:
                self._workers.add(worker)
        if closed:
            worker.kill()
            raise ServerError("the worker pool is closed")
        return worker

    def _send_setup(self, worker: _Worker) -> None:
        setup = Setup(
            snapshot=self._snapshot,
            parent=os.getpid(),
            max_memory_mb=self._max_memory_mb,
            prefixes=self._prefixes,
        )
        try:
            worker.connection.send(setup)
        except (OSError, TypeError, ValueError) as exc:  # TypeError, ValueError: closed by close()
            how = _exit_description(worker.join(1.0))
            raise ServerError(f"a query worker stopped while starting ({how})") from exc

    def _await_ready(self, worker: _Worker) -> int:
        connection = worker.connection
        try:
            if connection.closed:
                raise OSError("closed")
            if not connection.poll(self._startup_timeout):
                raise ServerError(
                    f"a query worker did not load the catalogue within {self._startup_timeout:g} s"
                )
            ready = connection.recv()
        except (EOFError, OSError, TypeError, ValueError) as exc:  # closed by close() too
            how = _exit_description(worker.join(1.0))
            hint = (
                f"; is the memory limit of {self._max_memory_mb} MB per worker too low?"
                if self._max_memory_mb
                else ""
            )
            raise ServerError(f"a query worker stopped while starting ({how}){hint}") from exc
        if not isinstance(ready, Ready) or ready.error is not None:
            error = ready.error if isinstance(ready, Ready) else repr(ready)
            raise ServerError(f"cannot load the catalogue into a query worker: {error}")
        return ready.triples

    def _retire(self, worker: _Worker) -> None:
        """Kill ``worker`` and start its replacement in the background."""
        with self._lock:
            self._workers.discard(worker)
            closed = self._closed
        worker.kill()
        if closed:
            return
        thread = threading.Thread(
            target=self._replace, args=(worker,), name="smartkg-worker-replacement", daemon=True
        )
        with self._lock:
            self._replacements = [t for t in self._replacements if t.is_alive()]
            self._replacements.append(thread)
        thread.start()

    def _discard(self, worker: _Worker) -> None:
        with self._lock:
            self._workers.discard(worker)
        worker.kill()
        worker.join(_JOIN_SECONDS)

    def _replace(self, dead: _Worker) -> None:
        dead.join(_JOIN_SECONDS)
        for attempt in range(1, _REPLACE_ATTEMPTS + 1):
            if self._closed:
                return
            worker: _Worker | None = None
            try:
                worker = self._spawn()
                self._send_setup(worker)
                self._await_ready(worker)
            except ServerError as exc:
                if worker is not None:
                    self._discard(worker)
                if self._closed:
                    return
                _log.error("replacing a query worker failed (attempt %d): %s", attempt, exc)
                time.sleep(attempt)
                continue
            if self._closed:  # close() kills every worker it knows, this one included
                worker.kill()
                return
            self._idle.put(worker)
            return
        _log.error("gave up replacing a query worker; %d remain", len(self.pids()))
