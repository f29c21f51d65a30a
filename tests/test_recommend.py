"""Recommendations on the hand-built fixture (right answers known by construction, see
tests/fixtures/replication/README.md): ranking, reasons, filters, both directions, --write, and
the command line on the real catalogue."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Literal

from smartkg.catalogue import load_catalogue, parse_turtle
from smartkg.engine import EmbeddedEngine
from smartkg.errors import SmartkgError
from smartkg.namespaces import (
    CITY,
    DOM,
    PROG,
    PROV,
    REC,
    REGION,
    SIZE,
    SKG,
    ST,
    SVC,
    TG,
    sparql_prefixes,
)
from smartkg.replication.filters import Filters
from smartkg.replication.planner import Planner, build_planner
from smartkg.replication.profiles import read_replication_data
from smartkg.replication.recommend import recommend_for_city, recommend_for_type
from smartkg.replication.writeback import recommendations_graph, run_iri, run_parameters

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "replication"
SMARTKG = Path(sys.executable).parent / "smartkg"


@pytest.fixture(scope="module")
def planner() -> Planner:
    catalogue = load_catalogue(FIXTURE, include_shapes=False)
    return build_planner(read_replication_data(EmbeddedEngine.from_graph(catalogue.graph)))


def _run(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SMARTKG), *(str(a) for a in args)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )


# ---------------------------------------------------------------- ranking by construction


def test_a_rare_type_of_the_closest_peer_beats_a_popular_type(planner: Planner) -> None:
    result = recommend_for_city(planner, CITY.alpha)
    ranking = [rec.service_type for rec in result.items]
    assert ranking[0] == ST["rare-c"]
    assert ranking.index(ST["rare-c"]) < ranking.index(ST.popular)
    assert [rec.rank for rec in result.items] == list(range(1, len(result.items) + 1))


def test_types_the_city_runs_or_covers_are_never_candidates(planner: Planner) -> None:
    candidates = planner.candidates_for(CITY.alpha)
    assert ST.common not in candidates and ST["rare-a"] not in candidates
    assert ST.care not in candidates  # broader than rare-a, which Alpha runs
    assert ST.unused in candidates  # a leaf no one runs is still a candidate (score 0)
    result = recommend_for_city(planner, CITY.alpha)
    assert ST.unused not in [rec.service_type for rec in result.items]
    assert result.unsupported == 1


def test_popularity_is_discounted(planner: Planner) -> None:
    parts = planner.score_parts(CITY.alpha)
    assert parts[ST.popular].divisor == pytest.approx(3**0.5)  # three cities run it
    assert parts[ST["rare-c"]].divisor == pytest.approx(1.0)


def test_reasons_name_peers_features_and_an_example_with_its_source(planner: Planner) -> None:
    top = recommend_for_city(planner, CITY.alpha).items[0]
    assert [s.city for s in top.exact_supporters] == [CITY.bravo]
    assert top.exact_supporters[0].similarity == pytest.approx(
        planner.similarity.similarity(CITY.alpha, CITY.bravo)
    )
    matched = {item.concept for item in top.matching}
    assert {DOM.health, TG.elderly} <= matched
    assert top.example is not None and top.example.iri == SVC["bravo-rare-c"]
    assert top.example.sources  # traceable to a source document
    assert not top.low_confidence


def test_sibling_types_give_credit_in_recommendations(planner: Planner) -> None:
    # Delta runs the bus; Echo (a peer) runs the shuttle, a sibling: the shuttle gets credit
    # from Echo as an exact supporter, and Echo's shuttle is not a reason for the bus.
    parts = planner.score_parts(CITY.delta)
    assert parts[ST.shuttle].exact > 0
    supports = planner.support(CITY.charlie, ST.bus)
    kinds = {(s.city, s.exact) for s in supports}
    assert (CITY.delta, True) in kinds and (CITY.echo, False) in kinds


def test_reverse_direction_ranks_cities_lacking_the_type(planner: Planner) -> None:
    result = recommend_for_type(planner, ST["rare-c"])
    cities = [rec.city for rec in result.items]
    assert cities[0] == CITY.alpha
    assert CITY.bravo not in cities  # runs it already
    assert result.adopters == (CITY.bravo,)
    assert CITY.foxtrot in result.no_evidence
    # the same score in both directions
    forward = {r.service_type: r.score for r in recommend_for_city(planner, CITY.alpha).items}
    assert result.items[0].score == pytest.approx(forward[ST["rare-c"]])


def test_a_broad_type_nobody_runs_is_refused_with_its_narrower_types(planner: Planner) -> None:
    with pytest.raises(SmartkgError, match="rare-a"):
        recommend_for_type(planner, ST.care)


def test_low_confidence_flags_thin_evidence(planner: Planner) -> None:
    assert planner.low_confidence(CITY.echo)  # three services, one source document
    assert planner.low_confidence(CITY.charlie)  # two services
    assert planner.low_confidence(CITY.foxtrot)  # none
    assert not planner.low_confidence(CITY.alpha)
    flags = {
        rec.city: rec.low_confidence for rec in recommend_for_type(planner, ST["rare-c"]).items
    }
    assert flags[CITY.echo] and not flags[CITY.alpha]


# ---------------------------------------------------------------- filters


def test_domain_filter_keeps_only_types_in_the_domain(planner: Planner) -> None:
    result = recommend_for_city(planner, CITY.alpha, Filters(domain=DOM.health))
    assert [rec.service_type for rec in result.items] == [ST["rare-c"]]
    assert result.excluded > 0


def test_target_group_filter_includes_narrower_groups(planner: Planner) -> None:
    result = recommend_for_city(planner, CITY.alpha, Filters(target_group=TG["vulnerable-groups"]))
    assert [rec.service_type for rec in result.items] == [ST["rare-c"]]  # serves the elderly


def test_programme_filter_keeps_eligible_types(planner: Planner) -> None:
    result = recommend_for_city(planner, CITY.alpha, Filters(programme=PROG["fx-programme"]))
    assert [rec.service_type for rec in result.items] == [ST["rare-c"]]


def test_size_class_filter_chooses_the_peers(planner: Planner) -> None:
    result = recommend_for_city(planner, CITY.alpha, Filters(size_class=SIZE.large))
    assert result.items
    assert {p for p, _ in result.peers} <= {CITY.charlie, CITY.delta, CITY.foxtrot}
    for rec in result.items:
        for support in rec.supporters:
            assert planner.data.city(support.city).size_class == SIZE.large
    # Bravo (small-medium) is no longer a peer, so rare-c loses its only supporter
    rare_c = [rec for rec in result.items if rec.service_type == ST["rare-c"]]
    assert all(not rec.exact_supporters for rec in rare_c)


def test_region_filter_chooses_the_candidate_cities(planner: Planner) -> None:
    result = recommend_for_type(planner, ST["rare-c"], Filters(region=REGION.gyeonggi))
    cities = {rec.city for rec in result.items} | set(result.no_evidence)
    assert cities and cities <= {CITY.charlie, CITY.delta, CITY.echo}
    assert CITY.alpha not in cities
    assert result.excluded == 2  # Alpha and Foxtrot (Seoul)


def test_programme_filter_on_cities_keeps_participants(planner: Planner) -> None:
    result = recommend_for_type(planner, ST["rare-c"], Filters(programme=PROG["fx-programme"]))
    assert [rec.city for rec in result.items] == [CITY.charlie]


# ---------------------------------------------------------------- --write


def test_written_recommendations_parse_and_answer_sparql(tmp_path: Path) -> None:
    root = tmp_path / "catalogue"
    shutil.copytree(FIXTURE, root)
    result = _run("--root", root, "replicate", "--city", "alpha", "--write")
    assert result.returncode == 0, result.stderr
    path = root / "build" / "recommendations.ttl"
    assert "wrote 4 recommendations" in result.stderr
    written, _ = parse_turtle(path)
    assert (REC["alpha-rare-c"], SKG.rank, Literal(1)) in written

    catalogue = load_catalogue(root, include_shapes=False)
    engine = EmbeddedEngine.from_graph(catalogue.graph + written)
    query = (
        sparql_prefixes("rdf", "skg", "prov", "rdfs")
        + """
SELECT ?city ?rec ?type ?score ?rank ?peer ?example ?low ?run ?params
WHERE {
  ?rec rdf:type skg:Recommendation ;
       skg:recommendedFor ?city ;
       skg:recommendedServiceType ?type ;
       skg:score ?score ; skg:rank ?rank ;
       skg:exampleService ?example ;
       skg:lowConfidence ?low ;
       prov:wasGeneratedBy ?run .
  OPTIONAL { ?rec skg:supportingCity ?peer }
  ?run rdf:type skg:ReplicationRun ; skg:parameters ?params .
  ?example skg:provider ?provider .
}
ORDER BY ?rank
"""
    )
    variables, rows = engine.select(query, {"city": CITY.alpha})
    assert rows, "no recommendation found by SPARQL"
    first = dict(zip(variables, rows[0], strict=True))
    assert first["rec"] == str(REC["alpha-rare-c"])
    assert first["type"] == str(ST["rare-c"]) and first["rank"] == "1"
    assert first["peer"] == str(CITY.bravo) and first["example"] == str(SVC["bravo-rare-c"])
    assert first["low"] == "false"
    assert json.loads(first["params"])["subject"] == str(CITY.alpha)


def test_writing_adds_and_is_reproducible(tmp_path: Path) -> None:
    root = tmp_path / "catalogue"
    shutil.copytree(FIXTURE, root)
    path = root / "build" / "recommendations.ttl"
    assert _run("--root", root, "replicate", "--city", "alpha", "--write").returncode == 0
    first = path.read_bytes()
    assert _run("--root", root, "replicate", "--city", "alpha", "--write").returncode == 0
    assert path.read_bytes() == first  # same command, same bytes: no timestamps
    before, _ = parse_turtle(path)
    (first_run,) = set(before.objects(REC["alpha-rare-c"], PROV.wasGeneratedBy))
    result = _run("--root", root, "replicate", "--service-type", "popular", "--write")
    assert result.returncode == 0, result.stderr
    graph, _ = parse_turtle(path)
    recs = set(graph.subjects(predicate=SKG.recommendedFor))
    assert REC["alpha-rare-c"] in recs  # kept from the first run
    assert set(graph.objects(REC["alpha-rare-c"], PROV.wasGeneratedBy)) == {first_run}
    # Alpha-popular was in both runs: replaced, so it has exactly one run and one rank
    (second_run,) = set(graph.objects(REC["alpha-popular"], PROV.wasGeneratedBy))
    assert second_run != first_run
    assert len(set(graph.objects(REC["alpha-popular"], SKG.rank))) == 1
    assert set(graph.subjects(predicate=SKG.parameters)) == {first_run, second_run}


def test_run_iri_depends_on_parameters_only(planner: Planner) -> None:
    one = recommend_for_city(planner, CITY.alpha)
    two = recommend_for_city(planner, CITY.alpha, Filters(domain=DOM.health))
    assert run_iri(run_parameters(one, planner)) == run_iri(run_parameters(one, planner))
    assert run_iri(run_parameters(one, planner)) != run_iri(run_parameters(two, planner))
    graph = recommendations_graph(one, planner)
    assert len(set(graph.subjects(predicate=SKG.reason))) == len(one.items)


# ---------------------------------------------------------------- command line


def test_cli_similar_on_the_catalogue() -> None:
    result = _run("similar", "구로")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Cities most similar to Guro-gu (구로구)")
    assert "Seongdong-gu (성동구)" in result.stdout and "similarity" in result.stdout
    assert "shared:" in result.stdout


def test_cli_similar_json() -> None:
    result = _run("similar", "guro-gu", "--top", "3", "--format", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert len(document["peers"]) == 3
    assert document["peers"][0]["shared"]


def test_cli_replicate_both_directions_with_filters() -> None:
    result = _run("replicate", "--city", "guro-gu", "--top", "5")
    assert result.returncode == 0, result.stderr
    assert " 1. " in result.stdout and "example: svc:" in result.stdout
    assert "source: src:" in result.stdout
    reverse = _run("replicate", "--service-type", "smart-shelter", "--region", "서울")
    assert reverse.returncode == 0, reverse.stderr
    assert "Cities that could adopt Smart shelter" in reverse.stdout
    assert "region = Seoul" in reverse.stdout
    filtered = _run("replicate", "--city", "guro-gu", "--domain", "transport", "--format", "json")
    assert filtered.returncode == 0, filtered.stderr
    document = json.loads(filtered.stdout)
    assert document["filters"]["domain"].endswith("/domain/transport")
    assert document["excluded_by_filters"] > 0


def test_cli_unknown_city_exits_2_with_close_matches() -> None:
    result = _run("similar", "guro-gx")
    assert result.returncode == 2
    assert "Did you mean" in result.stderr and "guro-gu" in result.stderr
    assert _run("replicate", "--city", "nowhere-at-all").returncode == 2


def test_cli_conflicting_or_missing_direction_exits_2() -> None:
    both = _run("replicate", "--city", "guro-gu", "--service-type", "smart-shelter")
    assert both.returncode == 2 and "not allowed with" in both.stderr
    assert _run("replicate").returncode == 2
    assert _run("similar", "guro-gu", "--top", "0").returncode == 2


@pytest.mark.parametrize(
    "args",
    [
        ("similar", "구로"),
        ("replicate", "--city", "guro-gu", "--format", "json"),
        ("replicate", "--service-type", "smart-crosswalk"),
    ],
)
def test_cli_output_does_not_depend_on_the_hash_seed(args: tuple[str, ...]) -> None:
    outputs = set()
    for seed in ("0", "1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = _run(*args, env=env)
        assert result.returncode == 0, result.stderr
        outputs.add(result.stdout)
    assert len(outputs) == 1


@pytest.mark.parametrize("command", ["similar", "replicate", "evaluate"])
def test_cli_help(command: str) -> None:
    result = _run(command, "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"usage: smartkg {command}")
    assert "exit codes:" in result.stdout
