"""Small HTML builders. Every text that comes from the graph or the request goes through
:func:`esc` (or :func:`attr`); the builders return markup as plain ``str``.

Korean text is marked ``lang="ko"`` so that browsers and screen readers pick the right font
and voice; the pages themselves are English (``<html lang="en">``).
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from smartkg.labels import Labels
from smartkg.web.links import local_href, slug_of

__all__ = [
    "attr",
    "esc",
    "iri_link",
    "label_html",
    "labels_inline",
    "lang_text",
    "link",
    "table",
]


def esc(text: object) -> str:
    """``text`` escaped for element content and quoted attribute values."""
    return escape(str(text), quote=True)


def attr(text: object) -> str:
    """``text`` as a quoted attribute value: ``"…"``."""
    return f'"{esc(text)}"'


def lang_text(text: str, language: str | None) -> str:
    """``text`` escaped, in a ``<span lang=…>`` when its language is not English."""
    if language and not language.lower().startswith("en"):
        return f"<span lang={attr(language)}>{esc(text)}</span>"
    return esc(text)


def link(href: str, content: str, *, css: str | None = None) -> str:
    """``<a href=…>content</a>``; ``content`` is markup (escape text before passing it)."""
    klass = f" class={attr(css)}" if css else ""
    return f"<a href={attr(href)}{klass}>{content}</a>"


def labels_inline(labels: Labels, fallback: str) -> str:
    """``English · 한국어`` (either alone when the other is missing, else ``fallback``)."""
    parts = []
    if labels.en:
        parts.append(esc(labels.en))
    if labels.ko and labels.ko != labels.en:
        parts.append(lang_text(labels.ko, "ko"))
    return " · ".join(parts) if parts else esc(fallback)


def label_html(iri: str, labels: Labels) -> str:
    """The labels of ``iri``, linked to its page (local when the catalogue serves it)."""
    content = labels_inline(labels, slug_of(iri))
    href = local_href(iri) or iri
    return link(href, content)


def iri_link(iri: str) -> str:
    """The IRI itself as text, linked to where it is served."""
    return link(local_href(iri) or iri, f"<code>{esc(iri)}</code>")


def table(headers: Iterable[str], rows: Iterable[Iterable[str]], *, css: str | None = None) -> str:
    """A table; ``headers`` are text, cells are markup."""
    klass = f" class={attr(css)}" if css else ""
    head = "".join(f'<th scope="col">{esc(h)}</th>' for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table{klass}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
