"""Function signatures (`FunctionSpec`) and the accumulator protocol of aggregates.

A `FunctionSpec` is what the binder checks a call against (name, arity, literal argument
types, result type), what the optimizer asks before folding (`deterministic`), and what
execution calls (`bind(arity)` gives the implementation wrapped with null propagation).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from engram.errors import InternalError
from engram.types import ANY, CypherType

__all__ = ["Accumulator", "ArgumentTypes", "FunctionSpec", "scalar_spec"]

#: the types one argument position accepts (any of them)
ArgumentTypes = tuple[CypherType, ...]


class Accumulator(Protocol):
    """The running state of one aggregate over one group.

    `add` receives the evaluated arguments of each row (nulls included: the accumulator
    decides what a null means); `result` gives the aggregate's value for the group.
    """

    def add(self, *args: Any) -> None:
        """Fold one row's arguments into the state."""

    def result(self) -> Any:
        """The aggregate value of the rows added so far."""


@dataclass(frozen=True, slots=True, kw_only=True)
class FunctionSpec:
    """One function of the language.

    Attributes:
        name: canonical lower-case name, dotted for namespaces (`'tolower'`,
            `'duration.between'`); lookups are case-insensitive.
        display_name: the documented spelling (`'toLower'`).
        impl: the implementation. A scalar is called with the argument values (after the
            context when `needs_context`); an aggregate is a factory called with
            `distinct: bool` that returns a fresh `Accumulator`.
        min_arity: fewest arguments.
        max_arity: most arguments; None for variadic functions.
        arg_types: accepted types per argument position (alternatives); the last entry
            also covers the extra arguments of a variadic function; missing entries
            accept anything. Used by the binder for compile-time InvalidArgumentType.
        result_type: the result type when `infer_result` is not given.
        infer_result: result type from the argument types (`abs(INTEGER)` is INTEGER).
        propagates_null: the bound callable returns null when any argument is null,
            without calling `impl`.
        deterministic: the same arguments always give the same result (foldable).
        needs_context: `impl(ctx, *args)`; for functions that read the graph, the
            transaction or the statement clock, provided by the engine.
        is_aggregate: an aggregate (see `impl`).
        signature: one line for docs and the shell, e.g.
            `'toLower(input :: STRING) :: STRING'`.
        description: one sentence for docs and the shell.
    """

    name: str
    display_name: str
    impl: Callable[..., Any]
    min_arity: int
    max_arity: int | None
    arg_types: tuple[ArgumentTypes, ...] = ()
    result_type: CypherType = ANY
    infer_result: Callable[[Sequence[CypherType]], CypherType] | None = None
    propagates_null: bool = True
    deterministic: bool = True
    needs_context: bool = False
    is_aggregate: bool = False
    signature: str = ""
    description: str = ""
    _callables: dict[int, Callable[..., Any]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        if self.name != self.name.lower() or self.display_name.lower() != self.name:
            raise InternalError(f"function {self.display_name!r} has a non-canonical name")
        if self.min_arity < 0 or (self.max_arity is not None and self.max_arity < self.min_arity):
            raise InternalError(f"function {self.display_name!r} has an impossible arity")
        if self.max_arity is not None and len(self.arg_types) > self.max_arity:
            raise InternalError(
                f"function {self.display_name!r} types more arguments than it takes"
            )

    def accepts_arity(self, count: int) -> bool:
        """Whether a call with `count` arguments is well-formed."""
        return count >= self.min_arity and (self.max_arity is None or count <= self.max_arity)

    @property
    def arity_text(self) -> str:
        """The accepted argument counts in words, for error messages (`'1 or 2'`)."""
        low, high = self.min_arity, self.max_arity
        if high is None:
            return f"at least {low}"
        if low == high:
            return str(low)
        if high == low + 1:
            return f"{low} or {high}"
        return f"{low} to {high}"

    def argument_types(self, position: int) -> ArgumentTypes:
        """The types accepted at 0-based argument `position`."""
        if position < len(self.arg_types):
            return self.arg_types[position]
        if self.max_arity is None and self.arg_types:
            return self.arg_types[-1]
        return (ANY,)

    def accepts_argument(self, position: int, argument_type: CypherType) -> bool:
        """Whether an argument of `argument_type` may appear at `position`."""
        return any(accepted.accepts(argument_type) for accepted in self.argument_types(position))

    def result_type_for(self, argument_types: Sequence[CypherType]) -> CypherType:
        """The result type of a call with arguments of these types."""
        if self.infer_result is not None:
            return self.infer_result(argument_types)
        return self.result_type

    def bind(self, arity: int) -> Callable[..., Any]:
        """The callable execution uses for calls with `arity` arguments.

        With `propagates_null` it returns null as soon as an argument is null; with
        `needs_context` it takes the execution context first. For aggregates it is the
        accumulator factory.
        """
        bound = self._callables.get(arity)
        if bound is None:
            bound = _wrap(self, arity)
            self._callables[arity] = bound
        return bound

    def invoke(self, *args: Any) -> Any:
        """Call a scalar function without a context (tests, docs, constant folding)."""
        if self.needs_context or self.is_aggregate:
            raise InternalError(f"function {self.display_name!r} cannot be invoked directly")
        return self.bind(len(args))(*args)


def _wrap(spec: FunctionSpec, arity: int) -> Callable[..., Any]:
    impl = spec.impl
    if spec.is_aggregate or not spec.propagates_null or arity == 0:
        return impl
    if spec.needs_context:
        return _null_propagating_with_context(impl)
    if arity == 1:
        return lambda value: None if value is None else impl(value)
    if arity == 2:
        return lambda first, second: (
            None if first is None or second is None else impl(first, second)
        )
    return _null_propagating(impl)


def _null_propagating(impl: Callable[..., Any]) -> Callable[..., Any]:
    def call(*args: Any) -> Any:
        for arg in args:
            if arg is None:
                return None
        return impl(*args)

    return call


def _null_propagating_with_context(impl: Callable[..., Any]) -> Callable[..., Any]:
    def call(ctx: Any, *args: Any) -> Any:
        for arg in args:
            if arg is None:
                return None
        return impl(ctx, *args)

    return call


def scalar_spec(
    display_name: str,
    impl: Callable[..., Any],
    arg_types: Sequence[ArgumentTypes],
    result_type: CypherType,
    *,
    optional: int = 0,
    variadic: bool = False,
    signature: str,
    description: str,
    infer_result: Callable[[Sequence[CypherType]], CypherType] | None = None,
    propagates_null: bool = True,
    deterministic: bool = True,
) -> FunctionSpec:
    """A scalar `FunctionSpec` whose arity follows its argument list.

    The last `optional` arguments may be left out; `variadic` repeats the last one.
    """
    return FunctionSpec(
        name=display_name.lower(),
        display_name=display_name,
        impl=impl,
        min_arity=len(arg_types) - optional,
        max_arity=None if variadic else len(arg_types),
        arg_types=tuple(arg_types),
        result_type=result_type,
        infer_result=infer_result,
        propagates_null=propagates_null,
        deterministic=deterministic,
        signature=signature,
        description=description,
    )
