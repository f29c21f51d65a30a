"""``smartkg build`` and ``export`` on the mini fixture catalogue: outputs, reproducibility,
atomicity, and Turtle syntax errors reported as file:line."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from smartkg import atomic
from smartkg.catalogue import load_catalogue
from smartkg.errors import CatalogueError
from smartkg.namespaces import CITY, SVC

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
