"""The temporal functions of the language, registered from `engram.temporal.functions`.

`date()`, `datetime.truncate()`, `duration.between()` and the rest take the statement's
clock from the execution context (one instant per statement, one per transaction), so
`datetime()` is the same everywhere in a statement.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from engram import types as t
from engram.execution.context import ExecContext
from engram.execution.functions import registry
from engram.execution.functions.spec import FunctionSpec
from engram.temporal.clock import TemporalContext
from engram.temporal.functions import TEMPORAL_FUNCTION_SPECS, TemporalFunction

__all__ = ["install", "signature", "temporal_context"]

_CAMEL: Final = {
    "inmonths": "inMonths",
    "indays": "inDays",
    "inseconds": "inSeconds",
    "fromepoch": "fromEpoch",
    "fromepochmillis": "fromEpochMillis",
}

_RESULT: Final = {
    "date": t.DATE,
    "localtime": t.LOCALTIME,
    "time": t.TIME,
    "localdatetime": t.LOCALDATETIME,
    "datetime": t.DATETIME,
    "duration": t.DURATION,
    "timestamp": t.INTEGER,
}

_CONTEXT_KEY: Final = "temporal-context"


def temporal_context(ctx: ExecContext) -> TemporalContext:
    """The statement's temporal clock (created once per statement)."""
    found = ctx.cache.get(_CONTEXT_KEY)
    if found is None:
        started = ctx.started_ns
        found = TemporalContext(started, ctx.transaction_started_ns or started)
        ctx.cache[_CONTEXT_KEY] = found
    return found


def _display(name: str) -> str:
    return ".".join(_CAMEL.get(part, part) for part in name.split("."))


def _result(name: str) -> t.CypherType:
    head, _, tail = name.partition(".")
    if head == "duration" and tail in ("inmonths", "indays", "inseconds", "between"):
        return t.DURATION
    return _RESULT.get(head, t.ANY)


def _bound(function: TemporalFunction, description: str) -> Callable[..., Any]:
    impl = function.impl

    def call(ctx: ExecContext, *args: Any) -> Any:
        return impl(temporal_context(ctx), *args)

    call.__doc__ = description
    return call


_PARAMETERS: Final = {
    "truncate": ("unit :: STRING", "input :: ANY", "fields :: MAP"),
    "transaction": ("timezone :: STRING",),
    "statement": ("timezone :: STRING",),
    "realtime": ("timezone :: STRING",),
    "fromepoch": ("seconds :: NUMBER", "nanoseconds :: NUMBER"),
    "fromepochmillis": ("milliseconds :: NUMBER",),
    "between": ("from :: ANY", "to :: ANY"),
    "inmonths": ("from :: ANY", "to :: ANY"),
    "indays": ("from :: ANY", "to :: ANY"),
    "inseconds": ("from :: ANY", "to :: ANY"),
}


def signature(function: TemporalFunction) -> str:
    """The documented signature, optional parameters in brackets.

    For example `datetime.fromEpoch(seconds :: NUMBER, nanoseconds :: NUMBER) :: DATETIME`.
    """
    tail = function.name.rpartition(".")[2]
    names = _PARAMETERS.get(tail, ("input :: ANY",))
    count = function.max_args if function.max_args is not None else len(names)
    names = (names + tuple(f"arg{i} :: ANY" for i in range(len(names), count)))[:count]
    required = ", ".join(names[: function.min_args])
    optional = names[function.min_args :]
    text = required
    if optional:
        extra = ", ".join(optional)
        text = f"{text} [, {extra}]" if required else f"[{extra}]"
    return f"{_display(function.name)}({text}) :: {_result(function.name)}"


def _description(function: TemporalFunction) -> str:
    head, _, tail = function.name.partition(".")
    if head == "timestamp":
        return "The statement time in milliseconds since 1970-01-01T00:00Z."
    if not tail:
        return f"Creates a {head} value (the current one without arguments)."
    if tail in ("transaction", "statement", "realtime"):
        return f"The current {head} by the {tail} clock."
    if tail == "truncate":
        return f"Truncates a temporal value to a {head} at the given unit."
    return f"The {head}.{_display(tail)} function (see docs/temporal.md)."


def _spec(function: TemporalFunction) -> FunctionSpec:
    description = _description(function)
    return FunctionSpec(
        name=function.name,
        display_name=_display(function.name),
        impl=_bound(function, description),
        min_arity=function.min_args,
        max_arity=function.max_args,
        result_type=_result(function.name),
        propagates_null=False,
        deterministic=not function.reads_clock,
        needs_context=True,
        signature=signature(function),
        description=description,
    )


_installed = False


def install() -> None:
    """Register every temporal function (once per process)."""
    global _installed
    if _installed:
        return
    for function in TEMPORAL_FUNCTION_SPECS.values():
        registry.register(_spec(function), replace=True)
    _installed = True
