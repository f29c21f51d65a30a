"""Finding an entity from what a person types: "구로", "guro", "Guro-gu" and "city:guro-gu" all
name Guro-gu.

Names are the entity's slug, its ``rdfs:label`` / ``skos:prefLabel`` / ``skos:altLabel`` in any
language. Matching ignores case, spaces and punctuation, and tries, in order: an exact name, a name
that starts with the text, a name that contains it. One entity found is the answer; several are an
ambiguity; none is an error that lists the closest names.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum

from rdflib import URIRef

from smartkg.engine import SparqlEngine
from smartkg.errors import SmartkgError
from smartkg.namespaces import ID, SCHEME, SKG, curie, namespace_manager

__all__ = ["AmbiguousNameError", "EntityKind", "UnknownNameError", "resolve"]


class EntityKind(StrEnum):
    """Kinds of entity a person may name; the value is the IRI path segment."""

    CITY = "city"
    SERVICE_TYPE = "service-type"
    DOMAIN = "domain"
    TECHNOLOGY = "technology"
    TARGET_GROUP = "target-group"
    SIZE_CLASS = "size-class"
    REGION = "region"
    PROGRAMME = "programme"
    SERVICE = "service"


_CLASS_OF = {
    EntityKind.CITY: SKG.LocalGovernment,
    EntityKind.PROGRAMME: SKG.FundingProgramme,
    EntityKind.SERVICE: SKG.SmartService,
}
_SCHEME_OF = {
    EntityKind.SERVICE_TYPE: SCHEME["service-types"],
    EntityKind.DOMAIN: SCHEME.domains,
    EntityKind.TECHNOLOGY: SCHEME.technologies,
    EntityKind.TARGET_GROUP: SCHEME["target-groups"],
    EntityKind.SIZE_CLASS: SCHEME["size-classes"],
    EntityKind.REGION: SCHEME.regions,
}

_NAMES_QUERY = """
PREFIX rdf:  <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?entity ?name ?kindClass ?kindScheme
WHERE {
  { ?entity rdf:type ?kindClass } UNION { ?entity skos:inScheme ?kindScheme }
  { ?entity rdfs:label ?name } UNION { ?entity skos:prefLabel ?name }
  UNION { ?entity skos:altLabel ?name }
}
"""
_PUNCTUATION = re.compile(r"[\s\-_.,'\u2019\u00b7()\[\]/]+")


class UnknownNameError(SmartkgError):
    """Nothing of the asked kind goes by that name; ``suggestions`` holds the closest names."""

    def __init__(self, kind: EntityKind, text: str, suggestions: list[str]) -> None:
        hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"no {kind.value} is called {text!r}.{hint}", rule="unknown-name")
        self.suggestions = suggestions


class AmbiguousNameError(SmartkgError):
    """Several entities match; ``candidates`` holds their slugs."""

    def __init__(self, kind: EntityKind, text: str, candidates: list[str]) -> None:
        super().__init__(
            f"{text!r} names more than one {kind.value}: {', '.join(candidates)}",
            rule="ambiguous-name",
        )
        self.candidates = candidates


def _normalised(text: str) -> str:
    return _PUNCTUATION.sub("", text).casefold()


@dataclass(frozen=True)
class _Candidate:
    iri: URIRef
    names: frozenset[str]  # as written

    @property
    def slug(self) -> str:
        return str(self.iri).rsplit("/", 1)[-1]


def _candidates(engine: SparqlEngine, kind: EntityKind) -> list[_Candidate]:
    wanted_class = _CLASS_OF.get(kind)
    wanted_scheme = _SCHEME_OF.get(kind)
    prefix = f"{ID}{kind.value}/"
    names: dict[str, set[str]] = defaultdict(set)
    _, rows = engine.select(_NAMES_QUERY)
    for entity, name, kind_class, kind_scheme in rows:
        if not entity.startswith(prefix):
            continue
        if wanted_class is not None and kind_class != str(wanted_class):
            continue
        if wanted_scheme is not None and kind_scheme != str(wanted_scheme):
            continue
        names[entity].add(name)
    return [
        _Candidate(URIRef(iri), frozenset({*found, iri.rsplit("/", 1)[-1]}))
        for iri, found in sorted(names.items())
    ]


def resolve(engine: SparqlEngine, kind: EntityKind, text: str) -> URIRef:
    """The one entity of ``kind`` that ``text`` names (slug, label, CURIE or full IRI)."""
    candidates = _candidates(engine, kind)
    wanted = text.strip()
    manager = namespace_manager()
    for candidate in candidates:  # a full IRI, or a prefixed name: city:guro-gu, st:smart-shelter
        prefixed = (f"{kind.value}:{candidate.slug}", curie(candidate.iri, manager))
        if wanted == str(candidate.iri) or wanted in prefixed:
            return candidate.iri
    key = _normalised(wanted)
    if not key:
        raise UnknownNameError(kind, text, [])
    tests = (str.__eq__, str.startswith, str.__contains__)
    for test in tests:
        found = [c for c in candidates if any(test(_normalised(name), key) for name in c.names)]
        if len(found) == 1:
            return found[0].iri
        if found:
            raise AmbiguousNameError(kind, text, sorted(c.slug for c in found))
    every_name = sorted({name for c in candidates for name in c.names})
    by_key = {_normalised(name): name for name in every_name}
    close = difflib.get_close_matches(key, list(by_key), n=5, cutoff=0.5)
    raise UnknownNameError(kind, text, [by_key[match] for match in close])
