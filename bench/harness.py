"""What every benchmark shares: medians of timed runs, a time cap, peak memory, the table.

Benchmarks are not tests: they print figures. Times are wall-clock (:func:`time.perf_counter`),
the median of several runs; a run that may be slow (rdflib's engine) is stopped by an alarm at the
cap, so one pathological query cannot stall the whole run; native code that an alarm cannot stop
(pyoxigraph on the largest graphs) runs in a forked child that is killed at the cap.
"""

from __future__ import annotations

import math
import multiprocessing
import signal
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "TIMES",
    "Row",
    "Timing",
    "capped_timing",
    "forked_timing",
    "format_seconds",
    "format_table",
    "in_child",
    "log",
    "peak_rss_mb",
    "peak_traced_mb",
    "percentile",
    "timing",
]


TIMES = "\u00d7"  # the multiplication sign of ratios


def log(message: str) -> None:
    """Progress on stderr (the table goes to stdout)."""
    print(f"[bench] {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Timing:
    """The median of ``runs`` timed runs in seconds, or ``None`` when the cap was hit."""

    seconds: float | None
    runs: int
    capped_at: float | None = None

    @property
    def timed_out(self) -> bool:
        return self.seconds is None


def timing(action: Callable[[], object], runs: int) -> Timing:
    """Run ``action`` ``runs`` times in this process; the median wall-clock time."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return Timing(statistics.median(times), runs)


class _Cap(BaseException):  # not Exception: rdflib must not swallow it
    """Raised by the alarm when a capped run reaches its cap."""


def _alarm(signum: int, frame: object) -> None:
    raise _Cap


def _one_capped(action: Callable[[], object], cap: float) -> float | None:
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, cap)
    start = time.perf_counter()
    try:
        action()
        return time.perf_counter() - start
    except _Cap:
        return None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def capped_timing(
    action: Callable[[], object], cap: float, runs: int, *, slow: float = 10.0
) -> Timing:
    """Like :func:`timing`, in this process, but a run is stopped after ``cap`` seconds.

    The cap is a SIGALRM that raises inside the running Python code, so it stops pure-Python
    work (rdflib's engine) but not a long call into native code (pyoxigraph), which is
    stopped at its next return to Python. After a first run slower than ``slow`` seconds no
    more runs are made (``runs`` says how many were); a run hitting the cap gives
    ``seconds=None``.
    """
    times: list[float] = []
    for _ in range(runs):
        seconds = _one_capped(action, cap)
        if seconds is None:
            return Timing(None, len(times) + 1, cap)
        times.append(seconds)
        if seconds > slow:
            break
    return Timing(statistics.median(times), len(times), cap)


def forked_timing(action: Callable[[], object], cap: float, runs: int) -> Timing:
    """Like :func:`capped_timing`, each run in a forked child killed at ``cap`` (for native
    code the alarm cannot stop: pyoxigraph on the largest graphs)."""

    def timed() -> float:
        start = time.perf_counter()
        action()
        return time.perf_counter() - start

    times: list[float] = []
    for _ in range(runs):
        seconds = in_child(timed, cap)
        if not isinstance(seconds, float):
            return Timing(None, len(times) + 1, cap)
        times.append(seconds)
        if seconds > 10.0:
            break
    return Timing(statistics.median(times), len(times), cap)


def peak_traced_mb(action: Callable[[], object]) -> tuple[float, object]:
    """Peak memory that Python and numpy allocate while ``action`` runs (tracemalloc), in MB,
    and what it returned. Run separately from the timed runs: tracing slows Python down."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        value = action()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 1e6, value


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1e3
    raise OSError(f"no {field} in /proc/self/status")


def peak_rss_mb(action: Callable[[], object]) -> tuple[float, float, object]:
    """Peak resident memory of this process while ``action`` runs, in MB (Rust, numpy and
    Python together), the resident memory before it, and what ``action`` returned.

    Resets the high-water mark through /proc/self/clear_refs (Linux); elsewhere falls back to
    tracemalloc's peak of Python and numpy allocations (before = 0)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        before = _status_mb("VmRSS")
    except OSError:
        peak, value = peak_traced_mb(action)
        return peak, 0.0, value
    value = action()
    return _status_mb("VmHWM"), before, value


def in_child(action: Callable[[], object], cap: float) -> object | None:
    """What ``action`` returns, computed in a forked child killed after ``cap`` seconds (None
    then), so its memory is its own and a runaway size cannot stall the run."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)

    def child() -> None:
        send.send(action())
        send.close()

    process = context.Process(target=child, daemon=True)
    process.start()
    send.close()
    value: object | None = None
    if receive.poll(cap):
        try:
            value = receive.recv()
        except EOFError:  # the child died (an exception, or killed for memory)
            value = None
    if process.is_alive():
        process.kill()
    process.join()
    return value


def format_seconds(value: float | None, cap: float | None = None) -> str:
    if value is None:
        return f"> {cap:g} s" if cap is not None else "-"
    if value < 1e-3:
        return f"{value * 1e6:.0f} µs"
    if value < 1:
        return f"{value * 1e3:.1f} ms"
    return f"{value:.2f} s"


@dataclass
class Row:
    """One line of the results table."""

    benchmark: str
    size: str
    item: str
    a: Timing | None = None  # pyoxigraph, or the only timing
    b: Timing | None = None  # rdflib, the baseline
    peak_mb: float | None = None
    base_mb: float | None = None  # resident memory before the step (peak_mb includes it)
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> str:
        """How many times faster ``a`` is than ``b``; ``> x`` when ``b`` hit its cap."""
        if self.a is None or self.b is None or self.a.seconds is None or self.a.seconds <= 0:
            return ""
        if self.b.seconds is None:
            assert self.b.capped_at is not None
            return f"> {self.b.capped_at / self.a.seconds:,.0f}{TIMES}"
        return f"{self.b.seconds / self.a.seconds:,.1f}{TIMES}"

    def cells(self) -> list[str]:
        def shown(t: Timing | None) -> str:
            if t is None:
                return ""
            return f"{format_seconds(t.seconds, t.capped_at)} (n={t.runs})"

        peak = "" if self.peak_mb is None else f"{self.peak_mb:,.0f} MB"
        if self.peak_mb is not None and self.base_mb:
            peak += f" (+{self.peak_mb - self.base_mb:,.0f})"
        return [
            self.benchmark,
            self.size,
            self.item,
            shown(self.a),
            shown(self.b),
            self.ratio,
            peak,
            self.note,
        ]

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["ratio"] = self.ratio
        return data


HEADER = ["benchmark", "size", "what", "pyoxigraph / time", "rdflib", "ratio", "peak", "note"]


def format_table(rows: list[Row]) -> str:
    """The rows as one aligned text table."""
    lines = [HEADER, *(row.cells() for row in rows)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(HEADER))]

    def render(cells: list[str]) -> str:
        return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True))

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([render(HEADER), rule, *(render(cells) for cells in lines[1:])]).rstrip()


def percentile(values: list[float], percent: float) -> float:
    """The ``percent``-th percentile of ``values`` by the nearest-rank method: the smallest value
    that at least ``percent`` % of the values do not exceed (so p99 of 50 values is the largest)."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = max(1, math.ceil(percent / 100 * len(ordered)))
    return ordered[rank - 1]
