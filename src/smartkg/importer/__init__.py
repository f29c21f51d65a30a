"""Spreadsheet import: a documented template (CSV and XLSX) for new source documents, cities,
services and certifications, turned into validated Turtle under ``data/imported/``."""

from smartkg.importer.problems import ImportFailed, Problem, ShaclViolations
from smartkg.importer.run import ImportResult, import_files, output_path
from smartkg.importer.template import KINDS, Column, Kind, ValueType

__all__ = [
    "KINDS",
    "Column",
    "ImportFailed",
    "ImportResult",
    "Kind",
    "Problem",
    "ShaclViolations",
    "ValueType",
    "import_files",
    "output_path",
]
