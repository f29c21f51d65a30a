"""The evaluation's tables: plain text, Markdown (what the README shows) and JSON.

Each cell is the mean over cities with its 95% bootstrap interval, ``0.123 [0.045, 0.210]``.
The first table gives every protocol and subset (all links, warm types, cold types) over all
cities; the second breaks all links down by the cities' size class. Rows are in a fixed order
and numbers are rounded to three decimals, so two runs print the same bytes.
"""

from __future__ import annotations

import json
import math
from typing import Any

from smartkg.replication.evaluate import LOO, METHODS, TIME_SPLIT, EvaluationReport, ResultRow
from smartkg.replication.metrics import METRICS
from smartkg.replication.params import METHOD

__all__ = ["COMMAND", "report_json", "report_markdown", "report_text"]

COMMAND = "smartkg evaluate --format markdown"

_METHOD_NAMES = {
    "recommender": "recommender",
    "peers-only": "peers only (ablation)",
    "popularity": "popularity",
    "random": "random (exact expectation)",
}


def _cell(row: ResultRow, index: int) -> str:
    interval = row.interval
    mean, low, high = interval.mean[index], interval.low[index], interval.high[index]
    if math.isnan(mean):
        return "-"
    return f"{mean:.3f} [{low:.3f}, {high:.3f}]"


def _overall(report: EvaluationReport) -> list[ResultRow]:
    return [r for r in report.rows if r.group == "all"]


def _by_size(report: EvaluationReport) -> list[ResultRow]:
    return [r for r in report.rows if r.subset == "all" and r.group != "all"]


def _command(report: EvaluationReport) -> str:
    extra = ""
    if report.resamples != 1000:
        extra += f" --resamples {report.resamples}"
    if report.seed != 0:
        extra += f" --seed {report.seed}"
    return COMMAND + extra


def _notes(report: EvaluationReport) -> list[str]:
    loo = report.notes[LOO]
    time = report.notes[TIME_SPLIT]
    rec = report.params.recommender
    return [
        f"Method: {METHOD}; {rec.peers} peers, popularity exponent {rec.popularity_alpha:g}, "
        f"sibling credit {rec.related_credit:g}, feature-fit weight {rec.fit_weight:g}.",
        f"Leave-one-out: {loo['evaluated_links']} city→service-type links in "
        f"{loo['evaluated_cities']} cities ({loo['warm_links']} warm, {loo['cold_links']} cold); "
        f"{loo['skipped_cities']} cities with a single link skipped; every feature, weight and "
        "similarity recomputed without the held-out link.",
        f"Time split: trained on the {time['training_services']} services first documented up "
        f"to 2023 ({time['training_cities']} cities); tested on the {time['evaluated_links']} "
        f"links first documented in 2024-2025 in {time['evaluated_cities']} cities "
        f"({time['warm_links']} warm, {time['cold_links']} cold; "
        f"{time['cities_without_training_services']} of these cities had no earlier service).",
        "Warm: another city runs the type in training; cold: none does. All candidate types are "
        "ranked (no sampled negatives); ties count at their expected position.",
        f"Mean over cities [95% bootstrap interval, {report.resamples} resamples over cities, "
        f"seed {report.seed}].",
    ]


def _markdown_table(rows: list[ResultRow], first: str) -> list[str]:
    header = f"| protocol | {first} | method | cities | links | " + " | ".join(METRICS) + " |"
    rule = "|" + "---|" * (5 + len(METRICS))
    lines = [header, rule]
    for row in rows:
        key = row.subset if first == "types" else row.group
        cells = " | ".join(_cell(row, i) for i in range(len(METRICS)))
        lines.append(
            f"| {row.protocol} | {key} | {_METHOD_NAMES[row.method]} | {row.cities} | "
            f"{row.links} | {cells} |"
        )
    return lines


def report_markdown(report: EvaluationReport) -> str:
    lines = [
        "**All cities** (types: all links, warm types, cold types)",
        "",
        *_markdown_table(_overall(report), "types"),
        "",
        "**By size class** (all links)",
        "",
        *_markdown_table(_by_size(report), "size class"),
        "",
        *(f"- {note}" for note in _notes(report)),
        "",
        f"Reproduce: `{_command(report)}`",
    ]
    return "\n".join(lines) + "\n"


def _text_table(rows: list[ResultRow], first: str) -> list[str]:
    widths = [14, 13, 27, 6, 5, *([22] * len(METRICS))]
    titles = ["protocol", first, "method", "cities", "links", *METRICS]

    def line(cells: list[str]) -> str:
        return "  ".join(
            cell.ljust(width) if i < 3 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    out = [line(titles), line(["-" * w for w in widths])]
    previous = None
    for row in rows:
        key = row.subset if first == "types" else row.group
        if previous is not None and (row.protocol, key) != previous:
            out.append("")
        previous = (row.protocol, key)
        out.append(
            line(
                [
                    row.protocol,
                    key,
                    _METHOD_NAMES[row.method],
                    str(row.cities),
                    str(row.links),
                    *(_cell(row, i) for i in range(len(METRICS))),
                ]
            )
        )
    return out


def report_text(report: EvaluationReport) -> str:
    lines = [
        "Replication recommender: offline evaluation",
        "",
        *_notes(report),
        "",
        "All cities",
        *_text_table(_overall(report), "types"),
        "",
        "By size class (all links)",
        *_text_table(_by_size(report), "size class"),
        "",
        f"Reproduce: {_command(report)}",
    ]
    return "\n".join(lines) + "\n"


def _row_json(row: ResultRow) -> dict[str, Any]:
    return {
        "protocol": row.protocol,
        "types": row.subset,
        "size_class": row.group,
        "method": row.method,
        "cities": row.cities,
        "links": row.links,
        "metrics": {
            metric: {
                "mean": round(row.interval.mean[i], 6),
                "low": round(row.interval.low[i], 6),
                "high": round(row.interval.high[i], 6),
            }
            for i, metric in enumerate(METRICS)
        },
    }


def report_json(report: EvaluationReport) -> str:
    document = {
        "method": METHOD,
        "parameters": report.params.as_dict(),
        "methods": list(METHODS),
        "metrics": list(METRICS),
        "bootstrap": {"resamples": report.resamples, "seed": report.seed, "level": 0.95},
        "protocols": report.notes,
        "rows": [_row_json(row) for row in report.rows],
        "cases": [
            {
                "protocol": case.protocol,
                "city": str(case.city),
                "service_type": str(case.service_type),
                "warm": case.warm,
                "size_class": case.size_group,
                "candidates": case.candidates,
                "reachable": case.reachable,
                "metrics": {
                    method: dict(zip(METRICS, (round(v, 6) for v in values), strict=True))
                    for method, values in case.metrics.items()
                },
            }
            for case in report.cases
        ],
        "command": _command(report),
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
