"""The frame of every page: head, navigation, main content and footer."""

from __future__ import annotations

from collections.abc import Iterable

from smartkg import __version__
from smartkg.web.html import attr, esc

__all__ = ["NAVIGATION", "STYLESHEET", "page"]

STYLESHEET = "/static/smartkg.css"

#: (path, text) of the navigation bar, in order.
NAVIGATION: tuple[tuple[str, str], ...] = (
    ("/", "Home"),
    ("/yasgui", "Query"),
    ("/planner", "Replication planner"),
    ("/network", "Network"),
    ("/ontology", "Ontology"),
    ("/id/scheme/service-types", "Service types"),
    ("/stats", "Statistics"),
    ("/sparql", "SPARQL endpoint"),
)


def page(
    title: str,
    body: str,
    *,
    current: str | None = None,
    head: str = "",
    scripts: Iterable[str] = (),
    wide: bool = False,
) -> str:
    """A complete HTML document: ``title`` is text, ``body`` and ``head`` are markup,
    ``scripts`` are local paths loaded at the end of the body."""
    nav = "".join(
        f"<li><a href={attr(path)}"
        + (' aria-current="page"' if path == current else "")
        + f">{esc(text)}</a></li>"
        for path, text in NAVIGATION
    )
    script_tags = "".join(f"<script src={attr(src)}></script>\n" for src in scripts)
    main_class = ' class="wide"' if wide else ""
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)} — smartkg</title>
<link rel="stylesheet" href={attr(STYLESHEET)}>
{head}</head>
<body>
<header class="site">
<a class="brand" href="/">smartkg <span lang="ko">스마트도시 지식그래프</span></a>
<nav aria-label="Main"><ul>{nav}</ul></nav>
</header>
<main{main_class}>
{body}
</main>
<footer class="site">
<p>smartkg {esc(__version__)} — the knowledge graph of Korea's smart cities and the smart
services they run. Every fact names its source document.</p>
</footer>
{script_tags}</body>
</html>
"""
