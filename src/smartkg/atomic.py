"""Writing files so that a failure leaves the previous versions untouched."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from smartkg.errors import BuildError

__all__ = ["write_atomically"]


def _write_temp(target: Path, content: bytes) -> Path:
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    temp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def write_atomically(outputs: Mapping[Path, bytes]) -> None:
    """Write every ``path -> content`` pair, all or nothing as far as the filesystem allows.

    Every content goes to a temporary file beside its target first; only when all are written
    are they moved into place with :func:`os.replace` (atomic per file), in the given order.
    A failure while writing the temporary files removes them and leaves the targets untouched.
    """
    temps: list[tuple[Path, Path]] = []
    try:
        for target, content in outputs.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            temps.append((_write_temp(target, content), target))
    except OSError as exc:
        for temp, _ in temps:
            temp.unlink(missing_ok=True)
        raise BuildError(f"cannot write output: {exc}", path=str(exc.filename or "")) from exc
    try:
        for temp, target in temps:
            os.replace(temp, target)
    except OSError as exc:
        raise BuildError(f"cannot move output into place: {exc}", path=str(target)) from exc
    finally:
        for temp, _ in temps:
            with contextlib.suppress(OSError):
                temp.unlink(missing_ok=True)
