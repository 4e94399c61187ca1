"""Query compilation and execution: text through every stage to rows, with a plan cache.

`QueryEngine.compile` runs parse -> bind -> plan -> optimize -> lower once per distinct
query text (parameters never enter the cache key; the schema's indexes and the
registered procedures do) and `QueryEngine.run` executes a compiled query against one
transaction's graph access.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias

from engram import deadline as compile_deadline
from engram.binder import bind
from engram.binder import check_parameters as bound_parameters_check
from engram.binder.bound import BStatement
from engram.catalog.catalog import Catalog
from engram.catalog.statistics import Statistics
from engram.config import CACHES
from engram.errors import (
    EngramError,
    ErrorDetail,
    MemoryLimitExceeded,
    QueryError,
    SemanticError,
)
from engram.execution.context import ExecContext
from engram.execution.graph import StoreGraph
from engram.execution.lowering import lower
from engram.execution.memory import MemoryBudget, running
from engram.execution.physical import Batch, PhysicalOp
from engram.execution.procedures import ProcedureRegistry
from engram.execution.profile import Profiler
from engram.execution.values import from_python
from engram.optimizer import RuleContext, optimize
from engram.optimizer.cost.cardinality import estimate_rows
from engram.optimizer.cost.vector import VectorIndexInfo
from engram.parser import parse
from engram.parser.ast import ExplainMode
from engram.planner.operators import LogicalOp, ProduceResults
from engram.planner.patterns import IndexInfo
from engram.planner.planner import plan

__all__ = ["CompiledQuery", "QueryEngine", "StatisticsView"]

#: the property and vector indexes a plan was made for
_Infos: TypeAlias = tuple[tuple[IndexInfo, ...], tuple[VectorIndexInfo, ...]]


class StatisticsView:
    """The cost model's view (`GraphStatistics`) of a snapshot's statistics, by names."""

    def __init__(self, statistics: Statistics, catalog: Catalog) -> None:
        self._stats = statistics
        self._catalog = catalog

    def node_count(self, label: str | None = None) -> float:
        """Nodes in total or with a label."""
        if label is None:
            return float(self._stats.node_count)
        label_id = self._catalog.label_id(label)
        return 0.0 if label_id is None else float(self._stats.label_count(label_id))

    def relationship_count(self, rel_type: str | None = None) -> float:
        """Relationships in total or of a type."""
        if rel_type is None:
            return float(self._stats.relationship_count)
        type_id = self._catalog.type_id(rel_type)
        return 0.0 if type_id is None else float(self._stats.type_count(type_id))

    def average_degree(self, types: tuple[str, ...], direction: str, label: str | None) -> float:
        """Average relationships of the types per node (of the label) in the direction."""
        catalog, stats = self._catalog, self._stats
        type_ids = [catalog.type_id(t) for t in types] if types else [None]
        label_id = None if label is None else catalog.label_id(label)
        nodes = (
            float(stats.label_count(label_id)) if label_id is not None else float(stats.node_count)
        )
        total = 0.0
        for type_id in type_ids:
            if type_id is None and types:
                continue
            for outgoing in _directions(direction):
                if label_id is not None and type_id is not None:
                    start, end = (label_id, None) if outgoing else (None, label_id)
                    rels = stats.pattern_count(start, type_id, end)
                    total += rels / max(nodes, 1.0)
                else:
                    count = stats.type_count(type_id)
                    total += count / max(nodes, 1.0)
        return total

    def distinct_values(self, label: str, key: str) -> float | None:
        """Distinct values of an indexed property, if an index knows them."""
        label_id, key_id = self._catalog.label_id(label), self._catalog.property_key_id(key)
        if label_id is None or key_id is None:
            return None
        index = self._catalog.find_index(label_id, (key_id,))
        if index is None:
            return None
        distinct = self._stats.index_stats(index.id).distinct
        return float(distinct) if distinct else None


def _directions(direction: str) -> tuple[bool, ...]:
    if direction == "->":
        return (True,)
    if direction == "<-":
        return (False,)
    return (True, False)


@dataclass(frozen=True, slots=True)
class CompiledQuery:
    """A query ready to run any number of times with any parameters."""

    text: str
    statement: BStatement
    logical: LogicalOp
    physical: PhysicalOp
    columns: tuple[str, ...]
    notes: tuple[str, ...]
    estimates: Mapping[int, float]

    @property
    def is_updating(self) -> bool:
        """Whether running it can write."""
        return self.statement.is_updating

    @property
    def explain(self) -> ExplainMode | None:
        """EXPLAIN / PROFILE prefix of the text."""
        return self.statement.explain

    @property
    def parameters(self) -> frozenset[str]:
        """Parameters the query uses."""
        return self.statement.parameters


def vector_index_infos(catalog: Catalog) -> tuple[VectorIndexInfo, ...]:
    """The vector indexes, by names, for the optimizer."""
    out = []
    for index in catalog.indexes:
        if index.kind != "vector" or not index.is_online:
            continue
        options = index.options
        out.append(
            VectorIndexInfo(
                name=index.name,
                label=catalog.label_name(index.label_id),
                key=catalog.property_key_name(index.property_key_ids[0]),
                metric=str(options.get("metric", "cosine")),
                dimensions=int(options.get("dimensions", 0)),
                ef_search=int(options.get("ef_search", 0)),
            )
        )
    return tuple(sorted(out, key=lambda info: info.name))


def index_infos(catalog: Catalog) -> tuple[IndexInfo, ...]:
    """The online property indexes, by names, for the planner."""
    out = []
    for index in catalog.indexes:
        if index.kind != "property" or not index.is_online:
            continue
        keys = tuple(catalog.property_key_name(k) for k in index.property_key_ids)
        out.append(IndexInfo(index.name, catalog.label_name(index.label_id), keys, index.unique))
    return tuple(sorted(out, key=lambda info: info.name))


class QueryEngine:
    """Compiles and caches queries; runs them against a transaction."""

    def __init__(self, procedures: ProcedureRegistry, cache_size: int = 1024) -> None:
        self.procedures = procedures
        self._cache: OrderedDict[tuple[Any, ...], CompiledQuery] = OrderedDict()
        self._cache_size = cache_size if CACHES else 0
        self._lock = threading.Lock()
        self.procedures_version = 0
        self._last_infos: tuple[Catalog, _Infos, int] | None = None
        #: a small number per distinct set of indexes, for plan cache keys (hashing the
        #: infos themselves would take longer than the rest of a cache hit)
        self._info_tokens: dict[_Infos, int] = {}

    def _index_infos(self, catalog: Catalog) -> tuple[_Infos, int]:
        """The catalog's indexes as the planner sees them, and their token."""
        # catalogs are immutable and shared by every reader of a version: remember the last
        last = self._last_infos
        if last is not None and last[0] is catalog:
            return last[1], last[2]
        infos = (index_infos(catalog), vector_index_infos(catalog))
        with self._lock:
            token = self._info_tokens.setdefault(infos, len(self._info_tokens))
        self._last_infos = (catalog, infos, token)
        return infos, token

    def clear(self) -> None:
        """Drop every cached plan (after procedures change)."""
        with self._lock:
            self._cache.clear()
            self.procedures_version += 1

    def compile(
        self,
        text: str,
        catalog: Catalog,
        statistics: Statistics,
        *,
        disabled: frozenset[str] = frozenset(),
        verify: bool = False,
        deadline: float | None = None,
        cancel: threading.Event | None = None,
        memory: MemoryBudget | None = None,
    ) -> CompiledQuery:
        """The compiled form of `text` (from the cache when possible).

        Compiling stops with `QueryTimeout` once `deadline` (a `time.monotonic()` instant)
        passes or `cancel` is set; constants folded while planning are built within
        `memory`.
        """
        infos, token = self._index_infos(catalog)
        key = (text, token, disabled, self.procedures_version, _size_bucket(statistics))
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return cached
        with compile_deadline.compiling(deadline, cancel), running(memory or MemoryBudget()):
            compiled = self._compile(text, catalog, statistics, infos, disabled, verify)
        with self._lock:
            self._cache[key] = compiled
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return compiled

    def _compile(
        self,
        text: str,
        catalog: Catalog,
        statistics: Statistics,
        indexes: _Infos,
        disabled: frozenset[str],
        verify: bool,
    ) -> CompiledQuery:
        try:
            tree = parse(text)
            compile_deadline.check()
            statement = bind(tree, procedures=self.procedures, catalog=catalog)
            compile_deadline.check()
            logical = plan(statement)
            compile_deadline.check()
            view = StatisticsView(statistics, catalog)
            ctx = RuleContext(
                statistics=view,
                indexes=indexes[0],
                vector_indexes=indexes[1],
                disabled=disabled,
                verify=verify,
            )
            optimized = optimize(logical, ctx)
            compile_deadline.check()
            physical = lower(optimized)
        except QueryError as error:
            raise error.with_source(text) from None
        except EngramError:
            raise
        except RecursionError:
            # parser limits bound nesting and chains; many patterns in one MATCH can still
            # give a plan deeper than the stages' recursion allows
            raise SemanticError(
                "the query is too large to plan: its plan nests more deeply than engram can "
                "compile",
                detail=ErrorDetail.RESOURCE_LIMIT,
                hint="match fewer relationships in one query (about 120 at most), or use "
                "variable-length relationships such as -[*5]->",
            ).with_source(text) from None
        columns: tuple[str, ...] = ()
        if isinstance(optimized, ProduceResults):
            columns = tuple(name for name, _ in optimized.columns)
        notes = tuple(_note_text(note) for note in statement.notes) + tuple(ctx.notes)
        return CompiledQuery(
            text=text,
            statement=statement,
            logical=optimized,
            physical=physical,
            columns=columns,
            notes=notes,
            estimates=estimate_rows(optimized, view),
        )

    def run(
        self,
        compiled: CompiledQuery,
        graph: StoreGraph,
        params: Mapping[str, Any],
        *,
        timeout: float | None = None,
        profile: bool = False,
        cancel: threading.Event | None = None,
        deadline: float | None = None,
        memory: MemoryBudget | None = None,
    ) -> tuple[Iterator[Batch], ExecContext]:
        """Start executing; batches of rows are produced lazily as the iterator is consumed.

        Setting `cancel` (from any thread) stops the query at its next batch with
        `QueryTimeout`, as a passed deadline does. `deadline` (a `time.monotonic()`
        instant) wins over `timeout`; operators hold rows within `memory`.
        """
        values = check_parameters(compiled, params)
        if deadline is None and timeout is not None:
            deadline = time.monotonic() + timeout
        ctx = ExecContext(
            graph=graph,
            params=values,
            procedures=self.procedures,
            deadline=deadline,
            memory=memory or MemoryBudget(),
        )
        if cancel is not None:
            ctx.cancelled = cancel
        if profile:
            ctx.profiler = Profiler(read_counter=graph)
        return _batches(compiled, ctx), ctx


def _batches(compiled: CompiledQuery, ctx: ExecContext) -> Iterator[Batch]:
    batches = compiled.physical.run(ctx, ())
    try:
        while True:
            # functions that build large values (range()) check the running query's budget
            with running(ctx.memory):
                batch = next(batches, None)
            if batch is None:
                return
            yield batch
    except QueryError as error:
        raise error.with_source(compiled.text) from None
    except MemoryError:
        # an allocation the machine refused (numpy columns of a huge expansion): the
        # query is over any limit; the process and the store are fine
        memory = ctx.memory
        raise MemoryLimitExceeded(
            memory.limit or memory.used, memory.used, "an allocation the machine refused"
        ) from None


def _note_text(note: Any) -> str:
    message = str(getattr(note, "message", note))
    hint = getattr(note, "hint", None)
    return f"{message} ({hint})" if hint else message


def check_parameters(compiled: CompiledQuery, params: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters as runtime values; every parameter the query uses must be given."""
    try:
        bound_parameters_check(compiled.statement, params)
    except QueryError as error:
        raise error.with_source(compiled.text) from None
    return {name: from_python(value) for name, value in params.items()}


def _size_bucket(statistics: Statistics) -> int:
    # plans are re-made when the graph grows or shrinks by an order of magnitude
    return max(statistics.node_count, 1).bit_length() // 3
