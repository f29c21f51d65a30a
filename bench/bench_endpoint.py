"""The endpoint under load: ``smartkg serve`` and Oxigraph's own server side by side, on the same
synthetic catalogue, with the same mix of queries, at 1, 4 and 16 concurrent clients, with and
without one heavy query running the whole time.

The mix is every named query of ``queries/`` with its default parameters bound as a client binds
them (a VALUES block, :func:`smartkg.remote.bind_values`; the city is a synthetic one, as in
bench_queries). The heavy query is ``peer-service-gaps`` as it stands in its file, for every city
at once. Each client is a separate process (so that Python's GIL in the clients cannot distort
the figures), sending one query at a time on a new connection and reading and parsing the whole
answer (a 200 whose JSON is cut short counts as an error); each level runs for ``seconds`` or
``max_requests`` requests per client, whichever comes first.
Three servers run for the whole benchmark, but only one is sent queries at a time: ``smartkg
serve`` with its defaults (one worker per CPU, 2 to 4; 10 s per query; the answer cache, which
the first pass over the mix fills, so that its rows show a mix asked again and again), ``smartkg
serve --cache-mb 0`` (every query runs: the engine's own figures) and Oxigraph's server in
memory (as smartkg's workers hold the data) with the same 10 s limit.
"""

from __future__ import annotations

import json
import multiprocessing
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph
from datasets import cities_for, graph_bytes
from harness import Row, Timing, format_seconds, log, percentile
from servers import Server, oxigraph_serve, smartkg_serve, sparql_post

from smartkg.catalogue import Layout
from smartkg.engine import EmbeddedEngine
from smartkg.querying.queries import load_queries
from smartkg.querying.run import bind_parameters
from smartkg.remote import bind_values
from smartkg.server.config import DEFAULT_TIMEOUT
from smartkg.synth import city_slug

__all__ = ["CLIENTS", "HEAVY_QUERY", "LoadResult", "bench_endpoint", "query_mix"]

CLIENTS = (1, 4, 16)
HEAVY_QUERY = "peer-service-gaps"
NO_CACHE = ("--cache-mb", "0")
_CLIENT_TIMEOUT = 60.0  # seconds a client waits for one answer; longer counts as an error
OK = "ok"


@dataclass
class LoadResult:
    """What one level of load gave: every answer's latency and outcome, and the heavy
    query's outcomes and latencies."""

    clients: int
    elapsed: float
    latencies: list[float] = field(default_factory=list)
    outcomes: Counter[str] = field(default_factory=Counter)
    heavy_latencies: list[float] = field(default_factory=list)
    heavy_outcomes: Counter[str] = field(default_factory=Counter)
    by_query: dict[str, list[float]] = field(default_factory=dict)

    @property
    def answered(self) -> int:
        return self.outcomes[OK]

    @property
    def errors(self) -> Counter[str]:
        return Counter({kind: n for kind, n in self.outcomes.items() if kind != OK})

    @property
    def per_second(self) -> float:
        return self.answered / self.elapsed if self.elapsed > 0 else 0.0


def _complete(body: bytes) -> bool:
    """Whether ``body`` is a whole SPARQL JSON answer: a server that streams its results (Oxigraph)
    has sent 200 before a timeout cuts the answer short."""
    try:
        return "results" in json.loads(body)
    except ValueError:
        return False


def _outcome(endpoint: str, query: str) -> tuple[float, str]:
    """Latency in seconds and ``ok``, ``HTTP <status>``, ``200 cut short`` or the exception's
    name."""
    start = time.perf_counter()
    try:
        status, body = sparql_post(endpoint, query, timeout=_CLIENT_TIMEOUT)
        seconds = time.perf_counter() - start
        if status != 200:
            return seconds, f"HTTP {status}"
        return seconds, OK if _complete(body) else "200 cut short"
    except OSError as exc:
        return time.perf_counter() - start, type(exc).__name__


def _client(
    endpoint: str,
    queries: list[str],
    first: int,
    start_at: float,
    stop_at: float,
    max_requests: int,
    send: Connection,
) -> None:
    """One client: queries in turn from ``first``, one at a time, from ``start_at`` (a
    :func:`time.time` reading, shared by every client) until ``stop_at`` or ``max_requests``."""
    time.sleep(max(0.0, start_at - time.time()))
    samples: list[tuple[int, float, str]] = []
    index = first
    while time.time() < stop_at and len(samples) < max_requests:
        which = index % len(queries)
        samples.append((which, *_outcome(endpoint, queries[which])))
        index += 1
    send.send((samples, time.time()))
    send.close()


def _run_load(
    endpoint: str,
    mix: dict[str, str],
    clients: int,
    *,
    seconds: float,
    max_requests: int,
    heavy: str | None,
) -> LoadResult:
    """``clients`` client processes (and one more sending ``heavy`` over and over, if given),
    started together; their answers gathered once every one has finished."""
    context = multiprocessing.get_context("fork")
    start_at = time.time() + 0.5
    stop_at = start_at + seconds
    jobs: list[tuple[multiprocessing.process.BaseProcess, Connection, bool]] = []
    names, texts = list(mix), list(mix.values())
    plan = [(texts, i * len(mix) // clients, max_requests, False) for i in range(clients)]
    if heavy is not None:
        plan.append(([heavy], 0, max_requests, True))
    for queries, first, limit, is_heavy in plan:
        receive, send = context.Pipe(duplex=False)
        process = context.Process(
            target=_client,
            args=(endpoint, queries, first, start_at, stop_at, limit, send),
            daemon=True,
        )
        process.start()
        send.close()
        jobs.append((process, receive, is_heavy))
    result = LoadResult(clients, 0.0)
    last_finished = start_at
    for job, receive, is_heavy in jobs:
        samples: list[tuple[int, float, str]]
        samples, finished = receive.recv()
        job.join()
        if is_heavy:
            result.heavy_latencies += [s for _, s, _ in samples]
            result.heavy_outcomes.update(o for _, _, o in samples)
            continue
        last_finished = max(last_finished, finished)
        result.outcomes.update(o for _, _, o in samples)
        for which, seconds, outcome in samples:
            if outcome == OK:
                result.latencies.append(seconds)
                result.by_query.setdefault(names[which], []).append(seconds)
    result.elapsed = last_finished - start_at
    return result


def query_mix(layout: Layout, data: bytes) -> dict[str, str]:
    """Every named query's text as a client sends it, its default parameters bound by a VALUES
    block (the city: synthetic city 1); the defaults are resolved against ``data``."""
    store = pyoxigraph.Store()
    store.bulk_load(data, format=pyoxigraph.RdfFormat.N_TRIPLES)
    engine = EmbeddedEngine(store)
    mix: dict[str, str] = {}
    for name, query in sorted(load_queries(layout).items()):
        given = {"city": city_slug(1)} if query.parameter("city") is not None else {}
        mix[name] = bind_values(query.text, bind_parameters(engine, query, given))
    return mix


def _row_count(server: Server, query: str) -> str:
    """The number of rows ``server`` answers ``query`` with, or the failure."""
    status, body = sparql_post(server.endpoint, query, timeout=_CLIENT_TIMEOUT)
    if status != 200:
        return f"HTTP {status}"
    return str(len(json.loads(body)["results"]["bindings"]))


def _compare_answers(servers: list[Server], mix: dict[str, str]) -> list[str]:
    """Each query once on every server (which also warms them up): the queries whose row counts
    differ between servers, as ``name: count / count``."""
    differ = []
    for name, query in mix.items():
        counts = [_row_count(server, query) for server in servers]
        if len(set(counts)) > 1:
            differ.append(f"{name}: {' / '.join(counts)}")
    return differ


def _describe(result: LoadResult) -> str:
    errors = ", ".join(f"{n} {kind}" for kind, n in sorted(result.errors.items())) or "none"
    text = f"{result.per_second:,.1f} answers/s; "
    if result.latencies:
        p95, p99 = (percentile(result.latencies, p) for p in (95, 99))
        text += f"p95 {format_seconds(p95)}, p99 {format_seconds(p99)}; "
    text += f"errors: {errors}"
    if result.by_query:
        name, seconds = max(result.by_query.items(), key=lambda item: statistics.median(item[1]))
        text += f"; slowest: {name}, p50 {format_seconds(statistics.median(seconds))}"
    if result.heavy_outcomes:
        outcomes = ", ".join(f"{n} {kind}" for kind, n in sorted(result.heavy_outcomes.items()))
        median = statistics.median(result.heavy_latencies)
        text += f"; heavy: {outcomes}, median {format_seconds(median)}"
    return text


def _row(size: str, server: Server, result: LoadResult, heavy: bool) -> Row:
    load = f"{result.clients} client{'s' if result.clients > 1 else ''}"
    p50 = percentile(result.latencies, 50) if result.latencies else None
    return Row(
        "endpoint",
        size,
        f"{server.name}, {load}{' + heavy' if heavy else ''}: p50",
        Timing(p50, len(result.latencies)),
        note=_describe(result),
        extra={
            "server": server.name,
            "clients": result.clients,
            "heavy": heavy,
            "elapsed_s": result.elapsed,
            "answers": result.answered,
            "answers_per_s": result.per_second,
            "p50_s": p50,
            "p95_s": percentile(result.latencies, 95) if result.latencies else None,
            "p99_s": percentile(result.latencies, 99) if result.latencies else None,
            "max_s": max(result.latencies, default=None),
            "errors": dict(result.errors),
            "heavy_outcomes": dict(result.heavy_outcomes),
            "heavy_latencies_s": result.heavy_latencies,
            "p50_by_query_s": {
                name: statistics.median(seconds) for name, seconds in result.by_query.items()
            },
        },
    )


@contextmanager
def _servers(data: bytes, work: Path) -> Iterator[list[Server]]:
    """``smartkg serve`` over a root holding only ``build/smartkg.nt`` = ``data``, as it starts
    by default (answer cache on) and with ``--cache-mb 0`` (every query runs), and Oxigraph's
    server over a store loaded from the same bytes."""
    root = work / "root"
    (root / "build").mkdir(parents=True)
    graph = root / "build" / "smartkg.nt"
    graph.write_bytes(data)
    with ExitStack() as stack:
        servers = []
        for options in ((), NO_CACHE):
            name = "smartkg-no-cache" if options else "smartkg"
            ours = stack.enter_context(smartkg_serve(root, work / f"{name}.log", options=options))
            log(f"endpoint: {ours.name} answered after {ours.started_s:.2f} s")
            servers.append(ours)
        theirs = stack.enter_context(
            oxigraph_serve(graph, work / "oxigraph.log", query_timeout=DEFAULT_TIMEOUT)
        )
        log(f"endpoint: oxigraph server answered, data loaded, after {theirs.started_s:.2f} s")
        yield [*servers, theirs]


def bench_endpoint(
    layout: Layout,
    triples: int,
    size: str,
    *,
    seconds: float = 10.0,
    max_requests: int = 2_000,
    clients: tuple[int, ...] = CLIENTS,
) -> list[Row]:
    """Rows for each server at each client count, without then with the heavy query; one more
    row per server for its start-up, and a note when the two servers' answers differ."""
    data = graph_bytes(layout, cities_for(triples))
    mix = query_mix(layout, data)
    heavy = load_queries(layout)[HEAVY_QUERY].text
    rows: list[Row] = []
    (layout.build_dir / "bench").mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory(dir=layout.build_dir / "bench", prefix="endpoint-") as work,
        _servers(data, Path(work)) as servers,
    ):
        del data
        differ = _compare_answers(servers, mix)
        for server in servers:
            rows.append(
                Row(
                    "endpoint",
                    size,
                    f"{server.name}: process start to first answer",
                    Timing(server.started_s, 1),
                    note="query mix: answers differ: " + "; ".join(differ)
                    if differ
                    else f"query mix: {len(mix)} queries, same row counts on every server",
                )
            )
        for count in clients:
            for with_heavy in (False, True):
                for server in servers:
                    log(f"endpoint {size}: {server.name}, {count} clients, heavy: {with_heavy}")
                    result = _run_load(
                        server.endpoint,
                        mix,
                        count,
                        seconds=seconds,
                        max_requests=max_requests,
                        heavy=heavy if with_heavy else None,
                    )
                    rows.append(_row(size, server, result, with_heavy))
    return rows
