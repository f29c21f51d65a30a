"""The library calls behind ``smartkg similar``, ``smartkg replicate`` and ``smartkg evaluate``.

Each loads the catalogue into the embedded SPARQL engine (or reads it from a SPARQL 1.1
endpoint: ``endpoint``, else ``SMARTKG_ENDPOINT``), resolves the names the user typed
(:func:`smartkg.resolve.resolve`: an unknown or ambiguous name raises an error that lists the
closest names, and the command line exits 2), computes, and returns what to print.
"""

from __future__ import annotations

from dataclasses import dataclass

from smartkg.catalogue import Layout
from smartkg.engine import SparqlEngine, engine_for
from smartkg.replication.evaluate import evaluate
from smartkg.replication.filters import Filters
from smartkg.replication.format import (
    recommendations_json,
    recommendations_text,
    similar_json,
    similar_text,
)
from smartkg.replication.params import PlannerParams
from smartkg.replication.planner import Planner, build_planner
from smartkg.replication.profiles import read_replication_data
from smartkg.replication.recommend import recommend_for_city, recommend_for_type
from smartkg.replication.report import report_json, report_markdown, report_text
from smartkg.replication.similar import similar_cities
from smartkg.replication.writeback import (
    RECOMMENDATIONS_FILE,
    recommendations_graph,
    run_iri,
    run_parameters,
    write_recommendations,
)
from smartkg.resolve import EntityKind, resolve

__all__ = ["Output", "evaluate_report", "open_planner", "replicate_report", "similar_report"]


@dataclass(frozen=True)
class Output:
    """What a command prints: ``stdout`` (the answer) and ``stderr`` (notes, e.g. a file
    written)."""

    stdout: str
    stderr: str = ""


def open_planner(
    layout: Layout, params: PlannerParams | None = None, endpoint: str | None = None
) -> tuple[SparqlEngine, Planner]:
    """The catalogue under ``layout`` in the embedded engine (or at the SPARQL 1.1 ``endpoint``,
    else ``SMARTKG_ENDPOINT``), and the planner built from it."""
    engine = engine_for(layout, endpoint, include_derived=False)
    return engine, build_planner(read_replication_data(engine), params)


def similar_report(
    layout: Layout, city: str, *, top: int = 10, fmt: str = "text", endpoint: str | None = None
) -> Output:
    engine, planner = open_planner(layout, endpoint=endpoint)
    result = similar_cities(planner, resolve(engine, EntityKind.CITY, city), top)
    return Output(similar_json(result, planner) if fmt == "json" else similar_text(result, planner))


def replicate_report(
    layout: Layout,
    *,
    city: str | None = None,
    service_type: str | None = None,
    size_class: str | None = None,
    region: str | None = None,
    domain: str | None = None,
    target_group: str | None = None,
    programme: str | None = None,
    top: int = 10,
    fmt: str = "text",
    write: bool = False,
    endpoint: str | None = None,
) -> Output:
    """Recommendations for a city (``city``) or for a service type (``service_type``)."""
    if (city is None) == (service_type is None):
        raise ValueError("give exactly one of city and service_type")
    engine, planner = open_planner(layout, endpoint=endpoint)

    filters = Filters(
        size_class=resolve(engine, EntityKind.SIZE_CLASS, size_class) if size_class else None,
        region=resolve(engine, EntityKind.REGION, region) if region else None,
        domain=resolve(engine, EntityKind.DOMAIN, domain) if domain else None,
        target_group=(
            resolve(engine, EntityKind.TARGET_GROUP, target_group) if target_group else None
        ),
        programme=resolve(engine, EntityKind.PROGRAMME, programme) if programme else None,
    )
    result = (
        recommend_for_city(planner, resolve(engine, EntityKind.CITY, city), filters, top)
        if city is not None
        else recommend_for_type(
            planner, resolve(engine, EntityKind.SERVICE_TYPE, str(service_type)), filters, top
        )
    )
    text = (
        recommendations_json(result, planner)
        if fmt == "json"
        else recommendations_text(result, planner)
    )
    note = ""
    if write:
        path = layout.build_dir / RECOMMENDATIONS_FILE
        total = write_recommendations(recommendations_graph(result, planner), path)
        run = run_iri(run_parameters(result, planner))
        note = (
            f"wrote {len(result.items)} recommendations of run <{run}> to "
            f"{layout.relative(path)} (now {total} in the file)\n"
        )
    return Output(text, note)


def evaluate_report(
    layout: Layout,
    *,
    fmt: str = "text",
    resamples: int = 1000,
    seed: int = 0,
    endpoint: str | None = None,
) -> Output:
    _, planner = open_planner(layout, endpoint=endpoint)
    report = evaluate(planner.data, planner.params, resamples=resamples, seed=seed)
    if fmt == "json":
        return Output(report_json(report))
    if fmt == "markdown":
        return Output(report_markdown(report))
    return Output(report_text(report))
