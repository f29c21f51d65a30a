"""``/ontology``: the smartkg ontology as one page — every class and property with its English
and Korean labels, definition and alignments, each at ``/ontology#Term`` — and as RDF (the
ontology's own statements and those of its terms) by content negotiation."""

from __future__ import annotations

from collections import defaultdict

from rdflib import Graph, Literal, URIRef

from smartkg.engine import SparqlTermEngine
from smartkg.namespaces import DCT, OWL, RDF, RDFS, SKG, SKOS, bind_prefixes, curie, sparql_prefixes
from smartkg.store import Term
from smartkg.web.entity import predicate_name, value_html
from smartkg.web.html import attr, esc, lang_text, link
from smartkg.web.index import GraphIndex
from smartkg.web.layout import page
from smartkg.web.links import ONTOLOGY_IRI, ONTOLOGY_PATH
from smartkg.web.negotiation import ENTITY_FORMATS, choose
from smartkg.web.rdf import alternates, not_acceptable, rdf_response
from smartkg.web.responses import WebResponse, html_page

__all__ = ["OntologyPage"]

_TERMS = (
    sparql_prefixes("rdfs")
    + """
SELECT ?ontology ?term ?p ?o
WHERE { ?term rdfs:isDefinedBy ?ontology ; ?p ?o }
"""
)
_HEADER = "SELECT ?ontology ?p ?o WHERE { ?ontology ?p ?o }"

_CLASS_TYPES = (OWL.Class, RDFS.Class)
_PROPERTY_TYPES = (
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    RDF.Property,
)
# Shown as the term's heading and definition rather than in its details list.
_SHOWN_ABOVE = (RDF.type, RDFS.label, SKOS.definition, RDFS.isDefinedBy)


def _texts(values: list[Term], language: str) -> list[str]:
    return sorted(
        str(v)
        for v in values
        if isinstance(v, Literal) and (v.language or "").lower().startswith(language)
    )


class OntologyPage:
    """The ontology, read once from the engine."""

    def __init__(self, engine: SparqlTermEngine, index: GraphIndex) -> None:
        self.index = index
        self._html: str | None = None
        terms: dict[URIRef, list[tuple[URIRef, Term]]] = defaultdict(list)
        for _, term, p, o in engine.select_terms(_TERMS, {"ontology": ONTOLOGY_IRI})[1]:
            if (
                isinstance(term, URIRef)
                and term != ONTOLOGY_IRI
                and isinstance(p, URIRef)
                and o is not None
            ):
                terms[term].append((p, o))
        self.terms = {
            t: sorted(s, key=lambda pair: (str(pair[0]), str(pair[1]))) for t, s in terms.items()
        }
        self.header = sorted(
            (p, o)
            for _, p, o in engine.select_terms(_HEADER, {"ontology": ONTOLOGY_IRI})[1]
            if isinstance(p, URIRef) and o is not None
        )

    def graph(self) -> Graph:
        graph = bind_prefixes(Graph(bind_namespaces="none"))
        for p, o in self.header:
            graph.add((ONTOLOGY_IRI, p, o))
        for term, statements in self.terms.items():
            for p, o in statements:
                graph.add((term, p, o))
        return graph

    def respond(self, accept: str | None, format_name: str | None) -> WebResponse:
        chosen = choose(ENTITY_FORMATS, accept, format_name)
        if chosen is None:
            return not_acceptable(ENTITY_FORMATS)
        links = alternates(ONTOLOGY_PATH)
        if chosen.rdflib_format is not None:
            return rdf_response(self.graph(), chosen, links)
        if self._html is None:
            self._html = self.html()
        return html_page(200, self._html, [("Vary", "Accept"), *links])

    def _kind(self, term: URIRef) -> str:
        types = {o for p, o in self.terms[term] if p == RDF.type}
        if types & set(_CLASS_TYPES):
            return "class"
        if types & set(_PROPERTY_TYPES):
            return "property"
        return "other"

    def _term_html(self, term: URIRef) -> str:
        statements = self.terms[term]
        values: dict[URIRef, list[Term]] = defaultdict(list)
        for p, o in statements:
            values[p].append(o)
        labels = self.index.label(str(term))
        fragment = str(term)[len(str(SKG)) :] if str(term).startswith(str(SKG)) else curie(term)
        heading = esc(labels.en or fragment)
        if labels.ko:
            heading += f' <span class="label-ko">{lang_text(labels.ko, "ko")}</span>'
        definitions = "".join(
            f"<p>{lang_text(text, lang)}</p>"
            for lang in ("en", "ko")
            for text in _texts(values.get(SKOS.definition, []), lang)
        )
        kinds = ", ".join(value_html(t, self.index) for t in values.get(RDF.type, []))
        details = "".join(
            f"<dt>{predicate_name(str(p), self.index)}</dt>"
            + "".join(f"<dd>{value_html(v, self.index)}</dd>" for v in values[p])
            for p in sorted(values, key=lambda p: curie(p))
            if p not in _SHOWN_ABOVE
        )
        return (
            f'<section class="term" id={attr(fragment)}>'
            f"<h3>{heading} <small><code>{esc(curie(term))}</code></small></h3>"
            f'{definitions}<p class="meta">{kinds}</p>'
            + (f"<dl>{details}</dl>" if details else "")
            + "</section>"
        )

    def html(self) -> str:
        header: dict[URIRef, list[Term]] = defaultdict(list)
        for p, o in self.header:
            header[p].append(o)
        title_en = next(iter(_texts(header.get(DCT.title, []), "en")), "smartkg ontology")
        title_ko = next(iter(_texts(header.get(DCT.title, []), "ko")), "")
        description = "".join(
            f"<p>{esc(text)}</p>" for text in _texts(header.get(DCT.description, []), "en")
        )
        version = ", ".join(str(v) for v in header.get(OWL.versionInfo, []))
        ordered = sorted(self.terms, key=lambda t: str(t).casefold())
        sections = []
        for kind, heading in (
            ("class", "Classes"),
            ("property", "Properties"),
            ("other", "Other terms"),
        ):
            chosen = [t for t in ordered if self._kind(t) == kind]
            if not chosen:
                continue
            contents = ", ".join(link(f"#{str(t)[len(str(SKG)) :]}", esc(curie(t))) for t in chosen)
            sections.append(
                f"<section><h2>{esc(heading)} ({len(chosen)})</h2>"
                f'<p class="toc">{contents}</p>'
                + "".join(self._term_html(t) for t in chosen)
                + "</section>"
            )
        body = f"""<h1><span class="label-en">{esc(title_en)}</span>
<span class="label-ko" lang="ko">{esc(title_ko)}</span></h1>
<p class="iri"><code>{esc(str(ONTOLOGY_IRI))}</code> · terms <code>{esc(str(SKG))}</code>
{"· version " + esc(version) if version else ""}</p>
{description}
<p class="meta">Download: {link("?format=ttl", "Turtle")} · {link("?format=jsonld", "JSON-LD")} ·
{link("?format=nt", "N-Triples")}. The vocabularies (SKOS concept schemes) are listed on the
<a href="/">home page</a>.</p>
{"".join(sections)}
"""
        return page(title_en, body, current=ONTOLOGY_PATH)
