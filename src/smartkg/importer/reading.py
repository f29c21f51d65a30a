"""Reading a spreadsheet: an XLSX workbook with one sheet per kind, or one CSV file per kind.

Rows are numbered as a spreadsheet program shows them: the header is row 1, the first data row
is row 2. Cells become stripped strings; empty rows are skipped.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

from smartkg.importer.problems import ImportFailed, Problem
from smartkg.importer.template import Kind, kind_of_name

__all__ = ["IGNORED_SHEETS", "Row", "Sheet", "read_file"]

#: Sheets of a workbook that hold help text, not rows.
IGNORED_SHEETS = frozenset({"readme", "columns", "help"})

_TOKENS = re.compile(r"[^a-z]+")


@dataclass(frozen=True)
class Row:
    number: int  # 1-based, as the spreadsheet shows it
    cells: dict[str, str]  # column name -> stripped text ("" when empty)


@dataclass(frozen=True)
class Sheet:
    """One sheet or CSV file: where it came from, its kind, header and rows."""

    where: str  # ``file.csv`` or ``file.xlsx[services]``: the FILE of every problem report
    kind: Kind
    header: tuple[str, ...]
    rows: tuple[Row, ...]


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _sheet(where: str, kind: Kind, table: list[list[str]]) -> Sheet:
    if not table:
        return Sheet(where, kind, (), ())
    header = tuple(name.strip().casefold() for name in table[0])
    while header and not header[-1]:
        header = header[:-1]
    rows = []
    for number, values in enumerate(table[1:], start=2):
        if not any(v.strip() for v in values):
            continue
        if any(v.strip() for v in values[len(header) :]):
            raise ImportFailed(
                [Problem(where, number, "-", "cell outside the header's columns", "extra-cell")]
            )
        cells = {
            name: (values[i].strip() if i < len(values) else "")
            for i, name in enumerate(header)
            if name
        }
        rows.append(Row(number, cells))
    return Sheet(where, kind, header, tuple(rows))


def kind_of_file(path: Path) -> Kind | None:
    """The one kind named by a token of the file's stem (``2026-services.csv``), else None."""
    found = {k for token in _TOKENS.split(path.stem.casefold()) if (k := kind_of_name(token))}
    return found.pop() if len(found) == 1 else None


def _read_csv(path: Path, name: str, kind: Kind | None) -> list[Sheet]:
    kind = kind or kind_of_file(path)
    if kind is None:
        kinds = ", ".join(k.value for k in Kind)
        raise ImportFailed(
            [
                Problem(
                    name,
                    None,
                    None,
                    f"cannot tell the kind of rows from the file name; name it after one of "
                    f"{kinds} (e.g. 2026-services.csv) or pass --kind",
                    "unknown-kind",
                )
            ]
        )
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailed(
            [Problem(name, None, None, f"not UTF-8: {exc.reason} at byte {exc.start}", "encoding")]
        ) from exc
    table = [list(record) for record in csv.reader(io.StringIO(text, newline=""))]
    return [_sheet(name, kind, table)]


def _read_xlsx(path: Path, name: str, only: Kind | None) -> list[Sheet]:
    import openpyxl  # imported only when reading a workbook

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError and its own errors
        raise ImportFailed(
            [Problem(name, None, None, f"not a readable XLSX workbook: {exc}", "xlsx")]
        ) from exc
    sheets: list[Sheet] = []
    problems: list[Problem] = []
    try:
        for worksheet in workbook.worksheets:
            title = worksheet.title
            kind = kind_of_name(title)
            if kind is None:
                if title.strip().casefold() not in IGNORED_SHEETS:
                    kinds = ", ".join(k.value for k in Kind)
                    problems.append(
                        Problem(
                            f"{name}[{title}]",
                            None,
                            None,
                            f"unknown sheet; sheets are named {kinds} (or README)",
                            "unknown-sheet",
                        )
                    )
                continue
            if only is not None and kind is not only:
                continue
            table = [[_text(v) for v in row] for row in worksheet.iter_rows(values_only=True)]
            sheets.append(_sheet(f"{name}[{title}]", kind, table))
    finally:
        workbook.close()
    if problems:
        raise ImportFailed(problems)
    return sheets


def read_file(path: Path, name: str, kind: Kind | None = None) -> list[Sheet]:
    """The sheets of ``path`` (shown as ``name`` in problem reports); ``kind`` forces a CSV's kind
    or keeps only that sheet of a workbook."""
    if not path.is_file():
        raise ImportFailed([Problem(name, None, None, "no such file", "read")])
    suffix = path.suffix.casefold()
    if suffix == ".csv":
        return _read_csv(path, name, kind)
    if suffix in {".xlsx", ".xlsm"}:
        return _read_xlsx(path, name, kind)
    raise ImportFailed([Problem(name, None, None, "not a .csv or .xlsx file", "file-type")])
