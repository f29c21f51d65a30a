"""The ``smartkg`` command line: each subcommand parses, calls one library function, exits."""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from smartkg import __version__
from smartkg.build import build
from smartkg.catalogue import Layout, find_root, load_catalogue
from smartkg.errors import SmartkgError
from smartkg.export import export
from smartkg.serialize import RdfFormat
from smartkg.stats import compute_stats
from smartkg.stats import format_json as stats_json
from smartkg.stats import format_text as stats_text
from smartkg.validation import format_json as report_json
from smartkg.validation import format_text as report_text
from smartkg.validation import validate

__all__ = ["EXIT_ERROR", "EXIT_OK", "EXIT_VIOLATIONS", "main"]

EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_ERROR = 2

EXIT_CODES = """\
exit codes:
  0  success; for validate: the catalogue conforms (warnings allowed)
  1  validate: at least one sh:Violation
  2  error: bad input (e.g. a Turtle syntax error, reported as file:line on stderr),
     outputs that could not be written, or a bad command line
"""

_FORMATTER = argparse.RawDescriptionHelpFormatter


def _layout(args: argparse.Namespace) -> Layout:
    root: Path | None = getattr(args, "root", None)
    if root is None:
        cwd = Path.cwd()
        root = find_root(cwd) or cwd
    return Layout(root)


def _cmd_build(args: argparse.Namespace) -> int:
    result = build(_layout(args), args.out_dir)
    names = ", ".join(p.name for p in result.outputs)
    print(
        f"built {names} in {result.out_dir} "
        f"({result.triples} triples, {result.shape_triples} shape triples, {result.files} files)"
    )
    return EXIT_OK


def _cmd_validate(args: argparse.Namespace) -> int:
    report = validate(load_catalogue(_layout(args)))
    sys.stdout.write(report_json(report) if args.format == "json" else report_text(report))
    return EXIT_OK if report.conforms else EXIT_VIOLATIONS


def _cmd_stats(args: argparse.Namespace) -> int:
    stats = compute_stats(load_catalogue(_layout(args), include_shapes=False))
    sys.stdout.write(stats_json(stats) if args.format == "json" else stats_text(stats))
    return EXIT_OK


def _cmd_export(args: argparse.Namespace) -> int:
    destination = args.output if args.output is not None else sys.stdout.buffer
    export(_layout(args), RdfFormat(args.format), destination)
    return EXIT_OK


def _parser() -> argparse.ArgumentParser:
    root_help = (
        "catalogue root holding ontology/, data/ and shapes/ (default: the nearest directory "
        "at or above the current one holding ontology/ and data/, else the current directory)"
    )
    parser = argparse.ArgumentParser(
        prog="smartkg",
        description="Build, validate, measure and export the smartkg knowledge graph.",
        epilog=EXIT_CODES,
        formatter_class=_FORMATTER,
    )
    parser.add_argument("--version", action="version", version=f"smartkg {__version__}")
    parser.add_argument("--root", type=Path, default=None, metavar="DIR", help=root_help)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--root", type=Path, default=argparse.SUPPRESS, metavar="DIR", help=root_help
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def add(
        name: str, summary: str, handler: Callable[[argparse.Namespace], int]
    ) -> argparse.ArgumentParser:
        sub = commands.add_parser(
            name,
            help=summary,
            description=summary,
            epilog=EXIT_CODES,
            formatter_class=_FORMATTER,
            parents=[common],
        )
        sub.set_defaults(handler=handler)
        return sub

    build_cmd = add(
        "build",
        "Merge ontology, vocabularies and data into build/ (smartkg.ttl, smartkg.nt, "
        "shapes.ttl, manifest.json), atomically and reproducibly.",
        _cmd_build,
    )
    build_cmd.add_argument(
        "--out-dir", type=Path, default=None, metavar="DIR", help="output directory (ROOT/build)"
    )

    validate_cmd = add(
        "validate",
        "Validate the merged catalogue against the SHACL shapes; report by severity and file.",
        _cmd_validate,
    )
    validate_cmd.add_argument(
        "--format", choices=("text", "json"), default="text", help="report format (text)"
    )

    stats_cmd = add(
        "stats",
        "Count entities per class and concept scheme, with label and source completeness.",
        _cmd_stats,
    )
    stats_cmd.add_argument(
        "--format", choices=("text", "json"), default="text", help="table format (text)"
    )

    export_cmd = add(
        "export", "Write the merged graph in one RDF format (stdout by default).", _cmd_export
    )
    export_cmd.add_argument(
        "--format",
        choices=[f.value for f in RdfFormat],
        default=RdfFormat.TURTLE.value,
        help="RDF format (turtle)",
    )
    export_cmd.add_argument(
        "--output", type=Path, default=None, metavar="FILE", help="write FILE atomically"
    )
    return parser


def _report_error(error: SmartkgError) -> None:
    location = f"{error.location}: " if error.location else ""
    rule = f" [{error.rule}]" if error.rule else ""
    print(f"{location}error: {error.message}{rule}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = _parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except SmartkgError as error:
        _report_error(error)
        return EXIT_ERROR
    except BrokenPipeError:
        return EXIT_ERROR
    except Exception:
        traceback.print_exc()
        print("error: internal error (a bug in smartkg; please report it)", file=sys.stderr)
        return EXIT_ERROR
