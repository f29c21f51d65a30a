"""SELECT queries that more than one reader of the catalogue asks, declared once.

The network export (:mod:`smartkg.graphexport.network`), the replication planner
(:mod:`smartkg.replication.profiles`) and the web pages' index (:mod:`smartkg.web.index`) read the
cities and every IRI's labels with these queries, through any
:class:`~smartkg.engine.SparqlEngine`; :func:`instances_query` writes the common "instances of a
class with some properties" query for them.
"""

from __future__ import annotations

from collections.abc import Mapping

from smartkg.engine import SparqlEngine
from smartkg.labels import Labels
from smartkg.namespaces import sparql_prefixes

__all__ = ["CITIES_QUERY", "LABELS_QUERY", "instances_query", "read_labels"]


def _prefix(name: str) -> str:
    return name.split(":", 1)[0]


def instances_query(
    subject: str,
    rdf_class: str,
    *,
    required: Mapping[str, str] | None = None,
    optional: Mapping[str, str] | None = None,
) -> str:
    """A SELECT of every ``rdf_class`` instance as ``?subject``, with one variable per entry of
    ``required`` and ``optional`` (variable name → property as a prefixed name); an optional
    variable is unbound where the instance has no value. The ``PREFIX`` lines cover the names
    used. ``instances_query("city", "skg:LocalGovernment", optional={"size": "skg:sizeClass"})``
    is::

        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        PREFIX skg: <https://w3id.org/smartkg/ontology#>

        SELECT ?city ?size
        WHERE {
          ?city rdf:type skg:LocalGovernment .
          OPTIONAL { ?city skg:sizeClass ?size }
        }
    """
    required = required or {}
    optional = optional or {}
    prefixes = dict.fromkeys(
        ["rdf", _prefix(rdf_class), *map(_prefix, [*required.values(), *optional.values()])]
    )
    variables = " ".join(f"?{name}" for name in (subject, *required, *optional))
    pattern = f"?{subject} rdf:type {rdf_class}" + "".join(
        f" ; {prop} ?{name}" for name, prop in required.items()
    )
    lines = [f"  {pattern} ."]
    lines += [f"  OPTIONAL {{ ?{subject} {prop} ?{name} }}" for name, prop in optional.items()]
    body = "\n".join(lines)
    return sparql_prefixes(*prefixes) + f"\nSELECT {variables}\nWHERE {{\n{body}\n}}\n"


#: Every local government with its certification size class and province, where given.
CITIES_QUERY = instances_query(
    "city", "skg:LocalGovernment", optional={"size": "skg:sizeClass", "province": "skg:province"}
)

#: Every IRI's labels: ``rdfs:label`` (rank 1) and ``skos:prefLabel`` (rank 2), with the language.
LABELS_QUERY = (
    sparql_prefixes("rdfs", "skos")
    + """
SELECT ?node ?rank ?label (LANG(?label) AS ?lang)
WHERE {
  { ?node rdfs:label ?label BIND(1 AS ?rank) }
  UNION { ?node skos:prefLabel ?label BIND(2 AS ?rank) }
  FILTER(isIRI(?node))
}
"""
)


def read_labels(engine: SparqlEngine) -> dict[str, Labels]:
    """Every IRI's English and Korean label (``rdfs:label``, else ``skos:prefLabel``; the
    smallest when there are several), in IRI order."""
    best: dict[tuple[str, str], tuple[int, str]] = {}
    for node, rank, label, lang in engine.select(LABELS_QUERY)[1]:
        language = lang.lower().split("-", 1)[0]
        if language not in ("en", "ko"):
            continue
        candidate = (int(rank), label)
        if (node, language) not in best or candidate < best[(node, language)]:
            best[(node, language)] = candidate
    nodes = sorted({node for node, _ in best})
    return {
        node: Labels(
            en=best[(node, "en")][1] if (node, "en") in best else None,
            ko=best[(node, "ko")][1] if (node, "ko") in best else None,
        )
        for node in nodes
    }
