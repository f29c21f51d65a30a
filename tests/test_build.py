"""``smartkg build`` and ``export`` on the mini fixture catalogue: outputs, reproducibility,
atomicity, and Turtle syntax errors reported as file:line."""

from __future__ import annotations

import gc
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.term import Node

from smartkg import atomic, namespaces
from smartkg.build import build
from smartkg.catalogue import load_catalogue, paused_gc
from smartkg.errors import CatalogueError
from smartkg.namespaces import CITY, SVC
from smartkg.serialize import RdfFormat, canonical_graph, serialize, serialize_owned

OUTPUTS = ("smartkg.ttl", "smartkg.nt", "shapes.ttl", "manifest.json")
SMARTKG = Path(sys.executable).parent / "smartkg"


def _snapshot(build_dir: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(build_dir.iterdir())}


def test_build_writes_every_output(mini_root: Path, run_cli: Any) -> None:
    result = run_cli("build", "--root", mini_root)
    assert result.code == 0, result.err
    build_dir = mini_root / "build"
    assert sorted(p.name for p in build_dir.iterdir()) == sorted(OUTPUTS)

    nt_lines = (build_dir / "smartkg.nt").read_text("utf-8").splitlines()
    assert nt_lines == sorted(nt_lines)
    nt = Graph().parse(build_dir / "smartkg.nt", format="nt")
    ttl = Graph().parse(build_dir / "smartkg.ttl", format="turtle")
    sources = load_catalogue(mini_root).graph
    assert len(nt) == len(nt_lines) == len(sources) > 0
    assert isomorphic(nt, sources)
    assert isomorphic(ttl, sources)
    turtle = (build_dir / "smartkg.ttl").read_text("utf-8")
    assert "@prefix svc: <https://w3id.org/smartkg/id/service/> ." in turtle
    # a prefix the sources declare beyond docs/model.md is kept, not renamed ns1:
    assert "@prefix vann: <http://purl.org/vocab/vann/> ." in turtle
    assert "ns1:" not in turtle

    shapes = Graph().parse(build_dir / "shapes.ttl", format="turtle")
    assert isomorphic(shapes, load_catalogue(mini_root).shapes)

    manifest = json.loads((build_dir / "manifest.json").read_text("utf-8"))
    assert manifest["subjects"][str(SVC["guro-gu-rehab-robot"])] == ["data/services/guro-gu.ttl"]
    assert manifest["subjects"][str(CITY["guro-gu"])] == ["data/cities.ttl"]
    service_file = mini_root / "data" / "services" / "guro-gu.ttl"
    assert manifest["files"]["data/services/guro-gu.ttl"]["sha256"] == (
        hashlib.sha256(service_file.read_bytes()).hexdigest()
    )
    assert manifest["outputs"]["smartkg.nt"] == (
        hashlib.sha256((build_dir / "smartkg.nt").read_bytes()).hexdigest()
    )


def test_build_is_byte_identical_across_runs_places_and_processes(
    mini_root: Path, tmp_path: Path, run_cli: Any
) -> None:
    assert run_cli("build", "--root", mini_root).code == 0
    first = _snapshot(mini_root / "build")
    assert run_cli("build", "--root", mini_root).code == 0
    assert _snapshot(mini_root / "build") == first

    elsewhere = tmp_path / "elsewhere" / "copy"
    shutil.copytree(mini_root, elsewhere, ignore=shutil.ignore_patterns("build"))
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    result = subprocess.run(
        [str(SMARTKG), "build", "--root", str(elsewhere)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert _snapshot(elsewhere / "build") == first


# (file content, line of the error): each is broken on exactly one line, after Korean text so
# that a byte offset taken for a character offset would miscount.
SYNTAX_ERRORS = {
    "missing-dot": (
        "@prefix svc: <https://w3id.org/smartkg/id/service/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        'svc:a rdfs:label "보행보조 재활로봇 보행보조 재활로봇 보행보조 재활로봇"@ko ;\n'
        '    rdfs:label "A"@en\n'
        "\n"
        'svc:b rdfs:label "B"@en .\n',
        6,
    ),
    "unbound-prefix": (
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "# 스마트 서비스 — 구로구 보행보조 재활로봇\n"
        'svc:a rdfs:label "A"@en .\n',
        3,
    ),
    "unterminated-string": (
        "@prefix svc: <https://w3id.org/smartkg/id/service/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        'svc:a rdfs:label "구로구"@ko .\n'
        'svc:b rdfs:label "끝나지 않은 문자열 .\n'
        'svc:c rdfs:label "C"@en .\n',
        4,
    ),
}


@pytest.mark.parametrize(("content", "line"), SYNTAX_ERRORS.values(), ids=SYNTAX_ERRORS.keys())
def test_syntax_error_names_file_and_line(mini_root: Path, content: str, line: int) -> None:
    broken = mini_root / "data" / "services" / "broken.ttl"
    broken.write_text(content, encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(mini_root)
    assert caught.value.path == "data/services/broken.ttl"
    assert caught.value.line == line
    assert caught.value.rule == "turtle-syntax"


def test_syntax_error_exits_2_and_keeps_previous_build(mini_root: Path, run_cli: Any) -> None:
    assert run_cli("build", "--root", mini_root).code == 0
    before = _snapshot(mini_root / "build")

    content, line = SYNTAX_ERRORS["missing-dot"]
    (mini_root / "data" / "services" / "broken.ttl").write_text(content, encoding="utf-8")
    result = run_cli("build", "--root", mini_root)

    assert result.code == 2
    assert result.err.startswith(f"data/services/broken.ttl:{line}: error: Turtle syntax error")
    assert result.out == ""
    assert _snapshot(mini_root / "build") == before  # byte-identical, no temp files left


def test_failed_first_build_writes_nothing(mini_root: Path, run_cli: Any) -> None:
    content, _ = SYNTAX_ERRORS["unbound-prefix"]
    (mini_root / "ontology" / "vocab" / "broken.ttl").write_text(content, encoding="utf-8")
    assert run_cli("build", "--root", mini_root).code == 2
    build_dir = mini_root / "build"
    assert not build_dir.exists() or not any(build_dir.iterdir())


def test_broken_shapes_file_fails_the_build(mini_root: Path, run_cli: Any) -> None:
    (mini_root / "shapes" / "broken.shapes.ttl").write_text("skgsh:X a sh:NodeShape .\n")
    result = run_cli("build", "--root", mini_root)
    assert result.code == 2
    assert result.err.startswith("shapes/broken.shapes.ttl:1: error:")


def test_relative_iri_is_rejected(mini_root: Path) -> None:
    (mini_root / "data" / "relative.ttl").write_text(
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n\n"
        '<city/guro-gu> rdfs:label "Guro-gu"@en .\n'
    )
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(mini_root)
    assert (caught.value.path, caught.value.line) == ("data/relative.ttl", 3)
    assert caught.value.rule == "absolute-iri"


def test_index_prefers_the_file_that_types_a_subject(mini_root: Path) -> None:
    (mini_root / "data" / "aaa-extra.ttl").write_text(
        "@prefix city: <https://w3id.org/smartkg/id/city/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        'city:guro-gu rdfs:comment "mentioned, not typed, here"@en .\n'
        'city:nowhere rdfs:comment "only mentioned"@en .\n'
    )
    catalogue = load_catalogue(mini_root)
    assert catalogue.files_of(CITY["guro-gu"]) == ("data/cities.ttl",)
    assert catalogue.files_of(CITY["nowhere"]) == ("data/aaa-extra.ttl",)


def test_discovery_is_sorted_and_complete(mini_root: Path) -> None:
    catalogue = load_catalogue(mini_root)
    assert [f.path for f in catalogue.files] == [
        "ontology/smartkg.ttl",
        "ontology/vocab/service-types.ttl",
        "data/cities.ttl",
        "data/services/guro-gu.ttl",
        "data/sources.ttl",
        "shapes/core.shapes.ttl",
        "shapes/recommended.shapes.ttl",
    ]


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
@pytest.mark.parametrize(
    ("fmt", "rdflib_format"), [("turtle", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")]
)
def test_export_round_trips(mini_root: Path, run_cli: Any, fmt: str, rdflib_format: str) -> None:
    output = mini_root / f"export.{fmt}"
    result = run_cli("export", "--root", mini_root, "--format", fmt, "--output", output)
    assert result.code == 0, result.err
    exported = Graph().parse(output, format=rdflib_format)
    assert isomorphic(exported, load_catalogue(mini_root).graph)


def test_export_to_stdout_matches_build(mini_root: Path, run_cli: Any) -> None:
    assert run_cli("build", "--root", mini_root).code == 0
    result = run_cli("export", "--root", mini_root, "--format", "nt")
    assert result.code == 0
    assert result.out == (mini_root / "build" / "smartkg.nt").read_text("utf-8")


def test_write_failure_keeps_previous_build(
    mini_root: Path, run_cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure while writing the outputs (disk full, say) leaves build/ as it was."""
    assert run_cli("build", "--root", mini_root).code == 0
    before = _snapshot(mini_root / "build")
    (mini_root / "data" / "cities.ttl").write_text(
        (mini_root / "data" / "cities.ttl").read_text("utf-8") + "\n# changed\n", "utf-8"
    )
    (mini_root / "data" / "more.ttl").write_text(
        "@prefix city: <https://w3id.org/smartkg/id/city/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        'city:seoul rdfs:label "Seoul"@en .\n'
    )
    real_write_temp = atomic._write_temp
    calls = 0

    def failing_write_temp(target: Path, content: bytes) -> Path:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise OSError(28, "No space left on device", str(target))
        return real_write_temp(target, content)

    monkeypatch.setattr(atomic, "_write_temp", failing_write_temp)
    result = run_cli("build", "--root", mini_root)
    assert result.code == 2
    assert "No space left on device" in result.err
    assert calls == 3
    assert _snapshot(mini_root / "build") == before  # byte-identical, no temp files left


# --- the fast paths give what rdflib alone gives --------------------------------------------

EDGE_CASES = """\
@prefix ex: <http://example.org/ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

ex:Thing a rdfs:Class ; rdfs:label "Thing"@en .
ex:b ex:count 01 , 2 , 1 ; ex:ratio 1.50 ; ex:size 1.5E3 ; ex:flag true ;
    ex:note \"\"\"two
lines with "quotes" and a \\\\ backslash\"\"\" ;
    ex:when "2024-01-31"^^xsd:date ;
    rdfs:label "비"@ko , "B"@en ;
    <http://unbound.example/prop> <http://unbound.example/value> ;
    ex:full <http://example.org/other/path/> .
ex:a a ex:Thing ; ex:knows ex:b ; rdfs:comment "tab\\there"@en .
"""


def _rdflib_merge(paths: list[Path]) -> Graph:
    merged = Graph()
    for path in paths:
        merged.parse(path, format="turtle")
    return merged


def _ground(graph: Graph) -> set[tuple[Node, Node, Node]]:
    return {t for t in graph if not any(isinstance(node, BNode) for node in t)}


def test_loaded_graph_equals_rdflib_parse(repo_root: Path, mini_root: Path) -> None:
    """pyoxigraph parses; the terms must be exactly those rdflib's own parser makes."""
    (mini_root / "data" / "edge.ttl").write_text(EDGE_CASES, encoding="utf-8")
    for root in (repo_root, mini_root):
        catalogue = load_catalogue(root)
        layout = catalogue.layout
        expected = _rdflib_merge([p for _, p in layout.graph_files()])
        assert _ground(catalogue.graph) == _ground(expected)  # term for term
        assert isomorphic(catalogue.graph, expected)
        assert isomorphic(catalogue.shapes, _rdflib_merge(layout.shape_files()))
        for source in catalogue.files:  # "01" and "1" as xsd:integer are one term to rdflib
            assert source.triples == len(_rdflib_merge([layout.root / source.path])), source


def test_rdflib_decides_where_the_parsers_differ(mini_root: Path) -> None:
    (mini_root / "data" / "differ.ttl").write_text(
        "@prefix ex: <http://example.org/ns#> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        "@prefix ex: <http://example.org/other#> .\n"
        'ex:a ex:typed "x"^^xsd:string ; ex:tagged "y"@EN-GB .\n',
        encoding="utf-8",
    )
    graph = load_catalogue(mini_root).graph
    subject = URIRef("http://example.org/other#a")
    # rdflib keeps an explicit xsd:string and a tag's case; pyoxigraph drops and lowers them
    assert graph.value(subject, URIRef("http://example.org/other#typed")) == Literal(
        "x", datatype=namespaces.XSD.string
    )
    tagged = graph.value(subject, URIRef("http://example.org/other#tagged"))
    assert isinstance(tagged, Literal) and tagged.language == "EN-GB"


def test_iri_with_a_space_names_the_rule(mini_root: Path) -> None:
    (mini_root / "data" / "space.ttl").write_text(
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n\n"
        '<https://w3id.org/smartkg/id/city/guro gu> rdfs:label "Guro-gu"@en .\n'
    )
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(mini_root)
    assert (caught.value.path, caught.value.line) == ("data/space.ttl", 3)
    assert caught.value.rule == "iri-syntax"


def test_relative_iri_in_a_later_file_is_rejected_there(mini_root: Path) -> None:
    """IRIs are checked once across files; a bad one is still reported in its own file."""
    (mini_root / "data" / "zzz-relative.ttl").write_text(
        "@prefix city: <https://w3id.org/smartkg/id/city/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "city:guro-gu rdfs:seeAlso <guro-gu.html> .\n"
    )
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(mini_root)
    assert (caught.value.path, caught.value.line, caught.value.rule) == (
        "data/zzz-relative.ttl",
        3,
        "absolute-iri",
    )


def _stock_outputs(graph: Graph) -> tuple[bytes, bytes]:
    """rdflib's own Turtle serialiser, and its N-Triples rows sorted."""
    turtle = graph.serialize(format="turtle", encoding="utf-8")
    rows = graph.serialize(format="nt", encoding="utf-8").decode("utf-8").split("\n")
    nt = "".join(f"{row}\n" for row in sorted({row for row in rows if row}))
    return turtle, nt.encode("utf-8")


def test_serialisers_write_rdflib_bytes(repo_root: Path, mini_root: Path) -> None:
    (mini_root / "data" / "edge.ttl").write_text(EDGE_CASES, encoding="utf-8")
    graphs = [load_catalogue(root) for root in (repo_root, mini_root)]
    for graph in [g for c in graphs for g in (c.graph, c.shapes)]:
        canonical = canonical_graph(graph)
        turtle, nt = _stock_outputs(canonical)
        assert serialize(graph, RdfFormat.TURTLE) == turtle
        assert serialize(graph, RdfFormat.NT) == nt
    edge = load_catalogue(mini_root).graph
    turtle, nt = _stock_outputs(canonical_graph(edge))
    owned = serialize_owned(edge, (RdfFormat.TURTLE, RdfFormat.NT))
    assert owned == {RdfFormat.TURTLE: turtle, RdfFormat.NT: nt}
    assert b"ns1:" in owned[RdfFormat.TURTLE]  # the unbound predicate namespace got a prefix


def test_paused_gc_restores_the_collector() -> None:
    assert gc.isenabled()
    with paused_gc():
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_build_validate_reports_like_validate(mini_root: Path, run_cli: Any) -> None:
    """``build --validate`` prints ``validate``'s report after the build line, with its exit
    code, and writes the outputs even when the catalogue has violations."""
    case = Path(__file__).resolve().parent / "fixtures" / "cases" / "service-without-type.ttl"
    shutil.copy(case, mini_root / "data" / "services" / case.name)
    separate = run_cli("validate", "--root", mini_root)
    assert separate.code == 1, separate.out + separate.err

    combined = run_cli("build", "--root", mini_root, "--validate")

    assert combined.code == 1, combined.err
    built, report = combined.out.split("\n", 1)
    assert built.startswith("built smartkg.ttl, smartkg.nt, shapes.ttl, manifest.json in ")
    assert report == separate.out
    assert sorted(p.name for p in (mini_root / "build").iterdir()) == sorted(OUTPUTS)


def test_build_validate_exits_0_when_the_catalogue_conforms(mini_root: Path, run_cli: Any) -> None:
    result = run_cli("build", "--root", mini_root, "--validate")
    assert result.code == 0, result.out + result.err
    assert "VIOLATION" not in result.out


def test_build_validate_with_bad_input_exits_2_and_keeps_previous_build(
    mini_root: Path, run_cli: Any
) -> None:
    """The store loaded for validation changes nothing about errors: file and line, exit 2,
    the last good build kept."""
    assert run_cli("build", "--root", mini_root, "--validate").code == 0
    before = _snapshot(mini_root / "build")
    content, line = SYNTAX_ERRORS["unterminated-string"]
    (mini_root / "data" / "services" / "broken.ttl").write_text(content, encoding="utf-8")

    result = run_cli("build", "--root", mini_root, "--validate")

    assert result.code == 2
    assert result.err.startswith(f"data/services/broken.ttl:{line}: error: Turtle syntax error")
    assert result.out == ""
    assert _snapshot(mini_root / "build") == before


def test_build_with_store_writes_the_same_bytes(mini_root: Path, tmp_path: Path) -> None:
    plain = build(mini_root, tmp_path / "plain")
    stored = build(mini_root, tmp_path / "stored", with_store=True)
    assert stored.catalogue.mirror is not None and plain.catalogue.mirror is None
    assert _snapshot(tmp_path / "stored") == _snapshot(tmp_path / "plain")
    assert len(stored.catalogue.triples) == len(stored.catalogue.graph)
    assert set(stored.catalogue.triples) == set(stored.catalogue.graph)
