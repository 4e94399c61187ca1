"""Aggregate functions as accumulators, each with a DISTINCT variant.

count, sum, avg, min, max, collect, stDev, stDevP, percentileCont and percentileDisc.

Every accumulator ignores null values. With DISTINCT, values are de-duplicated by
equivalence (`ordering.group_key`: `1` and `1.0` are one value). `count(*)` counts rows
and belongs to the engine. Results over no values: `count` and `sum` give 0, `stDev`
and `stDevP` give 0.0, the others give null (`collect` gives an empty list).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Sequence
from typing import Any, Final

from engram.errors import ErrorDetail
from engram.execution.arithmetic import add, check_int64, divide
from engram.execution.faults import argument_error, type_error, type_name
from engram.execution.functions.spec import Accumulator, FunctionSpec
from engram.execution.ordering import group_key, order_key
from engram.temporal.base import TemporalValue
from engram.types import ANY, DURATION, FLOAT, INTEGER, NUMBER, CypherType, TypeKind, list_of

__all__ = [
    "SPECS",
    "Avg",
    "Collect",
    "Count",
    "Max",
    "Min",
    "PercentileCont",
    "PercentileDisc",
    "StDev",
    "StDevP",
    "Sum",
]


class _Aggregate:
    """Null skipping and DISTINCT de-duplication shared by every accumulator."""

    __slots__ = ("_seen",)

    def __init__(self, distinct: bool = False) -> None:
        self._seen: set[Hashable] | None = set() if distinct else None

    def _fresh(self, value: Any) -> bool:
        """Whether `value` takes part: not null, and not seen before under DISTINCT."""
        if value is None:
            return False
        if self._seen is None:
            return True
        key = group_key(value)
        if key in self._seen:
            return False
        self._seen.add(key)
        return True

    def held(self) -> int:
        """How many values the state keeps (for the query's memory budget)."""
        return 0 if self._seen is None else len(self._seen)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _expect_number(function: str, value: Any) -> int | float:
    if _is_number(value):
        return value  # type: ignore[no-any-return]
    raise type_error(f"{function}() expects numbers, got {type_name(value)}")


class Count(_Aggregate):
    """`count(x)`: the number of non-null values."""

    __slots__ = ("_count",)

    def __init__(self, distinct: bool = False) -> None:
        super().__init__(distinct)
        self._count = 0

    def add(self, *args: Any) -> None:
        """Count the value if it is not null (and new under DISTINCT)."""
        value = args[0]
        if self._seen is None:
            if value is not None:
                self._count += 1
        elif self._fresh(value):
            self._count += 1

    def result(self) -> int:
        """The count."""
        return self._count


class _Total(_Aggregate):
    """A running sum of numbers or of durations, never both."""

    __slots__ = ("_count", "_function", "_numeric", "_total")

    def __init__(self, distinct: bool = False) -> None:
        super().__init__(distinct)
        self._total: Any = 0
        self._count = 0
        self._function = "sum"
        # numbers only so far, without DISTINCT: the per-row fast path applies
        self._numeric = not distinct

    def add(self, *args: Any) -> None:
        """Add the value to the running total."""
        value = args[0]
        kind = type(value)
        if (kind is int or kind is float) and self._numeric:
            # sequential addition, as the values arrive; integers stay exact
            self._total += value
            self._count += 1
        elif value is not None:
            self._add_checked(value)

    def _add_checked(self, value: Any) -> None:
        if not self._fresh(value):
            return
        is_duration = isinstance(value, TemporalValue)
        if not (is_duration or _is_number(value)):
            raise type_error(
                f"{self._function}() expects numbers or durations, got {type_name(value)}"
            )
        if self._count and isinstance(self._total, TemporalValue) != is_duration:
            raise type_error(f"{self._function}() cannot mix numbers and durations")
        if is_duration:
            self._numeric = False
        self._total = value if self._count == 0 else _sum2(self._total, value)
        self._count += 1


def _sum2(total: Any, value: Any) -> Any:
    if isinstance(total, TemporalValue):
        return add(total, value)
    return total + value


class Sum(_Total):
    """`sum(x)`: integers stay integers (64-bit), any float makes a float; durations add."""

    __slots__ = ()

    def result(self) -> Any:
        """The total; 0 when there were no values."""
        if isinstance(self._total, int):
            return check_int64(self._total, "sum()")
        return self._total


class Avg(_Total):
    """`avg(x)`: the mean as a float (or a duration); null when there were no values."""

    __slots__ = ()

    def __init__(self, distinct: bool = False) -> None:
        super().__init__(distinct)
        self._function = "avg"

    def result(self) -> Any:
        """The mean."""
        if self._count == 0:
            return None
        if isinstance(self._total, TemporalValue):
            return divide(self._total, self._count)
        return self._total / self._count


class _Extreme(_Aggregate):
    """The least or greatest value in Cypher's total order."""

    __slots__ = ("_best", "_best_key")
    _sign: int = 1

    def __init__(self, distinct: bool = False) -> None:
        super().__init__(False)  # DISTINCT cannot change an extreme
        self._best: Any = None
        self._best_key: tuple[Any, ...] | None = None

    def add(self, *args: Any) -> None:
        """Keep the value if it is beyond the best so far (the first wins a tie)."""
        value = args[0]
        if value is None:
            return
        key = order_key(value)
        if self._best_key is None or (
            key < self._best_key if self._sign < 0 else key > self._best_key
        ):
            self._best, self._best_key = value, key

    def result(self) -> Any:
        """The extreme value; null when there were no values."""
        return self._best


class Min(_Extreme):
    """`min(x)`: the least value in Cypher's total order."""

    __slots__ = ()
    _sign = -1


class Max(_Extreme):
    """`max(x)`: the greatest value in Cypher's total order."""

    __slots__ = ()
    _sign = 1


class Collect(_Aggregate):
    """`collect(x)`: the non-null values as a list, in arrival order."""

    __slots__ = ("_items",)

    def __init__(self, distinct: bool = False) -> None:
        super().__init__(distinct)
        self._items: list[Any] = []

    def add(self, *args: Any) -> None:
        """Append the value if it is not null (and new under DISTINCT)."""
        value = args[0]
        if self._seen is None:
            if value is not None:
                self._items.append(value)
        elif self._fresh(value):
            self._items.append(value)

    def result(self) -> list[Any]:
        """The collected values."""
        return self._items

    def held(self) -> int:
        """The values collected (and seen, under DISTINCT)."""
        return len(self._items) + super().held()


class _Deviation(_Aggregate):
    """Welford's running mean and sum of squared deviations."""

    __slots__ = ("_count", "_mean", "_squares")
    _function: str = "stDev"
    _sample: bool = True

    def __init__(self, distinct: bool = False) -> None:
        super().__init__(distinct)
        self._count = 0
        self._mean = 0.0
        self._squares = 0.0

    def add(self, *args: Any) -> None:
        """Fold the value into the running moments."""
        value = args[0]
        if not self._fresh(value):
            return
        number = float(_expect_number(self._function, value))
        self._count += 1
        delta = number - self._mean
        self._mean += delta / self._count
        self._squares += delta * (number - self._mean)

    def result(self) -> float:
        """The standard deviation; 0.0 for fewer values than it needs."""
        divisor = self._count - 1 if self._sample else self._count
        if divisor <= 0:
            return 0.0
        return math.sqrt(self._squares / divisor) if self._squares > 0 else 0.0


class StDev(_Deviation):
    """`stDev(x)`: the sample standard deviation (divides by n - 1)."""

    __slots__ = ()


class StDevP(_Deviation):
    """`stDevP(x)`: the population standard deviation (divides by n)."""

    __slots__ = ()
    _function = "stDevP"
    _sample = False


class _Percentile(_Aggregate):
    """Collects numbers and the percentile argument, validated on every row."""

    __slots__ = ("_percentile", "_values")
    _function: str = "percentileDisc"

    def __init__(self, distinct: bool = False) -> None:
        super().__init__(distinct)
        self._values: list[int | float] = []
        self._percentile: float | None = None

    def add(self, *args: Any) -> None:
        """Check the percentile argument, then keep the value if it is not null."""
        value, percentile = args[0], args[1]
        if percentile is not None:
            checked = _check_percentile(self._function, percentile)
            if self._percentile is None:
                self._percentile = checked
        if self._fresh(value):
            self._values.append(_expect_number(self._function, value))

    def held(self) -> int:
        """The numbers kept (and seen, under DISTINCT)."""
        return len(self._values) + super().held()

    def _sorted(self) -> list[int | float] | None:
        if not self._values or self._percentile is None:
            return None
        return sorted(self._values, key=order_key)


def _check_percentile(function: str, percentile: Any) -> float:
    if not _is_number(percentile):
        raise type_error(
            f"{function}() expects a number as the percentile, got {type_name(percentile)}"
        )
    if not 0.0 <= percentile <= 1.0:
        raise argument_error(
            f"{function}() expects a percentile between 0.0 and 1.0, got {percentile!r}",
            ErrorDetail.NUMBER_OUT_OF_RANGE,
        )
    return float(percentile)


class PercentileDisc(_Percentile):
    """`percentileDisc(x, p)`: the value at percentile p, without interpolation."""

    __slots__ = ()

    def result(self) -> Any:
        """The smallest value with at least p of the values at or below it."""
        values = self._sorted()
        if values is None:
            return None
        assert self._percentile is not None
        count = len(values)
        position = self._percentile * count
        index = max(0, math.ceil(position) - 1) if self._percentile < 1.0 else count - 1
        return values[min(index, count - 1)]


class PercentileCont(_Percentile):
    """`percentileCont(x, p)`: the percentile by linear interpolation, as a float."""

    __slots__ = ()
    _function = "percentileCont"

    def result(self) -> float | None:
        """The interpolated percentile."""
        values = self._sorted()
        if values is None:
            return None
        assert self._percentile is not None
        position = self._percentile * (len(values) - 1)
        lower, upper = math.floor(position), math.ceil(position)
        if lower == upper:
            return float(values[lower])
        fraction = position - lower
        return float(values[lower]) * (1.0 - fraction) + float(values[upper]) * fraction


def _numeric_result(types: Sequence[CypherType]) -> CypherType:
    if types and types[0].kind in (TypeKind.INTEGER, TypeKind.FLOAT, TypeKind.DURATION):
        return types[0]
    return ANY


def _mean_result(types: Sequence[CypherType]) -> CypherType:
    if types and types[0].kind is TypeKind.DURATION:
        return DURATION
    return FLOAT


def _argument_type(types: Sequence[CypherType]) -> CypherType:
    return types[0] if types else ANY


def _aggregate(
    display: str,
    factory: Callable[[bool], Accumulator],
    arg_types: tuple[tuple[CypherType, ...], ...],
    result: CypherType,
    signature: str,
    description: str,
    infer: Callable[[Sequence[CypherType]], CypherType] | None = None,
) -> FunctionSpec:
    return FunctionSpec(
        name=display.lower(),
        display_name=display,
        impl=factory,
        min_arity=len(arg_types),
        max_arity=len(arg_types),
        arg_types=arg_types,
        result_type=result,
        infer_result=infer,
        propagates_null=False,
        is_aggregate=True,
        signature=signature,
        description=description,
    )


_VALUE = ((ANY,),)
_NUMBERS = ((NUMBER, DURATION),)
_PERCENTILE = ((NUMBER,), (NUMBER,))

SPECS: Final[tuple[FunctionSpec, ...]] = (
    _aggregate(
        "count",
        Count,
        _VALUE,
        INTEGER,
        "count(input :: ANY) :: INTEGER",
        "The number of non-null values.",
    ),
    _aggregate(
        "sum",
        Sum,
        _NUMBERS,
        NUMBER,
        "sum(input :: INTEGER | FLOAT | DURATION) :: INTEGER | FLOAT | DURATION",
        "The sum of the non-null values; 0 when there are none.",
        _numeric_result,
    ),
    _aggregate(
        "avg",
        Avg,
        _NUMBERS,
        FLOAT,
        "avg(input :: INTEGER | FLOAT | DURATION) :: FLOAT | DURATION",
        "The mean of the non-null values; null when there are none.",
        _mean_result,
    ),
    _aggregate(
        "min",
        Min,
        _VALUE,
        ANY,
        "min(input :: ANY) :: ANY",
        "The least non-null value in Cypher's order; null when there are none.",
        _argument_type,
    ),
    _aggregate(
        "max",
        Max,
        _VALUE,
        ANY,
        "max(input :: ANY) :: ANY",
        "The greatest non-null value in Cypher's order; null when there are none.",
        _argument_type,
    ),
    _aggregate(
        "collect",
        Collect,
        _VALUE,
        list_of(ANY),
        "collect(input :: ANY) :: LIST<ANY>",
        "The non-null values as a list.",
        lambda types: list_of(types[0] if types else ANY),
    ),
    _aggregate(
        "stDev",
        StDev,
        ((NUMBER,),),
        FLOAT,
        "stDev(input :: INTEGER | FLOAT) :: FLOAT",
        "The sample standard deviation of the non-null values.",
    ),
    _aggregate(
        "stDevP",
        StDevP,
        ((NUMBER,),),
        FLOAT,
        "stDevP(input :: INTEGER | FLOAT) :: FLOAT",
        "The population standard deviation of the non-null values.",
    ),
    _aggregate(
        "percentileCont",
        PercentileCont,
        _PERCENTILE,
        FLOAT,
        "percentileCont(input :: INTEGER | FLOAT, percentile :: FLOAT) :: FLOAT",
        "The percentile of the values, interpolating between neighbours.",
    ),
    _aggregate(
        "percentileDisc",
        PercentileDisc,
        _PERCENTILE,
        NUMBER,
        "percentileDisc(input :: INTEGER | FLOAT, percentile :: FLOAT) :: INTEGER | FLOAT",
        "The value at the percentile, without interpolation.",
        _argument_type,
    ),
)
