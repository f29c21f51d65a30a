"""Shared fixtures: paths of the repository and of the test fixtures, a CLI runner, and one
validation of the real catalogue per session."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from smartkg.catalogue import Catalogue, load_catalogue
from smartkg.cli import main
from smartkg.validation import ValidationReport, validate

REPO_ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINI = FIXTURES / "mini"
CASES = FIXTURES / "cases"
BIN_DIR = Path(sys.executable).parent


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository root (holds ontology/, data/, shapes/)."""
    return REPO_ROOT


@pytest.fixture
def mini_root(tmp_path: Path) -> Path:
    """A private copy of the mini fixture catalogue; tests may write into it."""
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    return root


@dataclass(frozen=True)
class CliResult:
    code: int
    out: str
    err: str


CliRunner = Callable[..., CliResult]


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> CliRunner:
    """Run ``smartkg`` in-process: ``run_cli("validate", "--root", path)``."""

    def run(*args: str | Path) -> CliResult:
        capsys.readouterr()
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture(scope="session")
def real_catalogue() -> Catalogue:
    """The repository's own catalogue, parsed once per session."""
    return load_catalogue(REPO_ROOT)


@pytest.fixture(scope="session")
def real_report(real_catalogue: Catalogue) -> ValidationReport:
    """The repository's catalogue validated against the repository's shapes, once per session."""
    return validate(real_catalogue)
