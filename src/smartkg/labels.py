"""Human-readable names of a node: its English and Korean labels."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, Literal
from rdflib.term import Node

from smartkg.namespaces import RDFS, SKOS

__all__ = ["Labels", "has_language", "labels_of"]

_LABEL_PROPERTIES = (RDFS.label, SKOS.prefLabel)


def has_language(literal: Node, language: str) -> bool:
    """True when ``literal`` is a literal tagged ``language`` or one of its subtags (ko-KR)."""
    if not isinstance(literal, Literal) or literal.language is None:
        return False
    tag = literal.language.lower()
    return tag == language or tag.startswith(f"{language}-")


@dataclass(frozen=True)
class Labels:
    """A node's English and Korean label, where it has them."""

    en: str | None = None
    ko: str | None = None

    def __str__(self) -> str:
        return " / ".join(f'"{label}"' for label in (self.en, self.ko) if label is not None)


def _first(graph: Graph, node: Node, language: str) -> str | None:
    for prop in _LABEL_PROPERTIES:
        values = sorted(str(o) for o in graph.objects(node, prop) if has_language(o, language))
        if values:
            return values[0]
    return None


def labels_of(graph: Graph, node: Node) -> Labels:
    """``rdfs:label`` (or, failing that, ``skos:prefLabel``) of ``node`` in @en and @ko."""
    return Labels(en=_first(graph, node, "en"), ko=_first(graph, node, "ko"))
