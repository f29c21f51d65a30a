"""Validation on the pyoxigraph store loaded with the catalogue (``load_catalogue(...,
with_store=True)``, what ``smartkg build --validate`` and ``smartkg validate`` use) gives the
report of the rdflib path, which copies the merged graph into a store of its own."""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from pathlib import Path

from rdflib import BNode, Literal

from smartkg.catalogue import Catalogue, Layout, load_catalogue
from smartkg.namespaces import SCHEMA, XSD
from smartkg.shacl.terms import mirror_graph
from smartkg.synth import synth
from smartkg.validation import ValidationReport, format_json, format_text, validate

REPO = Layout(Path(__file__).resolve().parents[1])
FIXTURES_DIR = Path(__file__).resolve().parent / "shapes"
_BLANK_LABEL = re.compile(r"_:\w+")

# Literals oxigraph stores in another form, blank nodes (labelled ones too, as in another file),
# a language tag with a capital and an explicit xsd:string (that file is parsed with rdflib).
AWKWARD_TTL = """\
@prefix skg: <https://w3id.org/smartkg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix schema: <https://schema.org/> .
@prefix ex: <https://example.org/> .

ex:thing a skg:SmartService ; skg:startYear "20x5"^^xsd:gYear ;
    skg:grade "07"^^xsd:integer , "-1"^^xsd:integer ; schema:minValue "1.50"^^xsd:decimal .
_:b0 a skg:SmartService ; rdfs:label "Blank"@en ; skg:grade "07"^^xsd:integer .
ex:other skg:figure [ a skg:OutcomeFigure ; schema:minValue "4.0"^^xsd:decimal ] .
"""
RDFLIB_ONLY_TTL = """\
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <https://example.org/> .

ex:thing rdfs:label "Thing"^^xsd:string , "Thing"@EN ; ex:size "07"^^xsd:integer .
_:b0 a ex:Other ; rdfs:label "Other blank"@en .
"""


def _catalogue(root: Path) -> Layout:
    layout = Layout(root)
    shutil.copytree(REPO.ontology_dir, layout.ontology_dir)
    shutil.copytree(REPO.shapes_dir, layout.shapes_dir)
    layout.data_dir.mkdir()
    return layout


def _reports(layout: Layout) -> tuple[ValidationReport, ValidationReport, Catalogue]:
    loaded = load_catalogue(layout, with_store=True)
    assert loaded.mirror is not None, "the loaded store should mirror the graph"
    return validate(loaded), validate(load_catalogue(layout)), loaded


def _blocks(text: str) -> Counter[str]:
    return Counter(_BLANK_LABEL.sub("_:b", block) for block in text.split("\n\n"))


def _assert_same(from_store: ValidationReport, copied: ValidationReport) -> None:
    if not any(isinstance(r.focus_node, BNode) for r in copied.results):
        assert format_text(from_store) == format_text(copied)
    # Blank nodes are labelled anew by each load, which orders their results; results that tie
    # on every sort key may come in either order (the component is not a key).
    assert _blocks(format_text(from_store)) == _blocks(format_text(copied))
    ours, theirs = (json.loads(format_json(r)) for r in (from_store, copied))
    assert _blocks("\n\n".join(map(json.dumps, ours.pop("results")))) == _blocks(
        "\n\n".join(map(json.dumps, theirs.pop("results")))
    )
    assert ours == theirs


def test_shape_fixtures_report_alike(tmp_path: Path) -> None:
    layout = _catalogue(tmp_path)
    fixtures = sorted(FIXTURES_DIR.glob("*/*.ttl"))
    assert fixtures, "no shape fixtures found"
    shutil.copy(FIXTURES_DIR / "_base.ttl", layout.data_dir / "_base.ttl")
    for index, fixture in enumerate(fixtures):
        shutil.copy(fixture, layout.data_dir / f"{index:03d}-{fixture.parent.name}-{fixture.name}")
    from_store, copied, _ = _reports(layout)
    assert not from_store.conforms
    assert from_store.fallback_shapes == copied.fallback_shapes
    _assert_same(from_store, copied)


def test_invalid_synthetic_catalogue_reports_alike(tmp_path: Path) -> None:
    layout = _catalogue(tmp_path)
    synth(REPO, 60, 7, layout.data_dir / "synthetic.ttl")
    (layout.data_dir / "awkward.ttl").write_text(AWKWARD_TTL, encoding="utf-8")
    (layout.data_dir / "rdflib-only.ttl").write_text(RDFLIB_ONLY_TTL, encoding="utf-8")
    from_store, copied, _ = _reports(layout)
    assert from_store.counts()["Violation"] > 0
    _assert_same(from_store, copied)


def test_stored_terms_read_back_as_the_graph_has_them(tmp_path: Path) -> None:
    layout = _catalogue(tmp_path)
    (layout.data_dir / "a-awkward.ttl").write_text(AWKWARD_TTL, encoding="utf-8")
    (layout.data_dir / "b-rdflib-only.ttl").write_text(RDFLIB_ONLY_TTL, encoding="utf-8")
    catalogue = load_catalogue(layout, with_store=True)
    assert catalogue.mirror is not None
    mirror = catalogue.mirror
    stored = {tuple(mirror.to_rdflib(term) for term in quad.triple) for quad in mirror.store}
    copied = mirror_graph(catalogue.graph)
    # as the copy reads them back (an explicit ^^xsd:string comes back as a plain literal)
    assert stored == {tuple(map(copied.to_rdflib, quad.triple)) for quad in copied.store}
    assert len(stored) == len(catalogue.graph)
    assert set(catalogue.triples) == set(catalogue.graph)
    assert len(catalogue.triples) == len(catalogue.graph)
    # oxigraph stores "1.50" and "4.0" as "1.5" and "4"; they read back as written
    assert {Literal("1.50", datatype=XSD.decimal), Literal("4.0", datatype=XSD.decimal)} <= {
        o for _, _, o in stored
    }
    assert mirror.canonicalised_by == {str(SCHEMA.minValue)}


def test_the_store_is_loaded_only_when_asked(mini_root: Path) -> None:
    assert load_catalogue(mini_root).mirror is None
    assert load_catalogue(mini_root, include_shapes=False).mirror is None
