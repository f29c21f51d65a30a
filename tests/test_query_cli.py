"""``smartkg query``: the installed console script (subprocess) and the in-process CLI.

Exit codes: 0 answered or listed; 2 unknown query, bad ``--param``, unknown parameter, bad
integer, unknown or ambiguous name.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from smartkg.querying import display_width, load_queries

ROOT = Path(__file__).resolve().parents[1]
SMARTKG = Path(sys.executable).parent / "smartkg"
QUERIES = load_queries(ROOT)
EXPECTED = ROOT / "queries" / "expected"


def _run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SMARTKG), *(str(a) for a in args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        cwd=ROOT,
        check=False,
    )


def _expected_rows(name: str) -> list[list[str]]:
    with (EXPECTED / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_queries_are_found() -> None:
    assert QUERIES, "no queries/*.rq found"


def test_query_help() -> None:
    result = _run("query", "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: smartkg query")
    for option in ("--param", "--format", "--list", "exit codes:"):
        assert option in result.stdout


def test_list_names_every_query_with_its_question_and_parameters() -> None:
    result = _run("query", "--list")
    assert result.returncode == 0, result.stderr
    for query in QUERIES.values():
        assert f"{query.name}: {query.title}\n" in result.stdout
        assert f"  question:   {query.question}\n" in result.stdout
    assert "  parameters: city (city, default guro-gu), minShared (integer, default 1)\n" in (
        result.stdout
    )
    assert "  parameters: none\n" in result.stdout


def test_csv_answer_for_a_city_given_in_korean() -> None:
    result = _run("query", "services-of-city", "--param", "city=구로", "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert list(csv.reader(io.StringIO(result.stdout))) == _expected_rows("services-of-city")
    raw = subprocess.run(
        [str(SMARTKG), "query", "services-of-city", "--param", "city=구로", "--format", "csv"],
        capture_output=True,
        timeout=120,
        cwd=ROOT,
        check=False,
    ).stdout
    assert raw.count(b"\r\n") == len(_expected_rows("services-of-city"))  # CRLF, as specified


def test_json_answer_is_sparql_results_json() -> None:
    result = _run("query", "services-of-city", "--param", "city=guro", "--format", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    header, *rows = _expected_rows("services-of-city")
    assert document["head"]["vars"] == header
    bindings = document["results"]["bindings"]
    assert [b["service"]["value"] for b in bindings] == [row[1] for row in rows]
    assert bindings[-1]["serviceLabelKo"] == {
        "type": "literal",
        "value": "보행보조 재활로봇",
        "xml:lang": "ko",
    }
    assert bindings[0]["city"]["type"] == "uri"


def test_table_answer_is_aligned_with_korean_text() -> None:
    result = _run("query", "services-of-city", "--param", "city=Guro-gu", "--format", "table")
    assert result.returncode == 0, result.stderr
    header, rule, *rows, count = result.stdout.splitlines()
    assert count == "(5 rows)"
    assert set(rule) == {"-", " "}
    assert "svc:guro-gu-rehab-robot" in result.stdout
    korean = [row[3] for row in _expected_rows("services-of-city")[1:]]
    column = display_width(header[: header.index("serviceLabelKo")])
    following = display_width(header[: header.index("serviceType ")])
    for line, label in zip(rows, korean, strict=True):
        assert display_width(line[: line.index(label)]) == column
        assert display_width(line[: line.index("st:")]) == following


def test_default_format_is_the_table() -> None:
    result = _run("query", "certification-history")
    assert result.returncode == 0, result.stderr
    assert "cert:guro-gu-2025" in result.stdout
    assert result.stdout.endswith("(3 rows)\n")


def test_unknown_query_exits_2_with_a_suggestion() -> None:
    result = _run("query", "servics-of-city")
    assert result.returncode == 2
    assert "no query is called 'servics-of-city'" in result.stderr
    assert "Did you mean: services-of-city" in result.stderr
    assert result.stdout == ""


def test_unknown_city_exits_2_with_close_matches() -> None:
    result = _run("query", "services-of-city", "--param", "city=busan")
    assert result.returncode == 2
    assert "no city is called 'busan'" in result.stderr
    assert "Did you mean:" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("services-of-city", "--param", "city=seong"), "names more than one city"),
        (("services-of-city", "--param", "city"), "expected NAME=VALUE"),
        (("services-of-city", "--param", "town=guro"), "has no parameter 'town'"),
        (("similar-cities", "--param", "minShared=two"), "expects an integer"),
        (("services-of-city", "--param", "city=} ; DROP ALL ; SELECT * {"), "no city is called"),
        (("services-of-city", "--param", "city=<http://x>"), "no city is called"),
        (("services-of-city", "--param", 'city=guro"\n} UNION {'), "no city is called"),
        ((), "name the query to run"),
        (("services-of-city", "--format", "xml"), "invalid choice"),
    ],
)
def test_errors_exit_2(args: tuple[str, ...], message: str, run_cli: Any) -> None:
    if "--format" in args:
        with pytest.raises(SystemExit) as caught:
            run_cli("query", "--root", ROOT, *args)
        assert caught.value.code == 2
        return
    result = run_cli("query", "--root", ROOT, *args)
    assert result.code == 2
    assert message in result.err
    assert result.out == ""


def test_list_one_query(run_cli: Any) -> None:
    result = run_cli("query", "--root", ROOT, "--list", "similar-cities")
    assert result.code == 0
    assert result.out.startswith("similar-cities: Cities similar to a city\n")
    assert "peer-service-gaps" not in result.out


def test_parameters_given_by_dashed_names(run_cli: Any) -> None:
    result = run_cli(
        "query",
        "--root",
        ROOT,
        "cities-by-service-type",
        "--param",
        "service-type=스마트 쉼터",
        "--format",
        "csv",
    )
    assert result.code == 0, result.err
    _, *rows = csv.reader(io.StringIO(result.out))
    services = [row[4].rsplit("/", 1)[1] for row in rows]
    assert services == ["gwanak-gu-smart-shelter", "seongdong-gu-smart-shelter"]


def test_recommendations_from_build_are_queried(tmp_path: Path, run_cli: Any) -> None:
    for folder in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "recommendations.ttl").write_text(
        "@prefix skg: <https://w3id.org/smartkg/ontology#> .\n"
        "<https://w3id.org/smartkg/id/recommendation/t1> a skg:Recommendation ;\n"
        "  skg:recommendedFor <https://w3id.org/smartkg/id/city/guro-gu> ;\n"
        "  skg:recommendedServiceType <https://w3id.org/smartkg/id/service-type/smart-pole> ;\n"
        "  skg:rank 1 .\n",
        "utf-8",
    )
    result = run_cli(
        "query",
        "--root",
        tmp_path,
        "recommendations-for-city",
        "--param",
        "city=구로",
        "--format",
        "json",
    )
    assert result.code == 0, result.err
    (binding,) = json.loads(result.out)["results"]["bindings"]
    assert binding["serviceTypeLabel"]["value"] == "Smart pole"
    assert binding["rank"] == {
        "type": "literal",
        "value": "1",
        "datatype": "http://www.w3.org/2001/XMLSchema#integer",
    }
