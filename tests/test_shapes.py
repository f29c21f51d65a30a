"""Tests of the SHACL shapes (shapes/*.shapes.ttl) against the fixtures in tests/shapes/.

Layout: tests/shapes/<ShapeLocalName>/{valid-*.ttl, invalid-*.ttl}; tests/shapes/_base.ttl is a
small, complete and valid background graph. The data graph of a fixture is ontology/*.ttl +
ontology/vocab/*.ttl + _base.ttl + the fixture; the shapes graph is all of shapes/*.shapes.ttl.
pySHACL runs on plain rdflib graphs with no inference.

An invalid fixture starts with one or more header lines

    # expect: skgsh:SmartServiceShape-serviceType svc:guro-gu-test-service

(the focus is a prefixed name with the docs/model.md prefixes, or a full <IRI>). The test asserts
that each expected (sh:sourceShape, sh:focusNode) pair is in the report with the shape's own
severity, and that the fixture raises no other sh:Violation. A valid fixture produces no result
from the shape it is filed under and no sh:Violation at all. A known gap is marked in the fixture
header with "# xfail: <reason>" and runs as a strict xfail.

Each fixture test runs on both engines: the compiled one (smartkg.shacl, what ``smartkg
validate`` uses by default) and pySHACL, the reference.

Fixtures are validated on the focus nodes they mention (pySHACL's focus_nodes): every IRI in the
fixture and every expected focus. Validating the whole background graph for each fixture would
repeat the vocabulary checks some 250 times; test_base_graph_has_no_results validates it once in
full instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pyshacl
import pytest
from rdflib import RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH

from smartkg.shacl import ShaclResult, results_of_report, validate_fast
from smartkg.validation import Engine, run_shacl

ROOT = Path(__file__).resolve().parents[1]
SHAPES_DIR = ROOT / "shapes"
ONTOLOGY_DIR = ROOT / "ontology"
MODEL_DOC = ROOT / "docs" / "model.md"
FIXTURES_DIR = Path(__file__).resolve().parent / "shapes"
BASE_FILE = FIXTURES_DIR / "_base.ttl"

SKGSH = Namespace("https://w3id.org/smartkg/shapes#")

EXPECT_RE = re.compile(r"^#\s*expect:\s*(\S+)\s+(\S+)\s*$")
XFAIL_RE = re.compile(r"^#\s*xfail:\s*(.+?)\s*$")
PREFIX_RE = re.compile(r"@prefix\s+([A-Za-z][\w-]*):\s*<([^>]+)>\s*\.")

# Predicates whose objects are shapes (SHACL 1.0, sections 2.1 and 4).
SHAPE_VALUED = (SH.property, SH.node, SH["not"], SH.qualifiedValueShape)
SHAPE_LIST_VALUED = (SH["and"], SH["or"], SH.xone)
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)


def _model_prefixes() -> dict[str, str]:
    """The prefixes of docs/model.md, the contract every Turtle file follows."""
    prefixes = dict(PREFIX_RE.findall(MODEL_DOC.read_text(encoding="utf-8")))
    assert "skgsh" in prefixes and "svc" in prefixes, f"no prefix table found in {MODEL_DOC}"
    return prefixes


PREFIXES = _model_prefixes()


def expand(name: str) -> URIRef:
    """Expand a prefixed name (docs/model.md prefixes) or an <IRI> from a fixture header."""
    if name.startswith("<") and name.endswith(">"):
        return URIRef(name[1:-1])
    prefix, sep, local = name.partition(":")
    if not sep or prefix not in PREFIXES:
        raise ValueError(
            f"{name!r} is neither <IRI> nor a prefixed name with a docs/model.md prefix"
        )
    return URIRef(PREFIXES[prefix] + local)


# --- Fixture collection --------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    shape: str  # local name of the shape under test (the directory name)
    path: Path
    expects: tuple[tuple[str, str], ...]  # (shape, focus) as written in the header
    xfail: str | None

    @property
    def valid(self) -> bool:
        return self.path.name.startswith("valid-")

    @property
    def id(self) -> str:
        return f"{self.shape}/{self.path.stem}"


def _read_header(path: Path) -> list[str]:
    header = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            header.append(line)
        elif line.strip():
            break
    return header


def _collect() -> list[Case]:
    cases = []
    for path in sorted(FIXTURES_DIR.glob("*/*.ttl")):
        header = _read_header(path)
        expects = tuple(m.groups() for m in map(EXPECT_RE.match, header) if m)
        reasons = [m.group(1) for m in map(XFAIL_RE.match, header) if m]
        cases.append(Case(path.parent.name, path, expects, reasons[0] if reasons else None))
    return cases


CASES = _collect()
INVALID = [c for c in CASES if not c.valid]
VALID = [c for c in CASES if c.valid]


def _params(cases: list[Case]) -> list[object]:
    return [
        pytest.param(
            c, id=c.id, marks=[pytest.mark.xfail(reason=c.xfail, strict=True)] if c.xfail else []
        )
        for c in cases
    ]


# --- Graphs --------------------------------------------------------------------------------


def _parse_all(paths: Iterable[Path]) -> Graph:
    graph = Graph()
    for path in paths:
        graph.parse(path, format="turtle")
    return graph


@pytest.fixture(scope="session")
def shapes_graph() -> Graph:
    files = sorted(SHAPES_DIR.glob("*.shapes.ttl"))
    assert files, f"no shapes in {SHAPES_DIR}"
    return _parse_all(files)


@pytest.fixture(scope="session")
def base_graph() -> Graph:
    """Ontology, shipped vocabularies and the fixtures' background (parsed once per session)."""
    files = sorted(ONTOLOGY_DIR.glob("*.ttl")) + sorted((ONTOLOGY_DIR / "vocab").glob("*.ttl"))
    assert files, f"no ontology files in {ONTOLOGY_DIR}"
    return _parse_all([*files, BASE_FILE])


@dataclass(frozen=True)
class Result:
    shape: URIRef | BNode
    focus: URIRef | BNode | Literal
    severity: URIRef
    component: URIRef
    messages: tuple[str, ...]

    def __str__(self) -> str:
        severity = self.severity.rsplit("#", 1)[-1]
        component = self.component.rsplit("#", 1)[-1]
        return f"{severity} {self.shape} {self.focus} [{component}] {'; '.join(self.messages)}"


def validate(
    data: Graph,
    shapes: Graph,
    focus: Iterable[URIRef] | None = None,
    engine: Engine = Engine.PYSHACL,
) -> list[Result]:
    """Validate as ``smartkg validate --engine <engine>`` does, on the given focus nodes."""
    found: Iterable[ShaclResult]
    if engine is Engine.PYSHACL:
        found = results_of_report(run_shacl(data, shapes, focus_nodes=focus))
    else:
        found = validate_fast(data, shapes, focus_nodes=focus).results
    return [
        Result(
            shape=r.shape,  # type: ignore[arg-type]
            focus=r.focus,  # type: ignore[arg-type]
            severity=r.severity,  # type: ignore[arg-type]
            component=r.component,  # type: ignore[arg-type]
            messages=tuple(sorted(str(m) for m in r.messages)),
        )
        for r in found
    ]


def fixture_graph(base: Graph, case: Case) -> tuple[Graph, Graph]:
    fixture = Graph().parse(case.path, format="turtle")
    data = Graph()
    data += base
    data += fixture
    return data, fixture


def mentioned_nodes(fixture: Graph) -> set[URIRef]:
    return {n for s, _, o in fixture for n in (s, o) if isinstance(n, URIRef)}


def _show(results: list[Result]) -> str:
    return "\n".join(sorted(map(str, results))) or "(no results)"


# --- Fixture tests -------------------------------------------------------------------------


def test_fixtures_found() -> None:
    assert CASES, "no shape fixtures found"
    assert INVALID, "no invalid shape fixtures found"
    assert VALID, "no valid shape fixtures found"


@pytest.mark.parametrize("engine", list(Engine))
@pytest.mark.parametrize("case", _params(INVALID))
def test_invalid_fixture(
    case: Case, engine: Engine, base_graph: Graph, shapes_graph: Graph
) -> None:
    assert case.expects, (
        f"{case.path}: an invalid fixture starts with '# expect: <shape> <focus>' lines"
    )
    expected = {(expand(s), expand(f)) for s, f in case.expects}
    assert any(s == SKGSH[case.shape] for s, _ in expected), (
        f"{case.path}: no expect line names the shape under test, skgsh:{case.shape}"
    )
    data, fixture = fixture_graph(base_graph, case)
    focus = mentioned_nodes(fixture) | {f for _, f in expected}
    results = validate(data, shapes_graph, focus, engine)
    found = {(r.shape, r.focus): r for r in results}
    for shape, focus in sorted(expected):
        assert (shape, focus) in found, (
            f"{case.path}: expected a result from {shape} on {focus}; got:\n{_show(results)}"
        )
        declared = shapes_graph.value(shape, SH.severity)
        hits = [r for r in results if (r.shape, r.focus) == (shape, focus)]
        assert all(r.severity == declared for r in hits), (
            f"{case.path}: {shape} declares {declared}; got:\n{_show(hits)}"
        )
    unexpected = [
        r for r in results if r.severity == SH.Violation and (r.shape, r.focus) not in expected
    ]
    assert not unexpected, f"{case.path}: violations not in the expect lines:\n{_show(unexpected)}"


@pytest.mark.parametrize("engine", list(Engine))
@pytest.mark.parametrize("case", _params(VALID))
def test_valid_fixture(case: Case, engine: Engine, base_graph: Graph, shapes_graph: Graph) -> None:
    assert not case.expects, f"{case.path}: a valid fixture has no expect lines"
    data, fixture = fixture_graph(base_graph, case)
    results = validate(data, shapes_graph, mentioned_nodes(fixture), engine)
    own = [r for r in results if r.shape == SKGSH[case.shape]]
    assert not own, f"{case.path}: skgsh:{case.shape} reports:\n{_show(own)}"
    violations = [r for r in results if r.severity == SH.Violation]
    assert not violations, f"{case.path}: violations:\n{_show(violations)}"


@pytest.mark.parametrize("engine", list(Engine))
def test_base_graph_has_no_results(engine: Engine, base_graph: Graph, shapes_graph: Graph) -> None:
    results = validate(base_graph, shapes_graph, engine=engine)
    assert not results, f"{BASE_FILE} (with the ontology and vocabularies):\n{_show(results)}"


# --- Shapes graph lint ---------------------------------------------------------------------


def all_shapes(g: Graph) -> set[URIRef | BNode]:
    """Every node the shapes graph uses as a shape (parameter declarations excluded)."""
    shapes: set[URIRef | BNode] = set()
    shapes |= set(g.subjects(RDF.type, SH.NodeShape)) | set(g.subjects(RDF.type, SH.PropertyShape))
    for target in TARGETS:
        shapes |= set(g.subjects(target, None))
    for p in SHAPE_VALUED:
        shapes |= set(g.objects(None, p))
    for p in SHAPE_LIST_VALUED:
        for head in g.objects(None, p):
            shapes |= set(Collection(g, head))
    parameters = set(g.objects(None, SH.parameter))
    shapes |= set(g.subjects(SH.path, None)) - parameters
    return shapes


def constraint_shapes(g: Graph) -> set[URIRef]:
    return {s for s in all_shapes(g) if isinstance(s, URIRef) and (s, SH.message, None) in g}


def test_shapes_found(shapes_graph: Graph) -> None:
    assert len(all_shapes(shapes_graph)) > 50


def test_shapes_are_named(shapes_graph: Graph) -> None:
    unnamed = [
        s
        for s in all_shapes(shapes_graph)
        if not isinstance(s, URIRef) or not s.startswith(str(SKGSH))
    ]
    assert not unnamed, f"blank-node or foreign shapes: {unnamed}"


def test_shapes_carry_label_message_and_severity(shapes_graph: Graph) -> None:
    problems = []
    for shape in sorted(all_shapes(shapes_graph), key=str):
        messages = list(shapes_graph.objects(shape, SH.message))
        if not any(isinstance(m, Literal) and m.language == "en" for m in messages):
            problems.append(f"{shape}: no sh:message @en")
        if shapes_graph.value(shape, SH.severity) not in (SH.Violation, SH.Warning, SH.Info):
            problems.append(f"{shape}: no sh:severity")
        if not any(
            isinstance(lb, Literal) and lb.language == "en"
            for lb in shapes_graph.objects(shape, RDFS.label)
        ):
            problems.append(f"{shape}: no rdfs:label @en")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("filename", "severity"), [("core", SH.Violation), ("recommended", SH.Warning)]
)
def test_file_severity(filename: str, severity: URIRef) -> None:
    graph = Graph().parse(SHAPES_DIR / f"{filename}.shapes.ttl", format="turtle")
    declared = set(graph.subjects(RDF.type, SH.NodeShape)) | set(
        graph.subjects(RDF.type, SH.PropertyShape)
    )
    wrong = sorted(str(s) for s in declared if graph.value(s, SH.severity) != severity)
    assert declared and not wrong, f"{filename}.shapes.ttl shapes not {severity}: {wrong}"


def test_sh_terms_exist(shapes_graph: Graph) -> None:
    """Every sh: term is in rdflib's closed SHACL namespace (no dead sh:shape-style typos)."""
    used = {
        n
        for triple in shapes_graph
        for n in triple
        if isinstance(n, URIRef) and n.startswith(str(SH))
    }
    unknown = sorted(str(t) for t in used if t not in SH)
    assert not unknown, f"not SHACL terms: {unknown}"


def test_shapes_graph_passes_meta_shacl(shapes_graph: Graph) -> None:
    asset = resources.files("pyshacl") / "assets" / "shacl-shacl.ttl"
    shacl_shacl = Graph().parse(data=asset.read_text(encoding="utf-8"), format="turtle")
    conforms, _, text = pyshacl.validate(shapes_graph, shacl_graph=shacl_shacl, inference="none")
    assert conforms, text


def test_sparql_constraints(shapes_graph: Graph) -> None:
    """SPARQL queries use the named prefix declaration, and SELECTs return $this."""
    prefixes = SKGSH.Prefixes
    assert (prefixes, SH.declare, None) in shapes_graph
    problems = []
    for predicate in (SH.select, SH.ask):
        for node, query in shapes_graph.subject_objects(predicate):
            if shapes_graph.value(node, SH.prefixes) != prefixes:
                problems.append(f"{node}: sh:prefixes is not skgsh:Prefixes")
            if predicate == SH.select and not re.search(
                r"SELECT\s+(DISTINCT\s+)?\$this\b", str(query)
            ):
                problems.append(f"{node}: the SELECT does not return $this")
    assert not problems, "\n".join(problems)


def test_fixture_directories_name_shapes(shapes_graph: Graph) -> None:
    names = {s[len(str(SKGSH)) :] for s in all_shapes(shapes_graph) if isinstance(s, URIRef)}
    strays = sorted({c.shape for c in CASES} - names)
    assert not strays, f"fixture directories that name no shape: {strays}"


def test_every_constraint_shape_has_an_invalid_fixture(shapes_graph: Graph) -> None:
    expected = {expand(s) for c in INVALID for s, _ in c.expects}
    missing = sorted(str(s) for s in constraint_shapes(shapes_graph) - expected)
    assert not missing, f"shapes that no invalid fixture expects: {missing}"
