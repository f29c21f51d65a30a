"""``smartkg synth``: deterministic, conforming, linear in size, atomic, and on the command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from smartkg.catalogue import Layout
from smartkg.errors import BuildError
from smartkg.namespaces import CITY, PROV, RDF, SH, SKG, SRC
from smartkg.synth import city_slug, synth
from smartkg.validation import run_shacl

REPO_ROOT = Path(__file__).resolve().parents[1]
BIN_DIR = Path(sys.executable).parent
LAYOUT = Layout(REPO_ROOT)


def _graph(*paths: Path) -> Graph:
    graph = Graph()
    for path in paths:
        graph.parse(path)
    return graph


def test_same_seed_is_byte_identical(tmp_path: Path) -> None:
    a = synth(LAYOUT, 30, 11, tmp_path / "a.nt")
    b = synth(LAYOUT, 30, 11, tmp_path / "b.nt")
    assert a.triples == b.triples > 0
    assert (tmp_path / "a.nt").read_bytes() == (tmp_path / "b.nt").read_bytes()
    synth(LAYOUT, 30, 11, tmp_path / "a.ttl")
    synth(LAYOUT, 30, 11, tmp_path / "b.ttl")
    assert (tmp_path / "a.ttl").read_bytes() == (tmp_path / "b.ttl").read_bytes()


def test_different_seeds_differ(tmp_path: Path) -> None:
    synth(LAYOUT, 30, 1, tmp_path / "a.nt")
    synth(LAYOUT, 30, 2, tmp_path / "b.nt")
    assert (tmp_path / "a.nt").read_bytes() != (tmp_path / "b.nt").read_bytes()


def test_turtle_and_ntriples_hold_the_same_triples(tmp_path: Path) -> None:
    nt = synth(LAYOUT, 15, 3, tmp_path / "s.nt")
    ttl = synth(LAYOUT, 15, 3, tmp_path / "s.ttl")
    a, b = _graph(tmp_path / "s.nt"), _graph(tmp_path / "s.ttl")
    assert len(a) == nt.triples == ttl.triples == len(b)
    assert len(a ^ b) == 0


def test_small_synth_conforms_to_the_shapes(tmp_path: Path) -> None:
    synth(LAYOUT, 20, 5, tmp_path / "s.ttl")
    data = _graph(*LAYOUT.ontology_files(), *LAYOUT.vocab_files(), tmp_path / "s.ttl")
    shapes = _graph(*LAYOUT.shape_files())
    report = run_shacl(data, shapes)
    violations = [
        (report.value(r, SH.sourceShape), report.value(r, SH.focusNode))
        for r in report.subjects(SH.resultSeverity, SH.Violation)
    ]
    assert violations == []


def test_synthetic_iris_and_provenance_are_marked(tmp_path: Path) -> None:
    synth(LAYOUT, 10, 42, tmp_path / "s.nt")
    graph = _graph(tmp_path / "s.nt")
    cities = set(graph.subjects(RDF.type, SKG.LocalGovernment))
    assert cities == {CITY[city_slug(i)] for i in range(1, 11)}
    source = SRC["synthetic-42"]
    assert (source, RDF.type, SKG.SourceDocument) in graph
    for subject in set(graph.subjects(RDF.type, None)) - {source}:
        assert isinstance(subject, URIRef)
        assert "synth" in str(subject), subject
        assert (subject, PROV.wasDerivedFrom, source) in graph, subject


def test_triple_count_scales_roughly_linearly(tmp_path: Path) -> None:
    small = synth(LAYOUT, 100, 9, tmp_path / "small.nt").triples
    large = synth(LAYOUT, 1000, 9, tmp_path / "large.nt").triples
    assert 8 < large / small < 12
    assert 40 < large / 1000 < 100  # triples per city


def test_bad_suffix_and_count_are_errors(tmp_path: Path) -> None:
    with pytest.raises(BuildError):
        synth(LAYOUT, 5, 0, tmp_path / "s.xml")
    with pytest.raises(BuildError):
        synth(LAYOUT, 0, 0, tmp_path / "s.nt")
    assert not list(tmp_path.iterdir())


def test_cli_writes_the_file_with_a_progress_bar(tmp_path: Path) -> None:
    output = tmp_path / "out" / "synth.nt"
    result = subprocess.run(
        [BIN_DIR / "smartkg", "synth", "--cities", "25", "--seed", "4", "--output", output],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "100%" in result.stderr
    assert "25 cities" in result.stdout
    expected = tmp_path / "expected.nt"
    synth(LAYOUT, 25, 4, expected)
    assert output.read_bytes() == expected.read_bytes()
    bad = subprocess.run(
        [BIN_DIR / "smartkg", "synth", "--cities", "3", "--output", tmp_path / "x.json"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2
