"""``smartkg figures``: three figures of the catalogue as PNG and SVG, with Korean labels.

- ``network``: cities and the service types they run (Kamada-Kawai layout, as on ``/network``),
  service types coloured by their top-level domain;
- ``certifications``: certifications per round year, stacked by size class;
- ``services-heatmap``: services per top-level domain per city.

Data are read through SPARQL (:mod:`smartkg.graphexport.network`). Hangul needs a font that
has it: Debian's ``fonts-nanum`` (NanumGothic), which ``make browser`` / ``make test`` install;
it is registered with matplotlib from its installed path (no network). matplotlib runs with the
Agg backend; SVG text is drawn as paths (no font needed to view it) and the SVG carries no date
and a fixed hash salt, so two runs write identical files.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from smartkg.atomic import write_atomically
from smartkg.catalogue import Layout, load_catalogue
from smartkg.engine import EmbeddedEngine, SparqlEngine
from smartkg.errors import SmartkgError
from smartkg.graphexport.network import (
    CITY_COLOUR,
    build_graph,
    domain_colours,
    read_labels,
    slug_of,
    top_domains,
)
from smartkg.labels import Labels
from smartkg.namespaces import sparql_prefixes as _prefixes

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["FIGURES", "FIGURES_DIR", "HANGUL_FONTS", "hangul_font", "write_figures"]

FIGURES_DIR = "figures"
FIGURES = ("network", "certifications", "services-heatmap")
#: Fonts with Hangul, first found wins: Debian's fonts-nanum, then Noto CJK.
HANGUL_FONTS = (
    Path("/usr/share/fonts/truetype/nanum/NanumGothic.ttf"),
    Path("/usr/share/fonts/truetype/nanum/NanumBarunGothic.ttf"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
)
SVG_SALT = "smartkg"


_CERTIFICATIONS = (
    _prefixes("rdf", "skg")
    + """
SELECT ?certification ?year ?size ?citySize
WHERE {
  ?certification rdf:type skg:Certification ; skg:certifiedCity ?city .
  OPTIONAL { ?certification skg:roundYear ?year }
  OPTIONAL { ?certification skg:sizeClass ?size }
  OPTIONAL { ?city skg:sizeClass ?citySize }
}
"""
)

_SERVICE_DOMAINS = (
    _prefixes("rdf", "skg")
    + """
SELECT ?service ?city ?domain
WHERE {
  ?service rdf:type skg:SmartService ; skg:provider ?city ; skg:domain ?domain .
  ?city rdf:type skg:LocalGovernment .
}
"""
)


def hangul_font() -> str:
    """Register the first font of :data:`HANGUL_FONTS` that is installed; return its family."""
    from matplotlib import font_manager

    for path in HANGUL_FONTS:
        if path.is_file():
            font_manager.fontManager.addfont(str(path))
            bold = path.with_name(f"{path.stem}Bold{path.suffix}")
            if bold.is_file():
                font_manager.fontManager.addfont(str(bold))
            return str(font_manager.FontProperties(fname=str(path)).get_name())
    raise SmartkgError(
        "no font with Hangul found (install Debian's fonts-nanum: make browser); looked for "
        + ", ".join(str(p) for p in HANGUL_FONTS)
    )


def _name(labels: Labels, iri: str) -> str:
    return labels.ko or labels.en or slug_of(iri)


def _both(labels: Labels, iri: str) -> str:
    if labels.ko and labels.en and labels.ko != labels.en:
        return f"{labels.ko} {labels.en}"
    return _name(labels, iri)


def _network(engine: SparqlEngine, names: dict[str, Labels]) -> Figure:
    import networkx as nx
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    full = build_graph(engine, programmes=False, all_cities=False, labels=names)
    graph = full.subgraph(
        [n for n, d in full.nodes(data=True) if d["kind"] in ("city", "service-type")]
    ).to_undirected()
    start = nx.kamada_kawai_layout(graph, weight=None)  # deterministic start, then spread out
    positions = nx.spring_layout(graph, pos=start, k=0.55, iterations=150, seed=7, weight=None)
    figure = Figure(figsize=(18, 13), layout="constrained")
    ax = figure.add_subplot()
    ax.set_axis_off()
    cities = [n for n in graph if graph.nodes[n]["kind"] == "city"]
    types = [n for n in graph if graph.nodes[n]["kind"] == "service-type"]
    nx.draw_networkx_edges(graph, positions, ax=ax, edge_color="#b8c2cc", width=0.8)
    nx.draw_networkx_nodes(
        graph,
        positions,
        nodelist=types,
        ax=ax,
        node_size=[40 + 40 * graph.degree(n) for n in types],
        node_color=[graph.nodes[n]["colour"] for n in types],
    )
    nx.draw_networkx_nodes(
        graph,
        positions,
        nodelist=cities,
        ax=ax,
        node_shape="s",
        node_size=260,
        node_color=CITY_COLOUR,
    )
    for node in types:
        if graph.degree(node) >= 2:
            x, y = positions[node]
            ax.text(
                x,
                y - 0.035,
                _name(names.get(node, Labels()), node),
                fontsize=7.5,
                ha="center",
                va="top",
                color="#333333",
            )
    for node in cities:
        x, y = positions[node]
        ax.text(
            x,
            y + 0.03,
            _name(names.get(node, Labels()), node),
            fontsize=12,
            fontweight="bold",
            ha="center",
            va="bottom",
            color="#111111",
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.75},
        )
    used = sorted({str(graph.nodes[n]["domain"]) for n in types if "domain" in graph.nodes[n]})
    colours = domain_colours(top_domains(engine))
    handles = [
        Line2D([], [], marker="s", ls="", color=CITY_COLOUR, markersize=10, label="도시 City")
    ] + [
        Line2D(
            [],
            [],
            marker="o",
            ls="",
            color=colours[top],
            markersize=9,
            label=_both(names.get(top, Labels()), top),
        )
        for top in used
    ]
    ax.legend(
        handles=handles,
        loc="center left",
        bbox_to_anchor=(1.0, 0.5),
        fontsize=10,
        title="분야 Domain",
        frameon=False,
    )
    ax.set_title(
        "스마트도시와 스마트서비스 유형 네트워크 — Cities and the service types they run\n"
        "(유형 이름은 두 도시 이상이 운영하는 유형만 표시 · "
        "types run by two or more cities are named)",
        fontsize=14,
    )
    return figure


def _certifications(engine: SparqlEngine, names: dict[str, Labels]) -> Figure:
    from matplotlib.figure import Figure

    unknown = "unknown"
    counts: Counter[tuple[str, str]] = Counter()
    for _, year, size, city_size in engine.select(_CERTIFICATIONS)[1]:
        counts[(year[:4] if year else unknown, size or city_size or unknown)] += 1
    years = sorted({y for y, _ in counts}, key=lambda y: (y == unknown, y))
    sizes = sorted({s for _, s in counts}, key=lambda s: (s == unknown, s))
    figure = Figure(figsize=(9, 7.5), layout="constrained")
    ax = figure.add_subplot()
    palette = ("#1f77b4", "#ff7f0e", "#9e9e9e", "#2ca02c")
    bottom = [0] * len(years)
    xs = list(range(len(years)))
    for i, size in enumerate(sizes):
        heights = [counts[(year, size)] for year in years]
        label = (
            "크기 미상 size not given"
            if size == unknown
            else _both(names.get(size, Labels()), size)
        )
        colour = "#c7c7c7" if size == unknown else palette[i % len(palette)]
        bars = ax.bar(xs, heights, bottom=bottom, label=label, color=colour, width=0.6)
        ax.bar_label(
            bars,
            labels=[str(h) if h else "" for h in heights],
            label_type="center",
            fontsize=11,
            color="white" if size != unknown else "black",
        )
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    for x, total in zip(xs, bottom, strict=True):
        ax.text(x, total + 0.2, f"계 {total}", ha="center", va="bottom", fontsize=11)
    ax.set_xticks(
        xs, [("연도 미상\nyear not given" if y == unknown else f"{y}년\n{y}") for y in years]
    )
    ax.set_ylabel("인증 수 Certifications")
    ax.set_ylim(0, max(bottom, default=1) * 1.15 + 1)
    ax.set_title(
        "회차별·도시 규모별 스마트도시 인증\nSmart city certifications per round by size class"
    )
    ax.legend(
        title="도시 규모 Size class", loc="upper center", bbox_to_anchor=(0.5, -0.14), ncols=1
    )
    ax.spines[["top", "right"]].set_visible(False)
    return figure


def _heatmap(engine: SparqlEngine, names: dict[str, Labels]) -> Figure:
    from matplotlib.figure import Figure

    top_of = top_domains(engine)
    services: dict[tuple[str, str], set[str]] = defaultdict(set)
    for service, city, domain in engine.select(_SERVICE_DOMAINS)[1]:
        services[(city, top_of.get(domain, domain))].add(service)
    cities = sorted({c for c, _ in services}, key=lambda c: _name(names.get(c, Labels()), c))
    domains = sorted({d for _, d in services})
    matrix = [[len(services.get((c, d), ())) for d in domains] for c in cities]
    figure = Figure(figsize=(1.1 * len(domains) + 4, 0.42 * len(cities) + 3), layout="constrained")
    ax = figure.add_subplot()
    image = ax.imshow(matrix, cmap="Blues", aspect="auto", vmin=0)
    peak = max((v for row in matrix for v in row), default=1)
    for i, row in enumerate(matrix):
        for j, value in enumerate(row):
            if value:
                ax.text(
                    j,
                    i,
                    str(value),
                    ha="center",
                    va="center",
                    fontsize=10,
                    color="white" if value > peak / 2 else "#1d2329",
                )
    ax.set_xticks(
        range(len(domains)),
        [
            "\n".join(filter(None, (names.get(d, Labels()).ko, names.get(d, Labels()).en)))
            for d in domains
        ],
        rotation=40,
        ha="right",
        rotation_mode="anchor",
        fontsize=9,
    )
    ax.set_yticks(
        range(len(cities)), [_both(names.get(c, Labels()), c) for c in cities], fontsize=10
    )
    ax.set_xticks([x - 0.5 for x in range(1, len(domains))], minor=True)
    ax.set_yticks([y - 0.5 for y in range(1, len(cities))], minor=True)
    ax.grid(which="minor", color="white", linewidth=1.5)
    ax.tick_params(which="minor", length=0)
    figure.colorbar(image, ax=ax, label="서비스 수 Services", shrink=0.6)
    ax.set_title("도시별·분야별 스마트서비스 수\nSmart services per domain per city")
    return figure


def _render(figure: Figure, fmt: str) -> bytes:
    import io

    buffer = io.BytesIO()
    metadata: dict[str, Any] = (
        {"Date": None, "Creator": None} if fmt == "svg" else {"Software": None}
    )
    figure.savefig(buffer, format=fmt, dpi=150, metadata=metadata)
    return buffer.getvalue()


def figures_bytes(engine: SparqlEngine) -> dict[str, bytes]:
    """``name.png`` and ``name.svg`` → content, for each of :data:`FIGURES`."""
    import matplotlib

    matplotlib.use("Agg")
    family = hangul_font()
    names = read_labels(engine)
    builders = {
        "network": _network,
        "certifications": _certifications,
        "services-heatmap": _heatmap,
    }
    settings: Any = {
        "font.family": [family, "DejaVu Sans"],
        "svg.hashsalt": SVG_SALT,
        "svg.fonttype": "path",
        "axes.unicode_minus": False,
    }
    outputs: dict[str, bytes] = {}
    with matplotlib.rc_context(settings):
        for name in FIGURES:
            figure = builders[name](engine, names)
            for fmt in ("png", "svg"):
                outputs[f"{name}.{fmt}"] = _render(figure, fmt)
    return outputs


def write_figures(root: Path | Layout, out_dir: Path | None = None) -> list[Path]:
    """Write every figure as PNG and SVG into ``out_dir`` (default ROOT/build/figures/),
    atomically; return the paths written."""
    layout = root if isinstance(root, Layout) else Layout(Path(root))
    engine = EmbeddedEngine.from_graph(load_catalogue(layout, include_shapes=False).graph)
    directory = out_dir if out_dir is not None else layout.build_dir / FIGURES_DIR
    outputs = {directory / name: content for name, content in figures_bytes(engine).items()}
    write_atomically(outputs)
    return list(outputs)
