"""``/planner``: the replication planner as a page that works without JavaScript.

Two forms (a city, or a service type) share the filters; the answer is rendered from the
replication library's result objects (:mod:`smartkg.web.planner`): the city's closest peers
with the shared items behind each similarity, the recommended service types with their
reasons (supporting peers, sibling types, matching features, an example service and its
sources, the terms of the score), or, for a service type, the cities that could adopt it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rdflib import URIRef

from smartkg.engine import SparqlEngine
from smartkg.labels import Labels
from smartkg.namespaces import SCHEME, SKG, sparql_prefixes
from smartkg.replication import Planner
from smartkg.replication.planner import Support
from smartkg.replication.profiles import ServiceRecord
from smartkg.replication.recommend import (
    CityRecommendations,
    Recommendation,
    TypeRecommendations,
)
from smartkg.replication.similar import Peer
from smartkg.replication.similarity import SharedItem
from smartkg.web.describe import SourceDocument
from smartkg.web.html import attr, esc, label_html, labels_inline, lang_text, link
from smartkg.web.index import GraphIndex
from smartkg.web.layout import page
from smartkg.web.links import local_href, slug_of
from smartkg.web.planner import FILTER_FIELDS, FieldError, PlannerAnswer, PlannerForm
from smartkg.web.schemes import scheme_concepts

__all__ = ["PLANNER_PATH", "FormOptions", "build_options", "planner_html"]

PLANNER_PATH = "/planner"

_INSTANCES = (
    sparql_prefixes("rdf")
    + "SELECT ?class ?instance WHERE { ?instance rdf:type ?class } ORDER BY ?instance\n"
)
_FILTER_TITLES = {
    "size_class": "Size class",
    "region": "Region (province)",
    "domain": "Domain",
    "target_group": "Target group",
    "programme": "Funding programme",
}
_FILTER_HELP = {
    "size_class": "with a city: only peers of this size class count; with a service type: "
    "only cities of this size class are candidates",
    "region": "with a city: only peers in this province count; with a service type: only "
    "cities in it are candidates",
    "domain": "with a city: only service types with a service in this domain; with a service "
    "type: only cities already running a service in it",
    "target_group": "with a city: only service types serving this group; with a service type: "
    "only cities already serving it",
    "programme": "with a city: only types this programme has funded; with a service type: "
    "only cities taking part in it",
}


@dataclass(frozen=True)
class Option:
    iri: str
    labels: Labels
    depth: int = 0

    @property
    def slug(self) -> str:
        return slug_of(self.iri)

    def text(self) -> str:
        labels = self.labels
        name = labels.en or labels.ko or self.slug
        if labels.ko and labels.ko != name:
            name = f"{name} · {labels.ko}"
        return ("\u2003" * self.depth) + name


@dataclass(frozen=True)
class FormOptions:
    """The choices of the forms, read once: names for the two boxes, values for the filters."""

    cities: tuple[Option, ...]
    service_types: tuple[Option, ...]
    filters: dict[str, tuple[Option, ...]]


def _tree_options(engine: SparqlEngine, scheme: URIRef, index: GraphIndex) -> tuple[Option, ...]:
    tops, children = scheme_concepts(engine, scheme)
    found: list[Option] = []

    def key(iri: str) -> tuple[str, str]:
        labels = index.label(iri)
        return ((labels.en or labels.ko or iri).casefold(), iri)

    def walk(nodes: Iterable[str], depth: int, seen: frozenset[str]) -> None:
        for node in sorted(nodes, key=key):
            found.append(Option(node, index.label(node), depth))
            below = [c for c in children.get(node, []) if c not in seen]
            walk(below, depth + 1, seen | {node})

    walk(tops, 0, frozenset())
    return tuple(found)


def build_options(engine: SparqlEngine, planner: Planner, index: GraphIndex) -> FormOptions:
    def by_name(iris: Iterable[str]) -> tuple[Option, ...]:
        options = [Option(str(i), index.label(str(i))) for i in iris]
        return tuple(sorted(options, key=lambda o: ((o.labels.en or o.slug).casefold(), o.iri)))

    programmes = [row[1] for row in engine.select(_INSTANCES, {"class": SKG.FundingProgramme})[1]]
    return FormOptions(
        cities=by_name(str(c.iri) for c in planner.data.cities),
        service_types=by_name(str(t) for t in planner.candidates),
        filters={
            "size_class": _tree_options(engine, SCHEME["size-classes"], index),
            "region": _tree_options(engine, SCHEME.regions, index),
            "domain": _tree_options(engine, SCHEME.domains, index),
            "target_group": _tree_options(engine, SCHEME["target-groups"], index),
            "programme": by_name(programmes),
        },
    )


# ------------------------------------------------------------------ forms


def _datalist(identifier: str, options: Sequence[Option]) -> str:
    values = []
    for option in options:
        for name in dict.fromkeys(n for n in (option.labels.ko, option.labels.en) if n):
            values.append(f"<option value={attr(name)}>")
    return f"<datalist id={attr(identifier)}>{''.join(values)}</datalist>"


def _filter_selects(
    form: PlannerForm, answer: PlannerAnswer, options: FormOptions, form_id: str
) -> str:
    parts = []
    for name in FILTER_FIELDS:
        current = getattr(form, name)
        resolved = answer.resolved.get(name)
        choices = ['<option value="">any</option>']
        for option in options.filters[name]:
            chosen = (resolved is not None and option.iri == str(resolved)) or (
                resolved is None and current == option.slug
            )
            selected = " selected" if chosen else ""
            choices.append(
                f"<option value={attr(option.slug)}{selected}>{esc(option.text())}</option>"
            )
        field_id = f"{form_id}-{name}"
        parts.append(
            f'<div class="field"><label for={attr(field_id)}>{esc(_FILTER_TITLES[name])}'
            f"</label><select id={attr(field_id)} name={attr(name.replace('_', '-'))} "
            f"title={attr(_FILTER_HELP[name])}>{''.join(choices)}</select></div>"
        )
    return "".join(parts)


def _forms(form: PlannerForm, answer: PlannerAnswer, options: FormOptions) -> str:
    top = f'<input type="hidden" name="top" value={attr(form.top)}>'
    return f"""<div class="forms">
<form method="get" action="{PLANNER_PATH}" class="planner-form" id="city-form">
<h2>Start from a city</h2>
<div class="field"><label for="city">City (Korean or English name)</label>
<input id="city" name="city" list="city-names" value={attr(form.city)}
 placeholder="구로구, Guro-gu, guro" autocomplete="off"></div>
<fieldset><legend>Filters</legend>{_filter_selects(form, answer, options, "city")}</fieldset>
{top}<button type="submit">Find peers and service types</button>
</form>
<form method="get" action="{PLANNER_PATH}" class="planner-form" id="type-form">
<h2>Start from a service type</h2>
<div class="field"><label for="service-type">Service type (Korean or English name)</label>
<input id="service-type" name="service-type" list="type-names"
 value={attr(form.service_type)} placeholder="smart shelter, 스마트 쉼터" autocomplete="off">
</div>
<fieldset><legend>Filters</legend>{_filter_selects(form, answer, options, "type")}</fieldset>
{top}<button type="submit">Find candidate cities</button>
</form>
</div>
{_datalist("city-names", options.cities)}
{_datalist("type-names", options.service_types)}
"""


# ------------------------------------------------------------------ answers


class _Renderer:
    def __init__(
        self,
        planner: Planner,
        index: GraphIndex,
        sources: dict[str, SourceDocument],
        form: PlannerForm,
    ) -> None:
        self.planner = planner
        self.index = index
        self.sources = sources
        self.form = form

    def name(self, iri: str | URIRef) -> str:
        return label_html(str(iri), self.index.label(str(iri)))

    def plain(self, iri: str | URIRef) -> str:
        return labels_inline(self.index.label(str(iri)), slug_of(str(iri)))

    def planner_link(self, text: str, **changes: str) -> str:
        cleared = {"city": "", "service_type": "", **changes}
        return link(f"{PLANNER_PATH}?{self.form.query_string(**cleared)}", text)

    def city_facts(self, city: URIRef) -> str:
        data = self.planner.data
        record = data.city(city)
        profile = self.planner.profiles[city]
        bits = []
        if record.size_class is not None:
            bits.append(f"size class {self.name(record.size_class)}")
        else:
            bits.append("size class not given")
        if record.province is not None:
            bits.append(f"in {self.name(record.province)}")
        planned = sum(1 for s in profile.services if s.planned)
        services = len(profile.services)
        bits.append(
            f"{services} documented service{'' if services == 1 else 's'}"
            + (f" ({planned} planned)" if planned else "")
            + f" from {len(profile.sources)} source document"
            + ("" if len(profile.sources) == 1 else "s")
        )
        return "; ".join(bits)

    def low_confidence(self, city: URIRef) -> str:
        rule = self.planner.params.confidence
        return (
            f'<p class="warning" role="note"><strong>Low confidence.</strong> '
            f"{self.plain(city)} has thin evidence (fewer than {rule.min_services} documented "
            f"services or fewer than {rule.min_sources} source documents): read these "
            "recommendations as leads only.</p>"
        )

    def shared_item(self, item: SharedItem, side_a: str, side_b: str) -> str:
        text = (
            f'<span class="num">+{item.contribution:.3f}</span> {esc(item.facet.noun)} '
            f"{self.name(item.concept)}"
        )
        if not item.direct:
            via_a = ", ".join(self.plain(c) for c in sorted(item.via_a))
            via_b = ", ".join(self.plain(c) for c in sorted(item.via_b))
            text += (
                f" <small>(a broader concept of what each names — {side_a}: {via_a}; "
                f"{side_b}: {via_b})</small>"
            )
        return f"<li>{text}</li>"

    def shared_items(
        self, items: Sequence[SharedItem], side_a: str, side_b: str, shown: int = 6
    ) -> str:
        listed = "".join(self.shared_item(it, side_a, side_b) for it in items[:shown])
        rest = items[shown:]
        if rest:
            total = sum(it.contribution for it in rest)
            listed += (
                f'<li><span class="num">+{total:.3f}</span> {len(rest)} more shared items</li>'
            )
        return f'<ul class="items">{listed}</ul>'

    def service(self, service: ServiceRecord) -> str:
        status = " <small>(planned)</small>" if service.planned else ""
        sources = []
        for source in service.sources:
            doc = self.sources.get(str(source))
            labels = self.index.label(str(source))
            title = (
                lang_text(doc.title, "ko")
                if doc is not None and doc.title
                else esc(labels.en or slug_of(str(source)))
            )
            extra = []
            if labels.en and doc is not None and doc.title:
                extra.append(esc(labels.en))
            if doc is not None and doc.file_name:
                extra.append(f"<code>{esc(doc.file_name)}</code>")
            href = local_href(str(source)) or str(source)
            sources.append(
                f"<li>source: {link(href, title)}"
                + (f" <small>— {' — '.join(extra)}</small>" if extra else "")
                + "</li>"
            )
        return f"{self.name(service.iri)}{status}, {self.name(service.city)}" + (
            f'<ul class="sources">{"".join(sources)}</ul>' if sources else ""
        )

    def supporters(self, supports: Sequence[Support]) -> str:
        return ", ".join(
            f"{self.name(s.city)} <small>(similarity {s.similarity:.3f})</small>" for s in supports
        )

    def reasons(self, rec: Recommendation) -> str:
        rows = []
        runs = f"{rec.adopters} {'city runs' if rec.adopters == 1 else 'cities run'} it"
        exact = rec.exact_supporters
        if exact:
            rows.append(("Run by close peers", f"{self.supporters(exact)}; {runs}"))
        else:
            rows.append(("Run by close peers", f"none; {runs}"))
        for support in rec.related_supporters:
            types = sorted({s.service_type for s in support.services})
            rows.append(
                (
                    "Sibling type",
                    f"{self.name(support.city)} <small>(similarity {support.similarity:.3f})"
                    f"</small> runs {', '.join(self.name(t) for t in types)}",
                )
            )
        if rec.matching:
            fit = sum(item.contribution for item in rec.matching)
            rows.append(
                (
                    f"Matching features (fit {fit:.3f})",
                    self.shared_items(
                        rec.matching, self.plain(rec.city), "the type's services", shown=5
                    ),
                )
            )
        if rec.example is not None:
            rows.append(("Example service", self.service(rec.example)))
        p = rec.parts
        rows.append(
            (
                "Score",
                f'(peers <span class="num">{p.exact:.3f}</span> + siblings '
                f'<span class="num">{p.related:.3f}</span> + feature fit '
                f'<span class="num">{p.fit:.3f}</span>) / <span class="num">{p.divisor:.3f}'
                f'</span> (popularity) = <strong class="num">{rec.score:.3f}</strong>',
            )
        )
        return (
            '<dl class="reasons">'
            + "".join(f"<dt>{esc(title)}</dt><dd>{value}</dd>" for title, value in rows)
            + "</dl>"
        )

    def formula(self) -> str:
        r = self.planner.params.recommender
        return (
            f'<p class="formula">score = (similarity of the {r.peers} closest peers that run '
            f"the type + {r.related_credit:g} &times; similarity of peers running only a "
            f"sibling type + {r.fit_weight:g} &times; feature fit) / (cities running the type)"
            f"<sup>{r.popularity_alpha:g}</sup>. Filters never change a score; they only "
            "remove candidates (or, for peers, choose among them).</p>"
        )

    # --------------------------------------------------- a city

    def peers(self, result: CityRecommendations, peers: dict[URIRef, Peer]) -> str:
        if not result.peers:
            return "<p>No city shares a service type or feature with it (under these filters).</p>"
        rows = []
        city_name = self.plain(result.city)
        for position, (peer_iri, similarity) in enumerate(result.peers, start=1):
            peer = peers.get(peer_iri)
            shared = (
                self.shared_items(peer.shared, city_name, self.plain(peer_iri), shown=4)
                if peer is not None
                else ""
            )
            rows.append(
                f'<tr><td class="num">{position}</td><td>{self.name(peer_iri)}'
                f"<br><small>{self.city_facts(peer_iri)}</small><br>"
                f"<small>{self.planner_link('plan for this city', city=slug_of(str(peer_iri)))}"
                f"</small></td>"
                f'<td class="num">{similarity:.3f}</td><td>{shared}</td></tr>'
            )
        return (
            '<table class="peers"><thead><tr><th scope="col">#</th><th scope="col">Peer city'
            '</th><th scope="col">Similarity</th><th scope="col">Shared items (their share of '
            "the similarity)</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
        )

    def city_answer(self, answer: PlannerAnswer) -> str:
        result = answer.city
        assert result is not None
        peers = {p.city: p for p in (answer.similar.peers if answer.similar else ())}
        city = result.city
        parts = [
            f'<section class="answer" id="answer"><h2>{self.name(city)}</h2>',
            f"<p>{self.city_facts(city)}</p>",
        ]
        if result.low_confidence:
            parts.append(self.low_confidence(city))
        if result.peers:
            closest = ", ".join(
                f"{self.name(peer)} <small>({similarity:.3f})</small>"
                for peer, similarity in result.peers
            )
            parts.append(f'<p>Closest peers: {closest} — <a href="#peers">what they share</a>.</p>')
        parts.append(f"<h3>Service types {self.plain(city)} could adopt</h3>")
        parts.append(self.formula())
        if self.planner.profiles[city].is_empty:
            parts.append(
                "<p>This city has no documented services, so nothing can be inferred about "
                "what it would adopt. Try starting from a service type instead.</p>"
            )
        elif not result.items:
            parts.append("<p>No candidate service type has any support under these filters.</p>")
        items = []
        for rec in result.items:
            others = self.planner_link(
                "which other cities could adopt it", service_type=slug_of(str(rec.service_type))
            )
            items.append(
                f'<li class="recommendation" id={attr("rec-" + str(rec.rank))}>'
                f'<p class="rec-head"><span class="rank">{rec.rank}</span> '
                f"{self.name(rec.service_type)} "
                f'<span class="score">score {rec.score:.3f}</span></p>'
                f"{self.reasons(rec)}<p><small>{others}</small></p></li>"
            )
        if items:
            parts.append(
                f'<ol class="recommendations" data-count="{len(items)}">{"".join(items)}</ol>'
            )
        excluded = f" {result.excluded} excluded by the filters." if result.excluded else ""
        parts.append(
            f'<p class="summary">{result.ranked} candidate types have support; '
            f"{len(result.items)} shown. {result.unsupported} have none (no close peer runs it "
            f"or a sibling, and no feature matches).{excluded}</p>"
        )
        parts.append(f'<h3 id="peers">Closest peers ({len(result.peers)})</h3>')
        parts.append(self.peers(result, peers))
        parts.append("</section>")
        return "".join(parts)

    # --------------------------------------------------- a service type

    def type_answer(self, result: TypeRecommendations) -> str:
        service_type = result.service_type
        adopters = ", ".join(self.name(c) for c in result.adopters) or "no city yet"
        parts = [
            f'<section class="answer" id="answer"><h2>{self.name(service_type)}</h2>',
            f"<p>Run today by: {adopters}.</p>",
            "<h3>Cities that could adopt it</h3>",
            self.formula(),
        ]
        if not result.items:
            parts.append("<p>No candidate city has any support under these filters.</p>")
        items = []
        for rec in result.items:
            flag = ' <span class="flag">low confidence</span>' if rec.low_confidence else ""
            plan = self.planner_link("plan for this city", city=slug_of(str(rec.city)))
            items.append(
                f'<li class="recommendation" id={attr("rec-" + str(rec.rank))}>'
                f'<p class="rec-head"><span class="rank">{rec.rank}</span> '
                f"{self.name(rec.city)} "
                f'<span class="score">score {rec.score:.3f}</span>{flag}</p>'
                f"<p><small>{self.city_facts(rec.city)} · {plan}</small></p>"
                f"{self.reasons(rec)}</li>"
            )
        if items:
            parts.append(
                f'<ol class="recommendations" data-count="{len(items)}">{"".join(items)}</ol>'
            )
        if result.no_evidence:
            names = ", ".join(self.name(c) for c in result.no_evidence)
            parts.append(
                f'<p class="summary">No evidence for {len(result.no_evidence)} other '
                f"cities (no close peer runs it or a sibling, and no feature matches): "
                f"{names}.</p>"
            )
        if result.excluded:
            parts.append(
                f'<p class="summary">{result.excluded} cities excluded by the filters.</p>'
            )
        rule = self.planner.params.confidence
        parts.append(
            f'<p class="summary">Low confidence marks a city with fewer than '
            f"{rule.min_services} documented services or fewer than {rule.min_sources} source "
            "documents.</p></section>"
        )
        return "".join(parts)


def _errors(errors: Sequence[FieldError], form: PlannerForm) -> str:
    items = []
    for error in errors:
        suggestions = ""
        if error.suggestions:
            links = ", ".join(
                link(
                    f"{PLANNER_PATH}?{form.query_string(**{error.field: s})}",
                    lang_text(s, "ko") if any("\uac00" <= ch <= "\ud7a3" for ch in s) else esc(s),
                )
                for s in error.suggestions
            )
            suggestions = f"<br>Try: {links}"
        items.append(f"<li>{esc(error.message)}{suggestions}</li>")
    return f'<div class="errors" role="alert"><ul>{"".join(items)}</ul></div>'


def planner_html(
    answer: PlannerAnswer,
    planner: Planner,
    index: GraphIndex,
    options: FormOptions,
    sources: dict[str, SourceDocument],
) -> str:
    form = answer.form
    renderer = _Renderer(planner, index, sources, form)
    parts = [
        "<h1>Replication planner</h1>",
        '<p class="lead">Which cities are like a city, what do they run that it does not, and '
        "which cities could adopt a service type next — each with the facts behind it. The "
        "answers come from the same library as <code>smartkg similar</code> and "
        "<code>smartkg replicate</code>.</p>",
    ]
    if answer.errors:
        parts.append(_errors(answer.errors, form))
    parts.append(_forms(form, answer, options))
    if answer.city is not None:
        parts.append(renderer.city_answer(answer))
    elif answer.service_type is not None:
        parts.append(renderer.type_answer(answer.service_type))
    title = "Replication planner"
    if answer.city is not None:
        title = f"{index.label(str(answer.city.city)).en or 'City'} — replication planner"
    elif answer.service_type is not None:
        labels = index.label(str(answer.service_type.service_type))
        title = f"{labels.en or 'Service type'} — replication planner"
    return page(title, "".join(parts), current=PLANNER_PATH)
