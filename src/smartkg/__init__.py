"""smartkg: the RDF knowledge graph of Korea's smart cities and the smart services they run.

The public API, re-exported from the modules that define it.
"""

from smartkg._version import __version__
from smartkg.build import BuildResult, build
from smartkg.catalogue import Catalogue, Layout, Role, SourceFile, find_root, load_catalogue
from smartkg.errors import BuildError, CatalogueError, SmartkgError
from smartkg.export import export
from smartkg.labels import Labels, labels_of
from smartkg.namespaces import PREFIXES, SKG, SKGSH, bind_prefixes, curie
from smartkg.serialize import RdfFormat, serialize
from smartkg.stats import Stats, StatsRow, compute_stats
from smartkg.validation import Severity, ValidationReport, ValidationResult, validate

__all__ = [
    "PREFIXES",
    "SKG",
    "SKGSH",
    "BuildError",
    "BuildResult",
    "Catalogue",
    "CatalogueError",
    "Labels",
    "Layout",
    "RdfFormat",
    "Role",
    "Severity",
    "SmartkgError",
    "SourceFile",
    "Stats",
    "StatsRow",
    "ValidationReport",
    "ValidationResult",
    "__version__",
    "bind_prefixes",
    "build",
    "compute_stats",
    "curie",
    "export",
    "find_root",
    "labels_of",
    "load_catalogue",
    "serialize",
    "validate",
]
