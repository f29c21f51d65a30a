"""Every file in the repository's data/ validates against the repository's shapes.

One test per data file (a violation is reported against the file its focus node comes from),
plus one for the whole catalogue. The validation runs once per session (conftest.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from smartkg.catalogue import Layout
from smartkg.validation import Severity, ValidationReport, ValidationResult, format_text

REPO = Layout(Path(__file__).resolve().parents[1])
DATA_FILES = [REPO.relative(path) for path in REPO.data_files()]
SHAPE_FILES = [REPO.relative(path) for path in REPO.shape_files()]


def _describe(report: ValidationReport, results: tuple[ValidationResult, ...]) -> str:
    return format_text(ValidationReport(results, report.shape_files, report.triples))


def test_catalogue_has_data_and_shapes() -> None:
    assert DATA_FILES, "no data/**/*.ttl found"
    assert SHAPE_FILES, "no shapes/*.shapes.ttl found"


@pytest.mark.parametrize("path", DATA_FILES)
def test_data_file_has_no_violations(path: str, real_report: ValidationReport) -> None:
    violations = tuple(r for r in real_report.for_file(path) if r.severity is Severity.VIOLATION)
    assert not violations, _describe(real_report, violations)


def test_whole_catalogue_conforms(real_report: ValidationReport) -> None:
    violations = tuple(r for r in real_report.results if r.severity is Severity.VIOLATION)
    assert real_report.conforms, _describe(real_report, violations)
