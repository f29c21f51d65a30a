"""``/yasgui``: the YASGUI query editor, served from this server's own files and pointed at
this server's ``/sparql``, with the catalogue's queries offered as ready examples.

The examples are the named queries (``queries/*.rq``, read with
:func:`smartkg.querying.load_queries`) and the competency questions (``queries/cq/*.rq``, whose
headers carry ``# title:`` and ``# question:`` too). Each is listed with its question; a click
opens it in a new YASGUI tab. Without JavaScript the list still links to each query's answer
at the endpoint. Links to the catalogue's IRIs in the answers are followed to this server's
own pages (``/id/…``, ``/ontology#…``), so they work offline.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from smartkg.catalogue import Layout
from smartkg.namespaces import ID, SKG
from smartkg.querying import load_queries, queries_dir
from smartkg.querying.queries import parse_query
from smartkg.web.html import attr, esc
from smartkg.web.layout import page

__all__ = ["EXAMPLE_DEFAULT", "QUERY_PATH", "Example", "load_examples", "query_html"]

QUERY_PATH = "/yasgui"
SPARQL_PATH = "/sparql"
YASGUI_JS = "/static/vendor/yasgui/yasgui.min.js"
YASGUI_CSS = "/static/vendor/yasgui/yasgui.min.css"
PAGE_JS = "/static/query.js"
EXAMPLE_DEFAULT = "services-of-city"


@dataclass(frozen=True)
class Example:
    """A ready query: its name (file stem), group, title, question and text."""

    name: str
    group: str
    title: str
    question: str
    text: str


def load_examples(root: Path | Layout) -> tuple[Example, ...]:
    """The named queries, then the competency questions, each group in name order."""
    examples = [
        Example(q.name, "Named queries", q.title, q.question, q.text)
        for q in load_queries(root).values()
    ]
    layout = root if isinstance(root, Layout) else Layout(Path(root))
    for path in sorted((queries_dir(layout) / "cq").glob("*.rq")):
        question = parse_query(
            path.read_text(encoding="utf-8"), name=path.stem, source=layout.relative(path)
        )
        examples.append(
            Example(
                path.stem, "Competency questions", question.title, question.question, question.text
            )
        )
    return tuple(examples)


def _script_json(value: object) -> str:
    """JSON that is safe inside ``<script>``: no ``<`` can close the element."""
    return (
        json.dumps(value, ensure_ascii=False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )


def query_html(examples: tuple[Example, ...], selected: str | None, *, run: bool = False) -> str:
    """The page; ``selected`` names the query in the first tab, ``run`` runs it on load."""
    chosen = next((e for e in examples if e.name == selected), None) or next(
        (e for e in examples if e.name == EXAMPLE_DEFAULT), examples[0] if examples else None
    )
    groups: dict[str, list[Example]] = {}
    for example in examples:
        groups.setdefault(example.group, []).append(example)
    lists = []
    for group, members in groups.items():
        items = "".join(
            f'<li><a class="example" data-query={attr(e.name)} '
            f"href={attr(QUERY_PATH + '?query=' + quote(e.name))}>{esc(e.title)}</a>"
            f" <small>(<a href={attr(SPARQL_PATH + '?query=' + quote(e.text))}>answer</a>)"
            f"</small><br><small>{esc(e.question)}</small></li>"
            for e in members
        )
        lists.append(f'<h2>{esc(group)}</h2><ul class="examples">{items}</ul>')
    data = [
        {"name": e.name, "title": e.title, "question": e.question, "text": e.text} for e in examples
    ]
    body = f"""<h1>Query the catalogue</h1>
<p class="lead">Write SPARQL 1.1 queries against this server's endpoint,
<a href="{SPARQL_PATH}"><code>{SPARQL_PATH}</code></a>, or open one of the catalogue's ready
queries. Parameters such as <code>?city</code> are left free, so each query answers for every
value; bind one with a <code>VALUES</code> clause or a <code>FILTER</code>.</p>
<div class="query-ui">
<div id="yasgui" class="yasgui-root" data-endpoint="{SPARQL_PATH}"
 data-id-base={attr(str(ID))} data-ontology-base={attr(str(SKG))}
 data-initial={attr(chosen.name if chosen else "")}{' data-run="true"' if run else ""}></div>
<aside class="query-list" aria-label="Ready queries">{"".join(lists)}</aside>
</div>
<noscript><p>The editor needs JavaScript; the links beside it run each query at the endpoint.
</p></noscript>
<script type="application/json" id="smartkg-queries">{_script_json(data)}</script>
"""
    head = f'<link rel="stylesheet" href="{YASGUI_CSS}">\n'
    return page(
        "Query", body, current=QUERY_PATH, head=head, scripts=(YASGUI_JS, PAGE_JS), wide=True
    )
