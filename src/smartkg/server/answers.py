"""Answers kept for the next client who asks the same: the served snapshot never changes while
the server runs, so a query sent again, with the same answer format and caps, has the same
answer.

:class:`AnswerCache` stands in front of the worker pool as another
:class:`~smartkg.server.endpoint.QueryRunner`. It keeps whole successful answers (``200``,
truncated ones with their truncation), least recently used first out, within a byte budget;
timeouts, refusals and errors are never kept. When several clients send the same query at once,
it runs once and all of them get its outcome, so a burst of identical queries occupies one worker,
not all of them.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict

from smartkg.server.endpoint import QueryRunner
from smartkg.server.jobs import Job, Outcome, Status

__all__ = ["AnswerCache", "CacheCounts"]


@dataclasses.dataclass(frozen=True)
class CacheCounts:
    """What the cache has done since the server started."""

    hits: int
    misses: int
    shared: int  # answers another request's run gave, while it ran
    entries: int
    bytes: int


class _Run:
    """A query being run for the first caller; the others wait for its outcome."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.outcome: Outcome | None = None


class AnswerCache:
    """``runner``'s answers, kept by job within ``max_bytes`` of answer bodies."""

    def __init__(self, runner: QueryRunner, max_bytes: int) -> None:
        if max_bytes < 1:
            raise ValueError("an answer cache needs a budget of at least one byte")
        self.runner = runner
        self.max_bytes = max_bytes
        self._answers: OrderedDict[Job, Outcome] = OrderedDict()
        self._running: dict[Job, _Run] = {}
        self._bytes = 0
        self._hits = self._misses = self._shared = 0
        self._lock = threading.Lock()

    def execute(self, job: Job, timeout: float) -> Outcome:
        with self._lock:
            kept = self._answers.get(job)
            if kept is not None:
                self._answers.move_to_end(job)
                self._hits += 1
                return kept
            run = self._running.get(job)
            leader = run is None
            if run is None:
                run = self._running[job] = _Run()
                self._misses += 1
        if not leader:
            return self._wait(run, job, timeout)
        try:
            outcome = self.runner.execute(job, timeout)
            run.outcome = outcome
        finally:
            with self._lock:
                del self._running[job]
                if run.outcome is not None and run.outcome.status is Status.OK:
                    self._keep(job, run.outcome)
            run.done.set()
        return outcome

    def _wait(self, run: _Run, job: Job, timeout: float) -> Outcome:
        # The first caller's run is itself bounded by the timeout (its worker is killed then);
        # the margin covers the pool's bookkeeping after it.
        if run.done.wait(timeout + 5.0) and run.outcome is not None:
            with self._lock:
                self._shared += 1
            return dataclasses.replace(run.outcome, cached=run.outcome.status is Status.OK)
        return self.runner.execute(job, timeout)

    def _keep(self, job: Job, outcome: Outcome) -> None:
        size = len(outcome.body)
        if size > self.max_bytes:
            return
        self._answers[job] = dataclasses.replace(outcome, cached=True)
        self._bytes += size
        while self._bytes > self.max_bytes:
            _, oldest = self._answers.popitem(last=False)
            self._bytes -= len(oldest.body)

    @property
    def counts(self) -> CacheCounts:
        with self._lock:
            return CacheCounts(
                self._hits, self._misses, self._shared, len(self._answers), self._bytes
            )
