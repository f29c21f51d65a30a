"""The named query catalogue: ``queries/<name>.rq`` files and their headers.

Each file is one SPARQL 1.1 SELECT query, runnable unchanged on any engine, that opens with a
header of comment lines::

    # title: Services of a city
    # question: Which smart services does a city run or plan, of which service type, and is
    #           each operating or planned?
    # param: city (city, default guro-gu): the local government (slug, Korean or English name)

``# question:`` (and any field) may continue on lines that start with ``#`` and two or more
spaces. A query takes one ``# param:`` line per parameter, or ``# parameters: none``. A
parameter is a variable that the query leaves free (so that, run as it stands, the query answers
for every value) and projects; the runner binds it to an RDF term, never pasting it into the text.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from smartkg.catalogue import Layout
from smartkg.errors import CatalogueError, SmartkgError

__all__ = [
    "QUERY_SUFFIX",
    "NamedQuery",
    "ParamKind",
    "Parameter",
    "QueryError",
    "find_query",
    "load_queries",
    "parameter_names",
    "parse_query",
    "queries_dir",
]

QUERY_SUFFIX = ".rq"
HEADER_RULE = "query-header"

_KEY_LINE = re.compile(r"^# (?P<key>[a-z]+):(?P<value>.*)$")
_CONTINUATION = re.compile(r"^#\s{2,}(?P<value>\S.*)$")
_PARAM = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+"
    r"\((?P<kind>[a-z-]+),\s*default\s+(?P<default>[^)]*?)\)"
    r"\s*:\s*(?P<description>\S.*)$"
)
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_SELECT = re.compile(r"\bSELECT\b(?P<projection>.*?)(?:\bWHERE\b|\{)", re.IGNORECASE | re.DOTALL)
_KEYS = ("title", "question", "param", "parameters", "note", "expected")


class QueryError(SmartkgError):
    """A query was asked for wrongly: unknown name, bad ``--param`` syntax, name or value."""


class ParamKind(StrEnum):
    """What a parameter's value names: an entity of the catalogue, or a literal."""

    CITY = "city"
    SERVICE_TYPE = "service-type"
    DOMAIN = "domain"
    TECHNOLOGY = "technology"
    TARGET_GROUP = "target-group"
    SIZE_CLASS = "size-class"
    REGION = "region"
    INTEGER = "integer"
    STRING = "string"

    @property
    def is_literal(self) -> bool:
        return self in (ParamKind.INTEGER, ParamKind.STRING)


@dataclass(frozen=True)
class Parameter:
    """One ``# param:`` line: the variable (without ``?``), its kind, default and description."""

    name: str
    kind: ParamKind
    default: str
    description: str

    def __str__(self) -> str:
        return f"{self.name} ({self.kind.value}, default {self.default})"


@dataclass(frozen=True)
class NamedQuery:
    """A catalogue query: its name (the file stem), header and unchanged text."""

    name: str
    source: str
    title: str
    question: str
    parameters: tuple[Parameter, ...]
    text: str

    def parameter(self, name: str) -> Parameter | None:
        """The parameter called ``name`` (case, ``-`` and ``_`` ignored), or None."""
        key = _parameter_key(name)
        for parameter in self.parameters:
            if _parameter_key(parameter.name) == key:
                return parameter
        return None


def _parameter_key(name: str) -> str:
    return name.replace("-", "").replace("_", "").casefold()


def queries_dir(root: Path | Layout) -> Path:
    """The directory of the named queries: ``ROOT/queries``."""
    layout = root if isinstance(root, Layout) else Layout(Path(root))
    return layout.root / "queries"


@dataclass
class _Field:
    key: str
    value: str
    line: int


def _header_fields(lines: list[str], source: str) -> list[_Field]:
    fields: list[_Field] = []
    for number, line in enumerate(lines, start=1):
        stripped = line.rstrip()
        if not stripped.startswith("#"):
            break
        if stripped == "#":
            continue
        continuation = _CONTINUATION.match(stripped)
        if continuation:
            if not fields:
                raise CatalogueError(
                    "continuation line before any header field",
                    path=source,
                    line=number,
                    rule=HEADER_RULE,
                )
            fields[-1].value = f"{fields[-1].value} {continuation['value'].strip()}"
            continue
        keyed = _KEY_LINE.match(stripped)
        if not keyed:
            raise CatalogueError(
                "header line is not '# key: value' nor a continuation ('#' and two spaces)",
                path=source,
                line=number,
                rule=HEADER_RULE,
            )
        if keyed["key"] not in _KEYS:
            raise CatalogueError(
                f"unknown header field {keyed['key']!r} (expected one of {', '.join(_KEYS)})",
                path=source,
                line=number,
                rule=HEADER_RULE,
            )
        fields.append(_Field(keyed["key"], keyed["value"].strip(), number))
    return fields


def _body(text: str) -> str:
    """The query text without its comment lines."""
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def _parse_parameter(field: _Field, source: str) -> Parameter:
    match = _PARAM.match(field.value)
    if not match:
        raise CatalogueError(
            "parameter line must read 'NAME (KIND, default DEFAULT): description'",
            path=source,
            line=field.line,
            rule=HEADER_RULE,
        )
    try:
        kind = ParamKind(match["kind"])
    except ValueError:
        kinds = ", ".join(k.value for k in ParamKind)
        raise CatalogueError(
            f"unknown parameter kind {match['kind']!r} (expected one of {kinds})",
            path=source,
            line=field.line,
            rule=HEADER_RULE,
        ) from None
    default = match["default"].strip()
    if kind is ParamKind.INTEGER and not _INTEGER.match(default):
        raise CatalogueError(
            f"default {default!r} of integer parameter {match['name']!r} is not an integer",
            path=source,
            line=field.line,
            rule=HEADER_RULE,
        )
    if not default and kind is not ParamKind.STRING:
        raise CatalogueError(
            f"parameter {match['name']!r} has an empty default",
            path=source,
            line=field.line,
            rule=HEADER_RULE,
        )
    return Parameter(match["name"], kind, default, match["description"].strip())


def _single(fields: list[_Field], key: str, source: str, *, required: bool) -> _Field | None:
    found = [f for f in fields if f.key == key]
    if len(found) > 1:
        raise CatalogueError(
            f"header field {key!r} given twice", path=source, line=found[1].line, rule=HEADER_RULE
        )
    if required and not found:
        raise CatalogueError(f"header lacks '# {key}:'", path=source, line=1, rule=HEADER_RULE)
    return found[0] if found else None


def parse_query(text: str, *, name: str, source: str) -> NamedQuery:
    """Parse one query file's text (``source`` names it in errors)."""
    fields = _header_fields(text.splitlines(), source)
    title = _single(fields, "title", source, required=True)
    question = _single(fields, "question", source, required=True)
    assert title is not None and question is not None
    for field in (title, question):
        if not field.value:
            raise CatalogueError(
                f"header field {field.key!r} is empty",
                path=source,
                line=field.line,
                rule=HEADER_RULE,
            )
    none = _single(fields, "parameters", source, required=False)
    param_fields = [f for f in fields if f.key == "param"]
    if none is not None and none.value != "none":
        raise CatalogueError(
            "'# parameters:' may only say 'none'; declare each parameter on a '# param:' line",
            path=source,
            line=none.line,
            rule=HEADER_RULE,
        )
    if none is not None and param_fields:
        raise CatalogueError(
            "'# parameters: none' and '# param:' lines contradict each other",
            path=source,
            line=none.line,
            rule=HEADER_RULE,
        )
    if none is None and not param_fields:
        raise CatalogueError(
            "header declares no parameters: add '# param:' lines or '# parameters: none'",
            path=source,
            line=1,
            rule=HEADER_RULE,
        )

    body = _body(text)
    select = _SELECT.search(body)
    if select is None:
        raise CatalogueError("not a SELECT query", path=source, rule=HEADER_RULE)
    projection = select["projection"]
    parameters: list[Parameter] = []
    for field in param_fields:
        parameter = _parse_parameter(field, source)
        if any(_parameter_key(p.name) == _parameter_key(parameter.name) for p in parameters):
            raise CatalogueError(
                f"parameter {parameter.name!r} declared twice",
                path=source,
                line=field.line,
                rule=HEADER_RULE,
            )
        variable = re.compile(rf"[?$]{re.escape(parameter.name)}\b")
        if not variable.search(body):
            raise CatalogueError(
                f"parameter {parameter.name!r} is not a variable of the query",
                path=source,
                line=field.line,
                rule=HEADER_RULE,
            )
        if projection.strip() != "*" and not variable.search(projection):
            raise CatalogueError(
                f"parameter {parameter.name!r} is not projected by the SELECT clause "
                "(a bound variable must be projected)",
                path=source,
                line=field.line,
                rule=HEADER_RULE,
            )
        parameters.append(parameter)
    return NamedQuery(
        name=name,
        source=source,
        title=title.value,
        question=question.value,
        parameters=tuple(parameters),
        text=text,
    )


def _read(path: Path, source: str) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CatalogueError(
            f"cannot read file: {exc.strerror or exc}", path=source, rule="read"
        ) from exc
    try:
        return raw.decode("utf-8")  # no newline translation: the text is sent as it is
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise CatalogueError(
            f"not UTF-8: {exc.reason} at byte {exc.start}",
            path=source,
            line=line,
            rule="encoding",
        ) from exc


def load_queries(root: Path | Layout) -> dict[str, NamedQuery]:
    """Every ``queries/*.rq`` of the catalogue under ``root``, by name, in name order.

    A file whose header is malformed is a :class:`CatalogueError` naming the file and line.
    """
    layout = root if isinstance(root, Layout) else Layout(Path(root))
    directory = queries_dir(layout)
    paths = sorted(
        p for p in directory.glob(f"*{QUERY_SUFFIX}") if p.is_file() and not p.name.startswith(".")
    )
    queries: dict[str, NamedQuery] = {}
    for path in paths:
        source = layout.relative(path)
        queries[path.stem] = parse_query(_read(path, source), name=path.stem, source=source)
    return queries


def find_query(queries: Mapping[str, NamedQuery], name: str) -> NamedQuery:
    """The query called ``name``; otherwise a :class:`QueryError` naming the closest names."""
    if name in queries:
        return queries[name]
    close = difflib.get_close_matches(name, list(queries), n=3, cutoff=0.5)
    hint = f" Did you mean: {', '.join(close)}?" if close else ""
    raise QueryError(
        f"no query is called {name!r}.{hint} ('smartkg query --list' lists them all)",
        rule="unknown-query",
    )


def parameter_names(parameters: Iterable[Parameter]) -> str:
    """``a, b`` — or ``none``."""
    names = [p.name for p in parameters]
    return ", ".join(names) if names else "none"
