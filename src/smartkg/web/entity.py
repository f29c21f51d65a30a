"""Linked-data pages: every ``https://w3id.org/smartkg/id/…`` IRI at ``/id/…``.

A browser gets an HTML page: the English and Korean labels, a table of the entity's
statements (values linked to their own pages), the statements that point at it ("Referenced
by") and its source documents. A program gets Turtle, JSON-LD or N-Triples by ``Accept`` (or
``?format=ttl|jsonld|nt``): the entity's symmetric description, and for a concept scheme also
every statement about each of its concepts (the whole vocabulary). An IRI the graph does not
know is a 404 page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from rdflib import Literal, URIRef

from smartkg.engine import SparqlTermEngine
from smartkg.labels import Labels
from smartkg.namespaces import DCT, PROV, RDF, RDFS, SKG, SKOS, curie
from smartkg.store import Term
from smartkg.web.describe import EntityDescription, SourceDocument, describe
from smartkg.web.html import attr, esc, iri_link, label_html, lang_text, link
from smartkg.web.index import GraphIndex
from smartkg.web.layout import page
from smartkg.web.links import local_href, slug_of
from smartkg.web.negotiation import ENTITY_FORMATS, choose
from smartkg.web.rdf import alternates, not_acceptable, rdf_response
from smartkg.web.responses import WebResponse, html_page
from smartkg.web.schemes import concept_tree_html, scheme_statements

__all__ = ["EntityPages", "not_found_page", "predicate_name", "value_html"]

# Shown first, in this order; the rest follow by prefixed name.
_FIRST = (RDF.type, RDFS.label, SKOS.prefLabel, SKOS.altLabel, SKOS.definition, DCT.description)
# Shown in the Sources section rather than only in the table.
_SOURCE = PROV.wasDerivedFrom


def predicate_name(predicate: str, index: GraphIndex) -> str:
    """The predicate's English label (linked to its definition) and prefixed name."""
    labels = index.label(predicate)
    name = curie(URIRef(predicate))
    href = local_href(predicate) or predicate
    text = esc(labels.en) if labels.en else f"<code>{esc(name)}</code>"
    title = f" title={attr(name)}" if labels.en else ""
    return f"<a href={attr(href)}{title}>{text}</a>"


def value_html(value: Term, index: GraphIndex) -> str:
    """A value: an IRI by its labels (linked) and prefixed name; a literal with its language
    or datatype."""
    if isinstance(value, URIRef):
        name = curie(value)
        labels = index.label(str(value))
        if labels.en or labels.ko:
            return f"{label_html(str(value), labels)} <small><code>{esc(name)}</code></small>"
        return link(local_href(str(value)) or str(value), f"<code>{esc(name)}</code>")
    if isinstance(value, Literal):
        if value.language:
            return (
                f"{lang_text(str(value), value.language)} "
                f'<small class="tag">@{esc(value.language)}</small>'
            )
        if value.datatype is not None:
            return (
                f'{esc(str(value))} <small class="tag">{esc(curie(URIRef(value.datatype)))}</small>'
            )
        return esc(str(value))
    return esc(str(value))


def not_found_page(path: str, message: str) -> WebResponse:
    body = (
        f"<h1>Not found</h1><p>{esc(message)}</p>"
        f"<p><code>{esc(path)}</code></p>"
        '<p>Try the <a href="/">home page</a>, the '
        '<a href="/id/scheme/service-types">service types</a> or the '
        '<a href="/planner">replication planner</a>.</p>'
    )
    return html_page(404, page("Not found", body))


def _heading(iri: str, labels: Labels) -> str:
    english = esc(labels.en) if labels.en else ""
    korean = lang_text(labels.ko, "ko") if labels.ko else ""
    if not english and not korean:
        english = esc(slug_of(iri))
    parts = []
    if english:
        parts.append(f'<span class="label-en">{english}</span>')
    if korean and labels.ko != labels.en:
        parts.append(f'<span class="label-ko">{korean}</span>')
    return f"<h1>{' '.join(parts)}</h1>"


_FORMAT_NAMES = {"turtle": "Turtle", "jsonld": "JSON-LD", "ntriples": "N-Triples"}


def _downloads(path: str) -> str:
    return " · ".join(
        link(f"{path}?format={o.names[0]}", esc(_FORMAT_NAMES.get(o.key, o.key)))
        for o in ENTITY_FORMATS
        if o.rdflib_format is not None
    )


def _property_rows(description: EntityDescription, index: GraphIndex) -> str:
    grouped: dict[URIRef, list[Term]] = defaultdict(list)
    for predicate, value in description.outgoing:
        grouped[predicate].append(value)
    first = [p for p in _FIRST if p in grouped]
    rest = sorted((p for p in grouped if p not in _FIRST), key=lambda p: curie(p))
    rows = []
    for predicate in [*first, *rest]:
        values = grouped[predicate]
        cell = (
            value_html(values[0], index)
            if len(values) == 1
            else "<ul>" + "".join(f"<li>{value_html(v, index)}</li>" for v in values) + "</ul>"
        )
        rows.append(
            f'<tr><th scope="row">{predicate_name(str(predicate), index)}</th><td>{cell}</td></tr>'
        )
    return "".join(rows)


def _referenced_by(description: EntityDescription, index: GraphIndex) -> str:
    if not description.incoming:
        return ""
    grouped: dict[URIRef, list[URIRef]] = defaultdict(list)
    for subject, predicate in description.incoming:
        grouped[predicate].append(subject)
    sections = []
    for predicate in sorted(grouped, key=lambda p: curie(p)):
        subjects = sorted(
            grouped[predicate],
            key=lambda s: ((index.label(s).en or index.label(s).ko or str(s)).casefold(), str(s)),
        )
        items = "".join(f"<li>{value_html(s, index)}</li>" for s in subjects)
        sections.append(
            f"<h3>as {predicate_name(str(predicate), index)} of "
            f'({esc(len(subjects))})</h3><ul class="columns">{items}</ul>'
        )
    return f"<section><h2>Referenced by</h2>{''.join(sections)}</section>"


def _sources(sources: Sequence[SourceDocument], index: GraphIndex) -> str:
    if not sources:
        return ""
    items = []
    for source in sources:
        labels = index.label(str(source.iri))
        title = lang_text(source.title, "ko") if source.title else esc(slug_of(str(source.iri)))
        details = []
        if labels.en:
            details.append(esc(labels.en))
        if source.issued:
            details.append(f"issued {esc(source.issued)}")
        if source.file_name:
            details.append(f"file <code>{esc(source.file_name)}</code>")
        href = local_href(str(source.iri)) or str(source.iri)
        items.append(
            f"<li>{link(href, title)}"
            + (f"<br><small>{' — '.join(details)}</small>" if details else "")
            + "</li>"
        )
    return f'<section class="sources"><h2>Sources</h2><ul>{"".join(items)}</ul></section>'


def _actions(description: EntityDescription) -> str:
    """Links into the planner for cities and service types."""
    slug = slug_of(str(description.iri))
    types = description.types
    if SKG.LocalGovernment in types:
        return (
            f'<p class="actions">{link(f"/planner?city={slug}", "Plan replication")}: '
            "the cities most like this one and the service types they could share with it.</p>"
        )
    if SKG.ServiceType in types:
        return (
            f'<p class="actions">{link(f"/planner?service-type={slug}", "Plan replication")}: '
            "which cities could adopt this service type next.</p>"
        )
    return ""


class EntityPages:
    """``GET /id/…``: pages and RDF of the catalogue's entities."""

    def __init__(self, engine: SparqlTermEngine, index: GraphIndex) -> None:
        self.engine = engine
        self.index = index

    def respond(
        self, iri: URIRef, path: str, accept: str | None, format_name: str | None
    ) -> WebResponse:
        description = describe(self.engine, iri)
        if not description.exists:
            return not_found_page(path, f"The catalogue has nothing about {iri}.")
        chosen = choose(ENTITY_FORMATS, accept, format_name)
        if chosen is None:
            return not_acceptable(ENTITY_FORMATS)
        if chosen.rdflib_format is not None:
            graph = description.graph()
            if SKOS.ConceptScheme in description.types:  # a vocabulary: its concepts too
                graph += scheme_statements(self.engine, iri)
            return rdf_response(graph, chosen, alternates(path))
        return html_page(200, self.html(description, path), [("Vary", "Accept"), *alternates(path)])

    def html(self, description: EntityDescription, path: str) -> str:
        iri = str(description.iri)
        labels = self.index.label(iri)
        types = ", ".join(value_html(t, self.index) for t in description.types)
        scheme_tree = ""
        if SKOS.ConceptScheme in description.types:
            scheme_tree = concept_tree_html(self.engine, description.iri, self.index)
        head = "".join(
            f'<link rel="alternate" type={attr(o.media_types[0])} '
            f"href={attr(path + '?format=' + o.names[0])}>\n"
            for o in ENTITY_FORMATS
            if o.rdflib_format is not None
        )
        body = f"""{_heading(iri, labels)}
<p class="iri">{iri_link(iri)}</p>
<p class="meta">{"Type: " + types + " · " if types else ""}Download: {_downloads(path)}</p>
{_actions(description)}
<section><h2>Properties</h2>
<table class="properties"><tbody>{_property_rows(description, self.index)}</tbody></table>
</section>
{scheme_tree}
{_sources(description.sources, self.index)}
{_referenced_by(description, self.index)}
"""
        title = labels.en or labels.ko or slug_of(iri)
        return page(title, body, head=head)
