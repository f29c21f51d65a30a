"""Exception types. Each carries the file, the line (where known) and the rule that failed."""

from __future__ import annotations

__all__ = ["BuildError", "CatalogueError", "SmartkgError"]


class SmartkgError(Exception):
    """Base class of every error smartkg reports to its user.

    ``path`` is the file concerned, relative to the catalogue root where possible;
    ``line`` is 1-based; ``rule`` names the check that failed (e.g. ``turtle-syntax``).
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        rule: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.rule = rule

    @property
    def location(self) -> str:
        """``path:line``, ``path`` or the empty string."""
        if self.path is None:
            return ""
        if self.line is None:
            return self.path
        return f"{self.path}:{self.line}"

    def __str__(self) -> str:
        rule = f" [{self.rule}]" if self.rule else ""
        location = self.location
        prefix = f"{location}: " if location else ""
        return f"{prefix}{self.message}{rule}"


class CatalogueError(SmartkgError):
    """The catalogue's input is bad: unreadable, not Turtle, or not laid out as expected."""


class BuildError(SmartkgError):
    """The build outputs could not be written."""
