"""``smartkg query``: list the named queries, or run one and format its answer."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from smartkg.catalogue import Layout
from smartkg.engine import engine_for
from smartkg.querying.formats import OutputFormat, describe_queries, render
from smartkg.querying.queries import QueryError, find_query, load_queries, queries_dir
from smartkg.querying.run import parameter_values, parse_param_args, run_named_query

__all__ = ["query_command"]


def query_command(
    root: Path | Layout,
    name: str | None,
    *,
    params: Sequence[str] = (),
    output: OutputFormat = OutputFormat.TABLE,
    list_queries: bool = False,
    endpoint: str | None = None,
) -> str:
    """The text ``smartkg query`` prints.

    With ``list_queries``, the catalogue (or, given ``name``, that one query) described;
    otherwise the answer of query ``name`` with ``params`` (``NAME=VALUE`` texts) bound. Every
    mistake in the command line — unknown query, bad ``--param``, unknown parameter, bad integer —
    is reported before the graph is loaded; an unknown or ambiguous entity name before the query
    runs. With ``endpoint`` (or ``SMARTKG_ENDPOINT``) the query runs on that SPARQL 1.1
    endpoint instead of the embedded store. Raises :class:`~smartkg.errors.SmartkgError`
    subclasses.
    """
    layout = root if isinstance(root, Layout) else Layout(Path(root))
    queries = load_queries(layout)
    if not queries:
        raise QueryError(f"no queries found in {queries_dir(layout)}", rule="no-queries")
    if list_queries:
        shown = queries if name is None else {name: find_query(queries, name)}
        return describe_queries(shown)
    if name is None:
        raise QueryError("name the query to run, or use --list to see them", rule="usage")
    query = find_query(queries, name)
    given = parse_param_args(params)
    parameter_values(query, given)  # fail on the command line's mistakes before loading
    engine = engine_for(layout, endpoint)
    return render(run_named_query(engine, query, given), output)
