"""Stand-in signatures for functions other work registers, for the compile report only.

Graph, temporal and vector functions are registered by the engine and temporal work.
Until that is merged, ``python -m tests.unit.binder.tck_compile_report --stub-pending``
registers these stand-ins (plausible argument and result types, no implementation) in
its own process, so the report can show what the binder does with every TCK query.
Never import this from the test suite: the registry is process-wide and a stand-in
would collide with the real function when it is registered.
"""

from __future__ import annotations

from engram import types as t
from engram.execution.functions import registry
from engram.execution.functions.spec import ArgumentTypes, FunctionSpec

_TEMPORAL = {
    "date": t.DATE,
    "datetime": t.DATETIME,
    "localdatetime": t.LOCALDATETIME,
    "localtime": t.LOCALTIME,
    "time": t.TIME,
}
_SUFFIXES = ("truncate", "statement", "transaction", "realtime", "fromepoch", "fromepochmillis")


def _unavailable(*args: object) -> None:
    raise NotImplementedError("a stand-in signature for the compile report")


def _register(
    name: str,
    result: t.CypherType,
    args: tuple[ArgumentTypes, ...] = (),
    arity: tuple[int, int | None] = (0, None),
) -> None:
    if registry.lookup(name) is not None:
        return
    low, high = arity
    registry.register(
        FunctionSpec(
            name=name.lower(),
            display_name=name,
            impl=_unavailable,
            min_arity=low,
            max_arity=high,
            arg_types=args,
            result_type=result,
        )
    )


def register_pending() -> list[str]:
    """Register a stand-in for every missing graph / temporal function; returns their names."""
    before = {spec.name for spec in registry.all_functions()}
    for base, type_ in _TEMPORAL.items():
        _register(base, type_)
        for suffix in _SUFFIXES:
            _register(f"{base}.{suffix}", type_)
    _register("duration", t.DURATION)
    for suffix in ("between", "inMonths", "inDays", "inSeconds"):
        _register(f"duration.{suffix}", t.DURATION, ((t.ANY,), (t.ANY,)), (2, 2))
    one = (1, 1)
    _register("type", t.STRING, ((t.RELATIONSHIP,),), one)
    _register("labels", t.list_of(t.STRING), ((t.NODE,),), one)
    _register("nodes", t.list_of(t.NODE), ((t.PATH,),), one)
    _register("relationships", t.list_of(t.RELATIONSHIP), ((t.PATH,),), one)
    _register("length", t.INTEGER, ((t.PATH,),), one)
    _register("startNode", t.NODE, ((t.RELATIONSHIP,),), one)
    _register("endNode", t.NODE, ((t.RELATIONSHIP,),), one)
    _register("id", t.INTEGER, ((t.NODE, t.RELATIONSHIP),), one)
    _register("exists", t.BOOLEAN, ((t.ANY,),), one)
    _register("timestamp", t.INTEGER, (), (0, 0))
    return sorted({spec.name for spec in registry.all_functions()} - before)
