"""The named query catalogue (``queries/*.rq``) and ``smartkg query``.

Re-exports the public API of :mod:`~smartkg.querying.queries` (the files and their headers),
:mod:`~smartkg.querying.run` (binding parameters as RDF terms and running) and
:mod:`~smartkg.querying.formats` (table, SPARQL CSV and JSON results).
"""

from smartkg.querying.command import query_command
from smartkg.querying.formats import (
    OutputFormat,
    describe_queries,
    display_width,
    render,
    to_csv,
    to_json,
    to_table,
)
from smartkg.querying.queries import (
    NamedQuery,
    Parameter,
    ParamKind,
    QueryError,
    find_query,
    load_queries,
    parse_query,
    queries_dir,
)
from smartkg.querying.run import (
    bind_parameters,
    parameter_values,
    parse_param_args,
    run_named_query,
)

__all__ = [
    "NamedQuery",
    "OutputFormat",
    "ParamKind",
    "Parameter",
    "QueryError",
    "bind_parameters",
    "describe_queries",
    "display_width",
    "find_query",
    "load_queries",
    "parameter_values",
    "parse_param_args",
    "parse_query",
    "queries_dir",
    "query_command",
    "render",
    "run_named_query",
    "to_csv",
    "to_json",
    "to_table",
]
