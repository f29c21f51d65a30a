"""Writing the blank templates (``templates/``): one XLSX workbook with a README sheet and one
sheet per kind, and one CSV file per kind, each with a header and one example row.

The example rows describe a made-up city, "Example City" (예시시), its source document, one
service and one certification: they show the format and let tests import something, and must
never be imported into the real ``data/``. Output is byte-for-byte reproducible.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

from smartkg.atomic import write_atomically
from smartkg.importer.template import KINDS, Kind

__all__ = ["EXAMPLES", "TEMPLATE_STEM", "template_files", "write_templates"]

TEMPLATE_STEM = "smartkg-template"

#: One example row per kind (column name -> cell text); columns left out are empty.
EXAMPLES: dict[Kind, dict[str, str]] = {
    Kind.SOURCES: {
        "id": "example-2026-news",
        "title_ko": "예시시, 스마트 횡단보도 운영 (예시)",
        "label_en": "News article: Example City runs smart crosswalks (example, 2026-01-15)",
        "issued": "2026-01-15",
        "type": "news-article",
        "file_name": "example-2026-news.txt",
        "language": "ko",
        "note_en": "Example row of the smartkg import template: not a real document.",
    },
    Kind.CITIES: {
        "id": "example-city",
        "label_ko": "예시시",
        "label_en": "Example City",
        "administrative_level": "city",
        "province": "경기",
        "size_class": "small-medium",
        "sources": "example-2026-news",
        "note_en": "Example row of the smartkg import template: not a real city.",
    },
    Kind.SERVICES: {
        "id": "example-city-smart-crosswalk",
        "label_ko": "예시시 스마트 횡단보도",
        "label_en": "Example City smart crosswalk",
        "provider": "example-city",
        "service_type": "스마트 횡단보도",
        "domains": "transport",
        "technologies": "smart-sensor; 사물인터넷",
        "target_groups": "pedestrians; children",
        "service_status": "operating",
        "first_documented_year": "2026",
        "description_ko": "보행자 안전을 위한 스마트 횡단보도 운영 (예시).",
        "description_en": "Runs smart crosswalks for pedestrian safety (example).",
        "sources": "example-2026-news",
    },
    Kind.CERTIFICATIONS: {
        "id": "example-city-2026",
        "label_ko": "예시시 2026 스마트도시 인증",
        "label_en": "Example City smart city certification 2026",
        "certified_city": "example-city",
        "certification_scheme": "molit-smart-city",
        "round_year": "2026",
        "size_class": "small-medium",
        "certification_kind": "new",
        "cited_services": "example-city-smart-crosswalk",
        "sources": "example-2026-news",
    },
}

_FIXED_TIME = dt.datetime(2026, 1, 1)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def _csv(kind: Kind) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    columns = KINDS[kind]
    writer.writerow([c.name for c in columns])
    writer.writerow([EXAMPLES[kind].get(c.name, "") for c in columns])
    return buffer.getvalue().encode("utf-8")


def _readme_rows() -> list[list[str]]:
    rows = [
        ["smartkg import template: one sheet per kind; header in row 1, one entity per row."],
        [
            "Multi-valued cells are separated by ';'. Concepts and entities are named by slug, "
            "Korean or English name. The example rows (Example City) are made up: delete them."
        ],
        ["Run: smartkg import FILE.xlsx [--dry-run]. See docs/spreadsheet-template.md."],
        [],
        ["sheet", "column", "required", "multi", "description"],
    ]
    for kind, columns in KINDS.items():
        for c in columns:
            rows.append(
                [
                    kind.value,
                    c.name,
                    "yes" if c.required else "",
                    "yes" if c.multi else "",
                    c.description,
                ]
            )
    return rows


def _normalised_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed timestamps and order so that two runs give the same bytes."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the save time here
                content = _MODIFIED.sub(rb"\g<1>2026-01-01T00:00:00Z\g<2>", content)
            target.writestr(fixed, content)
    return out.getvalue()


def _xlsx() -> bytes:
    import openpyxl  # imported only when writing a workbook
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook()
    readme = workbook.active
    assert readme is not None
    readme.title = "README"
    for row in _readme_rows():
        readme.append(row)
    bold = Font(bold=True)
    for kind, columns in KINDS.items():
        sheet = workbook.create_sheet(kind.value)
        sheet.append([c.name for c in columns])
        sheet.append([EXAMPLES[kind].get(c.name, "") for c in columns])
        for cell in sheet[1]:
            cell.font = bold
        sheet.freeze_panes = "A2"
        for c, cell in zip(columns, sheet[1], strict=True):
            sheet.column_dimensions[cell.column_letter].width = max(12, len(c.name) + 4)
    workbook.properties.creator = "smartkg"
    workbook.properties.created = _FIXED_TIME
    workbook.properties.modified = _FIXED_TIME
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _normalised_zip(buffer.getvalue())


def template_files(directory: Path) -> dict[Path, bytes]:
    """Every template file (path under ``directory`` -> content)."""
    files = {directory / f"{TEMPLATE_STEM}.xlsx": _xlsx()}
    for kind in KINDS:
        files[directory / f"{TEMPLATE_STEM}-{kind.value}.csv"] = _csv(kind)
    return files


def write_templates(directory: Path) -> list[Path]:
    """Write the templates into ``directory`` atomically; return their paths."""
    files = template_files(directory)
    write_atomically(files)
    return list(files)


def main(argv: list[str] | None = None) -> int:
    """``python -m smartkg.importer.templates [DIR]``: write the templates (default templates/)."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    directory = Path(args[0]) if args else Path("templates")
    for path in write_templates(directory):
        print(path.as_posix())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
