"""The temporal functions as plain callables, for the engine's function registry.

Every implementation is called as ``impl(context, *args)``: `context` is the statement's
`TemporalContext` (clocks and default zone) and `args` are the Cypher argument values
(None for null). A null argument gives null. Errors are `QueryRuntimeError`s without a
span (`engram.temporal.errors`).

| name(s)                                    | arguments                                   |
|--------------------------------------------|---------------------------------------------|
| date, localtime, time, localdatetime,      | () = now (statement clock, default zone);   |
| datetime                                   | (text) parses ISO 8601; (map) builds from   |
|                                            | fields; (temporal) converts                 |
| <type>.transaction, .statement, .realtime  | () or (timezone): now in that zone          |
| <type>.truncate                            | (unit[, temporal[, map]]); temporal defaults|
|                                            | to now                                      |
| datetime.fromepoch                         | (seconds, nanoseconds), numbers, UTC        |
| datetime.fromepochmillis                   | (milliseconds), a number, UTC               |
| duration                                   | (text) or (map)                             |
| duration.between, .inmonths, .indays,      | (temporal, temporal)                        |
| .inseconds                                 |                                             |

`TEMPORAL_FUNCTIONS` maps each lower-case name to its callable and
`TEMPORAL_FUNCTION_SPECS` to a `TemporalFunction` with its arity and whether some call
forms read a clock (those are not constant-foldable). `get_component` is property
access (`d.year`) with a user-facing error for unknown component names.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Final

from engram.temporal.arguments import require_number, suggestion, type_name
from engram.temporal.base import TemporalValue
from engram.temporal.between import (
    duration_between,
    duration_in_days,
    duration_in_months,
    duration_in_seconds,
)
from engram.temporal.clock import ClockSource, TemporalContext
from engram.temporal.components import (
    DATE_COMPONENTS,
    EPOCH_COMPONENTS,
    TIME_COMPONENTS,
    ZONE_COMPONENTS,
)
from engram.temporal.construct import (
    current,
    date_from_map,
    datetime_from_map,
    duration_from_map,
    local_datetime_from_map,
    local_time_from_map,
    time_from_map,
    to_date,
    to_datetime,
    to_local_datetime,
    to_local_time,
    to_time,
    zone_argument,
)
from engram.temporal.date import Date
from engram.temporal.datetimes import DateTime, LocalDateTime
from engram.temporal.duration import DURATION_COMPONENTS, Duration, exact_number
from engram.temporal.errors import invalid_value, quoted, wrong_type
from engram.temporal.parse import (
    parse_date,
    parse_datetime,
    parse_duration,
    parse_local_datetime,
    parse_local_time,
    parse_time,
)
from engram.temporal.times import LocalTime, Time
from engram.temporal.truncate import TruncateTarget, truncate
from engram.temporal.zones import UTC, Zone

__all__ = [
    "TEMPORAL_FUNCTIONS",
    "TEMPORAL_FUNCTION_SPECS",
    "TemporalFunction",
    "component_names",
    "get_component",
]

Impl = Callable[..., Any]


@dataclass(frozen=True, slots=True)
class TemporalFunction:
    """A temporal function's name, implementation and calling conventions.

    Attributes:
        name: canonical lower-case name (`date.truncate`).
        impl: called as ``impl(context, *args)``.
        min_args: fewest arguments (context not counted).
        max_args: most arguments.
        reads_clock: some call forms depend on the statement, transaction or real time.
    """

    name: str
    impl: Impl
    min_args: int
    max_args: int
    reads_clock: bool


_TYPES: Final[tuple[TruncateTarget, ...]] = (
    "date",
    "localtime",
    "time",
    "localdatetime",
    "datetime",
)
_SOURCES: Final[tuple[ClockSource, ...]] = ("transaction", "statement", "realtime")


def _now(target: str, context: TemporalContext, source: ClockSource, zone: Zone | None) -> Any:
    moment = current(context, source, zone)
    match target:
        case "date":
            return moment.date()
        case "localtime":
            return to_local_time(moment)
        case "time":
            return moment.time()
        case "localdatetime":
            return moment.local()
    return moment


def _parse(target: str, text: str, context: TemporalContext) -> TemporalValue:
    match target:
        case "date":
            return parse_date(text)
        case "localtime":
            return parse_local_time(text)
        case "time":
            return parse_time(text, context.default_offset())
        case "localdatetime":
            return parse_local_datetime(text)
    return parse_datetime(text, context.default_zone)


_FROM_MAP: Final[dict[str, Callable[[Mapping[Any, Any], TemporalContext], TemporalValue]]] = {
    "date": date_from_map,
    "localtime": local_time_from_map,
    "time": time_from_map,
    "localdatetime": local_datetime_from_map,
    "datetime": datetime_from_map,
}


def _convert(target: str, value: TemporalValue, context: TemporalContext) -> TemporalValue:
    match target:
        case "date":
            return to_date(value)
        case "localtime":
            return to_local_time(value)
        case "time":
            return to_time(value, context)
        case "localdatetime":
            return to_local_datetime(value)
    return to_datetime(value, context)


def _constructor(target: str) -> Impl:
    def construct(context: TemporalContext, *args: Any) -> Any:
        if not args:
            return _now(target, context, "statement", None)
        (value,) = args
        if value is None:
            return None
        if isinstance(value, str):
            return _parse(target, value, context)
        if isinstance(value, Mapping):
            return _FROM_MAP[target](value, context)
        if isinstance(value, TemporalValue) and not isinstance(value, Duration):
            return _convert(target, value, context)
        raise wrong_type(f"{target}() cannot take {type_name(value)}")

    construct.__name__ = target
    construct.__doc__ = f"`{target}()`, `{target}(text)`, `{target}(map)`, `{target}(temporal)`."
    return construct


def _clock_variant(target: str, source: ClockSource) -> Impl:
    def now(context: TemporalContext, *args: Any) -> Any:
        if not args:
            return _now(target, context, source, None)
        (zone,) = args
        if zone is None:
            return None
        if isinstance(zone, Mapping) and set(zone) == {"timezone"}:
            zone = zone["timezone"]
        return _now(target, context, source, zone_argument(zone))

    now.__name__ = f"{target}_{source}"
    now.__doc__ = f"`{target}.{source}()` or `{target}.{source}(timezone)`: the {source} time."
    return now


def _truncator(target: TruncateTarget) -> Impl:
    def truncated(context: TemporalContext, unit: Any, *rest: Any) -> Any:
        if unit is None or any(argument is None for argument in rest):
            return None
        value = rest[0] if rest else None
        if value is not None and not isinstance(value, TemporalValue):
            raise wrong_type(f"{target}.truncate() cannot truncate {type_name(value)}")
        return truncate(target, context, unit, value, rest[1] if len(rest) > 1 else None)

    truncated.__name__ = f"{target}_truncate"
    truncated.__doc__ = f"`{target}.truncate(unit[, temporal[, map]])`."
    return truncated


def _duration(context: TemporalContext, value: Any) -> Any:
    """`duration(text)` or `duration(map)`."""
    if value is None:
        return None
    if isinstance(value, str):
        return parse_duration(value)
    if isinstance(value, Mapping):
        return duration_from_map(value)
    if isinstance(value, Duration):
        return value
    raise wrong_type(f"duration() cannot take {type_name(value)}")


def _pairwise(measure: Callable[[TemporalValue, TemporalValue], Duration], name: str) -> Impl:
    def measured(context: TemporalContext, first: Any, second: Any) -> Any:
        if first is None or second is None:
            return None
        for value in (first, second):
            if not isinstance(value, TemporalValue) or isinstance(value, Duration):
                raise wrong_type(f"{name}() needs two temporal instants, got {type_name(value)}")
        return measure(first, second)

    measured.__name__ = name.replace(".", "_")
    measured.__doc__ = f"`{name}(from, to)`."
    return measured


def _from_epoch(context: TemporalContext, seconds: Any, nanoseconds: Any) -> Any:
    """`datetime.fromepoch(seconds, nanoseconds)`, in UTC."""
    if seconds is None or nanoseconds is None:
        return None
    total = _exact(seconds, "the seconds") * 1_000_000_000 + _exact(nanoseconds, "the nanoseconds")
    return DateTime.of_instant(*divmod(math.trunc(total), 1_000_000_000), UTC)


def _from_epoch_millis(context: TemporalContext, millis: Any) -> Any:
    """`datetime.fromepochmillis(milliseconds)`, in UTC."""
    if millis is None:
        return None
    total = math.trunc(_exact(millis, "the milliseconds") * 1_000_000)
    return DateTime.of_instant(*divmod(total, 1_000_000_000), UTC)


def _timestamp(context: TemporalContext) -> int:
    """`timestamp()`: the statement time in milliseconds since 1970-01-01T00:00Z."""
    return context.now("statement") // 1_000_000


def _exact(value: Any, what: str) -> int | Fraction:
    return exact_number(require_number(value, what), what)


def _specs() -> list[TemporalFunction]:
    specs = []
    for target in _TYPES:
        specs.append(TemporalFunction(target, _constructor(target), 0, 1, True))
        for source in _SOURCES:
            impl = _clock_variant(target, source)
            specs.append(TemporalFunction(f"{target}.{source}", impl, 0, 1, True))
        specs.append(TemporalFunction(f"{target}.truncate", _truncator(target), 1, 3, True))
    measures = (
        ("duration.between", duration_between),
        ("duration.inmonths", duration_in_months),
        ("duration.indays", duration_in_days),
        ("duration.inseconds", duration_in_seconds),
    )
    specs.append(TemporalFunction("duration", _duration, 1, 1, False))
    for name, measure in measures:
        specs.append(TemporalFunction(name, _pairwise(measure, name), 2, 2, False))
    specs.append(TemporalFunction("datetime.fromepoch", _from_epoch, 2, 2, False))
    specs.append(TemporalFunction("datetime.fromepochmillis", _from_epoch_millis, 1, 1, False))
    specs.append(TemporalFunction("timestamp", _timestamp, 0, 0, True))
    return specs


TEMPORAL_FUNCTION_SPECS: Final[dict[str, TemporalFunction]] = {spec.name: spec for spec in _specs()}
TEMPORAL_FUNCTIONS: Final[dict[str, Impl]] = {
    name: spec.impl for name, spec in TEMPORAL_FUNCTION_SPECS.items()
}


_INSTANT_COMPONENTS: Final[dict[type, tuple[str, ...]]] = {
    Date: DATE_COMPONENTS,
    LocalTime: TIME_COMPONENTS,
    Time: TIME_COMPONENTS + ZONE_COMPONENTS,
    LocalDateTime: DATE_COMPONENTS + TIME_COMPONENTS,
    DateTime: DATE_COMPONENTS + TIME_COMPONENTS + ZONE_COMPONENTS + EPOCH_COMPONENTS,
    Duration: DURATION_COMPONENTS,
}


def component_names(value: TemporalValue) -> tuple[str, ...]:
    """The component names a value supports, in their documented spelling."""
    return _INSTANT_COMPONENTS[type(value)]


def get_component(value: TemporalValue, name: str) -> Any:
    """`value.name` for the engine, with a user-facing error for unknown components.

    Raises:
        QueryRuntimeError: ArgumentError/InvalidArgumentValue naming the type, with a
            'did you mean' hint.
    """
    try:
        return value.property(name)
    except KeyError:
        names = component_names(value)
        hint = suggestion(name, names) or "components: " + ", ".join(names)
        kind = type_name(value)
        raise invalid_value(f"{kind} has no component {quoted(name)}", hint=hint) from None
