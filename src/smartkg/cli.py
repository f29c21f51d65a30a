"""The ``smartkg`` command line: each subcommand parses, calls one library function, exits."""

from __future__ import annotations

import argparse
import os
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
from smartkg.validation import Engine, validate
from smartkg.validation import format_json as report_json
from smartkg.validation import format_text as report_text

__all__ = ["EXIT_ERROR", "EXIT_OK", "EXIT_VIOLATIONS", "main"]

EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_ERROR = 2

EXIT_CODES = """\
exit codes:
  0  success; for validate: the catalogue conforms (warnings allowed)
  1  validate: at least one sh:Violation; import: the rows break the shapes
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


ENDPOINT_HELP = (
    "read the catalogue from this SPARQL 1.1 query endpoint instead of the embedded store "
    "(default: $SMARTKG_ENDPOINT; graph $SMARTKG_GRAPH, credentials $SMARTKG_USER and "
    "$SMARTKG_PASSWORD)"
)


def _endpoint_option(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--endpoint", metavar="URL", default=None, help=ENDPOINT_HELP)


def _cmd_build(args: argparse.Namespace) -> int:
    result = build(_layout(args), args.out_dir, with_store=args.validate)
    names = ", ".join(p.name for p in result.outputs)
    print(
        f"built {names} in {result.out_dir} "
        f"({result.triples} triples, {result.shape_triples} shape triples, {result.files} files)"
    )
    if not args.validate:
        return EXIT_OK
    report = validate(result.catalogue)
    sys.stdout.write(report_text(report))
    return EXIT_OK if report.conforms else EXIT_VIOLATIONS


def _cmd_validate(args: argparse.Namespace) -> int:
    engine = Engine(args.engine)
    catalogue = load_catalogue(_layout(args), with_store=engine is Engine.FAST)
    report = validate(catalogue, engine)
    sys.stdout.write(report_json(report) if args.format == "json" else report_text(report))
    return EXIT_OK if report.conforms else EXIT_VIOLATIONS


def _cmd_stats(args: argparse.Namespace) -> int:
    stats = compute_stats(load_catalogue(_layout(args), include_shapes=False))
    sys.stdout.write(stats_json(stats) if args.format == "json" else stats_text(stats))
    return EXIT_OK


def _cmd_export_graph(args: argparse.Namespace) -> int:
    from smartkg.export import GraphFormat, export_network, export_tables

    fmt = GraphFormat(args.format)
    if fmt is GraphFormat.CSV:
        for path in export_tables(_layout(args), args.output, endpoint=args.endpoint):
            print(path)
        return EXIT_OK
    destination = args.output if args.output is not None else sys.stdout.buffer
    export_network(
        _layout(args),
        fmt,
        destination,
        with_similarity=args.with_similarity,
        endpoint=args.endpoint,
    )
    return EXIT_OK


def _cmd_export(args: argparse.Namespace) -> int:
    if args.format not in {f.value for f in RdfFormat}:
        return _cmd_export_graph(args)  # graphml, gexf, cytoscape, csv
    destination = args.output if args.output is not None else sys.stdout.buffer
    from smartkg.remote import RemoteEngine, endpoint_from_environment, export_remote

    endpoint = endpoint_from_environment(args.endpoint)
    if endpoint is not None:
        export_remote(RemoteEngine.from_environment(endpoint), RdfFormat(args.format), destination)
        return EXIT_OK
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
    build_cmd.add_argument(
        "--validate",
        action="store_true",
        help="then validate what was built, as `smartkg validate` does, without reading the "
        "catalogue again (exit 1 on violations; the outputs are written either way)",
    )

    validate_cmd = add(
        "validate",
        "Validate the merged catalogue against the SHACL shapes; report by severity and file.",
        _cmd_validate,
    )
    validate_cmd.add_argument(
        "--format", choices=("text", "json"), default="text", help="report format (text)"
    )
    validate_cmd.add_argument(
        "--engine",
        choices=[e.value for e in Engine],
        default=Engine.FAST.value,
        help="SHACL engine: fast (shapes compiled to SPARQL, pySHACL for any it cannot compile) "
        "or pyshacl, the reference; both give the same report (fast)",
    )

    stats_cmd = add(
        "stats",
        "Count entities per class and concept scheme, with label and source completeness.",
        _cmd_stats,
    )
    stats_cmd.add_argument(
        "--format", choices=("text", "json"), default="text", help="table format (text)"
    )

    from smartkg.graphexport.formats import GraphFormat

    export_cmd = add(
        "export",
        "Write the merged graph in one RDF format, or the network of cities, service types, "
        "domains and programmes (graphml, gexf, cytoscape), to FILE or stdout; or the CSV "
        "tables cities, services, certifications and projects (UTF-8 with BOM) into a "
        "directory (csv; default build/csv/, the paths are printed).",
        _cmd_export,
    )
    export_cmd.add_argument(
        "--format",
        choices=[f.value for f in RdfFormat] + [f.value for f in GraphFormat],
        default=RdfFormat.TURTLE.value,
        help="RDF format, network format or csv (turtle)",
    )
    export_cmd.add_argument(
        "--output",
        type=Path,
        default=None,
        metavar="FILE",
        help="write FILE atomically (for csv: the directory, default build/csv/)",
    )
    export_cmd.add_argument(
        "--with-similarity",
        action="store_true",
        help="network formats: add similar-to edges from each city to its 3 closest peers "
        "(weighted by the similarity smartkg similar reports)",
    )

    def _cmd_figures(args: argparse.Namespace) -> int:
        from smartkg.figures import write_figures  # matplotlib: imported lazily

        for path in write_figures(_layout(args), args.output):
            print(path)
        return EXIT_OK

    figures_cmd = add(
        "figures",
        "Draw the city-service-type network, certifications per round by size class and "
        "services per domain per city (heatmap) as PNG and SVG, with Korean labels; prints "
        "the paths written.",
        _cmd_figures,
    )
    figures_cmd.add_argument(
        "--output", type=Path, default=None, metavar="DIR", help="directory (build/figures/)"
    )
    _endpoint_option(export_cmd)

    # --- synth: a synthetic catalogue for scale tests (smartkg.synth) ---
    def _cmd_synth(args: argparse.Namespace) -> int:
        from smartkg.synth import synth

        result = synth(
            _layout(args),
            args.cities,
            args.seed,
            args.output,
            progress=None if args.quiet else sys.stderr,
        )
        print(f"wrote {result.triples} triples ({result.cities} cities) to {result.output}")
        return EXIT_OK

    synth_cmd = add(
        "synth",
        "Write a synthetic catalogue (data only; merge with ontology/ to use) of N cities that "
        "conforms to the shapes, deterministic for a seed, as N-Triples (.nt) or Turtle (.ttl) "
        "by the output's suffix; about 66 triples per city. A progress bar goes to stderr.",
        _cmd_synth,
    )
    synth_cmd.add_argument("--cities", type=int, required=True, metavar="N", help="cities")
    synth_cmd.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (0)")
    synth_cmd.add_argument(
        "--output", type=Path, required=True, metavar="FILE", help="FILE.nt or FILE.ttl"
    )
    synth_cmd.add_argument("--quiet", action="store_true", help="no progress bar")

    # --- query: the named query catalogue, queries/*.rq (smartkg.querying) ---
    from smartkg.querying import OutputFormat, query_command

    def _cmd_query(args: argparse.Namespace) -> int:
        text = query_command(
            _layout(args),
            args.name,
            params=args.param,
            output=OutputFormat(args.format),
            list_queries=args.list,
            endpoint=args.endpoint,
        )
        sys.stdout.write(text)
        return EXIT_OK

    query_cmd = add(
        "query",
        "Run a named SPARQL query of queries/*.rq, its parameters bound as RDF terms (never "
        "pasted into the query), or list the queries with their questions. Unknown query or "
        "parameter names, bad --param syntax and unknown or ambiguous names (the closest are "
        "suggested) exit with 2.",
        _cmd_query,
    )
    query_cmd.add_argument(
        "name", nargs="?", default=None, metavar="NAME", help="the query: a file stem of queries/"
    )
    query_cmd.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a parameter, e.g. city=guro-gu, city=구로 or city=Guro-gu (repeatable; defaults "
        "as in the query's header)",
    )
    query_cmd.add_argument(
        "--format",
        choices=[f.value for f in OutputFormat],
        default=OutputFormat.TABLE.value,
        help="table, or SPARQL 1.1 CSV / JSON results (table)",
    )
    query_cmd.add_argument(
        "--list", action="store_true", help="list the queries: name, parameters and question"
    )
    _endpoint_option(query_cmd)

    # --- similar / replicate / evaluate: replication planning (smartkg.replication) ---
    def _positive(text: str) -> int:
        value = int(text)
        if value < 1:
            raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
        return value

    def _emit(stdout: str, stderr: str) -> int:
        sys.stdout.write(stdout)
        sys.stderr.write(stderr)
        return EXIT_OK

    def _cmd_similar(args: argparse.Namespace) -> int:
        from smartkg.replication import similar_report  # numpy and scipy: imported lazily

        out = similar_report(
            _layout(args), args.city, top=args.top, fmt=args.format, endpoint=args.endpoint
        )
        return _emit(out.stdout, out.stderr)

    def _cmd_replicate(args: argparse.Namespace) -> int:
        from smartkg.replication import replicate_report

        out = replicate_report(
            _layout(args),
            city=args.city,
            service_type=args.service_type,
            size_class=args.size_class,
            region=args.region,
            domain=args.domain,
            target_group=args.target_group,
            programme=args.programme,
            top=args.top,
            fmt=args.format,
            write=args.write,
            endpoint=args.endpoint,
        )
        return _emit(out.stdout, out.stderr)

    def _cmd_evaluate(args: argparse.Namespace) -> int:
        from smartkg.replication import evaluate_report

        out = evaluate_report(
            _layout(args),
            fmt=args.format,
            resamples=args.resamples,
            seed=args.seed,
            endpoint=args.endpoint,
        )
        return _emit(out.stdout, out.stderr)

    similar_cmd = add(
        "similar",
        "List the cities most similar to CITY (by shared service types, domains, technologies "
        "and target groups), each with its score and the shared items that produced it. An "
        "unknown or ambiguous city exits with 2 and names the closest matches.",
        _cmd_similar,
    )
    similar_cmd.add_argument("city", metavar="CITY", help="a city: slug, Korean or English name")
    similar_cmd.add_argument(
        "--top", type=_positive, default=10, metavar="N", help="how many peers (10)"
    )
    similar_cmd.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (text)"
    )
    _endpoint_option(similar_cmd)

    replicate_cmd = add(
        "replicate",
        "Recommend service types a city lacks (--city), ranked by what its most similar cities "
        "run and discounted for popularity, or cities for a service type (--service-type), "
        "each with its reasons: supporting peers, matching features, an example service and "
        "its source. Filters are hard constraints. --write adds the results to "
        "build/recommendations.ttl as skg:Recommendation nodes.",
        _cmd_replicate,
    )
    direction = replicate_cmd.add_mutually_exclusive_group(required=True)
    direction.add_argument("--city", metavar="CITY", help="rank service types for this city")
    direction.add_argument(
        "--service-type", metavar="TYPE", help="rank cities for this service type"
    )
    replicate_cmd.add_argument(
        "--size-class",
        metavar="SIZE",
        help="large or small-medium: with --city the peers, with --service-type the cities",
    )
    replicate_cmd.add_argument(
        "--region",
        metavar="REGION",
        help="province, e.g. gyeonggi or 경기: with --city the peers, else the cities",
    )
    replicate_cmd.add_argument(
        "--domain",
        metavar="DOMAIN",
        help="with --city: types with a service in this domain; else cities running one",
    )
    replicate_cmd.add_argument(
        "--target-group",
        metavar="GROUP",
        help="with --city: types serving this group; else cities already serving it",
    )
    replicate_cmd.add_argument(
        "--programme",
        metavar="PROGRAMME",
        help="with --city: types the programme has funded; else cities taking part in it",
    )
    replicate_cmd.add_argument(
        "--top", type=_positive, default=10, metavar="N", help="how many results (10)"
    )
    replicate_cmd.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (text)"
    )
    replicate_cmd.add_argument(
        "--write",
        action="store_true",
        help="add the results to build/recommendations.ttl (atomically)",
    )
    _endpoint_option(replicate_cmd)

    evaluate_cmd = add(
        "evaluate",
        "Measure the recommender offline: leave-one-out over city-service-type links and a "
        "time split (up to 2023 -> 2024-2025), HR@5, HR@10, MRR and nDCG@10 with bootstrap "
        "intervals over cities, against random and popularity baselines, overall and by size "
        "class.",
        _cmd_evaluate,
    )
    evaluate_cmd.add_argument(
        "--format",
        choices=("text", "json", "markdown"),
        default="text",
        help="table format; markdown is what the README shows (text)",
    )
    evaluate_cmd.add_argument(
        "--resamples", type=_positive, default=1000, metavar="N", help="bootstrap resamples (1000)"
    )
    evaluate_cmd.add_argument("--seed", type=int, default=0, help="bootstrap seed (0)")
    _endpoint_option(evaluate_cmd)

    # --- publish: the built graph into an existing store (smartkg.remote) ---
    from smartkg.remote import CATALOGUE_GRAPH as CATALOGUE_GRAPH_IRI

    def _cmd_publish(args: argparse.Namespace) -> int:
        from smartkg.remote import (
            GRAPH_STORE_ENV,
            UPDATE_ENV,
            PublishMode,
            RemoteError,
            endpoint_from_environment,
            publish,
        )

        graph_store = args.graph_store or os.environ.get(GRAPH_STORE_ENV)
        endpoint = endpoint_from_environment(args.endpoint)
        if not graph_store or not endpoint:
            raise RemoteError(
                "publish needs --graph-store (or $SMARTKG_GRAPH_STORE) and --endpoint "
                "(or $SMARTKG_ENDPOINT)",
                rule="usage",
            )
        layout = _layout(args)
        result = publish(
            layout.build_dir,
            graph_store,
            endpoint=endpoint,
            update=args.update or os.environ.get(UPDATE_ENV) or None,
            graph=args.graph or str(CATALOGUE_GRAPH_IRI),
            mode=PublishMode.MERGE if args.merge else PublishMode.REPLACE,
        )
        staged = " through a staging graph" if result.staged else ""
        print(
            f"published {result.triples} triples into <{result.graph}>{staged}; "
            f"the endpoint counts {result.total}"
        )
        return EXIT_OK

    publish_cmd = add(
        "publish",
        "Upload the built graph (build/smartkg.nt and build/recommendations.ttl if present) "
        "into a named graph of a store with the SPARQL 1.1 Graph Store Protocol, then check "
        "its triple count through the query endpoint. With an update endpoint the upload goes "
        "to a staging graph that is moved into place only when complete, so a failure leaves "
        "the target as it was. Credentials: $SMARTKG_USER and $SMARTKG_PASSWORD.",
        _cmd_publish,
    )
    publish_cmd.add_argument(
        "--graph-store",
        metavar="URL",
        help="the Graph Store Protocol endpoint (default: $SMARTKG_GRAPH_STORE)",
    )
    _endpoint_option(publish_cmd)
    publish_cmd.add_argument(
        "--update",
        metavar="URL",
        help="a SPARQL 1.1 update endpoint for the staging graph (default: "
        "$SMARTKG_UPDATE_ENDPOINT; without one, a single PUT or POST)",
    )
    publish_cmd.add_argument(
        "--graph", metavar="IRI", help=f"the named graph ({CATALOGUE_GRAPH_IRI})"
    )
    mode = publish_cmd.add_mutually_exclusive_group()
    mode.add_argument(
        "--replace", action="store_true", help="replace the graph's content (the default)"
    )
    mode.add_argument("--merge", action="store_true", help="add to the graph's content")

    # --- import: spreadsheet rows into data/imported/ (smartkg.importer) ---
    def _cmd_import(args: argparse.Namespace) -> int:
        from smartkg.importer import ImportFailed, Kind, ShaclViolations, import_files

        layout = _layout(args)
        try:
            result = import_files(
                layout,
                args.files,
                kind=Kind(args.kind) if args.kind else None,
                dry_run=args.dry_run,
            )
        except ImportFailed as failed:
            for problem in failed.problems:
                print(problem, file=sys.stderr)
            verdict = "violates the shapes" if isinstance(failed, ShaclViolations) else "refused"
            print(f"import {verdict}: {failed.message}", file=sys.stderr)
            return EXIT_VIOLATIONS if isinstance(failed, ShaclViolations) else EXIT_ERROR
        for warning in result.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        added = ", ".join(f"{k.value} {n}" for k, n in result.entities.items() if n)
        verb = "would write" if result.dry_run else "wrote"
        for path in result.outputs:
            print(f"{verb} {layout.relative(path)}")
        print(f"{'checked' if result.dry_run else 'imported'} {added}; the catalogue validates")
        return EXIT_OK

    import_cmd = add(
        "import",
        "Add the rows of spreadsheets (an XLSX workbook with sheets sources, cities, services, "
        "certifications, or CSV files named after their kind; see docs/spreadsheet-template.md "
        "and templates/) to the catalogue as data/imported/<file-stem>.ttl. The rows are "
        "checked, merged in memory with the catalogue and validated with the SHACL shapes "
        "before anything is written; every problem is reported as FILE:ROW:COLUMN: message "
        "[rule]. Exit 0: written (or, with --dry-run, would be); 1: the rows parse but break "
        "the shapes (sh:Violation), nothing written; 2: bad input (missing column, bad slug "
        "or duplicate IRI, bad year/date/integer, unknown name, output exists), nothing written.",
        _cmd_import,
    )
    import_cmd.add_argument(
        "files", nargs="+", type=Path, metavar="FILE", help="a .xlsx or .csv file (repeatable)"
    )
    import_cmd.add_argument(
        "--kind",
        choices=("sources", "cities", "services", "certifications"),
        default=None,
        help="the rows' kind, for a CSV whose name does not say it (or the one sheet to read)",
    )
    import_cmd.add_argument(
        "--dry-run", action="store_true", help="check and validate only; write nothing"
    )

    # --- serve: the read-only SPARQL 1.1 endpoint (smartkg.server) ---
    from smartkg.server import ServerConfig, serve
    from smartkg.server import config as serve_defaults

    def _cmd_serve(args: argparse.Namespace) -> int:
        serve(
            _layout(args),
            ServerConfig(
                host=args.host,
                port=args.port,
                workers=args.workers or 0,
                timeout=args.timeout,
                max_rows=args.max_rows,
                max_bytes=args.max_bytes,
                max_request_bytes=args.max_request_bytes,
                max_memory_mb=args.max_memory,
                cache_mb=args.cache_mb,
                access_log=not args.quiet,
            ),
            endpoint=args.endpoint,
        )
        return EXIT_OK

    def _at_least_one(text: str) -> int:
        value = int(text)
        if value < 1:
            raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
        return value

    def _non_negative(text: str) -> int:
        value = int(text)
        if value < 0:
            raise argparse.ArgumentTypeError(f"must be 0 or more, not {value}")
        return value

    def _seconds(text: str) -> float:
        value = float(text)
        if not value > 0:
            raise argparse.ArgumentTypeError(f"must be more than 0, not {text}")
        return value

    serve_cmd = add(
        "serve",
        "Serve the built catalogue (build/smartkg.nt, plus build/recommendations.ttl if "
        "present) as a read-only SPARQL 1.1 endpoint at http://HOST:PORT/sparql, printing its "
        "URL; Ctrl-C or SIGTERM stops it. SPARQL Update, SERVICE and FROM are refused; each "
        "query runs in a worker process that is killed at the time limit (503). A catalogue "
        "that is not built, or a port in use, exits with 2. With --endpoint the pages and the "
        "planner read the catalogue from that store and /sparql redirects to it (307).",
        _cmd_serve,
    )
    _endpoint_option(serve_cmd)
    serve_cmd.add_argument(
        "--host",
        default=serve_defaults.DEFAULT_HOST,
        help=f"address to listen on ({serve_defaults.DEFAULT_HOST})",
    )
    serve_cmd.add_argument(
        "--port",
        type=_non_negative,
        default=serve_defaults.DEFAULT_PORT,
        help=f"port; 0 picks a free one ({serve_defaults.DEFAULT_PORT})",
    )
    serve_cmd.add_argument(
        "--workers",
        type=_at_least_one,
        default=None,
        metavar="N",
        help="query worker processes (one per CPU, 2 to 4)",
    )
    serve_cmd.add_argument(
        "--timeout",
        type=_seconds,
        default=serve_defaults.DEFAULT_TIMEOUT,
        metavar="S",
        help=f"seconds per query ({serve_defaults.DEFAULT_TIMEOUT:g})",
    )
    limits = (  # flag, type, default, metavar, help (the default is appended)
        (
            "--max-rows",
            _at_least_one,
            serve_defaults.DEFAULT_MAX_ROWS,
            "N",
            "solutions or triples per answer; more are cut and announced",
        ),
        (
            "--max-bytes",
            _at_least_one,
            serve_defaults.DEFAULT_MAX_BYTES,
            "N",
            "bytes per answer; more are cut and announced",
        ),
        (
            "--max-request-bytes",
            _at_least_one,
            serve_defaults.DEFAULT_MAX_REQUEST_BYTES,
            "N",
            "bytes per request body; larger ones get 413",
        ),
        (
            "--max-memory",
            _non_negative,
            serve_defaults.DEFAULT_MAX_MEMORY_MB,
            "MB",
            "address space per worker; 0 for no limit",
        ),
        (
            "--cache-mb",
            _non_negative,
            serve_defaults.DEFAULT_CACHE_MB,
            "MB",
            "answers kept for queries asked again (the data cannot change while served); "
            "0 runs every query",
        ),
    )
    for flag, kind, default, metavar, text in limits:
        serve_cmd.add_argument(
            flag, type=kind, default=default, metavar=metavar, help=f"{text} ({default})"
        )
    serve_cmd.add_argument(
        "--quiet", action="store_true", help="do not log each request to standard error"
    )

    # --- docs: the ontology and vocabularies as static HTML (smartkg.docs) ---
    def _cmd_docs(args: argparse.Namespace) -> int:
        from smartkg.docs import write_docs  # the web layer: imported only when needed

        for path in write_docs(_layout(args), args.output):
            print(path)
        return EXIT_OK

    docs_cmd = add(
        "docs",
        "Write the ontology and every concept scheme as static HTML pages (build/docs/), the "
        "same pages smartkg serve shows at /ontology and /id/scheme/...",
        _cmd_docs,
    )
    docs_cmd.add_argument(
        "--output",
        type=Path,
        default=None,
        metavar="DIR",
        help="output directory (ROOT/build/docs)",
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
