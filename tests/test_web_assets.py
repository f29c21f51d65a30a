"""Vendoring the browser libraries: pinned npm versions, copied from node_modules, no CDN."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from smartkg.web.assets import VENDOR_DIR, VENDOR_FILES, AssetError, main, vendor_assets

REPO_ROOT = Path(__file__).resolve().parents[1]
EXACT_VERSION = re.compile(r"^\d+\.\d+\.\d+$")


def _fake_node_modules(root: Path) -> None:
    for source, _ in VENDOR_FILES:
        path = root / "node_modules" / source
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"// {source}\n", encoding="utf-8")


def test_package_json_pins_exact_versions() -> None:
    package = json.loads((REPO_ROOT / "package.json").read_text(encoding="utf-8"))
    dependencies = package["dependencies"]
    assert set(dependencies) == {"@zazuko/yasgui", "cytoscape"}
    for name, version in dependencies.items():
        assert EXACT_VERSION.match(version), f"{name} is not pinned: {version}"


def test_lock_file_matches_package_json() -> None:
    package = json.loads((REPO_ROOT / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((REPO_ROOT / "package-lock.json").read_text(encoding="utf-8"))
    for name, version in package["dependencies"].items():
        locked = lock["packages"][f"node_modules/{name}"]
        assert locked["version"] == version
        assert locked["integrity"].startswith("sha512-")


def test_vendor_assets_copies_every_file(tmp_path: Path) -> None:
    _fake_node_modules(tmp_path)
    written = vendor_assets(tmp_path)
    assert len(written) == len(VENDOR_FILES)
    for source, destination in VENDOR_FILES:
        copied = tmp_path / VENDOR_DIR / destination
        assert copied.read_text(encoding="utf-8") == f"// {source}\n"


def test_vendor_assets_names_what_is_missing_and_copies_nothing(tmp_path: Path) -> None:
    _fake_node_modules(tmp_path)
    missing_source = VENDOR_FILES[0][0]
    (tmp_path / "node_modules" / missing_source).unlink()
    with pytest.raises(AssetError, match=re.escape(missing_source)):
        vendor_assets(tmp_path)
    assert not (tmp_path / VENDOR_DIR).exists()


def test_main_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path)]) == 2
    assert "npm ci" in capsys.readouterr().err
    _fake_node_modules(tmp_path)
    assert main([str(tmp_path)]) == 0
    assert f"copied {len(VENDOR_FILES)} files" in capsys.readouterr().out


def test_the_script_and_make_target_exist() -> None:
    script = REPO_ROOT / "scripts" / "vendor-assets"
    assert script.is_file()
    assert "smartkg.web.assets" in script.read_text(encoding="utf-8")
    makefile = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^assets:", makefile, re.MULTILINE)
    assert "npm ci --no-audit --no-fund" in makefile
    assert "node_modules/" in (REPO_ROOT / ".gitignore").read_text(encoding="utf-8")
