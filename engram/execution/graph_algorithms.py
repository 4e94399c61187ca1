"""The `algo.*` procedures: graph algorithms over a projection of the stored graph.

``CALL algo.pageRank({label: 'Person', type: 'KNOWS'}) YIELD node, score`` reads the
nodes with the labels and the relationships of the types between them in bulk (numpy
arrays, see `engram.storage.endpoints`), runs the kernel from `engram.algorithms`, and
yields one row per node. Every procedure takes one configuration map; the keys every
one accepts are `label` and `type` (a name or a list; none means every node or every
relationship), `orientation` ('NATURAL', 'REVERSE' or 'UNDIRECTED') and, where weights
make sense, `weight` (a relationship property) and `defaultWeight` (for relationships
without it). The rest are listed per procedure in docs/algorithms.md.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Final

import numpy as np

from engram import types as t
from engram.algorithms.projection import Orientation, Projection
from engram.errors import ErrorDetail, ErrorKind, QueryRuntimeError
from engram.execution.context import ExecContext
from engram.execution.entities import NodeRef, PathValue
from engram.execution.procedures import ProcedureField, ProcedureSpec, RuntimeRows

__all__ = ["ALGORITHM_PROCEDURES"]

_PROJECTION_KEYS: Final = ("label", "type", "orientation")
_WEIGHT_KEYS: Final = ("weight", "defaultWeight")

Rows = Iterable[tuple[Any, ...]]


def _error(procedure: str, message: str, hint: str | None = None) -> QueryRuntimeError:
    return QueryRuntimeError(
        f"{procedure}: {message}",
        kind=ErrorKind.ARGUMENT_ERROR,
        detail=ErrorDetail.INVALID_ARGUMENT_VALUE,
        hint=hint,
    )


@dataclass(frozen=True, slots=True)
class _Config:
    """A checked configuration map."""

    procedure: str
    values: Mapping[str, Any]

    def names(self, key: str) -> tuple[str, ...]:
        value = self.values.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            return (value,)
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return tuple(value)
        raise _error(self.procedure, f"'{key}' must be a name or a list of names")

    def number(self, key: str, default: float, *, low: float | None = None) -> float:
        value = self.values.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
            raise _error(self.procedure, f"'{key}' must be a number, got {_shown(value)}")
        if low is not None and value < low:
            raise _error(self.procedure, f"'{key}' must be at least {low:g}, got {value}")
        return float(value)

    def integer(self, key: str, default: int | None, *, low: int = 0) -> int | None:
        value = self.values.get(key, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise _error(self.procedure, f"'{key}' must be an integer, got {_shown(value)}")
        if value < low:
            raise _error(self.procedure, f"'{key}' must be at least {low}, got {value}")
        return value

    def flag(self, key: str, default: bool) -> bool:
        value = self.values.get(key, default)
        if not isinstance(value, bool):
            raise _error(self.procedure, f"'{key}' must be true or false, got {_shown(value)}")
        return value

    def orientation(self, default: Orientation) -> Orientation:
        value = self.values.get("orientation")
        if value is None:
            return default
        if isinstance(value, str) and value.upper() in Orientation.__members__:
            return Orientation(value.upper())
        choices = ", ".join(f"'{o.value}'" for o in Orientation)
        raise _error(self.procedure, f"'orientation' must be one of {choices}, got {_shown(value)}")

    def weight(self) -> str | None:
        value = self.values.get("weight")
        if value is None or isinstance(value, str):
            return value
        raise _error(self.procedure, f"'weight' must be a property name, got {_shown(value)}")


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return f"'{value}'"
    return "null" if value is None else repr(value)


def _config(procedure: str, config: Any, keys: tuple[str, ...]) -> _Config:
    if config is None:
        config = {}
    if not isinstance(config, dict):
        raise _error(procedure, "the configuration must be a map, e.g. {label: 'Person'}")
    allowed = (*_PROJECTION_KEYS, *keys)
    for key in config:
        if key not in allowed:
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(allowed)}"
            raise _error(procedure, f"unknown configuration key '{key}'", hint)
    return _Config(procedure, config)


def _kernels() -> ModuleType:
    """engram.algorithms, imported on first use: scipy takes a second to load."""
    import engram.algorithms as kernels

    return kernels


def _project(ctx: ExecContext, config: _Config, weighted: bool) -> Projection:
    """The nodes with the labels and the relationships of the types between them."""
    graph = ctx.graph
    nodes = graph.nodes_with_labels(config.names("label"))
    ctx.check()
    starts, ends, rel_ids = graph.relationship_arrays(config.names("type"))
    weights = None
    weight = config.weight() if weighted else None
    if weight is not None:
        projection = Projection.build(nodes, starts, ends, rel_ids)
        values = graph.relationship_values(projection.relationships, weight)
        weights = _weights(config, projection.relationships, values, weight)
        return Projection(
            projection.nodes,
            projection.sources,
            projection.targets,
            projection.relationships,
            weights,
        )
    ctx.check()
    return Projection.build(nodes, starts, ends, rel_ids)


def _weights(config: _Config, rel_ids: np.ndarray, values: list[Any], key: str) -> np.ndarray:
    default = config.values.get("defaultWeight")
    if default is not None:
        config.number("defaultWeight", 1.0, low=0.0)
    out = np.empty(len(values), dtype=np.float64)
    for position, value in enumerate(values):
        if value is None:
            if default is None:
                raise _error(
                    config.procedure,
                    f"relationship {int(rel_ids[position])} has no '{key}'",
                    "give every relationship the property, or set defaultWeight",
                )
            value = default
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _error(
                config.procedure,
                f"'{key}' of relationship {int(rel_ids[position])} is {_shown(value)}, "
                "not a number",
            )
        out[position] = value
    if len(out) and not (np.isfinite(out).all() and (out >= 0).all()):
        bad = int(np.flatnonzero(~(np.isfinite(out) & (out >= 0)))[0])
        raise _error(
            config.procedure,
            f"'{key}' of relationship {int(rel_ids[bad])} is {out[bad]}; weights must be "
            "finite and not negative",
        )
    return out


def _per_node(projection: Projection, *columns: np.ndarray) -> RuntimeRows:
    nodes = map(NodeRef, projection.nodes.tolist())
    return RuntimeRows(zip(nodes, *(column.tolist() for column in columns), strict=True))


# -- procedures ------------------------------------------------------------------------


def _page_rank(ctx: ExecContext, config: Any) -> Rows:
    settings = _config(
        "algo.pageRank", config, ("dampingFactor", "maxIterations", "tolerance", *_WEIGHT_KEYS)
    )
    damping = settings.number("dampingFactor", 0.85, low=0.0)
    if damping >= 1:
        raise _error(settings.procedure, f"'dampingFactor' must be below 1, got {damping:g}")
    iterations = settings.integer("maxIterations", 100, low=1) or 100
    tolerance = settings.number("tolerance", 1e-10, low=0.0)
    projection = _project(ctx, settings, weighted=True)
    scores = _kernels().pagerank(
        projection,
        settings.orientation(Orientation.NATURAL),
        damping=damping,
        max_iterations=iterations,
        tolerance=tolerance,
        weighted=projection.weights is not None,
        check=ctx.check,
    )
    return _per_node(projection, scores)


def _betweenness(ctx: ExecContext, config: Any) -> Rows:
    settings = _config("algo.betweenness", config, ("samplingSize", "samplingSeed", "normalized"))
    size = settings.integer("samplingSize", None, low=1)
    seed = settings.integer("samplingSeed", 42) or 0
    projection = _project(ctx, settings, weighted=False)
    scores = _kernels().betweenness(
        projection,
        settings.orientation(Orientation.NATURAL),
        normalized=settings.flag("normalized", False),
        sampling_size=size,
        seed=seed,
        check=ctx.check,
    )
    return _per_node(projection, scores)


def _wcc(ctx: ExecContext, config: Any) -> Rows:
    settings = _config("algo.wcc", config, ())
    projection = _project(ctx, settings, weighted=False)
    return _per_node(projection, _kernels().weakly_connected(projection))


def _scc(ctx: ExecContext, config: Any) -> Rows:
    settings = _config("algo.scc", config, ())
    projection = _project(ctx, settings, weighted=False)
    if settings.orientation(Orientation.NATURAL) is Orientation.UNDIRECTED:
        return _per_node(projection, _kernels().weakly_connected(projection))
    if settings.orientation(Orientation.NATURAL) is Orientation.REVERSE:
        projection = Projection(
            projection.nodes, projection.targets, projection.sources, projection.relationships
        )
    return _per_node(projection, _kernels().strongly_connected(projection))


def _louvain(ctx: ExecContext, config: Any) -> Rows:
    settings = _config(
        "algo.louvain",
        config,
        ("resolution", "seed", "maxLevels", "maxIterations", "tolerance", *_WEIGHT_KEYS),
    )
    projection = _project(ctx, settings, weighted=True)
    communities, score = _kernels().louvain(
        projection,
        weighted=projection.weights is not None,
        resolution=settings.number("resolution", 1.0, low=0.0),
        seed=settings.integer("seed", 42) or 0,
        max_levels=settings.integer("maxLevels", 10, low=1) or 10,
        max_iterations=settings.integer("maxIterations", 50, low=1) or 50,
        tolerance=settings.number("tolerance", 1e-7, low=0.0),
        check=ctx.check,
    )
    return _per_node(projection, communities, np.full(len(communities), score))


def _triangle_count(ctx: ExecContext, config: Any) -> Rows:
    settings = _config("algo.triangleCount", config, ())
    projection = _project(ctx, settings, weighted=False)
    counts, coefficients = _kernels().triangles(projection)
    return _per_node(projection, counts, coefficients)


def _node_id(settings: _Config, key: str, value: Any) -> int:
    if type(value) is NodeRef:
        return value.id
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise _error(settings.procedure, f"'{key}' must be a node, got {_shown(value)}")


def _shortest_path(ctx: ExecContext, config: Any) -> Rows:
    settings = _config("algo.shortestPath", config, ("source", "target", *_WEIGHT_KEYS))
    if "source" not in settings.values:
        raise _error(settings.procedure, "the configuration needs a 'source' node")
    source_id = _node_id(settings, "source", settings.values["source"])
    target_ids = None
    if settings.values.get("target") is not None:
        target_ids = [_node_id(settings, "target", settings.values["target"])]
    projection = _project(ctx, settings, weighted=True)
    source = _index(projection, source_id)
    if source is None:
        return iter(())
    targets = None
    if target_ids is not None:
        found = [_index(projection, node) for node in target_ids]
        targets = np.asarray([index for index in found if index is not None], dtype=np.int64)
    orientation = settings.orientation(Orientation.NATURAL)
    paths = _kernels().shortest_paths(projection, source, targets, orientation)
    return _path_rows(ctx, projection, paths)


def _index(projection: Projection, node_id: int) -> int | None:
    at = int(np.searchsorted(projection.nodes, node_id))
    if at < projection.size and int(projection.nodes[at]) == node_id:
        return at
    return None


def _path_rows(ctx: ExecContext, projection: Projection, paths: list[Any]) -> Rows:
    graph = ctx.graph
    for found in paths:
        node_ids = projection.nodes[found.nodes].tolist()
        nodes = tuple(NodeRef(node) for node in node_ids)
        rels = []
        for rel_id in projection.relationships[found.edges].tolist():
            ref = graph.relationship(rel_id)
            if ref is None:
                raise QueryRuntimeError(
                    f"relationship {rel_id} disappeared while the path was built",
                    kind=ErrorKind.ENTITY_NOT_FOUND,
                    detail=ErrorDetail.DELETED_ENTITY_ACCESS,
                )
            rels.append(ref)
        yield (
            nodes[-1],
            found.total,
            list(nodes),
            found.costs.tolist(),
            PathValue(nodes=nodes, rels=tuple(rels)),
        )


def _spec(
    name: str,
    outputs: tuple[tuple[str, t.CypherType], ...],
    implementation: Callable[..., Rows],
    description: str,
) -> ProcedureSpec:
    return ProcedureSpec(
        name=name,
        inputs=(ProcedureField("config", t.MAP, True),),
        outputs=tuple(ProcedureField(field, kind, False) for field, kind in outputs),
        implementation=implementation,
        needs_context=True,
        description=description,
    )


_NODE_SCORE: Final = (("node", t.NODE), ("score", t.FLOAT))

ALGORITHM_PROCEDURES: tuple[ProcedureSpec, ...] = (
    _spec("algo.pageRank", _NODE_SCORE, _page_rank, "PageRank score of every node."),
    _spec(
        "algo.betweenness",
        _NODE_SCORE,
        _betweenness,
        "Betweenness centrality (exact, or sampled with samplingSize).",
    ),
    _spec(
        "algo.wcc",
        (("node", t.NODE), ("componentId", t.INTEGER)),
        _wcc,
        "Weakly connected components (id: the smallest node id in the component).",
    ),
    _spec(
        "algo.scc",
        (("node", t.NODE), ("componentId", t.INTEGER)),
        _scc,
        "Strongly connected components (id: the smallest node id in the component).",
    ),
    _spec(
        "algo.louvain",
        (("node", t.NODE), ("communityId", t.INTEGER), ("modularity", t.FLOAT)),
        _louvain,
        "Louvain communities (id: the smallest node id in the community).",
    ),
    _spec(
        "algo.triangleCount",
        (("node", t.NODE), ("triangles", t.INTEGER), ("coefficient", t.FLOAT)),
        _triangle_count,
        "Triangles through every node and its local clustering coefficient.",
    ),
    _spec(
        "algo.shortestPath",
        (
            ("target", t.NODE),
            ("totalCost", t.FLOAT),
            ("nodes", t.list_of(t.NODE)),
            ("costs", t.list_of(t.FLOAT)),
            ("path", t.PATH),
        ),
        _shortest_path,
        "Cheapest paths from a source (Dijkstra over a weight property).",
    ),
)
