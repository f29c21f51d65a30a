"""Replication planning: city similarity, recommendations with reasons, and their quality.

Modules, one concern each:

- :mod:`~smartkg.replication.profiles`: read cities, services and vocabularies through SPARQL;
  build city profiles from a set of services.
- :mod:`~smartkg.replication.params`: the documented parameters and the method's name.
- :mod:`~smartkg.replication.features`: the networkx city-feature graph, ancestor expansion.
- :mod:`~smartkg.replication.tfidf`: the cities' sparse TF-IDF vectors, one matrix per facet.
- :mod:`~smartkg.replication.similarity`: TF-IDF cosine similarity and its explanation.
- :mod:`~smartkg.replication.topk`, :mod:`~smartkg.replication.ranking`: every city's top k in
  row blocks, and ``score_key`` order on numpy arrays.
- :mod:`~smartkg.replication.bulk`: bulk builds without cyclic garbage collection.
- :mod:`~smartkg.replication.fit`: how well a service type's features match a city.
- :mod:`~smartkg.replication.planner`: the model (profiles, similarity, adoption) and the score.
- :mod:`~smartkg.replication.filters`: hard constraints.
- :mod:`~smartkg.replication.similar`, :mod:`~smartkg.replication.recommend`: answers with
  reasons.
- :mod:`~smartkg.replication.format`: text and JSON for officers and tools.
- :mod:`~smartkg.replication.writeback`: recommendations as RDF in ``build/``.
- :mod:`~smartkg.replication.metrics`, :mod:`~smartkg.replication.evaluate`,
  :mod:`~smartkg.replication.report`: offline evaluation and its tables.
- :mod:`~smartkg.replication.commands`: what the command line calls.
"""

from smartkg.replication.commands import (
    Output,
    evaluate_report,
    open_planner,
    replicate_report,
    similar_report,
)
from smartkg.replication.evaluate import EvaluationReport, evaluate
from smartkg.replication.filters import Filters
from smartkg.replication.params import PlannerParams
from smartkg.replication.planner import Planner, build_planner
from smartkg.replication.profiles import ReplicationData, build_profiles, read_replication_data
from smartkg.replication.recommend import recommend_for_city, recommend_for_type
from smartkg.replication.similar import similar_cities

__all__ = [
    "EvaluationReport",
    "Filters",
    "Output",
    "Planner",
    "PlannerParams",
    "ReplicationData",
    "build_planner",
    "build_profiles",
    "evaluate",
    "evaluate_report",
    "open_planner",
    "read_replication_data",
    "recommend_for_city",
    "recommend_for_type",
    "replicate_report",
    "similar_cities",
    "similar_report",
]
