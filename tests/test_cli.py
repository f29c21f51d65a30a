"""Smoke tests of the installed entry points: the console script and ``python -m smartkg``."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from smartkg.cli import _parser

BIN_DIR = Path(sys.executable).parent
SMARTKG = BIN_DIR / "smartkg"


def _subcommands() -> tuple[str, ...]:
    for action in _parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            return tuple(sorted(action.choices))
    raise AssertionError("the smartkg parser has no subcommands")


SUBCOMMANDS = _subcommands()


def test_every_known_command_is_registered() -> None:
    """The list above comes from the parser itself, so a new command is smoke-tested too."""
    assert set(SUBCOMMANDS) >= {"build", "validate", "stats", "export", "query"}


def _run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, timeout=120, cwd=cwd, check=False
    )


def test_console_script_is_installed() -> None:
    assert SMARTKG.is_file(), f"console script not installed at {SMARTKG}"


def test_console_script_help_names_every_command_and_exit_code() -> None:
    result = _run(SMARTKG, "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: smartkg")
    for command in SUBCOMMANDS:
        assert command in result.stdout
    assert "exit codes:" in result.stdout
    for code in ("0", "1", "2"):
        assert f"\n  {code}  " in result.stdout


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_subcommand_help(command: str) -> None:
    result = _run(SMARTKG, command, "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"usage: smartkg {command}")
    assert "--root" in result.stdout
    assert "exit codes:" in result.stdout


def test_python_m_smartkg_help() -> None:
    result = _run(sys.executable, "-m", "smartkg", "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: smartkg")


def test_console_script_validates_a_catalogue(mini_root: Path) -> None:
    result = _run(SMARTKG, "validate", "--root", mini_root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.rstrip().endswith("conforms")


def test_missing_command_is_a_usage_error() -> None:
    result = _run(SMARTKG)
    assert result.returncode == 2
    assert "usage: smartkg" in result.stderr


def test_root_is_found_by_walking_up(
    mini_root: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Any
) -> None:
    monkeypatch.chdir(mini_root / "data" / "services")
    result = run_cli("stats")
    assert result.code == 0, result.err
    assert "skg:SmartService" in result.out


def test_root_option_works_before_and_after_the_command(mini_root: Path, run_cli: Any) -> None:
    before = run_cli("--root", mini_root, "stats", "--format", "json")
    after = run_cli("stats", "--root", mini_root, "--format", "json")
    assert before.code == after.code == 0
    assert before.out == after.out
    assert '"skg:SmartService"' in before.out
