"""What went wrong in an import: one :class:`Problem` per bad cell, row, sheet or file."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from smartkg.errors import SmartkgError

__all__ = ["ImportFailed", "Problem", "ShaclViolations"]


@dataclass(frozen=True)
class Problem:
    """``FILE:ROW:COLUMN: message [rule]``; ROW and COLUMN are absent for whole-file problems."""

    where: str
    row: int | None
    column: str | None
    message: str
    rule: str

    def __str__(self) -> str:
        location = self.where
        if self.row is not None:
            location += f":{self.row}"
            if self.column is not None:
                location += f":{self.column}"
        elif self.column is not None:
            location += f":1:{self.column}"
        return f"{location}: {self.message} [{self.rule}]"


class ImportFailed(SmartkgError):
    """The input is bad (exit 2); ``problems`` lists every problem found; nothing was written."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        first = self.problems[0] if self.problems else None
        super().__init__(
            f"{len(self.problems)} problem(s); nothing written",
            path=first.where if first else None,
            rule=first.rule if first else None,
        )


class ShaclViolations(ImportFailed):
    """The rows parse but break the SHACL shapes once merged with the catalogue (exit 1)."""
