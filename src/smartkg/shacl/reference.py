"""pySHACL, the reference engine, with the options every smartkg validation uses."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from rdflib import Graph, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Result

__all__ = ["run_pyshacl"]


@functools.lru_cache(maxsize=4096)
def _prepared_query(text: str, namespaces: tuple[tuple[str, str], ...]) -> Query:
    return prepareQuery(text, initNs=dict(namespaces))


class _ParseOnceGraph(Graph):
    """A view of a graph (same store, nothing copied) that parses each SPARQL text once.

    pySHACL sends rdflib the same SPARQL text for every focus node of a SPARQL-based constraint,
    and rdflib parses it anew each time: most of a validation's run time. A prepared query may be
    evaluated any number of times with other bindings (what ``prepareQuery`` is for), so results
    are unchanged.
    """

    def __init__(self, graph: Graph) -> None:
        super().__init__(
            store=graph.store,
            identifier=graph.identifier,
            namespace_manager=graph.namespace_manager,
        )

    def query(
        self,
        query_object: Any,
        processor: Any = "sparql",
        result: Any = "sparql",
        initNs: Any = None,
        initBindings: Any = None,
        use_store_provided: bool = True,
        **kwargs: Any,
    ) -> Result:
        if isinstance(query_object, str) and processor == "sparql" and not initNs and not kwargs:
            namespaces = tuple(sorted((prefix, str(iri)) for prefix, iri in self.namespaces()))
            query_object = _prepared_query(query_object, namespaces)
        return super().query(
            query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs
        )


def run_pyshacl(
    data: Graph, shapes: Graph, *, focus_nodes: Iterable[URIRef] | None = None
) -> Graph:
    """Run pySHACL on ``data`` (a plain rdflib graph, ontology included) and return the report.

    The options every smartkg validation uses: no inference (the ontology's subclass axioms are in
    the data graph, which ``sh:class`` follows), SHACL-AF, Warnings and Infos allowed. Raises
    :class:`ValueError` with pySHACL's explanation when it cannot run the shapes.
    """
    import pyshacl  # heavy: imported only when validating

    _, report_graph, report_text = pyshacl.validate(
        _ParseOnceGraph(data),
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_warnings=True,
        allow_infos=True,
        abort_on_first=False,
        meta_shacl=False,
        inplace=True,
        focus_nodes=list(focus_nodes) if focus_nodes is not None else None,
    )
    if not isinstance(report_graph, Graph):  # pySHACL returns a ValidationFailure for bad shapes
        raise ValueError(str(report_graph or report_text).strip() or "no report graph")
    return report_graph
