"""A SHACL engine that compiles the smartkg shapes to SPARQL on pyoxigraph.

It gives the results pySHACL gives (same focus node, source shape, result path, value,
severity, constraint component and messages) for the SHACL subset the shapes use, and hands
any shape it cannot compile to pySHACL, so the engine stays complete.
"""

from smartkg.shacl.engine import FastReport, validate_fast
from smartkg.shacl.paths import render_path
from smartkg.shacl.result import ShaclResult, results_of_report

__all__ = ["FastReport", "ShaclResult", "render_path", "results_of_report", "validate_fast"]
