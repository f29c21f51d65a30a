"""The SPARQL 1.1 Protocol at ``/sparql``: read the request, refuse or run the query, answer.

Queries come by ``GET ?query=``, by ``POST`` of an ``application/x-www-form-urlencoded`` form
(``query=``) or by ``POST`` of the query itself as ``application/sparql-query``; a ``GET``
without a query returns the service description. Status codes:

- 200 the answer, whole; ``X-Smartkg-Truncated: rows=N`` or ``bytes=N`` when a cap cut it,
  ``X-Smartkg-Cache: hit`` when it was not run again for this request
  (:mod:`smartkg.server.answers`);
- 400 a malformed request or query (the body carries pyoxigraph's parser message), more than one
  query, a body that is not UTF-8;
- 403 a refused operation: SPARQL Update (an ``update=`` parameter, an
  ``application/sparql-update`` body, or update keywords in the query), ``SERVICE``, ``FROM`` /
  ``FROM NAMED``, ``default-graph-uri`` / ``named-graph-uri`` (see :mod:`smartkg.server.guard`);
- 406 no acceptable answer format; 413 a body over the request limit (:mod:`.httpd`);
- 415 a ``POST`` body of another media type or charset;
- 500 the query failed while it was evaluated;
- 503 the query ran out of time (its worker was killed) or memory, or no worker became free.

The server process only parses and checks; every query runs in a worker of the pool.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol
from urllib.parse import parse_qs

from smartkg.server.app import Request, Response, text_response
from smartkg.server.config import ServerConfig
from smartkg.server.description import ServiceDescription
from smartkg.server.formats import Kind, format_by_key, formats_of
from smartkg.server.guard import QueryForm, inspect_query
from smartkg.server.jobs import Job, Outcome, Status
from smartkg.server.negotiation import choose_format

__all__ = ["QueryRunner", "SparqlEndpoint"]

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
TRUNCATED_HEADER = "X-Smartkg-Truncated"
CACHE_HEADER = "X-Smartkg-Cache"

_MAX_FIELDS = 200
_UTF8 = frozenset({"utf-8", "utf8", "us-ascii", "ascii"})
_DATASET_PARAMETERS = ("default-graph-uri", "named-graph-uri")
_UPDATE_PARAMETERS = ("update", "using-graph-uri", "using-named-graph-uri")
_FORMAT_PARAMETERS = ("format", "output")
_READ_ONLY = (
    "SPARQL Update is refused: this endpoint is read-only. Change the catalogue's files and "
    "rebuild it instead."
)
_DATASET = (
    "default-graph-uri and named-graph-uri are refused: this endpoint holds the catalogue as "
    "one default graph and never loads graphs from URLs. Leave them out to query the catalogue."
)


class QueryRunner(Protocol):
    """Runs a job within a time limit (the :class:`~smartkg.server.pool.WorkerPool`)."""

    def execute(self, job: Job, timeout: float) -> Outcome: ...


class _BadRequest(Exception):
    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


def _fail(status: int, message: str, *headers: tuple[str, str]) -> _BadRequest:
    return _BadRequest(text_response(status, message, headers))


def _parse_form(text: str, where: str) -> dict[str, list[str]]:
    try:
        return parse_qs(text, keep_blank_values=True, errors="strict", max_num_fields=_MAX_FIELDS)
    except UnicodeDecodeError as exc:
        raise _fail(400, f"the {where} is not percent-encoded UTF-8") from exc
    except ValueError as exc:
        raise _fail(400, f"cannot read the {where}: {exc}") from exc


def _media_type(header: str) -> tuple[str, str | None]:
    """A ``Content-Type`` value as (media type in lower case, charset or None)."""
    media, *parameters = header.split(";")
    charset = None
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media.strip().lower(), charset


def _utf8(body: bytes, where: str) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _fail(400, f"the {where} is not UTF-8 (byte {exc.start})") from exc


def _merge(*parts: Mapping[str, list[str]]) -> dict[str, list[str]]:
    merged: dict[str, list[str]] = {}
    for part in parts:
        for name, values in part.items():
            merged.setdefault(name, []).extend(values)
    return merged


def _kind(form: QueryForm | None) -> Kind | None:
    if form in (QueryForm.SELECT, QueryForm.ASK):
        return Kind.RESULTS
    if form in (QueryForm.CONSTRUCT, QueryForm.DESCRIBE):
        return Kind.GRAPH
    return None


def _not_acceptable(kind: Kind, what: str) -> Response:
    offered = ", ".join(fmt.label for fmt in formats_of(kind))
    return text_response(
        406,
        f"none of the accepted media types fits the answer to {what}; this endpoint offers "
        f"{offered} (or add format=json, xml, csv, tsv, turtle, nt, json-ld, rdf+xml)",
        [("Vary", "Accept")],
    )


class SparqlEndpoint:
    """The handler of ``/sparql``."""

    methods = frozenset({"GET", "POST"})

    def __init__(
        self,
        runner: QueryRunner,
        config: ServerConfig,
        *,
        base_iri: str,
        description: ServiceDescription,
    ) -> None:
        self.runner = runner
        self.config = config
        self.base_iri = base_iri
        self.description = description

    def __call__(self, request: Request) -> Response:
        try:
            return self._answer(request)
        except _BadRequest as refusal:
            return refusal.response

    # -- reading the request -------------------------------------------------------------

    def _parameters(self, request: Request) -> tuple[dict[str, list[str]], str | None]:
        """The request's parameters (query string and form body) and a direct query body."""
        parameters = _parse_form(request.query, "query string")
        if request.method != "POST":
            return parameters, None
        header = request.header("Content-Type")
        if not header or not header.strip():
            raise _fail(
                400,
                f"a POST needs a Content-Type: {FORM} (with query=...) or {SPARQL_QUERY} "
                "(the query itself)",
            )
        media, charset = _media_type(header)
        if media == SPARQL_UPDATE:
            raise _fail(403, _READ_ONLY)
        if media not in (FORM, SPARQL_QUERY):
            raise _fail(415, f"unsupported Content-Type {media}; send {FORM} or {SPARQL_QUERY}")
        if charset is not None and charset not in _UTF8:
            raise _fail(415, f"unsupported charset {charset}: send the query in UTF-8")
        if media == FORM:
            body = _utf8(request.body, "form body")
            return _merge(parameters, _parse_form(body, "form body")), None
        return parameters, _utf8(request.body, "query")

    # -- answering -----------------------------------------------------------------------

    def _answer(self, request: Request) -> Response:
        parameters, direct = self._parameters(request)
        if any(name in parameters for name in _UPDATE_PARAMETERS):
            raise _fail(403, _READ_ONLY)
        queries = [*parameters.get("query", []), *([direct] if direct is not None else [])]
        if len(queries) > 1:
            raise _fail(400, f"a request carries one query, not {len(queries)}")
        names = [value for name in _FORMAT_PARAMETERS for value in parameters.get(name, [])]
        accept = request.header("Accept")
        if not queries:
            if request.method == "POST":
                raise _fail(400, "no query: send query=... or a body of type " + SPARQL_QUERY)
            return self._describe(accept, names)
        if any(parameters.get(name) for name in _DATASET_PARAMETERS):
            raise _fail(403, _DATASET)
        query = queries[0]
        inspection = inspect_query(query)
        if inspection.refusal is not None:
            raise _fail(403, inspection.refusal.message)
        results = choose_format(Kind.RESULTS, accept, names)
        graph = choose_format(Kind.GRAPH, accept, names)
        kind = _kind(inspection.form)
        what = f"a {str(inspection.form).upper()} query"
        if kind is Kind.RESULTS and results is None:
            return _not_acceptable(kind, what)
        if kind is Kind.GRAPH and graph is None:
            return _not_acceptable(kind, what)
        job = Job(
            query=query,
            base_iri=self.base_iri,
            results_format=results.key if results else None,
            graph_format=graph.key if graph else None,
            max_rows=self.config.max_rows,
            max_bytes=self.config.max_bytes,
        )
        return self._respond(self.runner.execute(job, self.config.timeout))

    def _describe(self, accept: str | None, names: Sequence[str]) -> Response:
        fmt = choose_format(Kind.GRAPH, accept, names)
        if fmt is None:
            return _not_acceptable(Kind.GRAPH, "the service description")
        return Response(200, self.description.render(fmt), fmt.media_type, (("Vary", "Accept"),))

    def _respond(self, outcome: Outcome) -> Response:
        status = outcome.status
        if status is Status.OK and outcome.format_key is not None:
            fmt = format_by_key(outcome.format_key)
            headers: list[tuple[str, str]] = [("Vary", "Accept")]
            if outcome.truncation is not None:
                headers.append((TRUNCATED_HEADER, outcome.truncation.header))
            if outcome.cached:
                headers.append((CACHE_HEADER, "hit"))
            return Response(200, outcome.body, fmt.media_type, tuple(headers))
        if status is Status.MALFORMED:
            return text_response(400, f"malformed query: {outcome.message}")
        if status is Status.NOT_ACCEPTABLE:
            kind = Kind.GRAPH if outcome.message == "CONSTRUCT" else Kind.RESULTS
            return _not_acceptable(kind, f"a {outcome.message} query")
        if status is Status.TIMEOUT:
            return text_response(
                503,
                f"query timed out: it ran longer than the {self.config.timeout:g} s limit and "
                "was stopped. Narrow it (LIMIT, more specific patterns) or run it on your own "
                "copy of the catalogue (smartkg export).",
            )
        if status is Status.BUSY:
            return text_response(503, f"busy: {outcome.message}", [("Retry-After", "2")])
        if status in (Status.OUT_OF_MEMORY, Status.CRASHED):
            return text_response(503, f"query stopped: {outcome.message}")
        return text_response(500, f"query failed: {outcome.message}")
