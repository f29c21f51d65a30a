"""The planner page: the same answers as ``smartkg replicate`` and ``smartkg similar``, names
resolved in Korean or English, unknown names answered with the closest ones, filters from the
vocabularies, everything rendered on the server (no JavaScript)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from smartkg.catalogue import Layout
from smartkg.replication import replicate_report, similar_report
from smartkg.web import WebApp
from smartkg.web.planner import PlannerForm

REPO_ROOT = Path(__file__).resolve().parents[1]
LAYOUT = Layout(REPO_ROOT)
_RECOMMENDATION = re.compile(
    r'<li class="recommendation" id="rec-(\d+)"><p class="rec-head"><span class="rank">\d+</span>'
    r' <a href="(/id/[^"]+)">'
)


@pytest.fixture(scope="module")
def web() -> WebApp:
    return WebApp(REPO_ROOT)


def page(web: WebApp, **params: str) -> str:
    answer = web.handle("GET", "/planner", {k.replace("_", "-"): [v] for k, v in params.items()})
    assert answer is not None and answer.status == 200
    return answer.text


def _cli(**kwargs: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(replicate_report(LAYOUT, fmt="json", **kwargs).stdout)
    return data


def _local(iri: str) -> str:
    return "/id/" + iri.split("/id/", 1)[1]


def _ranked(html: str) -> list[str]:
    return [href for _, href in _RECOMMENDATION.findall(html)]


def test_form_from_query_parameters() -> None:
    form = PlannerForm.from_params(
        {"city": [" 구로 "], "size-class": ["large"], "target_group": ["elderly"], "top": ["3"]}
    )
    assert form == PlannerForm(city="구로", size_class="large", target_group="elderly", top=3)
    assert PlannerForm.from_params({"top": ["999"]}).top == 50
    assert PlannerForm.from_params({"top": ["x"]}).top == 10
    assert (
        form.query_string() == "city=%EA%B5%AC%EB%A1%9C&size-class=large&target-group=elderly&top=3"
    )


def test_empty_form_shows_the_forms_only(web: WebApp) -> None:
    html = page(web)
    assert 'id="city-form"' in html and 'id="type-form"' in html
    assert "recommendation" not in html.split('<div class="forms">', 1)[1].split("</form>")[-1]
    assert '<option value="small-medium">' in html
    assert '<option value="seoul">Seoul · 서울</option>' in html


@pytest.mark.parametrize("name", ["구로", "구로구", "guro", "Guro-gu", "guro-gu"])
def test_guro_gu_recommendations_are_the_cli_ones(web: WebApp, name: str) -> None:
    html = page(web, city=name)
    expected = _cli(city="guro-gu")
    ranked = _ranked(html)
    assert ranked, "no recommendation shown"
    assert ranked == [_local(item["service_type"]) for item in expected["recommendations"]]
    assert f'data-count="{len(ranked)}"' in html
    for item in expected["recommendations"]:
        assert f"score {item['score']:.3f}" in html


def test_guro_gu_peers_are_the_cli_ones(web: WebApp) -> None:
    html = page(web, city="구로")
    peers_table = html.split('<table class="peers">', 1)[1].split("</table>", 1)[0]
    expected = _cli(city="guro-gu")["peers"]
    rows = re.findall(r'<tr><td class="num">\d+</td><td><a href="(/id/city/[^"]+)"', peers_table)
    assert rows == [_local(peer["city"]) for peer in expected]
    similar = json.loads(similar_report(LAYOUT, "guro-gu", fmt="json").stdout)
    top = similar["peers"][0]
    assert f"{top['similarity']:.3f}" in peers_table
    first_shared = top["shared"][0]
    assert f"+{first_shared['contribution']:.3f}" in peers_table


def test_reasons_are_shown(web: WebApp) -> None:
    html = page(web, city="구로")
    first = html.split('id="rec-1"', 1)[1].split("</li>\n", 1)[0]
    for heading in ("Run by close peers", "Example service", "Score"):
        assert f"<dt>{heading}" in first
    expected = _cli(city="guro-gu")["recommendations"][0]
    example = expected["example"]
    assert f'href="{_local(example["service"])}"' in first
    for source in example["sources"]:
        assert f'href="{_local(source["source"])}"' in first


@pytest.mark.parametrize(
    "filters",
    [
        {"size_class": "large"},
        {"region": "서울"},
        {"domain": "transport"},
        {"target_group": "elderly"},
        {"size_class": "small-medium", "domain": "health-medical-welfare"},
    ],
)
def test_filters_give_the_cli_answer(web: WebApp, filters: dict[str, str]) -> None:
    html = page(web, city="guro-gu", **filters)
    expected = _cli(city="guro-gu", **filters)
    assert _ranked(html) == [_local(item["service_type"]) for item in expected["recommendations"]]
    for name in filters:
        assert f'name="{name.replace("_", "-")}"' in html
    assert "excluded by the filters" in html or not expected["excluded_by_filters"]


def test_selected_filter_is_kept_in_the_form(web: WebApp) -> None:
    html = page(web, city="guro-gu", region="서울")
    assert '<option value="seoul" selected>' in html


@pytest.mark.parametrize("service_type", ["smart-shelter", "스마트 쉼터", "Smart shelter"])
def test_service_type_direction_gives_the_cli_answer(web: WebApp, service_type: str) -> None:
    html = page(web, service_type=service_type)
    expected = _cli(service_type="smart-shelter")
    ranked = _ranked(html)
    assert ranked == [_local(item["city"]) for item in expected["recommendations"]]
    assert ranked, "no candidate city shown"
    assert "Run today by:" in html


def test_service_type_direction_with_a_filter(web: WebApp) -> None:
    html = page(web, service_type="smart-shelter", region="seoul")
    expected = _cli(service_type="smart-shelter", region="seoul")
    assert _ranked(html) == [_local(item["city"]) for item in expected["recommendations"]]


def test_recommendation_links_to_the_other_direction(web: WebApp) -> None:
    html = page(web, city="guro-gu")
    first_type = _ranked(html)[0].rsplit("/", 1)[-1]
    assert f'href="/planner?service-type={first_type}"' in html


def test_unknown_city_lists_close_names(web: WebApp) -> None:
    html = page(web, city="guroo-gu")
    assert 'role="alert"' in html
    assert "no city is called" in html
    assert "Try:" in html and "Guro-gu" in html.split('role="alert"', 1)[1]
    assert 'class="recommendation"' not in html


def test_ambiguous_city_lists_candidates(web: WebApp) -> None:
    html = page(web, city="seo")
    alert = html.split('role="alert"', 1)[1].split("</div>", 1)[0]
    assert "names more than one city" in alert
    assert 'href="/planner?city=seoul"' in alert
    assert 'href="/planner?city=seongdong-gu"' in alert


def test_unknown_filter_value(web: WebApp) -> None:
    html = page(web, city="guro-gu", region="Atlantis")
    assert "no region is called" in html
    assert 'class="recommendation"' not in html


def test_city_and_type_together_is_an_error(web: WebApp) -> None:
    html = page(web, city="guro-gu", service_type="smart-shelter")
    assert "not both" in html


def test_broad_service_type_is_explained(web: WebApp) -> None:
    html = page(web, service_type="urban-data-platform")
    assert "broad service type" in html
    assert "city-data-hub" in html


def test_user_text_is_escaped(web: WebApp) -> None:
    html = page(web, city='<script>alert("x")</script>')
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_answers_are_cached(web: WebApp) -> None:
    first = page(web, city="구로", top="5")
    second = page(web, city="구로", top="5")
    assert first is second or first == second
    assert len(_ranked(first)) <= 5
