"""Choosing the answer format: a ``format=`` parameter first, else the ``Accept`` header.

``Accept`` is read as RFC 9110 says: each media range with its ``q`` weight (default 1); a format
takes the weight of the most specific range that matches it (``type/subtype`` over ``type/*``
over ``*/*``; aliases such as ``application/json`` match only exactly); the heaviest format
wins, ties going to the server's order (JSON, then XML, CSV, TSV; Turtle, then N-Triples,
JSON-LD, RDF/XML). ``q=0`` refuses a format. No ``Accept`` header means the default format.
``format=`` (or ``output=``, as Fuseki and SPARQLWrapper send it) overrides ``Accept`` when one
of its values names a format of the query's kind.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from smartkg.server.formats import Format, Kind, formats_of

__all__ = ["MediaRange", "choose_format", "format_from_names", "parse_accept"]


@dataclass(frozen=True)
class MediaRange:
    """One entry of an ``Accept`` header."""

    type: str
    subtype: str
    q: float

    def specificity(self, media_type: str) -> int:
        """How specifically this range matches ``media_type``: 2 exactly, 1 by ``type/*``,
        0 by ``*/*``; -1 when it does not match."""
        main, _, sub = media_type.partition("/")
        if self.type == "*" and self.subtype == "*":
            return 0
        if self.type == main and self.subtype == "*":
            return 1
        if self.type == main and self.subtype == sub:
            return 2
        return -1


def _weight(parameters: list[str]) -> float | None:
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "q":
            try:
                q = float(value.strip())
            except ValueError:
                return None
            return q if 0.0 <= q <= 1.0 else None
    return 1.0


def parse_accept(header: str) -> list[MediaRange]:
    """The media ranges of an ``Accept`` header; malformed entries are skipped."""
    ranges = []
    for entry in header.split(","):
        media, *parameters = entry.split(";")
        main, slash, sub = media.strip().lower().partition("/")
        if not slash or not main or not sub or (main == "*" and sub != "*"):
            continue
        q = _weight(parameters)
        if q is not None:
            ranges.append(MediaRange(main, sub, q))
    return ranges


def _quality(fmt: Format, ranges: Sequence[MediaRange]) -> float:
    """The weight ``ranges`` give ``fmt``: wildcards match its canonical media type, exact
    ranges any of its aliases too (``text/*`` means CSV rather than ``text/xml``)."""
    best_specificity, best_q = -1, 0.0
    for media_type in fmt.accepts:
        for media_range in ranges:
            specificity = media_range.specificity(media_type)
            if specificity < 2 and media_type != fmt.label:
                continue
            if specificity > best_specificity or (
                specificity == best_specificity and media_range.q > best_q
            ):
                best_specificity, best_q = specificity, media_range.q
    return best_q if best_specificity >= 0 else 0.0


def format_from_names(kind: Kind, names: Sequence[str]) -> Format | None:
    """The first of ``names`` (``format=`` values: short names or media types) that names a
    format of ``kind``; None when none does."""
    for raw in names:
        name = raw.split(";", 1)[0].strip().lower()
        for fmt in formats_of(kind):
            if name in fmt.names or name in fmt.accepts:
                return fmt
    return None


def choose_format(kind: Kind, accept: str | None, names: Sequence[str] = ()) -> Format | None:
    """The format to answer a query of ``kind`` in; None when the client accepts none."""
    named = format_from_names(kind, names)
    if named is not None:
        return named
    candidates = formats_of(kind)
    if accept is None or not accept.strip():
        return candidates[0]
    ranges = parse_accept(accept)
    if not ranges:
        return candidates[0]
    best: Format | None = None
    best_q = 0.0
    for fmt in candidates:
        q = _quality(fmt, ranges)
        if q > best_q:
            best, best_q = fmt, q
    return best
