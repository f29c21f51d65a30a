"""Where an IRI of the catalogue is served: ``https://w3id.org/smartkg/id/…`` at ``/id/…``, the
ontology and its terms at ``/ontology`` and ``/ontology#Term``. Other IRIs stay external."""

from __future__ import annotations

import re
from urllib.parse import quote

from rdflib import URIRef

from smartkg.namespaces import ID, SKG

__all__ = [
    "ID_PREFIX",
    "ONTOLOGY_IRI",
    "ONTOLOGY_PATH",
    "entity_iri",
    "local_href",
    "slug_of",
]

ID_PREFIX = "/id/"
ONTOLOGY_PATH = "/ontology"
#: The ontology's own IRI: the term namespace without its ``#``.
ONTOLOGY_IRI = URIRef(str(SKG).rstrip("#"))

# What an /id/ path may hold: segments of unreserved characters (slugs are ASCII).
_ID_PATH = re.compile(r"^[A-Za-z0-9._~-]+(?:/[A-Za-z0-9._~-]+)*$")


def local_href(iri: str) -> str | None:
    """The local path that serves ``iri``, or None when it is not one of the catalogue's."""
    if iri.startswith(str(ID)):
        rest = iri[len(str(ID)) :]
        return ID_PREFIX + quote(rest, safe="/._~-") if rest else None
    if iri.startswith(str(SKG)):
        return f"{ONTOLOGY_PATH}#{quote(iri[len(str(SKG)) :], safe='._~-')}"
    if iri == str(ONTOLOGY_IRI):
        return ONTOLOGY_PATH
    return None


def entity_iri(path: str) -> URIRef | None:
    """The IRI an ``/id/…`` path stands for, or None when the path cannot be one."""
    if not path.startswith(ID_PREFIX):
        return None
    rest = path[len(ID_PREFIX) :].rstrip("/")
    if not _ID_PATH.match(rest) or ".." in rest.split("/"):
        return None
    return URIRef(f"{ID}{rest}")


def slug_of(iri: str) -> str:
    """The last path segment (or fragment) of ``iri``: ``city/guro-gu`` gives ``guro-gu``."""
    return re.split(r"[/#]", iri.rstrip("/#"))[-1]
