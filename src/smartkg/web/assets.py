"""Copy the browser libraries the pages use from ``node_modules`` into ``build/static/vendor``.

``npm ci`` installs the exact versions pinned in ``package-lock.json`` (YASGUI and
Cytoscape.js); this step copies only the files the pages load, with their licences, so the
server never reaches a CDN. Run ``python -m smartkg.web.assets [ROOT]`` (``scripts/vendor-assets``
and ``make assets`` do). Exit codes: 0 copied, 2 a file is missing (run ``npm ci`` first).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

__all__ = ["VENDOR_DIR", "VENDOR_FILES", "main", "vendor_assets"]

VENDOR_DIR = Path("build") / "static" / "vendor"

#: (path under node_modules, path under build/static/vendor)
VENDOR_FILES: tuple[tuple[str, str], ...] = (
    ("@zazuko/yasgui/build/yasgui.min.js", "yasgui/yasgui.min.js"),
    ("@zazuko/yasgui/build/yasgui.min.css", "yasgui/yasgui.min.css"),
    ("@zazuko/yasgui/package.json", "yasgui/package.json"),
    ("cytoscape/dist/cytoscape.min.js", "cytoscape/cytoscape.min.js"),
    ("cytoscape/LICENSE", "cytoscape/LICENSE"),
    ("cytoscape/package.json", "cytoscape/package.json"),
)


class AssetError(Exception):
    """A file to vendor is missing."""


def vendor_assets(root: Path) -> list[Path]:
    """Copy :data:`VENDOR_FILES` from ``root/node_modules`` to ``root/build/static/vendor``;
    return the files written. Missing sources raise :class:`AssetError` before anything is
    copied."""
    modules = root / "node_modules"
    target = root / VENDOR_DIR
    missing = [source for source, _ in VENDOR_FILES if not (modules / source).is_file()]
    if missing:
        raise AssetError(
            "missing in node_modules: "
            + ", ".join(missing)
            + " (run `npm ci --no-audit --no-fund` in the repository root, or `make assets`)"
        )
    written = []
    for source, destination in VENDOR_FILES:
        path = target / destination
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(modules / source, path)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    root = Path(args[0]) if args else Path.cwd()
    try:
        written = vendor_assets(root)
    except AssetError as exc:
        print(f"vendor-assets: {exc}", file=sys.stderr)
        return 2
    print(f"vendor-assets: copied {len(written)} files to {VENDOR_DIR}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
