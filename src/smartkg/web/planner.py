"""The replication planner behind ``/planner``: the form, and the answer computed by the same
library calls as ``smartkg similar`` and ``smartkg replicate``.

The planner model is built once, as :func:`smartkg.replication.open_planner` builds it for the
command line (:func:`~smartkg.replication.build_planner` over
:func:`~smartkg.replication.read_replication_data` of the engine); each request resolves the
names typed into the form with :func:`smartkg.resolve.resolve` (Korean or English names,
slugs) and calls :func:`~smartkg.replication.recommend_for_city` or
:func:`~smartkg.replication.recommend_for_type` with the :class:`~smartkg.replication.Filters`,
and :func:`~smartkg.replication.similar_cities` for the shared items behind each peer. A name
that is unknown or ambiguous becomes a message listing the closest names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields

from rdflib import URIRef

from smartkg.engine import SparqlEngine
from smartkg.errors import SmartkgError
from smartkg.replication import (
    Filters,
    Planner,
    build_planner,
    read_replication_data,
    recommend_for_city,
    recommend_for_type,
    similar_cities,
)
from smartkg.replication.recommend import CityRecommendations, TypeRecommendations
from smartkg.replication.similar import SimilarCities
from smartkg.resolve import AmbiguousNameError, EntityKind, UnknownNameError, resolve

__all__ = ["FIELD_KINDS", "FieldError", "PlannerAnswer", "PlannerForm", "PlannerService"]

#: Form field → what it names (the query-string names use ``-``: ``service-type``).
FIELD_KINDS: Mapping[str, EntityKind] = {
    "city": EntityKind.CITY,
    "service_type": EntityKind.SERVICE_TYPE,
    "size_class": EntityKind.SIZE_CLASS,
    "region": EntityKind.REGION,
    "domain": EntityKind.DOMAIN,
    "target_group": EntityKind.TARGET_GROUP,
    "programme": EntityKind.PROGRAMME,
}
FILTER_FIELDS = ("size_class", "region", "domain", "target_group", "programme")
DEFAULT_TOP = 10
MAX_TOP = 50
MAX_TEXT = 200


@dataclass(frozen=True)
class PlannerForm:
    """What the user asked for; every field is the text typed or chosen (empty: not given)."""

    city: str = ""
    service_type: str = ""
    size_class: str = ""
    region: str = ""
    domain: str = ""
    target_group: str = ""
    programme: str = ""
    top: int = DEFAULT_TOP

    @classmethod
    def from_params(cls, params: Mapping[str, Sequence[str]]) -> PlannerForm:
        """The form from query parameters (``service-type`` or ``service_type``, …)."""
        values: dict[str, str] = {}
        for name in FIELD_KINDS:
            given = params.get(name.replace("_", "-")) or params.get(name) or [""]
            values[name] = given[0].strip()[:MAX_TEXT]
        top = DEFAULT_TOP
        raw_top = (params.get("top") or [""])[0].strip()
        if raw_top.isdigit():
            top = max(1, min(MAX_TOP, int(raw_top)))
        return cls(top=top, **values)

    @property
    def asked(self) -> bool:
        return bool(self.city or self.service_type)

    def query_string(self, **changes: str) -> str:
        """The form as a query string, with ``changes`` applied (for links between answers)."""
        from urllib.parse import urlencode

        pairs = []
        for item in fields(self):
            value = changes.get(item.name, getattr(self, item.name))
            if item.name == "top":
                if value != DEFAULT_TOP:
                    pairs.append(("top", str(value)))
            elif value:
                pairs.append((item.name.replace("_", "-"), str(value)))
        return urlencode(pairs)


@dataclass(frozen=True)
class FieldError:
    """A name the planner could not resolve: the field, the message and names to try."""

    field: str
    message: str
    suggestions: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlannerAnswer:
    """The outcome of one form: errors, or the library's results."""

    form: PlannerForm
    errors: tuple[FieldError, ...] = ()
    city: CityRecommendations | None = None
    similar: SimilarCities | None = None
    service_type: TypeRecommendations | None = None
    resolved: Mapping[str, URIRef] = field(default_factory=dict)


class PlannerService:
    """The planner model and the engine it was read from, built once."""

    def __init__(self, engine: SparqlEngine) -> None:
        self.engine = engine
        self.planner: Planner = build_planner(read_replication_data(engine))

    def _resolve(self, form: PlannerForm) -> tuple[dict[str, URIRef], list[FieldError]]:
        resolved: dict[str, URIRef] = {}
        errors: list[FieldError] = []
        for name, kind in FIELD_KINDS.items():
            text = getattr(form, name)
            if not text:
                continue
            try:
                resolved[name] = resolve(self.engine, kind, text)
            except UnknownNameError as exc:
                errors.append(FieldError(name, str(exc), tuple(exc.suggestions)))
            except AmbiguousNameError as exc:
                errors.append(FieldError(name, str(exc), tuple(exc.candidates)))
        return resolved, errors

    def answer(self, form: PlannerForm) -> PlannerAnswer:
        """Resolve the form's names and run the planner; errors instead when a name fails."""
        if not form.asked:
            return PlannerAnswer(form)
        if form.city and form.service_type:
            return PlannerAnswer(
                form,
                (
                    FieldError(
                        "service_type",
                        "give a city or a service type, not both: the planner ranks service "
                        "types for a city, or cities for a service type",
                    ),
                ),
            )
        resolved, errors = self._resolve(form)
        if errors:
            return PlannerAnswer(form, tuple(errors), resolved=resolved)
        filters = Filters(**{name: resolved.get(name) for name in FILTER_FIELDS})
        planner = self.planner
        if "city" in resolved:
            city = resolved["city"]
            return PlannerAnswer(
                form,
                city=recommend_for_city(planner, city, filters, form.top),
                similar=similar_cities(planner, city, len(planner.data.cities)),
                resolved=resolved,
            )
        try:
            by_type = recommend_for_type(planner, resolved["service_type"], filters, form.top)
        except SmartkgError as exc:
            return PlannerAnswer(form, (FieldError("service_type", str(exc)),), resolved=resolved)
        return PlannerAnswer(form, service_type=by_type, resolved=resolved)
