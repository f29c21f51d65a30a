"""``smartkg import``: the template's example goes in and shows up in the planner; bad rows are
refused with file, row, column and rule, and nothing is written; exported CSV tables round-trip."""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from conftest import BIN_DIR, REPO_ROOT, CliRunner
from smartkg.catalogue import Layout, load_catalogue
from smartkg.importer import KINDS, ImportFailed, Kind, ShaclViolations, import_files
from smartkg.importer.templates import EXAMPLES, TEMPLATE_STEM, template_files
from smartkg.namespaces import RDF, SKG, SVC

TEMPLATES = REPO_ROOT / "templates"
XLSX = TEMPLATES / f"{TEMPLATE_STEM}.xlsx"
CSVS = [TEMPLATES / f"{TEMPLATE_STEM}-{kind.value}.csv" for kind in Kind]
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"
EXAMPLE_SERVICE = SVC["example-city-smart-crosswalk"]


@pytest.fixture
def repo_copy(tmp_path: Path) -> Path:
    """A private copy of the catalogue (ontology, data, shapes, queries)."""
    root = tmp_path / "repo"
    for name in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(REPO_ROOT / name, root / name)
    return root


def _tree(root: Path) -> dict[str, str]:
    """Every file under ``root`` with its digest: equal trees hold the same bytes."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _smartkg(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN_DIR / "smartkg"), "--root", str(root), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _imported(root: Path) -> Graph:
    graph = Graph()
    for path in sorted((root / "data" / "imported").glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def _bad_csv(tmp_path: Path, kind: Kind, changes: dict[str, str]) -> Path:
    """The template's CSV for ``kind`` with ``changes`` applied to its example row."""
    row = {**EXAMPLES[kind], **changes}
    path = tmp_path / f"bad-{kind.value}.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([c.name for c in KINDS[kind]])
        writer.writerow([row.get(c.name, "") for c in KINDS[kind]])
    return path


# --- the templates ---------------------------------------------------------------------------


def test_templates_are_up_to_date_and_reproducible(tmp_path: Path) -> None:
    first = template_files(tmp_path)
    assert first, "no template files"
    for path, content in first.items():
        assert (TEMPLATES / path.name).read_bytes() == content, "stale: run scripts/make-templates"
    assert template_files(tmp_path) == first


def test_csv_templates_keep_korean_and_the_documented_columns() -> None:
    for kind, path in zip(Kind, CSVS, strict=True):
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
        assert rows[0] == [c.name for c in KINDS[kind]]
        assert len(rows) == 2, "one example row"
    doc = (REPO_ROOT / "docs" / "spreadsheet-template.md").read_text(encoding="utf-8")
    for columns in KINDS.values():
        for column in columns:
            assert f"`{column.name}`" in doc, f"column {column.name} is not documented"


# --- the example goes in ---------------------------------------------------------------------


def test_xlsx_example_imports_and_shows_in_similar_and_replicate(repo_copy: Path) -> None:
    done = _smartkg(repo_copy, "import", str(XLSX))
    assert done.returncode == 0, done.stderr
    written = repo_copy / "data" / "imported" / f"{TEMPLATE_STEM}.ttl"
    assert written.is_file()
    assert "wrote data/imported/smartkg-template.ttl" in done.stdout

    validated = _smartkg(repo_copy, "validate")
    assert validated.returncode == 0, validated.stdout

    similar = _smartkg(repo_copy, "similar", "example-city")
    assert similar.returncode == 0, similar.stderr
    assert "Example City (예시시)" in similar.stdout
    assert "1 documented service" in similar.stdout

    replicate = _smartkg(repo_copy, "replicate", "--service-type", "smart-crosswalk")
    assert replicate.returncode == 0, replicate.stderr
    assert "svc:example-city-smart-crosswalk" in replicate.stdout

    for_city = _smartkg(repo_copy, "replicate", "--city", "예시시")
    assert for_city.returncode == 0, for_city.stderr
    assert "Example City (예시시)" in for_city.stdout


def test_csv_templates_import_together_like_the_workbook(
    repo_copy: Path, tmp_path: Path, run_cli: CliRunner
) -> None:
    other = tmp_path / "other"
    for name in ("ontology", "data", "shapes"):
        shutil.copytree(repo_copy / name, other / name)
    done = run_cli("--root", repo_copy, "import", *CSVS)
    assert done.code == 0, done.err
    assert len(list((repo_copy / "data" / "imported").glob("*.ttl"))) == len(CSVS)
    assert run_cli("--root", other, "import", XLSX).code == 0
    from_csv, from_xlsx = _imported(repo_copy), _imported(other)
    assert isomorphic(from_csv, from_xlsx)
    assert (EXAMPLE_SERVICE, SKG.serviceType, None) in from_csv
    assert Literal("예시시 스마트 횡단보도", lang="ko") in set(
        from_csv.objects(EXAMPLE_SERVICE, None)
    )


def test_dry_run_writes_nothing(repo_copy: Path, run_cli: CliRunner) -> None:
    before = _tree(repo_copy / "data")
    done = run_cli("--root", repo_copy, "import", XLSX, "--dry-run")
    assert done.code == 0, done.err
    assert "would write data/imported/smartkg-template.ttl" in done.out
    assert _tree(repo_copy / "data") == before


def test_a_second_import_of_the_same_file_is_refused(repo_copy: Path, run_cli: CliRunner) -> None:
    assert run_cli("--root", repo_copy, "import", XLSX).code == 0
    before = _tree(repo_copy / "data")
    again = run_cli("--root", repo_copy, "import", XLSX)
    assert again.code == 2
    assert "[output-exists]" in again.err
    assert _tree(repo_copy / "data") == before


# --- bad rows are refused --------------------------------------------------------------------

BAD_SERVICE_ROWS = [
    pytest.param({"service_type": "flying car"}, "service_type", "unknown-name", id="type"),
    pytest.param({"label_en": ""}, "label_en", "required", id="label"),
    pytest.param({"first_documented_year": "20x6"}, "first_documented_year", "year", id="year"),
    pytest.param({"id": "Example City Crosswalk"}, "id", "iri-slug", id="slug"),
    pytest.param({"id": "guro-gu-rehab-robot"}, "id", "duplicate-iri", id="duplicate"),
    pytest.param({"national_first": "maybe"}, "national_first", "boolean", id="boolean"),
    pytest.param({"domains": "transport; 교퉁"}, "domains", "unknown-name", id="multi"),
]


@pytest.mark.parametrize(("changes", "column", "rule"), BAD_SERVICE_ROWS)
def test_a_bad_service_row_is_refused_naming_row_and_column(
    repo_copy: Path,
    tmp_path: Path,
    run_cli: CliRunner,
    changes: dict[str, str],
    column: str,
    rule: str,
) -> None:
    bad = _bad_csv(tmp_path, Kind.SERVICES, changes)
    before = _tree(repo_copy / "data")
    done = run_cli("--root", repo_copy, "import", CSVS[0], CSVS[1], bad)
    assert done.code == 2, done.err
    lines = [line for line in done.err.splitlines() if line.endswith(f"[{rule}]")]
    assert lines, done.err
    assert lines[0].startswith(f"{bad.as_posix()}:2:{column}: "), lines[0]
    assert _tree(repo_copy / "data") == before


def test_every_bad_row_of_a_file_is_reported_at_once(repo_copy: Path, run_cli: CliRunner) -> None:
    bad = FIXTURES / "2026-bad-services.csv"
    before = _tree(repo_copy / "data")
    done = run_cli("--root", repo_copy, "import", bad)
    assert done.code == 2
    cwd = Path.cwd().resolve()
    name = bad.relative_to(cwd).as_posix() if bad.is_relative_to(cwd) else bad.as_posix()
    assert done.err.splitlines()[:3] == [
        f"{name}:2:service_type: no concept of scheme:service-types is called "
        "'하늘을 나는 자동차' [unknown-name]",
        f"{name}:3:label_en: label_en is empty [required]",
        f"{name}:4:first_documented_year: '이천이십육' is not a year (YYYY) [year]",
    ]
    assert _tree(repo_copy / "data") == before


def test_unknown_names_suggest_close_matches(repo_copy: Path, tmp_path: Path) -> None:
    bad = _bad_csv(tmp_path, Kind.SERVICES, {"service_type": "smart crosswalks", "sources": ""})
    with pytest.raises(ImportFailed) as caught:
        import_files(Layout(repo_copy), [*CSVS[:2], bad])
    messages = [str(p) for p in caught.value.problems]
    assert any(
        "close matches: smart-crosswalk (스마트 횡단보도 / Smart crosswalk)" in m for m in messages
    ), messages
    assert any(":2:sources: sources is empty [required]" in m for m in messages), messages


def test_shape_violations_name_the_row_and_exit_1(
    repo_copy: Path, tmp_path: Path, run_cli: CliRunner
) -> None:
    bad = _bad_csv(tmp_path, Kind.CERTIFICATIONS, {"size_class": "large"})
    before = _tree(repo_copy / "data")
    done = run_cli("--root", repo_copy, "import", *CSVS[:3], bad)
    assert done.code == 1, done.err
    assert f"{bad.as_posix()}:2:size_class: cert:example-city-2026:" in done.err
    assert "[skgsh:CertificationSizeClassShape]" in done.err
    assert _tree(repo_copy / "data") == before
    with pytest.raises(ShaclViolations):
        import_files(Layout(repo_copy), [*CSVS[:3], bad])


def test_missing_and_unknown_columns(repo_copy: Path, tmp_path: Path) -> None:
    path = tmp_path / "2026-services.csv"
    path.write_text("id,label_ko,lable_en\nx,엑스,X\n", encoding="utf-8")
    with pytest.raises(ImportFailed) as caught:
        import_files(Layout(repo_copy), [path])
    messages = [str(p) for p in caught.value.problems]
    assert any(
        m.endswith(":1:label_en: required column is missing [missing-column]") for m in messages
    ), messages
    assert any(":1:lable_en: unknown column; did you mean label_en" in m for m in messages)


def test_the_kind_comes_from_the_file_name_or_kind(repo_copy: Path, tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    shutil.copy(CSVS[0], path)
    with pytest.raises(ImportFailed) as caught:
        import_files(Layout(repo_copy), [path])
    assert caught.value.problems[0].rule == "unknown-kind"
    result = import_files(Layout(repo_copy), [path], kind=Kind.SOURCES, dry_run=True)
    assert result.entities[Kind.SOURCES] == 1


def test_xlsx_with_bad_cell_types(repo_copy: Path, tmp_path: Path) -> None:
    import openpyxl

    workbook = openpyxl.load_workbook(XLSX)
    sheet = workbook["services"]
    header = [cell.value for cell in sheet[1]]
    sheet.cell(row=2, column=header.index("first_documented_year") + 1, value=2026.5)
    path = tmp_path / "bad.xlsx"
    workbook.save(path)
    with pytest.raises(ImportFailed) as caught:
        import_files(Layout(repo_copy), [path])
    assert [str(p) for p in caught.value.problems] == [
        f"{path.as_posix()}[services]:2:first_documented_year: '2026.5' is not a year (YYYY) [year]"
    ]


# --- round trip: exported CSV tables into an empty catalogue -----------------------------------


def _covered(graph: Graph, by_class: dict[URIRef, set[URIRef]], within: Graph) -> Graph:
    """The triples of ``graph`` about instances (in ``within``) of each class, restricted to
    that class's predicates."""
    out = Graph()
    for rdf_class, predicates in by_class.items():
        for s in within.subjects(RDF.type, rdf_class):
            for p, o in graph.predicate_objects(s):
                if p in predicates:
                    out.add((s, p, o))
    return out


def test_exported_tables_round_trip_into_an_empty_catalogue(tmp_path: Path) -> None:
    """cities.csv, services.csv and certifications.csv (smartkg.graphexport) imported into a
    catalogue without cities, services and certifications give back the same triples for the
    properties each table carries (so not skos:editorialNote, skg:hasOutcome, …)."""
    tables = pytest.importorskip("smartkg.graphexport.tables")
    from smartkg.engine import catalogue_engine

    engine = catalogue_engine(REPO_ROOT, include_derived=False)
    exported = tmp_path / "tables"
    exported.mkdir()
    wanted = {"cities.csv", "services.csv", "certifications.csv"}
    by_class: dict[URIRef, set[URIRef]] = {}
    for table in tables.TABLES:
        if table.file_name in wanted:
            (exported / table.file_name).write_bytes(tables.table_bytes(engine, table))
            by_class[table.rdf_class] = {RDF.type, *(c.predicate for c in table.columns)}
    assert {p.name for p in exported.iterdir()} == wanted

    empty = tmp_path / "empty"
    for name in ("ontology", "shapes", "data"):
        shutil.copytree(REPO_ROOT / name, empty / name)
    (empty / "data" / "cities.ttl").unlink()
    (empty / "data" / "certifications.ttl").unlink()
    shutil.rmtree(empty / "data" / "services")

    result = import_files(Layout(empty), sorted(exported.iterdir()))
    assert sum(result.entities.values()) > 50

    original = load_catalogue(REPO_ROOT, include_shapes=False).graph
    expected = _covered(original, by_class, original)
    got = _covered(_imported(empty), by_class, original)
    assert len(expected) > 500
    assert isomorphic(expected, got), sorted(set(expected) ^ set(got))[:10]
