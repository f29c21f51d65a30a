"""The ontology and vocabulary documentation as static HTML, written at build time.

The pages are the web interface's own (:mod:`smartkg.web`): ``/ontology`` and one page per concept
scheme, rendered from the catalogue and written to ``build/docs/`` as flat files that open from
disk or any static host. Links between the written pages are made relative; links to other
entities keep their ``/id/...`` paths, which resolve when ``smartkg serve`` serves the catalogue.
"""

from __future__ import annotations

import re
from pathlib import Path

from smartkg.atomic import write_atomically
from smartkg.catalogue import Layout
from smartkg.namespaces import ID, RDF, SKOS

__all__ = ["write_docs"]

_SCHEMES_QUERY = f"""
SELECT ?scheme WHERE {{ ?scheme <{RDF.type}> <{SKOS.ConceptScheme}> }} ORDER BY ?scheme
"""
_SCHEME_PATH = "/id/scheme/"


def _page_name(path: str) -> str:
    return "ontology.html" if path == "/ontology" else path.removeprefix(_SCHEME_PATH) + ".html"


def _relative_links(html: str, written: set[str]) -> str:
    def replace(match: re.Match[str]) -> str:
        target, fragment = match.group(2), match.group(3) or ""
        if target in written:
            return f'{match.group(1)}="{_page_name(target)}{fragment}"'
        if target == "/static/smartkg.css":
            return f'{match.group(1)}="smartkg.css"'
        return match.group(0)

    return re.sub(r'(href|src)="(/[^"#?]*)(#[^"]*)?"', replace, html)


def write_docs(layout: Layout, out_dir: Path | None = None) -> list[Path]:
    """Write ``ontology.html``, one page per concept scheme and the stylesheet; return the paths."""
    from smartkg.web.app import WebApp  # the web layer is heavy: imported only when needed

    app = WebApp(layout)
    target = out_dir if out_dir is not None else layout.build_dir / "docs"
    _, rows = app.engine.select(_SCHEMES_QUERY)
    paths = [
        "/ontology",
        *(_SCHEME_PATH + str(row[0]).removeprefix(f"{ID}scheme/") for row in rows),
    ]
    written = set(paths)
    files: dict[Path, bytes] = {}
    for path in paths:
        response = app.handle("GET", path, accept="text/html")
        if response is None or response.status != 200:
            raise RuntimeError(f"the web interface gave no page for {path}")
        html = _relative_links(response.body.decode("utf-8"), written)
        files[target / _page_name(path)] = html.encode("utf-8")
    stylesheet = Path(__file__).parent / "web" / "static" / "smartkg.css"
    files[target / "smartkg.css"] = stylesheet.read_bytes()
    write_atomically(files)
    return sorted(files)
