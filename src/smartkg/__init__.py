"""smartkg: the RDF knowledge graph of Korea's smart cities and the smart services they run.

The public API, re-exported from the modules that define it. They are imported on first use
(PEP 562), so that ``import smartkg.server`` in a query worker, or ``smartkg serve``, does not
load rdflib's SPARQL engine and pySHACL before it answers.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from smartkg._version import __version__

if TYPE_CHECKING:
    from smartkg.build import BuildResult, build
    from smartkg.catalogue import Catalogue, Layout, Role, SourceFile, find_root, load_catalogue
    from smartkg.errors import BuildError, CatalogueError, SmartkgError
    from smartkg.export import export
    from smartkg.labels import Labels, labels_of
    from smartkg.namespaces import PREFIXES, SKG, SKGSH, bind_prefixes, curie
    from smartkg.serialize import RdfFormat, serialize
    from smartkg.stats import Stats, StatsRow, compute_stats
    from smartkg.validation import Severity, ValidationReport, ValidationResult, validate

_HOMES = {
    "smartkg.build": ("BuildResult", "build"),
    "smartkg.catalogue": (
        "Catalogue",
        "Layout",
        "Role",
        "SourceFile",
        "find_root",
        "load_catalogue",
    ),
    "smartkg.errors": ("BuildError", "CatalogueError", "SmartkgError"),
    "smartkg.export": ("export",),
    "smartkg.labels": ("Labels", "labels_of"),
    "smartkg.namespaces": ("PREFIXES", "SKG", "SKGSH", "bind_prefixes", "curie"),
    "smartkg.serialize": ("RdfFormat", "serialize"),
    "smartkg.stats": ("Stats", "StatsRow", "compute_stats"),
    "smartkg.validation": ("Severity", "ValidationReport", "ValidationResult", "validate"),
}
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}

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


def __getattr__(name: str) -> Any:
    module = _HOME_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'smartkg' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
