"""``smartkg figures``: three figures, PNG and SVG, written deterministically."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from smartkg.figures import FIGURES, HANGUL_FONTS

REPO_ROOT = Path(__file__).resolve().parents[1]
SMARTKG = str(Path(sys.executable).with_name("smartkg"))

pytestmark = pytest.mark.skipif(
    not any(p.is_file() for p in HANGUL_FONTS),
    reason="no Hangul font installed (make browser installs fonts-nanum)",
)


def _figures(out: Path) -> list[str]:
    done = subprocess.run(
        [SMARTKG, "--root", str(REPO_ROOT), "figures", "--output", str(out)],
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout.decode().split()


def test_figures_are_written_and_deterministic(tmp_path: Path) -> None:
    first = _figures(tmp_path / "a")
    expected = sorted(f"{name}.{fmt}" for name in FIGURES for fmt in ("png", "svg"))
    assert sorted(Path(p).name for p in first) == expected
    assert len(expected) == 6
    for name in FIGURES:
        png = (tmp_path / "a" / f"{name}.png").read_bytes()
        assert png.startswith(b"\x89PNG") and len(png) > 20_000
        svg = (tmp_path / "a" / f"{name}.svg").read_text(encoding="utf-8")
        assert "<svg" in svg and "<dc:date>" not in svg
    _figures(tmp_path / "b")
    for name in FIGURES:
        assert (tmp_path / "a" / f"{name}.svg").read_bytes() == (
            tmp_path / "b" / f"{name}.svg"
        ).read_bytes(), name
