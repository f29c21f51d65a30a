"""The ontology and its vocabularies document every term they define (labels, definitions)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, URIRef

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY_FILE = ROOT / "ontology" / "smartkg.ttl"
VOCAB_FILES = sorted((ROOT / "ontology" / "vocab").glob("*.ttl"))
ONTOLOGY_IRI = URIRef("https://w3id.org/smartkg/ontology")
TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)


def _graph(*paths: Path) -> Graph:
    graph = Graph()
    for path in paths:
        graph.parse(path, format="turtle")
    return graph


def _languages(graph: Graph, subject: URIRef, predicate: URIRef) -> list[str]:
    return sorted(
        str(value.language)
        for value in graph.objects(subject, predicate)
        if isinstance(value, Literal)
    )


ONTOLOGY = _graph(ONTOLOGY_FILE)
TERMS = sorted(
    {
        term
        for kind in TERM_TYPES
        for term in ONTOLOGY.subjects(RDF.type, kind)
        if isinstance(term, URIRef)
    }
)
VOCABULARY = _graph(*VOCAB_FILES)
CONCEPTS = sorted(
    term for term in VOCABULARY.subjects(RDF.type, SKOS.Concept) if isinstance(term, URIRef)
)


def test_collections_are_not_empty() -> None:
    assert TERMS, "no ontology terms found"
    assert VOCAB_FILES, "no vocabulary files found"
    assert CONCEPTS, "no concepts found"


def test_ontology_header_has_version_iri_without_version_in_namespace() -> None:
    versions = list(ONTOLOGY.objects(ONTOLOGY_IRI, OWL.versionIRI))
    assert len(versions) == 1
    assert str(versions[0]).startswith(str(ONTOLOGY_IRI) + "/")
    assert all("0." not in str(term).split("#")[0] for term in TERMS)


@pytest.mark.parametrize("term", TERMS, ids=lambda term: str(term).rsplit("#", 1)[-1])
def test_every_term_is_documented(term: URIRef) -> None:
    assert _languages(ONTOLOGY, term, RDFS.label) == ["en", "ko"], "one label @en, one @ko"
    assert "en" in _languages(ONTOLOGY, term, SKOS.definition), "an English skos:definition"
    assert (term, RDFS.isDefinedBy, ONTOLOGY_IRI) in ONTOLOGY


@pytest.mark.parametrize("term", TERMS, ids=lambda term: str(term).rsplit("#", 1)[-1])
def test_every_term_is_aligned_or_scoped(term: URIRef) -> None:
    """Classes specialise a standard class; properties say where they apply."""
    if (term, RDF.type, OWL.Class) in ONTOLOGY:
        assert list(ONTOLOGY.objects(term, RDFS.subClassOf)), "aligned by subClassOf"
    else:
        assert list(ONTOLOGY.objects(term, RDFS.domain)) or list(ONTOLOGY.objects(term, RDFS.range))


@pytest.mark.parametrize("concept", CONCEPTS, ids=lambda concept: str(concept).split("/id/", 1)[-1])
def test_every_concept_is_labelled_defined_and_placed(concept: URIRef) -> None:
    assert _languages(VOCABULARY, concept, SKOS.prefLabel) == ["en", "ko"]
    assert "en" in _languages(VOCABULARY, concept, SKOS.definition)
    schemes = list(VOCABULARY.objects(concept, SKOS.inScheme))
    assert len(schemes) == 1, "exactly one scheme"
    tops = list(VOCABULARY.objects(concept, SKOS.topConceptOf))
    broader = list(VOCABULARY.objects(concept, SKOS.broader))
    assert bool(tops) != bool(broader), "either a top concept or under a broader one"
    for parent in broader:
        assert (parent, SKOS.inScheme, schemes[0]) in VOCABULARY, "broader in the same scheme"
        assert (parent, SKOS.narrower, concept) in VOCABULARY, "skos:narrower mirrors skos:broader"
    for scheme in tops:
        assert (scheme, SKOS.hasTopConcept, concept) in VOCABULARY


def test_service_type_siblings_share_a_parent() -> None:
    """Replication runs on service types: sibling kinds meet under one broader type."""
    base = "https://w3id.org/smartkg/id/service-type/"
    autonomous_transit = URIRef(base + "autonomous-transit")
    for child in ("autonomous-bus", "autonomous-shuttle"):
        assert (URIRef(base + child), SKOS.broader, autonomous_transit) in VOCABULARY
