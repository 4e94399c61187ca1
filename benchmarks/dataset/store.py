"""The generated dataset on disk: CSV files, vectors, arrays, manifest and the cache.

One directory per (size, seed) under `benchmarks/data/` (git-ignored):

| file | content |
|---|---|
| `persons.csv` | `id:ID,firstName,lastName,age:int,cityId:int` (label Person) |
| `cities.csv` | `id:ID,name,country` (label City) |
| `knows.csv` | `:START_ID,:END_ID,since:int` (Person to Person, type KNOWS) |
| `lives_in.csv` | `:START_ID,:END_ID` (Person to City, type LIVES_IN) |
| `person_embedding.npy` | float32 `(persons, 64)`; row i belongs to data row i of persons.csv |
| `kuzu_persons.csv` | persons.csv plus `embedding` as a `"[x,y,...]"` list, for Kùzu's COPY |
| `arrays.npz` | the generator's columns, read by the reference engine and the parameters |
| `manifest.json` | format version, spec, counts; written last, so its presence means complete |

Person and City ids never overlap (persons from 10^12 up, cities from 1), so one global
id space works for importers with or without id groups. The same CSV files serve every
engine; only Kùzu needs its own persons file, because it takes vectors inline.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np

from benchmarks.dataset.csvfmt import (
    Field,
    constant,
    decimal_field,
    int_field,
    text_field,
    write_csv,
)
from benchmarks.dataset.graph import GraphSpec, SocialGraph, generate

__all__ = ["DATA_ROOT", "FORMAT_VERSION", "DatasetFiles", "ensure_dataset", "load_graph"]

DATA_ROOT: Final = Path(__file__).resolve().parents[1] / "data"
# bump whenever generated content or layout changes: cached datasets are then rebuilt
FORMAT_VERSION: Final = 1
_ARRAY_FIELDS: Final = (
    "person_ids",
    "first_name",
    "last_name",
    "age",
    "person_city",
    "city_ids",
    "city_country",
    "knows_src",
    "knows_dst",
    "knows_since",
)


@dataclass(frozen=True, slots=True)
class DatasetFiles:
    """Paths of one generated dataset."""

    root: Path

    @property
    def persons(self) -> Path:
        """Person nodes."""
        return self.root / "persons.csv"

    @property
    def cities(self) -> Path:
        """City nodes."""
        return self.root / "cities.csv"

    @property
    def knows(self) -> Path:
        """KNOWS relationships."""
        return self.root / "knows.csv"

    @property
    def lives_in(self) -> Path:
        """LIVES_IN relationships."""
        return self.root / "lives_in.csv"

    @property
    def embedding(self) -> Path:
        """Person embeddings, float32, one row per person in file order."""
        return self.root / "person_embedding.npy"

    @property
    def kuzu_persons(self) -> Path:
        """Person nodes with the embedding inline, for Kùzu."""
        return self.root / "kuzu_persons.csv"

    @property
    def arrays(self) -> Path:
        """The generator's columns."""
        return self.root / "arrays.npz"

    @property
    def manifest(self) -> Path:
        """Spec, counts and format version."""
        return self.root / "manifest.json"

    def read_manifest(self) -> dict[str, Any]:
        """The manifest as a dict."""
        loaded: dict[str, Any] = json.loads(self.manifest.read_text())
        return loaded

    def spec(self) -> GraphSpec:
        """The spec this dataset was generated from."""
        return GraphSpec(**self.read_manifest()["spec"])


def dataset_dir(spec: GraphSpec, data_root: Path) -> Path:
    """Where the dataset of `spec` lives."""
    return data_root / f"persons-{spec.persons}-seed-{spec.seed}"


def ensure_dataset(
    spec: GraphSpec, data_root: Path = DATA_ROOT, force: bool = False
) -> DatasetFiles:
    """The dataset of `spec`, generated now unless a complete current copy is cached."""
    files = DatasetFiles(dataset_dir(spec, data_root))
    if not force and _is_current(files, spec):
        return files
    partial = files.root.with_name(f"{files.root.name}.partial-{os.getpid()}")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    started = time.perf_counter()
    graph = generate(spec)
    generated = time.perf_counter() - started
    _write_all(DatasetFiles(partial), graph)
    manifest = {
        "format": FORMAT_VERSION,
        "spec": asdict(spec),
        "counts": {
            "persons": graph.person_count,
            "cities": spec.cities,
            "knows": graph.knows_count,
            "lives_in": graph.person_count,
        },
        "seconds": {"generate": generated, "total": time.perf_counter() - started},
    }
    (partial / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    shutil.rmtree(files.root, ignore_errors=True)
    partial.rename(files.root)
    return files


def load_graph(files: DatasetFiles) -> SocialGraph:
    """Read the generator's arrays and embeddings back (no CSV parsing)."""
    spec = files.spec()
    with np.load(files.arrays) as arrays:
        columns = {name: arrays[name] for name in _ARRAY_FIELDS}
    return SocialGraph(spec=spec, embedding=np.load(files.embedding), **columns)


def _is_current(files: DatasetFiles, spec: GraphSpec) -> bool:
    if not files.manifest.exists():
        return False
    manifest = files.read_manifest()
    return bool(manifest.get("format") == FORMAT_VERSION and manifest.get("spec") == asdict(spec))


def _write_all(files: DatasetFiles, graph: SocialGraph) -> None:
    np.savez(files.arrays, **{name: getattr(graph, name) for name in _ARRAY_FIELDS})
    np.save(files.embedding, graph.embedding)
    _write_persons(files, graph)
    _write_cities(files, graph)
    _write_relationships(files, graph)


def _person_fields(graph: SocialGraph, start: int, stop: int) -> list[Field]:
    rows = stop - start
    comma = constant(b",", rows)
    return [
        int_field(graph.person_ids[start:stop]),
        comma,
        text_field(graph.first_names, graph.first_name[start:stop]),
        comma,
        text_field(graph.last_names, graph.last_name[start:stop]),
        comma,
        int_field(graph.age[start:stop]),
        comma,
        int_field(graph.city_ids[graph.person_city[start:stop]]),
    ]


def _write_persons(files: DatasetFiles, graph: SocialGraph) -> None:
    count = graph.person_count

    def plain(start: int, stop: int) -> list[Field]:
        return [*_person_fields(graph, start, stop), constant(b"\n", stop - start)]

    def with_vectors(start: int, stop: int) -> list[Field]:
        rows = stop - start
        fields = [*_person_fields(graph, start, stop), constant(b',"[', rows)]
        vectors = graph.embedding[start:stop]
        for dim in range(vectors.shape[1]):
            if dim:
                fields.append(constant(b",", rows))
            fields.append(decimal_field(vectors[:, dim], 4))
        fields.append(constant(b']"\n', rows))
        return fields

    write_csv(files.persons, "id:ID,firstName,lastName,age:int,cityId:int", count, plain)
    write_csv(
        files.kuzu_persons,
        "id,firstName,lastName,age,cityId,embedding",
        count,
        with_vectors,
        chunk=50_000,
    )


def _write_cities(files: DatasetFiles, graph: SocialGraph) -> None:
    def fields(start: int, stop: int) -> list[Field]:
        rows = stop - start
        comma = constant(b",", rows)
        return [
            int_field(graph.city_ids[start:stop]),
            comma,
            text_field(graph.city_names, np.arange(start, stop)),
            comma,
            text_field(graph.country_names, graph.city_country[start:stop]),
            constant(b"\n", rows),
        ]

    write_csv(files.cities, "id:ID,name,country", len(graph.city_ids), fields)


def _write_relationships(files: DatasetFiles, graph: SocialGraph) -> None:
    def knows(start: int, stop: int) -> list[Field]:
        rows = stop - start
        comma = constant(b",", rows)
        return [
            int_field(graph.person_ids[graph.knows_src[start:stop]]),
            comma,
            int_field(graph.person_ids[graph.knows_dst[start:stop]]),
            comma,
            int_field(graph.knows_since[start:stop]),
            constant(b"\n", rows),
        ]

    def lives_in(start: int, stop: int) -> list[Field]:
        rows = stop - start
        return [
            int_field(graph.person_ids[start:stop]),
            constant(b",", rows),
            int_field(graph.city_ids[graph.person_city[start:stop]]),
            constant(b"\n", rows),
        ]

    write_csv(files.knows, ":START_ID,:END_ID,since:int", graph.knows_count, knows)
    write_csv(files.lives_in, ":START_ID,:END_ID", graph.person_count, lives_in)
