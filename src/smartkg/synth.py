"""A synthetic national catalogue for scale tests and benchmarks (``smartkg synth``).

The output is *data only*: local governments, smart services, outcome figures and certifications
that use the real ontology and the shipped vocabularies (``ontology/vocab``), to be merged with
``ontology/`` for use; it conforms to the shapes. Everything it mints is marked synthetic: city
slugs ``synth-city-00042``, services ``synth-city-00042-s03``, one source document
``src:synthetic-<seed>`` that every entity is derived from (so provenance holds), a synthetic
certification scheme, rounds and operator.

Distributions follow the real catalogue in ``data/`` where it has enough to copy (services per
city, how many domains, technologies and target groups a service names, operating vs planned,
certification kinds and grades); service types are drawn with a Zipf-like popularity, boosted by
how often the real data uses each type, and each type keeps the domains the real data gives it.
The same seed gives byte-identical output: one :class:`random.Random` drives every draw, in a
fixed order over sorted inputs, and nothing depends on the clock.

Triples are written straight to N-Triples or Turtle (chosen by the output suffix) without an
rdflib graph, so millions of triples stream in constant memory, to a temporary file that replaces
the target only when complete.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Final

from rdflib import Graph, URIRef

from smartkg.catalogue import Layout
from smartkg.errors import BuildError
from smartkg.namespaces import (
    AGENT,
    CERT,
    CITY,
    CKIND,
    CSCHEME,
    CSTATUS,
    DCT,
    DOCKIND,
    FIG,
    LEVEL,
    ORG,
    PREFIXES,
    PROV,
    RDF,
    RDFS,
    ROUND,
    SCHEMA,
    SCHEME,
    SIZE,
    SKG,
    SKOS,
    SRC,
    SSTATUS,
    SVC,
    XSD,
)

__all__ = ["SynthResult", "city_slug", "synth", "synth_lines"]

ROUND_YEARS: Final = (2021, 2022, 2023, 2024, 2025)
YEARS: Final = (2019, 2020, 2021, 2022, 2023, 2024, 2025)
MEASURES: Final = (
    ("riders", "명", "이용자", "riders"),
    ("satisfaction", "%", "만족도", "satisfaction"),
    ("sites", "개소", "설치 개소", "sites"),
    ("cameras", "대", "카메라", "cameras"),
    ("app-users", "명", "앱 이용자", "app users"),
)

Term = str
"""An RDF term in N-Triples form (``<iri>``, ``"text"@ko``, ``"1"^^<datatype>``)."""

Entity = tuple[str, list[tuple[str, Term]]]
"""A subject IRI and its (predicate IRI, object term) pairs, in output order."""


def city_slug(index: int) -> str:
    """The slug of synthetic city number ``index`` (1-based): ``synth-city-00042``."""
    return f"synth-city-{index:05d}"


def _iri(iri: str) -> Term:
    return f"<{iri}>"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


def _lang(text: str, lang: str) -> Term:
    return f'"{_escape(text)}"@{lang}'


def _plain(text: str) -> Term:
    return f'"{_escape(text)}"'


def _typed(text: str, datatype: URIRef) -> Term:
    return f'"{_escape(text)}"^^<{datatype}>'


def _year(year: int) -> Term:
    return _typed(str(year), XSD.gYear)


@dataclass(frozen=True)
class _Vocab:
    """The concepts the generator draws from (sorted IRIs), with real-data popularity."""

    regions: tuple[str, ...]
    types: tuple[str, ...]  # leaf service types
    type_labels: dict[str, tuple[str, str]]  # type -> (ko, en)
    domains: tuple[str, ...]
    technologies: tuple[str, ...]
    target_groups: tuple[str, ...]
    type_weights: dict[str, float]
    type_domains: dict[str, tuple[str, ...]]


def _concepts(graph: Graph, scheme: str) -> list[str]:
    return sorted(
        str(c) for c in graph.subjects(SKOS.inScheme, SCHEME[scheme]) if isinstance(c, URIRef)
    )


def _read_vocab(layout: Layout) -> _Vocab:
    vocab = Graph()
    for path in layout.vocab_files():
        vocab.parse(path, format="turtle")
    data = Graph()
    services_dir = layout.data_dir / "services"
    if services_dir.is_dir():
        for path in sorted(services_dir.glob("*.ttl")):
            data.parse(path, format="turtle")
    types = _concepts(vocab, "service-types")
    parents = {str(o) for o in vocab.objects(None, SKOS.broader)}
    leaves = [t for t in types if t not in parents] or types
    if not leaves:
        raise BuildError("no service types in ontology/vocab: cannot synthesise services")
    labels: dict[str, tuple[str, str]] = {}
    for t in leaves:
        names = {
            lit.language: str(lit)
            for lit in vocab.objects(URIRef(t), SKOS.prefLabel)
            if hasattr(lit, "language")
        }
        labels[t] = (names.get("ko", t.rsplit("/", 1)[1]), names.get("en", t.rsplit("/", 1)[1]))
    used: Counter[str] = Counter()
    type_domains: dict[str, set[str]] = defaultdict(set)
    for service in sorted(str(s) for s in data.subjects(RDF.type, SKG.SmartService)):
        for kind in data.objects(URIRef(service), SKG.serviceType):
            used[str(kind)] += 1
            type_domains[str(kind)].update(
                str(d) for d in data.objects(URIRef(service), SKG.domain)
            )
    domains = _concepts(vocab, "domains")
    rng = random.Random(0)  # the vocabulary's own shape does not depend on the seed
    order = list(leaves)
    rng.shuffle(order)
    weights = {t: 1.0 / (rank + 1) ** 0.8 + 0.5 * used[t] for rank, t in enumerate(order)}
    home = {
        t: tuple(sorted(type_domains[t] & set(domains))) or (domains[rng.randrange(len(domains))],)
        for t in leaves
    }
    return _Vocab(
        regions=tuple(_concepts(vocab, "regions")),
        types=tuple(leaves),
        type_labels=labels,
        domains=tuple(domains),
        technologies=tuple(_concepts(vocab, "technologies")),
        target_groups=tuple(_concepts(vocab, "target-groups")),
        type_weights=weights,
        type_domains=home,
    )


def _pick(rng: random.Random, choices: Sequence[str], count: int) -> list[str]:
    return sorted(rng.sample(list(choices), min(count, len(choices))))


def _count(rng: random.Random, weights: Sequence[float]) -> int:
    """A small count drawn with ``weights[k]`` the weight of ``k``."""
    return rng.choices(range(len(weights)), weights=weights)[0]


def _header(seed: int, source: str) -> Iterator[Entity]:
    agent, scheme = str(AGENT["synth-ministry"]), str(CSCHEME["synth-smart-city"])
    prov = (str(PROV.wasDerivedFrom), _iri(source))
    yield (
        source,
        [
            (str(RDF.type), _iri(str(SKG.SourceDocument))),
            (str(RDFS.label), _lang(f"합성 카탈로그 (시드 {seed})", "ko")),
            (str(RDFS.label), _lang(f"Synthetic catalogue (seed {seed})", "en")),
            (str(DCT.title), _lang(f"smartkg 합성 카탈로그 (시드 {seed})", "ko")),
            (str(DCT.type), _iri(str(DOCKIND["press-release"]))),
            (str(DCT.language), _plain("ko")),
            (
                str(SKOS.editorialNote),
                _lang(
                    "Not a real document: stands for every fact of a synthetic catalogue "
                    f"generated by `smartkg synth --seed {seed}` for scale tests.",
                    "en",
                ),
            ),
        ],
    )
    yield (
        agent,
        [
            (str(RDF.type), _iri(str(ORG.Organization))),
            (str(RDFS.label), _lang("합성 부처", "ko")),
            (str(RDFS.label), _lang("Synthetic ministry", "en")),
            prov,
        ],
    )
    yield (
        scheme,
        [
            (str(RDF.type), _iri(str(SKG.CertificationScheme))),
            (str(RDFS.label), _lang("합성 스마트도시 인증", "ko")),
            (str(RDFS.label), _lang("Synthetic smart city certification", "en")),
            (str(SKG.operatedBy), _iri(agent)),
            (str(SKG.firstRoundYear), _year(ROUND_YEARS[0])),
            (str(SKG.reviewPeriodYears), _typed("3", XSD.integer)),
            prov,
        ],
    )
    for year in ROUND_YEARS:
        yield (
            str(ROUND[f"synth-{year}"]),
            [
                (str(RDF.type), _iri(str(SKG.CertificationRound))),
                (str(RDFS.label), _lang(f"{year}년 합성 스마트도시 인증", "ko")),
                (str(RDFS.label), _lang(f"Synthetic smart city certification {year}", "en")),
                (str(SKG.ofScheme), _iri(scheme)),
                (str(SKG.roundYear), _year(year)),
                prov,
            ],
        )


def _services(
    rng: random.Random, vocab: _Vocab, slug: str, city: str, large: bool, prov: tuple[str, str]
) -> Iterator[Entity]:
    # Real data: 2-10 services per certified city, mean 4.4; larger cities run a few more.
    count = 1 + min(11, int(rng.expovariate(1 / (3.9 if large else 3.0))))
    types = rng.choices(vocab.types, weights=[vocab.type_weights[t] for t in vocab.types], k=count)
    for number, service_type in enumerate(types, start=1):
        iri = str(SVC[f"{slug}-s{number:02d}"])
        ko, en = vocab.type_labels[service_type]
        domains = set(vocab.type_domains[service_type][:1])
        if _count(rng, (50, 14, 3, 3)) > 0:  # real: 1 domain 71%, 2-4 domains 29%
            domains.add(rng.choice(vocab.domains))
        technologies = _pick(rng, vocab.technologies, _count(rng, (22, 31, 10, 4, 3)))
        groups = _pick(rng, vocab.target_groups, _count(rng, (27, 27, 11, 3, 2)))
        planned = rng.random() < 19 / 70
        year = rng.choice(YEARS)
        pairs: list[tuple[str, Term]] = [
            (str(RDF.type), _iri(str(SKG.SmartService))),
            (str(RDFS.label), _lang(f"{slug} {ko} {number}", "ko")),
            (str(RDFS.label), _lang(f"{slug} {en} {number}", "en")),
            (str(SKG.provider), _iri(city)),
            (str(SKG.serviceType), _iri(service_type)),
        ]
        pairs += [(str(SKG.domain), _iri(d)) for d in sorted(domains)]
        pairs += [(str(SKG.technology), _iri(t)) for t in technologies]
        pairs += [(str(SKG.targetGroup), _iri(g)) for g in groups]
        status = SSTATUS["planned" if planned else "operating"]
        pairs += [
            (str(SKG.serviceStatus), _iri(str(status))),
            (str(SKG.firstDocumentedYear), _year(year)),
            (str(DCT.description), _lang(f"합성 데이터: {ko} 서비스.", "ko")),
            (str(DCT.description), _lang(f"Synthetic data: a {en} service.", "en")),
        ]
        figure: Entity | None = None
        if not planned and rng.random() < 0.15:
            measure, unit, mko, men = rng.choice(MEASURES)
            value = rng.randint(1, 100) if unit == "%" else rng.randint(10, 50_000)
            figure_iri = str(FIG[f"{slug}-s{number:02d}-{measure}"])
            pairs.append((str(SKG.hasOutcome), _iri(figure_iri)))
            figure = (
                figure_iri,
                [
                    (str(RDF.type), _iri(str(SKG.OutcomeFigure))),
                    (str(RDFS.label), _lang(f"{mko} {value:,}{unit}", "ko")),
                    (str(RDFS.label), _lang(f"{value:,} {men}", "en")),
                    (str(SKG.measure), _lang(measure, "en")),
                    (str(SCHEMA.value), _typed(str(value), XSD.decimal)),
                    (str(SCHEMA.unitText), _plain(unit)),
                    prov,
                ],
            )
        pairs.append(prov)
        yield iri, pairs
        if figure is not None:
            yield figure


def _certifications(
    rng: random.Random,
    slug: str,
    city: str,
    size: str,
    services: list[str],
    prov: tuple[str, str],
) -> Iterator[Entity]:
    if rng.random() >= 0.45:
        return
    first = rng.choice(ROUND_YEARS)
    follow = rng.random()
    events: list[tuple[int, str, str | None]] = [(first, "new", None)]
    if follow < 0.3 and first + 2 in ROUND_YEARS:
        events.append((first + 2, "extension", "extends"))
    elif follow < 0.45 and first + 3 in ROUND_YEARS:
        events.append((first + 3, "renewal", "precededBy"))
    grade = _count(rng, (0, 10, 30, 60))
    previous: str | None = None
    for index, (year, kind, link) in enumerate(events):
        iri = str(CERT[f"{slug}-{year}"])
        if index + 1 < len(events):
            status = "extended" if events[index + 1][1] == "extension" else "expired"
        else:
            status = "valid" if year + 3 >= ROUND_YEARS[-1] else "expired"
        pairs: list[tuple[str, Term]] = [
            (str(RDF.type), _iri(str(SKG.Certification))),
            (str(RDFS.label), _lang(f"{slug} {year} 합성 스마트도시 인증", "ko")),
            (str(RDFS.label), _lang(f"{slug} synthetic smart city certification {year}", "en")),
            (str(SKG.certifiedCity), _iri(city)),
            (str(SKG.certificationScheme), _iri(str(CSCHEME["synth-smart-city"]))),
            (str(SKG.round), _iri(str(ROUND[f"synth-{year}"]))),
            (str(SKG.roundYear), _year(year)),
            (str(SKG.sizeClass), _iri(size)),
            (str(SKG.grade), _typed(str(grade), XSD.integer)),
            (str(SKG.certificationKind), _iri(str(CKIND[kind]))),
            (str(SKG.certificationStatus), _iri(str(CSTATUS[status]))),
            (str(SCHEMA.validFrom), _typed(f"{year}-12-15", XSD.date)),
            (
                str(SCHEMA.validThrough),
                _typed(f"{year + (2 if kind == 'extension' else 3)}-12-14", XSD.date),
            ),
        ]
        cited = _pick(rng, services, 1 + _count(rng, (50, 30, 20)))
        pairs += [(str(SKG.citedService), _iri(s)) for s in cited]
        if link is not None and previous is not None:
            pairs.append((str(SKG[link]), _iri(previous)))
        pairs.append(prov)
        previous = iri
        yield iri, pairs


def _city(rng: random.Random, vocab: _Vocab, index: int, prov: tuple[str, str]) -> Iterator[Entity]:
    slug = city_slug(index)
    city = str(CITY[slug])
    level = _count(rng, (1, 2, 55, 42))
    large = level < 2 or rng.random() < 0.3
    size = str(SIZE["large" if large else "small-medium"])
    yield (
        city,
        [
            (str(RDF.type), _iri(str(SKG.LocalGovernment))),
            (str(RDFS.label), _lang(f"합성도시 {index:05d}", "ko")),
            (str(RDFS.label), _lang(f"Synthetic City {index:05d}", "en")),
            (
                str(SKG.administrativeLevel),
                _iri(
                    str(
                        LEVEL[
                            ("special-city", "metropolitan-city", "city", "autonomous-district")[
                                level
                            ]
                        ]
                    )
                ),
            ),
            (str(SKG.province), _iri(rng.choice(vocab.regions))),
            (str(SKG.sizeClass), _iri(size)),
            prov,
        ],
    )
    services: list[str] = []
    for entity in _services(rng, vocab, slug, city, large, prov):
        if entity[0].startswith(str(SVC)):
            services.append(entity[0])
        yield entity
    yield from _certifications(rng, slug, city, size, services, prov)


def _entities(
    layout: Layout, cities: int, seed: int, progress: Callable[[int], None] | None
) -> Iterator[Entity]:
    vocab = _read_vocab(layout)
    if not vocab.regions:
        raise BuildError("no regions in ontology/vocab: cannot synthesise cities")
    rng = random.Random(seed)
    source = str(SRC[f"synthetic-{seed}"])
    prov = (str(PROV.wasDerivedFrom), _iri(source))
    yield from _header(seed, source)
    for index in range(1, cities + 1):
        yield from _city(rng, vocab, index, prov)
        if progress is not None:
            progress(index)


def synth_lines(layout: Layout, cities: int, seed: int) -> Iterator[str]:
    """The synthetic catalogue as N-Triples lines (each ending in a newline)."""
    for subject, pairs in _entities(layout, cities, seed, None):
        for predicate, obj in pairs:
            yield f"<{subject}> <{predicate}> {obj} .\n"


_LOCAL = re.compile(r"^[A-Za-z0-9_-]*[A-Za-z0-9_]$")
_PREFIXES: Final = sorted(
    ((name, str(ns)) for name, ns in PREFIXES.items()), key=lambda p: -len(p[1])
)


def _compact(term: Term) -> Term:
    """``<iri>`` as a prefixed name where a catalogue prefix covers it; other terms unchanged."""
    if term.startswith("<"):
        iri = term[1:-1]
        if iri == str(RDF.type):
            return "a"
        for name, base in _PREFIXES:
            if iri.startswith(base) and _LOCAL.match(iri[len(base) :]):
                return f"{name}:{iri[len(base) :]}"
    elif "^^<" in term:
        text, _, datatype = term.partition("^^")
        return f"{text}^^{_compact(datatype)}"
    return term


def _write_turtle(entities: Iterator[Entity], out: IO[str]) -> int:
    for name, base in sorted((n, str(ns)) for n, ns in PREFIXES.items()):
        out.write(f"@prefix {name}: <{base}> .\n")
    count = 0
    for subject, pairs in entities:
        out.write(f"\n{_compact(_iri(subject))}\n")
        grouped: dict[str, list[Term]] = {}
        for predicate, obj in pairs:
            grouped.setdefault(predicate, []).append(obj)
            count += 1
        lines = [
            f"    {_compact(_iri(p))} {' , '.join(_compact(o) for o in objs)}"
            for p, objs in grouped.items()
        ]
        out.write(" ;\n".join(lines) + " .\n")
    return count


def _write_ntriples(entities: Iterator[Entity], out: IO[str]) -> int:
    count = 0
    for subject, pairs in entities:
        for predicate, obj in pairs:
            out.write(f"<{subject}> <{predicate}> {obj} .\n")
            count += 1
    return count


class _Progress:
    """A small progress bar on stderr: ``synth [#####     ] 52% 1300/2500 cities``."""

    def __init__(self, total: int, stream: IO[str]) -> None:
        self.total, self.stream, self.shown = total, stream, -1

    def __call__(self, done: int) -> None:
        percent = done * 100 // max(self.total, 1)
        if percent == self.shown:
            return
        self.shown = percent
        bar = "#" * (percent // 5)
        self.stream.write(f"\rsynth [{bar:<20}] {percent:3d}% {done}/{self.total} cities")
        if done >= self.total:
            self.stream.write("\n")
        self.stream.flush()


@dataclass(frozen=True)
class SynthResult:
    """What :func:`synth` wrote."""

    output: Path
    cities: int
    seed: int
    triples: int
    format: str  # "nt" or "ttl"


def synth(
    layout: Layout, cities: int, seed: int, output: Path, *, progress: IO[str] | None = None
) -> SynthResult:
    """Write a synthetic catalogue of ``cities`` cities for ``seed`` to ``output``, atomically.

    N-Triples when ``output`` ends in ``.nt``, Turtle when it ends in ``.ttl``; anything else is a
    :class:`~smartkg.errors.BuildError`. With ``progress`` (e.g. ``sys.stderr``), a progress bar
    is drawn there. The target is replaced only once the whole file is written.
    """
    if cities < 1:
        raise BuildError(f"--cities must be at least 1, not {cities}")
    suffix = output.suffix.lower()
    if suffix not in (".nt", ".ttl"):
        raise BuildError(
            f"cannot tell the format of {output.name}: use a .nt or .ttl suffix", path=str(output)
        )
    writer = _write_ntriples if suffix == ".nt" else _write_turtle
    bar = _Progress(cities, progress) if progress is not None else None
    target = output.resolve()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise BuildError(f"cannot write output: {exc}", path=str(output)) from exc
    temp = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            triples = writer(_entities(layout, cities, seed, bar), handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, target)
    except OSError as exc:
        raise BuildError(f"cannot write output: {exc}", path=str(output)) from exc
    finally:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)
    return SynthResult(output, cities, seed, triples, suffix[1:])
