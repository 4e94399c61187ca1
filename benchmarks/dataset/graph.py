"""Generation of the social graph's arrays with numpy, deterministic for a seed.

The graph is LDBC-SNB-like: persons with sparse 64-bit ids, Zipf-distributed first and
last names, ages 18..80, a home city (city sizes are Zipf-distributed) and a 64-dimension
embedding drawn around cluster centres that correlate with the city; cities in countries;
KNOWS relationships with a power-law out-degree (Pareto, exponent 2.5, mean about 10)
whose targets are half the time someone in the same city and half the time someone chosen
in proportion to their own degree (so popular people are popular both ways), with a
`since` year. Persons are rows in id order; relationships reference row indexes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
from numpy.typing import NDArray

from benchmarks.dataset.names import (
    city_names,
    country_names,
    first_names,
    last_names,
    zipf_weights,
)

__all__ = ["GraphSpec", "SocialGraph", "generate"]

FIRST_NAME_COUNT: Final = 400
LAST_NAME_COUNT: Final = 1000
PERSON_ID_BASE: Final = 10**12
PERSON_ID_STRIDE: Final = 1000
MIN_AGE: Final = 18
MAX_AGE: Final = 80
FIRST_YEAR: Final = 2005
LAST_YEAR: Final = 2024
_DEGREE_EXPONENT: Final = 2.5
_LOCAL_SHARE: Final = 0.5
# share of generated KNOWS pairs lost to self-loops and duplicates, compensated up front
_DUPLICATE_ALLOWANCE: Final = 1.04


@dataclass(frozen=True, slots=True)
class GraphSpec:
    """What to generate: the size and the seed decide everything else."""

    persons: int
    seed: int = 42
    dimensions: int = 64
    mean_degree: float = 10.0

    @property
    def cities(self) -> int:
        """Number of cities: one per 50 persons, between 20 and 5,000."""
        return min(5000, max(20, self.persons // 50))

    @property
    def countries(self) -> int:
        """Number of countries: one per 20 cities, at least 5."""
        return max(5, self.cities // 20)

    @property
    def clusters(self) -> int:
        """Number of embedding cluster centres."""
        return max(8, min(256, self.persons // 500))

    @property
    def max_degree(self) -> int:
        """Cap on one person's KNOWS out-degree (the hubs)."""
        return min(self.persons - 1, max(100, int(5 * self.persons**0.5)))


@dataclass(frozen=True, slots=True)
class SocialGraph:
    """The generated graph as columns; `knows_*` hold person row indexes."""

    spec: GraphSpec
    person_ids: NDArray[np.int64]
    first_name: NDArray[np.int64]
    last_name: NDArray[np.int64]
    age: NDArray[np.int64]
    person_city: NDArray[np.int64]
    embedding: NDArray[np.float32]
    city_ids: NDArray[np.int64]
    city_country: NDArray[np.int64]
    knows_src: NDArray[np.int64]
    knows_dst: NDArray[np.int64]
    knows_since: NDArray[np.int64]

    @property
    def first_names(self) -> tuple[str, ...]:
        """First-name vocabulary (`first_name` indexes into it)."""
        return first_names(FIRST_NAME_COUNT)

    @property
    def last_names(self) -> tuple[str, ...]:
        """Last-name vocabulary (`last_name` indexes into it)."""
        return last_names(LAST_NAME_COUNT)

    @property
    def city_names(self) -> tuple[str, ...]:
        """City names by city row."""
        return city_names(self.spec.cities)

    @property
    def country_names(self) -> tuple[str, ...]:
        """Country names (`city_country` indexes into it)."""
        return country_names(self.spec.countries)

    @property
    def person_count(self) -> int:
        """Number of persons."""
        return len(self.person_ids)

    @property
    def knows_count(self) -> int:
        """Number of KNOWS relationships."""
        return len(self.knows_src)


def generate(spec: GraphSpec) -> SocialGraph:
    """Generate the whole graph for `spec`; the same spec always gives the same graph."""
    if spec.persons < 2:
        raise ValueError("the graph needs at least 2 persons")
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(spec.seed).spawn(6)]
    persons_rng, cities_rng, vectors_rng, degree_rng, target_rng, since_rng = streams
    count = spec.persons
    person_ids = PERSON_ID_BASE + np.arange(count, dtype=np.int64) * PERSON_ID_STRIDE
    person_ids += persons_rng.integers(0, PERSON_ID_STRIDE, count)
    first_name = persons_rng.choice(FIRST_NAME_COUNT, count, p=zipf_weights(FIRST_NAME_COUNT, 1.0))
    last_name = persons_rng.choice(LAST_NAME_COUNT, count, p=zipf_weights(LAST_NAME_COUNT, 0.8))
    age = persons_rng.integers(MIN_AGE, MAX_AGE + 1, count)
    person_city = persons_rng.choice(spec.cities, count, p=zipf_weights(spec.cities, 1.0))
    city_country = cities_rng.choice(
        spec.countries, spec.cities, p=zipf_weights(spec.countries, 0.7)
    )
    src, dst = _knows(spec, person_city, degree_rng, target_rng)
    return SocialGraph(
        spec=spec,
        person_ids=person_ids,
        first_name=first_name.astype(np.int64),
        last_name=last_name.astype(np.int64),
        age=age.astype(np.int64),
        person_city=person_city.astype(np.int64),
        embedding=_embeddings(spec, person_city, vectors_rng),
        city_ids=np.arange(1, spec.cities + 1, dtype=np.int64),
        city_country=city_country.astype(np.int64),
        knows_src=src,
        knows_dst=dst,
        knows_since=since_rng.integers(FIRST_YEAR, LAST_YEAR + 1, len(src)).astype(np.int64),
    )


def _embeddings(
    spec: GraphSpec, person_city: NDArray[np.int64], rng: np.random.Generator
) -> NDArray[np.float32]:
    """Unit-length vectors around cluster centres, rounded to 4 decimals (exact in CSV)."""
    count, dims = len(person_city), spec.dimensions
    centres = rng.standard_normal((spec.clusters, dims)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    by_city = rng.random(count) < 0.6
    cluster = np.where(by_city, person_city % spec.clusters, rng.integers(0, spec.clusters, count))
    vectors = rng.standard_normal((count, dims), dtype=np.float32)
    vectors *= np.float32(0.8 / np.sqrt(dims))
    vectors += centres[cluster]
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    rounded: NDArray[np.float32] = (np.rint(vectors * 10_000) / 10_000).astype(np.float32)
    return rounded


def _degrees(spec: GraphSpec, rng: np.random.Generator) -> NDArray[np.int64]:
    """Power-law out-degrees, at least 1, capped, scaled so the mean hits the target."""
    raw = (1.0 - rng.random(spec.persons)) ** (-1.0 / (_DEGREE_EXPONENT - 1.0))
    target = spec.mean_degree * _DUPLICATE_ALLOWANCE
    low, high = 0.1, 100.0
    for _ in range(50):  # bisection on the scale: the mean after flooring and capping
        scale = (low + high) / 2
        mean = np.clip(np.floor(raw * scale), 1, spec.max_degree).mean()
        low, high = (scale, high) if mean < target else (low, scale)
    degrees: NDArray[np.int64] = np.clip(np.floor(raw * low), 1, spec.max_degree).astype(np.int64)
    return degrees


def _knows(
    spec: GraphSpec,
    person_city: NDArray[np.int64],
    degree_rng: np.random.Generator,
    target_rng: np.random.Generator,
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """KNOWS pairs (source row, target row), without self-loops or duplicates, sorted."""
    count = spec.persons
    degrees = _degrees(spec, degree_rng)
    src = np.repeat(np.arange(count, dtype=np.int64), degrees)
    # local targets: a uniformly chosen person of the source's city
    by_city = np.argsort(person_city, kind="stable")
    city_sizes = np.bincount(person_city, minlength=spec.cities)
    city_starts = np.concatenate(([0], np.cumsum(city_sizes)[:-1]))
    home = person_city[src]
    local_pick = by_city[
        city_starts[home] + (target_rng.random(len(src)) * city_sizes[home]).astype(np.int64)
    ]
    # global targets: preferential, in proportion to the target's own out-degree (the
    # source of a uniformly chosen relationship is exactly such a person)
    global_pick = src[target_rng.integers(0, len(src), len(src))]
    is_local = target_rng.random(len(src)) < _LOCAL_SHARE
    dst = np.where(is_local, local_pick, global_pick)
    keys = np.sort(src[src != dst] * count + dst[src != dst])
    keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
    return keys // count, keys % count
