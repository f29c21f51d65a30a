"""`smartkg docs` writes the ontology and vocabulary documentation as static pages."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SMARTKG = Path(sys.executable).parent / "smartkg"


def test_docs_are_written_with_both_languages_and_local_links(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(SMARTKG), "--root", str(ROOT), "docs", "--output", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    names = {path.name for path in tmp_path.iterdir()}
    assert {"ontology.html", "service-types.html", "target-groups.html", "smartkg.css"} <= names
    ontology = (tmp_path / "ontology.html").read_text(encoding="utf-8")
    assert "Smart service" in ontology and "스마트 서비스" in ontology
    assert 'href="smartkg.css"' in ontology
    service_types = (tmp_path / "service-types.html").read_text(encoding="utf-8")
    assert (
        "Walking-assist rehabilitation robot" in service_types
        and "보행보조 재활로봇" in service_types
    )
    assert 'href="/static/smartkg.css"' not in service_types
