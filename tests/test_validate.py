"""``smartkg validate`` on the mini fixture catalogue with its own minimal shapes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from smartkg.catalogue import load_catalogue
from smartkg.namespaces import SKGSH, SVC, curie
from smartkg.validation import Severity, validate

CASES = Path(__file__).resolve().parent / "fixtures" / "cases"
SERVICE_WITHOUT_TYPE = CASES / "service-without-type.ttl"


def _expectation(case: Path) -> tuple[str, str, str]:
    """``(severity, sourceShape, focusNode)`` from the case's ``# expect:`` first line."""
    first = case.read_text("utf-8").splitlines()[0]
    assert first.startswith("# expect: "), f"{case.name} does not state what it must trigger"
    severity, shape, focus = first.removeprefix("# expect: ").split()
    return severity, shape, focus


def test_conforming_catalogue_exits_0_and_still_reports_warnings(
    mini_root: Path, run_cli: Any
) -> None:
    result = run_cli("validate", "--root", mini_root)
    assert result.code == 0, result.out + result.err
    assert "VIOLATION" not in result.out
    assert (
        "WARNING data/services/guro-gu.ttl  svc:guro-gu-rehab-robot "
        '"Walking-assist rehabilitation robot" / "보행보조 재활로봇"\n'
        "  skgsh:SmartServiceRecommendedShape-description: "
        "A smart service should have a description.\n"
    ) in result.out
    assert "  path (skos:prefLabel|rdfs:label)\n" in result.out
    assert result.out.rstrip().splitlines()[-1].startswith("0 violations, 2 warnings")
    assert result.out.rstrip().endswith(": conforms")


def test_violation_exits_1_and_names_entity_label_file_and_shape(
    mini_root: Path, run_cli: Any
) -> None:
    shutil.copy(SERVICE_WITHOUT_TYPE, mini_root / "data" / "services" / "ai-cctv.ttl")
    result = run_cli("validate", "--root", mini_root)
    assert result.code == 1, result.out + result.err
    assert (
        "VIOLATION data/services/ai-cctv.ttl  svc:guro-gu-ai-cctv "
        '"AI CCTV person tracking" / "AI CCTV 인물 추적"\n'
        "  skgsh:SmartServiceShape-serviceType: "
        "A smart service must name exactly one service type.\n"
        "  path skg:serviceType\n"
    ) in result.out
    # Violations come before warnings; the summary line gives the verdict.
    assert result.out.index("VIOLATION") < result.out.index("WARNING")
    assert result.out.rstrip().splitlines()[-1].startswith("1 violation, 3 warnings")
    assert result.out.rstrip().endswith(": does not conform")


def test_json_report_states_exactly_the_expected_result(mini_root: Path, run_cli: Any) -> None:
    shutil.copy(SERVICE_WITHOUT_TYPE, mini_root / "data" / "services" / "ai-cctv.ttl")
    severity, shape, focus = _expectation(SERVICE_WITHOUT_TYPE)
    result = run_cli("validate", "--root", mini_root, "--format", "json")
    assert result.code == 1
    report = json.loads(result.out)
    assert report["conforms"] is False
    assert report["counts"] == {"Violation": 1, "Warning": 3, "Info": 0}
    violations = [r for r in report["results"] if r["severity"] == "Violation"]
    assert [(r["severity"], r["sourceShapeName"], r["focusNodeName"]) for r in violations] == [
        (severity, shape, focus)
    ]
    (violation,) = violations
    assert violation["focusNode"] == str(SVC["guro-gu-ai-cctv"])
    assert violation["sourceShape"] == str(SKGSH["SmartServiceShape-serviceType"])
    assert violation["labels"] == {"en": "AI CCTV person tracking", "ko": "AI CCTV 인물 추적"}
    assert violation["files"] == ["data/services/ai-cctv.ttl"]
    assert violation["path"] == "skg:serviceType"
    assert violation["message"] == "A smart service must name exactly one service type."


def test_conforming_json_parses(mini_root: Path, run_cli: Any) -> None:
    result = run_cli("validate", "--root", mini_root, "--format", "json")
    assert result.code == 0
    report = json.loads(result.out)
    assert report["conforms"] is True
    assert report["shapeFiles"] == ["shapes/core.shapes.ttl", "shapes/recommended.shapes.ttl"]
    assert {r["severity"] for r in report["results"]} == {"Warning"}


def test_ontology_subclasses_reach_sh_class(mini_root: Path) -> None:
    """The provider shape needs org:Organization, which only the ontology's rdfs:subClassOf
    gives a skg:LocalGovernment: without it the same data must violate."""
    assert validate(load_catalogue(mini_root)).conforms
    ontology = mini_root / "ontology" / "smartkg.ttl"
    text = ontology.read_text("utf-8")
    assert "cv:PublicOrganisation , org:Organization" in text
    ontology.write_text(
        text.replace("cv:PublicOrganisation , org:Organization", "cv:PublicOrganisation")
    )
    report = validate(load_catalogue(mini_root))
    assert [
        (r.severity, curie(r.source_shape), curie(r.focus_node))
        for r in report.results
        if r.severity is Severity.VIOLATION and r.source_shape is not None
    ] == [(Severity.VIOLATION, "skgsh:SmartServiceShape-provider", "svc:guro-gu-rehab-robot")]


def test_report_for_file(mini_root: Path) -> None:
    shutil.copy(SERVICE_WITHOUT_TYPE, mini_root / "data" / "services" / "ai-cctv.ttl")
    report = validate(load_catalogue(mini_root))
    assert [curie(r.focus_node) for r in report.for_file("data/services/ai-cctv.ttl")] == [
        "svc:guro-gu-ai-cctv",
        "svc:guro-gu-ai-cctv",
    ]
    assert report.for_file("data/cities.ttl") == ()


def test_no_shapes_is_an_error(mini_root: Path, run_cli: Any) -> None:
    shutil.rmtree(mini_root / "shapes")
    result = run_cli("validate", "--root", mini_root)
    assert result.code == 2
    assert result.err.startswith("shapes: error: no shapes found")


def test_syntax_error_in_data_is_exit_2_on_stderr(mini_root: Path, run_cli: Any) -> None:
    (mini_root / "data" / "cities.ttl").write_text(
        "@prefix skg: <https://w3id.org/smartkg/ontology#> .\n\ncity:x a skg:LocalGovernment .\n"
    )
    result = run_cli("validate", "--root", mini_root)
    assert result.code == 2
    assert result.out == ""
    assert result.err.startswith("data/cities.ttl:3: error: Turtle syntax error")


def test_shapes_pyshacl_rejects_are_exit_2(mini_root: Path, run_cli: Any) -> None:
    """pySHACL returns (not raises) a failure for shapes it cannot run, e.g. VALUES in sh:select."""
    (mini_root / "shapes" / "rules.shapes.ttl").write_text(
        "@prefix skg: <https://w3id.org/smartkg/ontology#> .\n"
        "@prefix skgsh: <https://w3id.org/smartkg/shapes#> .\n"
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "skgsh:RuleShape a sh:NodeShape ; sh:targetClass skg:SmartService ;\n"
        '  sh:sparql [ sh:message "x"@en ;\n'
        '    sh:select "SELECT $this WHERE { VALUES ?x { 1 } }" ] .\n'
    )
    result = run_cli("validate", "--root", mini_root)
    assert result.code == 2
    assert result.out == ""
    assert result.err.startswith("shapes: error: pySHACL could not run the shapes: ")
    assert "VALUES" in result.err


def test_both_engines_print_the_same_report(mini_root: Path, run_cli: Any) -> None:
    shutil.copy(SERVICE_WITHOUT_TYPE, mini_root / "data" / "services" / "ai-cctv.ttl")
    outputs = {}
    for engine in ("fast", "pyshacl"):
        for fmt in ("text", "json"):
            result = run_cli("validate", "--root", mini_root, "--engine", engine, "--format", fmt)
            assert result.code == 1, result.out + result.err
            outputs[engine, fmt] = result.out
    assert outputs["fast", "text"] == outputs["pyshacl", "text"]
    assert outputs["fast", "json"] == outputs["pyshacl", "json"]
    assert "skgsh:SmartServiceShape-serviceType" in outputs["fast", "text"]


def test_unknown_engine_is_exit_2(
    mini_root: Path, run_cli: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        run_cli("validate", "--root", mini_root, "--engine", "fastest")
    assert stopped.value.code == 2
    assert "argument --engine: invalid choice: 'fastest'" in capsys.readouterr().err


def test_shapes_pyshacl_rejects_are_exit_2_with_either_engine(
    mini_root: Path, run_cli: Any
) -> None:
    (mini_root / "shapes" / "rules.shapes.ttl").write_text(
        "@prefix skg: <https://w3id.org/smartkg/ontology#> .\n"
        "@prefix skgsh: <https://w3id.org/smartkg/shapes#> .\n"
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "skgsh:RuleShape a sh:NodeShape ; sh:targetClass skg:SmartService ;\n"
        '  sh:message "x"@en ;\n'
        '  sh:sparql [ sh:select "SELECT $this WHERE { MINUS { $this a skg:Nothing } }" ] .\n'
    )
    for engine in ("fast", "pyshacl"):
        result = run_cli("validate", "--root", mini_root, "--engine", engine)
        assert result.code == 2, engine
        assert "MINUS" in result.err, engine
