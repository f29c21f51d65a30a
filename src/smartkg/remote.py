"""The catalogue in an existing triple store: a SPARQL 1.1 engine over HTTP, and publishing.

:class:`RemoteEngine` answers the same :class:`~smartkg.engine.SparqlEngine` calls as the embedded
store, through SPARQLWrapper against any SPARQL 1.1 query endpoint (Oxigraph server, Fuseki,
Virtuoso, GraphDB, QLever). Answers come back in the embedded engine's row forms (IRIs in full,
literals by their lexical form), so every comparison applies unchanged.

Parameters are bound safely: each bound variable gets a ``VALUES (?var …) { (term …) }`` block,
its terms serialised by rdflib's ``.n3()`` after validation, inserted as the first element of the
query's top-level WHERE group. Nothing the user typed is ever pasted into query text as syntax:
a literal is a quoted, escaped string; an IRI is checked against SPARQL's IRIREF production.

:func:`publish` uploads the built graph with the SPARQL 1.1 Graph Store Protocol into a named
graph and checks its triple count through the query endpoint. Given an update endpoint, it
uploads to a fresh staging graph first and moves (``--replace``) or adds (``--merge``) it into
the target only once the staging copy is complete, so a failure leaves the target as it was.

Endpoints and credentials come from the environment (:data:`ENDPOINT_ENV` and the others below),
credentials never from the command line.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, BinaryIO

from rdflib import BNode, Graph, Literal, URIRef

from smartkg.errors import SmartkgError
from smartkg.namespaces import ID, XSD
from smartkg.store import Rows, Term, TermRows, cell

__all__ = [
    "CATALOGUE_GRAPH",
    "ENDPOINT_ENV",
    "GRAPH_ENV",
    "GRAPH_STORE_ENV",
    "PASSWORD_ENV",
    "ROW_CAP_HEADER",
    "UPDATE_ENV",
    "USER_ENV",
    "PublishMode",
    "PublishResult",
    "RemoteEngine",
    "RemoteError",
    "bind_values",
    "endpoint_from_environment",
    "export_remote",
    "publish",
]

ENDPOINT_ENV = "SMARTKG_ENDPOINT"
"""The SPARQL 1.1 query endpoint every reading command uses when ``--endpoint`` is not given."""
GRAPH_STORE_ENV = "SMARTKG_GRAPH_STORE"
"""The Graph Store Protocol endpoint ``smartkg publish`` uploads to."""
UPDATE_ENV = "SMARTKG_UPDATE_ENDPOINT"
"""The SPARQL 1.1 update endpoint ``smartkg publish`` moves the staging graph with."""
GRAPH_ENV = "SMARTKG_GRAPH"
"""The named graph that holds the catalogue in the store (default :data:`CATALOGUE_GRAPH`;
``default`` for the store's default graph)."""
USER_ENV = "SMARTKG_USER"
PASSWORD_ENV = "SMARTKG_PASSWORD"
"""HTTP basic credentials for every request to the store."""
TIMEOUT_ENV = "SMARTKG_TIMEOUT"
"""Seconds one request may take (default 60)."""
ROW_CAP_HEADER = "X-SPARQL-MaxRows"
"""Virtuoso's sign that a SELECT answer reached its ``ResultSetMaxRows`` cap."""

CATALOGUE_GRAPH = ID["graph/catalogue"]
"""The named graph ``smartkg publish`` writes and the reading commands query by default."""

DEFAULT_GRAPH_NAME = "default"
_DEFAULT_TIMEOUT = 60.0

# SPARQL 1.1 IRIREF: no control characters, spaces or <>"{}|^`\
_IRIREF = re.compile(r'^[^<>"{}|^`\\\x00-\x20]*$')
_IRIREF_TOKEN = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_LANGTAG = re.compile(r"^[a-zA-Z]+(-[a-zA-Z0-9]+)*$")
_VARNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class RemoteError(SmartkgError):
    """The store could not be reached, refused the request or answered something unusable."""


class PublishMode(StrEnum):
    REPLACE = "replace"
    MERGE = "merge"


# --- binding parameters ------------------------------------------------------------------------


def _n3(term: URIRef | Literal) -> str:
    """``term`` as SPARQL syntax, validated so that it can only ever be one RDF term."""
    if isinstance(term, URIRef):
        if not _IRIREF.match(str(term)) or not str(term):
            raise RemoteError(f"not an IRI that can be bound: {str(term)!r}", rule="bad-iri")
        return f"<{term}>"
    if isinstance(term, Literal):
        if term.language is not None and not _LANGTAG.match(term.language):
            raise RemoteError(f"bad language tag {term.language!r}", rule="bad-literal")
        if term.datatype is not None and not _IRIREF.match(str(term.datatype)):
            raise RemoteError(f"bad datatype {term.datatype!r}", rule="bad-literal")
        text: str = term.n3()  # quotes, backslashes and line breaks escaped by rdflib
        return text
    raise TypeError(f"cannot bind {term!r}")  # blank nodes are not parameters


def values_clause(bindings: Mapping[str, URIRef | Literal]) -> str:
    """``VALUES (?a ?b) { (<iri> "text") }`` binding each variable to its term."""
    for name in bindings:
        if not _VARNAME.match(name):
            raise RemoteError(f"bad variable name {name!r}", rule="bad-variable")
    names = " ".join(f"?{name}" for name in bindings)
    terms = " ".join(_n3(term) for term in bindings.values())
    return f"VALUES ({names}) {{ ({terms}) }}"


def _where_brace(query: str) -> int:
    """The index of the ``{`` opening the query's top-level WHERE group.

    Comments, string literals and IRIs are skipped; so are parenthesised select expressions
    (which may hold ``EXISTS { … }``)."""
    depth = 0
    i = 0
    n = len(query)
    while i < n:
        ch = query[i]
        if ch == "#":
            end = query.find("\n", i)
            i = n if end < 0 else end + 1
            continue
        if ch in "\"'":
            quote = query[i : i + 3] if query[i : i + 3] in ('"""', "'''") else ch
            j = i + len(quote)
            while j < n and not query.startswith(quote, j):
                j += 2 if query[j] == "\\" else 1
            i = j + len(quote)
            continue
        if ch == "<":
            match = _IRIREF_TOKEN.match(query, i)
            if match:
                i = match.end()
                continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "{" and depth == 0:
            return i
        i += 1
    raise RemoteError("the query has no WHERE group to bind parameters in", rule="query-syntax")


def bind_values(query: str, bindings: Mapping[str, URIRef | Literal] | None) -> str:
    """``query`` with ``bindings`` as a VALUES block first in its top-level WHERE group.

    Like pyoxigraph's substitutions, every solution then has the bound value; a bound variable
    must be projected (or used) at the top level of the query, as in every query of queries/.
    """
    if not bindings:
        return query
    at = _where_brace(query) + 1
    return f"{query[:at]}\n  {values_clause(bindings)}\n{query[at:]}"


# --- the engine --------------------------------------------------------------------------------


def _basic_auth(user: str | None, password: str | None) -> str | None:
    if not user:
        return None
    token = base64.b64encode(f"{user}:{password or ''}".encode()).decode("ascii")
    return f"Basic {token}"


def _check_url(url: str, what: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise RemoteError(f"{what} must be an http(s) URL, not {url!r}", rule="bad-url")
    return url


def _environment_timeout() -> float:
    text = os.environ.get(TIMEOUT_ENV, "")
    try:
        return float(text) if text else _DEFAULT_TIMEOUT
    except ValueError:
        raise RemoteError(f"{TIMEOUT_ENV} must be a number of seconds, not {text!r}") from None


def _environment_graph() -> str | None:
    text = os.environ.get(GRAPH_ENV, "").strip()
    if text == DEFAULT_GRAPH_NAME:
        return None
    return text or str(CATALOGUE_GRAPH)


def endpoint_from_environment(endpoint: str | None) -> str | None:
    """``endpoint`` if given, else :data:`ENDPOINT_ENV` if set, else None (the embedded store)."""
    return endpoint or os.environ.get(ENDPOINT_ENV) or None


def _term(binding: Mapping[str, str]) -> Term:
    kind = binding.get("type")
    value = binding.get("value", "")
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if kind in ("literal", "typed-literal"):
        language = binding.get("xml:lang")
        if language:
            return Literal(value, lang=language, normalize=False)
        datatype = binding.get("datatype")
        if datatype and datatype != str(XSD.string):
            return Literal(value, datatype=URIRef(datatype), normalize=False)
        return Literal(value, normalize=False)
    raise RemoteError(f"unexpected term in a SELECT solution: {dict(binding)!r}")


class RemoteEngine:
    """A SPARQL 1.1 query endpoint reached through SPARQLWrapper.

    ``default_graph`` (sent as ``default-graph-uri``) makes a named graph the queries' default
    graph, so the catalogue published into a named graph answers unchanged queries. Requests are
    URL-encoded POSTs (Virtuoso hangs on direct POSTs of the query); a Virtuoso "anytime" partial
    answer (HTTP 206 or an ``X-SQL-State`` header) and an answer that reached Virtuoso's row cap
    (an ``X-SPARQL-MaxRows`` header) are errors, never a silent short answer.
    """

    def __init__(
        self,
        endpoint: str,
        *,
        default_graph: str | None = None,
        user: str | None = None,
        password: str | None = None,
        timeout: float = _DEFAULT_TIMEOUT,
    ) -> None:
        self.endpoint = _check_url(endpoint, "the SPARQL endpoint")
        self.default_graph = default_graph
        self._auth = (user, password)
        self.timeout = timeout

    @classmethod
    def from_environment(cls, endpoint: str) -> RemoteEngine:
        """An engine for ``endpoint`` with the graph, credentials and timeout of the
        environment (:data:`GRAPH_ENV`, :data:`USER_ENV`, :data:`PASSWORD_ENV`)."""
        return cls(
            endpoint,
            default_graph=_environment_graph(),
            user=os.environ.get(USER_ENV) or None,
            password=os.environ.get(PASSWORD_ENV),
            timeout=_environment_timeout(),
        )

    def _request(self, query: str, accept: str) -> tuple[bytes, str]:
        from SPARQLWrapper import JSON, POST, TURTLE, URLENCODED, SPARQLWrapper
        from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

        wrapper = SPARQLWrapper(self.endpoint)
        wrapper.setMethod(POST)
        wrapper.setRequestMethod(URLENCODED)
        wrapper.setReturnFormat(JSON if "json" in accept else TURTLE)
        wrapper.setOnlyConneg(True)
        wrapper.addCustomHttpHeader("Accept", accept)
        wrapper.setTimeout(int(self.timeout))
        user, password = self._auth
        if user:
            wrapper.setCredentials(user, password or "")
        if self.default_graph:
            wrapper.addDefaultGraph(self.default_graph)
        wrapper.setQuery(query)
        try:
            result = wrapper.query()
            response = result.response
            body = response.read()
        except SPARQLWrapperException as error:
            raise RemoteError(f"{self.endpoint} refused the query: {error}") from None
        except (urllib.error.URLError, OSError) as error:
            raise RemoteError(f"cannot reach {self.endpoint}: {error}") from None
        headers = response.info()
        if response.getcode() == 206 or headers.get("X-SQL-State"):
            raise RemoteError(
                f"{self.endpoint} returned a partial answer ({headers.get('X-SQL-State')}: "
                f"{headers.get('X-SQL-Message')}); raise the store's timeout (Virtuoso: the "
                "endpoint URL's timeout parameter, MaxQueryExecutionTime in virtuoso.ini)",
                rule="partial-result",
            )
        cap = headers.get(ROW_CAP_HEADER)
        if cap:
            # Virtuoso sends it once an answer reaches ResultSetMaxRows, cut or not.
            raise RemoteError(
                f"{self.endpoint} answered {cap} rows, its result cap ({ROW_CAP_HEADER}), so "
                "the answer may be cut; raise the store's cap (Virtuoso: ResultSetMaxRows in "
                "the [SPARQL] section of virtuoso.ini, then restart it)",
                rule="row-cap",
            )
        return body, headers.get("Content-Type", "")

    def _json(self, query: str, bindings: Mapping[str, URIRef | Literal] | None) -> Any:
        body, _ = self._request(bind_values(query, bindings), "application/sparql-results+json")
        try:
            document = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise RemoteError(f"{self.endpoint} answered no SPARQL JSON: {error}") from None
        if "results" not in document:
            raise ValueError("not a SELECT query")
        return document

    def select_terms(
        self, query: str, bindings: Mapping[str, URIRef | Literal] | None = None
    ) -> TermRows:
        document = self._json(query, bindings)
        variables = tuple(str(name) for name in document.get("head", {}).get("vars", []))
        rows = [
            tuple(_term(solution[name]) if name in solution else None for name in variables)
            for solution in document["results"].get("bindings", [])
        ]
        return variables, rows

    def select(self, query: str, bindings: Mapping[str, URIRef | Literal] | None = None) -> Rows:
        variables, rows = self.select_terms(query, bindings)
        return variables, [tuple(cell(term) for term in row) for row in rows]

    def construct(self, query: str) -> Graph:
        """The graph a CONSTRUCT query answers."""
        body, content_type = self._request(query, "application/n-triples, text/turtle;q=0.9")
        fmt = "nt" if "n-triples" in content_type or "text/plain" in content_type else "turtle"
        graph = Graph()
        try:
            graph.parse(data=body.decode("utf-8"), format=fmt)
        except Exception as error:
            raise RemoteError(f"{self.endpoint} answered unreadable RDF: {error}") from None
        return graph

    def triple_count(self, graph: str | None = None) -> int:
        """How many triples the default graph (or the named ``graph``) holds.

        With a :attr:`default_graph`, the query's dataset holds that graph only (SPARQL 1.1
        Protocol): count a named graph through an engine without one."""
        if graph is None:
            query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        else:
            query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {_n3(URIRef(graph))} {{ ?s ?p ?o }} }}"
        _, rows = self.select(query)
        return int(rows[0][0]) if rows and rows[0][0] else 0


def export_remote(engine: RemoteEngine, fmt: Any, destination: Path | BinaryIO) -> int:
    """``smartkg export`` from a store: every triple of the engine's default graph in ``fmt``."""
    from smartkg.atomic import write_atomically
    from smartkg.serialize import serialize

    graph = engine.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    # Virtuoso cuts CONSTRUCT answers at ResultSetMaxRows silently (no header): count apart.
    expected = engine.triple_count()
    if len(graph) < expected:
        raise RemoteError(
            f"{engine.endpoint} answered {len(graph)} of its {expected} triples: its result "
            "cap is lower than the graph; raise it (Virtuoso: ResultSetMaxRows in the [SPARQL] "
            "section of virtuoso.ini, then restart it)",
            rule="row-cap",
        )
    content = serialize(graph, fmt)
    if isinstance(destination, Path):
        write_atomically({destination: content})
    else:
        destination.write(content)
        destination.flush()
    return len(graph)


# --- publishing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublishResult:
    graph: str
    triples: int
    total: int
    staged: bool


def _http(
    method: str, url: str, *, data: bytes, content_type: str, auth: str | None, timeout: float
) -> int:
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Content-Type", content_type)
    if auth:
        request.add_header("Authorization", auth)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
            status: int = response.status
    except urllib.error.HTTPError as error:
        detail = error.read()[:300].decode("utf-8", "replace").strip()
        raise RemoteError(f"{method} {url} failed: HTTP {error.code} {detail}") from None
    except (urllib.error.URLError, OSError) as error:
        raise RemoteError(f"cannot reach {url}: {error}") from None
    return status


def _graph_url(graph_store: str, graph: str) -> str:
    separator = "&" if urllib.parse.urlsplit(graph_store).query else "?"
    return f"{graph_store}{separator}{urllib.parse.urlencode({'graph': graph})}"


def _built_graph(build_dir: Path) -> Graph:
    from smartkg.build import GRAPH_NT
    from smartkg.engine import DERIVED_FILES

    path = build_dir / GRAPH_NT
    if not path.is_file():
        raise RemoteError(f"{path} does not exist: run smartkg build first", rule="not-built")
    graph = Graph()
    graph.parse(path, format="nt")
    for name in DERIVED_FILES:
        if (build_dir / name).is_file():
            graph.parse(build_dir / name, format="turtle")
    return graph


def publish(
    build_dir: Path,
    graph_store: str,
    *,
    endpoint: str,
    update: str | None = None,
    graph: str = str(CATALOGUE_GRAPH),
    mode: PublishMode = PublishMode.REPLACE,
) -> PublishResult:
    """Upload the built graph (``build/smartkg.nt`` and the derived graphs present) into the
    named ``graph`` of a store, then check the triple count through the query ``endpoint``.

    With an ``update`` endpoint the upload goes to a fresh staging graph, whose count is checked
    before it is moved (replace) or added (merge) into ``graph``: a failed or short upload leaves
    ``graph`` untouched and the staging graph dropped. Without one, the upload is one Graph Store
    Protocol request (PUT to replace, POST to merge), which the store applies as a whole or not
    at all. Raises :class:`RemoteError`.
    """
    _check_url(graph_store, "the graph store")
    if update is not None:
        _check_url(update, "the update endpoint")
    _n3(URIRef(graph))
    built = _built_graph(build_dir)
    body = built.serialize(format="nt", encoding="utf-8")
    expected = len(built)
    user = os.environ.get(USER_ENV) or None
    auth = _basic_auth(user, os.environ.get(PASSWORD_ENV))
    timeout = _environment_timeout()
    engine = RemoteEngine(
        endpoint, user=user, password=os.environ.get(PASSWORD_ENV), timeout=timeout
    )

    def send_update(text: str) -> None:
        assert update is not None
        _http(
            "POST",
            update,
            data=urllib.parse.urlencode({"update": text}).encode("utf-8"),
            content_type="application/x-www-form-urlencoded",
            auth=auth,
            timeout=timeout,
        )

    def check(name: str, least: int, exact: bool) -> int:
        count = engine.triple_count(name)
        if (count != least) if exact else (count < least):
            raise RemoteError(
                f"graph <{name}> holds {count} triples after the upload, expected "
                f"{'' if exact else 'at least '}{least}",
                rule="count-mismatch",
            )
        return count

    target = _n3(URIRef(graph))
    if update is None:
        method = "PUT" if mode is PublishMode.REPLACE else "POST"
        _http(
            method,
            _graph_url(graph_store, graph),
            data=body,
            content_type="application/n-triples",
            auth=auth,
            timeout=timeout,
        )
        total = check(graph, expected, mode is PublishMode.REPLACE)
        return PublishResult(graph, expected, total, staged=False)

    staging = f"urn:uuid:{uuid.uuid4()}"
    try:
        _http(
            "PUT",
            _graph_url(graph_store, staging),
            data=body,
            content_type="application/n-triples",
            auth=auth,
            timeout=timeout,
        )
        check(staging, expected, exact=True)
        if mode is PublishMode.REPLACE:
            send_update(f"MOVE GRAPH <{staging}> TO GRAPH {target}")
        else:
            send_update(f"ADD GRAPH <{staging}> TO GRAPH {target}")
    finally:
        with contextlib.suppress(RemoteError):  # gone already (moved), or never reached
            _http(
                "DELETE",
                _graph_url(graph_store, staging),
                data=b"",
                content_type="application/n-triples",
                auth=auth,
                timeout=timeout,
            )
    total = check(graph, expected, mode is PublishMode.REPLACE)
    return PublishResult(graph, expected, total, staged=True)
