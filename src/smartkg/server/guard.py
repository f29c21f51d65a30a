"""What a query may not do, decided before it runs: update, call other servers, name graphs.

pyoxigraph evaluates ``SERVICE`` by sending an HTTP request to whatever IRI the query names,
127.0.0.1 included, so a public endpoint that let it through would make requests on anyone's
behalf (server-side request forgery). The endpoint therefore refuses, before any worker sees it:

- ``SERVICE``, in any letter case;
- ``FROM`` and ``FROM NAMED``: the store holds the catalogue as one default graph and loads no
  graph from a URL;
- the SPARQL Update operations (``INSERT``, ``DELETE``, ``LOAD``, ``CLEAR``, ``CREATE``,
  ``DROP``, ``COPY``, ``MOVE``, ``ADD``, ``WITH``). pyoxigraph's ``Store.query`` cannot run an
  update anyway; this check only gives the client a clear "read-only" answer.

The check is lexical and errs on the side of refusing. The text is split the way the SPARQL
grammar splits it: string literals (short and long, with escapes), IRIs (``<…>`` with IRIREF
characters only), comments and variables are skipped, so ``"SERVICE"``, ``<http://x/SERVICE>``,
``# SERVICE`` and ``?service`` pass. Every skipped region ends at the earliest point the grammar
allows (a short string at a line end, a comment at any line terminator, an unterminated string
or IRI is not skipped at all), so no text that Oxigraph reads as query is ever skipped.

The words that remain are matched knowing that Oxigraph's parser does not require a word
boundary after a keyword: ``SERVICE:x { … }`` and ``SERVICEa:b { … }`` are SERVICE calls to the
prefixed names ``:x`` and ``a:b``, and ``service:x { … }`` is one too. A word is therefore
refused when the part before its first colon *contains* ``service`` or ``from`` (so a prefix
named ``service:`` is refused), or when a dot-separated segment after the first one in its local
name does. Local names otherwise pass (``skg:SmartService``, ``svc:guro-gu-rehab-robot``), since
Oxigraph reads a prefixed name greedily. Letter case is folded with :meth:`str.casefold`, which
folds more than Oxigraph's ASCII comparison. SPARQL's ``\\u``/``\\U`` escapes are decoded and the
decoded text is checked as well.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Inspection", "QueryForm", "Refusal", "RefusalRule", "inspect_query"]


class QueryForm(StrEnum):
    """The four SPARQL query forms."""

    SELECT = "select"
    ASK = "ask"
    CONSTRUCT = "construct"
    DESCRIBE = "describe"


class RefusalRule(StrEnum):
    """Why a query is refused."""

    UPDATE = "read-only"
    SERVICE = "no-service"
    DATASET = "no-dataset"


@dataclass(frozen=True)
class Refusal:
    """A query the endpoint will not run, and the message that says why."""

    rule: RefusalRule
    message: str


@dataclass(frozen=True)
class Inspection:
    """What the lexical check found: the query form when it could tell, and any refusal."""

    form: QueryForm | None
    refusal: Refusal | None


SERVICE_MESSAGE = (
    "SERVICE is refused: this endpoint never sends requests to other servers (a federated "
    "query would let anyone make it call any URL). Query the catalogue itself, or download the "
    "dumps and federate on your own machine."
)
DATASET_MESSAGE = (
    "FROM and FROM NAMED are refused: this endpoint holds the catalogue as one default graph "
    "and never loads graphs from URLs. Remove the FROM clause to query the catalogue."
)


def update_message(keyword: str) -> str:
    """The refusal message for an update operation."""
    return (
        f"SPARQL Update ({keyword.upper()}) is refused: this endpoint is read-only. "
        "Change the catalogue's files and rebuild it instead."
    )


_FORMS = {form.value: form for form in QueryForm}
_UPDATE_KEYWORDS = frozenset(
    ("insert", "delete", "load", "clear", "create", "drop", "copy", "move", "add", "with")
)
_SERVICE = "service"
_FROM = "from"

# IRIREF of the SPARQL grammar: no spaces, controls or <>"{}|^`\ between the brackets.
_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
# VAR1/VAR2: the name after ? or $ (letters, digits, _, and the extra VARNAME characters).
_VARIABLE = re.compile(r"[?$][\w\u00b7\u0300-\u036f\u203f\u2040]*")
# Anything that may belong to a keyword, function name, number, prefixed name or blank node
# label, including local-name escapes (\#, \. …) and percent escapes.
_NAME = re.compile(r"(?:[\w\u00b7\u0300-\u036f\u203f\u2040:%.\-]|\\.)+", re.DOTALL)
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


# The line terminators, as regular-expression escapes: a comment or short string ends at the
# first of any of them.
_LINE_ENDS = r"\n\r\x0b\x0c\x85\u2028\u2029"
_LINE_END = re.compile(f"[{_LINE_ENDS}]")
# A short string's body: no quote, no line end, backslash escapes of anything but a line end.
_SHORT_STRING_BODY = {q: re.compile(rf"(?:[^{q}\\{_LINE_ENDS}]|\\[^{_LINE_ENDS}])*") for q in "\"'"}
# A long string's body and its end: three quotes (and any quotes right after them).
_LONG_STRING_END = {
    q: re.compile(rf"(?:[^{q}\\]|\\.|{q}(?!{q}{q}))*{q}{{3}}{q}*", re.DOTALL) for q in "\"'"
}


def _skip_comment(text: str, start: int) -> int:
    end = _LINE_END.search(text, start)
    return end.start() if end else len(text)


def _skip_long_string(text: str, start: int, quotes: str) -> int:
    # Quotes right after the closing ones are not read as opening another string.
    end = _LONG_STRING_END[quotes[0]].match(text, start + 3)
    return end.end() if end else start + 3  # unterminated: read the rest as query text


def _skip_short_string(text: str, start: int) -> int:
    quote = text[start]
    body = _SHORT_STRING_BODY[quote].match(text, start + 1)
    assert body is not None  # the pattern matches the empty string
    index = body.end()
    if index >= len(text):
        return start + 1  # unterminated: read the rest as query text
    if text[index] == quote or text[index] == "\\":
        return index + 1  # closed, or a backslash before a line end
    return index  # a line end: the string stops before it


def _words(text: str) -> Iterator[str]:
    """The words of ``text`` outside strings, IRIs, comments and variables."""
    index = 0
    length = len(text)
    while index < length:
        char = text[index]
        if char == "#":
            index = _skip_comment(text, index)
        elif char in "\"'":
            quotes = char * 3
            if text.startswith(quotes, index):
                index = _skip_long_string(text, index, quotes)
            else:
                index = _skip_short_string(text, index)
        elif char == "<":
            iri = _IRIREF.match(text, index)
            index = iri.end() if iri else index + 1
        elif char in "?$":
            variable = _VARIABLE.match(text, index)
            index = variable.end() if variable else index + 1
        else:
            name = _NAME.match(text, index)
            if name is None:
                index += 1
            else:
                yield name.group()
                index = name.end()


def _decode_codepoints(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        value = int(match.group(1) or match.group(2), 16)
        return chr(value) if value <= 0x10FFFF else match.group()

    return _CODEPOINT.sub(replace, text)


def _dangerous(word: str) -> str | None:
    """``service`` or ``from`` when ``word`` could start a SERVICE or FROM clause."""
    head, colon, local = word.partition(":")
    parts = [head.casefold()]
    if colon:
        parts.extend(segment.casefold() for segment in local.split(".")[1:])
    for part in parts:
        if _SERVICE in part:
            return _SERVICE
        if _FROM in part:
            return _FROM
    return None


def _scan(text: str) -> tuple[QueryForm | None, Refusal | None]:
    form: QueryForm | None = None
    update: str | None = None
    for word in _words(text):
        danger = _dangerous(word)
        if danger == _SERVICE:
            return form, Refusal(RefusalRule.SERVICE, SERVICE_MESSAGE)
        if danger == _FROM:
            return form, Refusal(RefusalRule.DATASET, DATASET_MESSAGE)
        if ":" in word:
            continue
        for segment in re.split(r"[.\-]", word):
            folded = segment.casefold()
            if form is None and folded in _FORMS:
                form = _FORMS[folded]
            if update is None and folded in _UPDATE_KEYWORDS:
                update = segment
    if update is not None:
        return form, Refusal(RefusalRule.UPDATE, update_message(update))
    return form, None


def inspect_query(text: str) -> Inspection:
    """The form of query ``text`` (None when the check cannot tell) and why it is refused
    (None when it may run)."""
    form, refusal = _scan(text)
    if refusal is None and "\\" in text:
        decoded = _decode_codepoints(text)
        if decoded != text:
            _, refusal = _scan(decoded)
    return Inspection(form, refusal)
