"""Runtime argument checks shared by the function implementations.

Each check returns the argument narrowed to its Python type or raises TypeError
InvalidArgumentType naming the function, the argument position and the type it got.
The binder rejects literal arguments of the wrong type at compile time; these checks
catch the values whose type is only known at runtime.
"""

from __future__ import annotations

from typing import Any

from engram.execution.faults import type_error, type_name

__all__ = [
    "expect_integer",
    "expect_list",
    "expect_map",
    "expect_number",
    "expect_string",
]


def _mismatch(function: str, position: int, expected: str, value: Any) -> Exception:
    return type_error(
        f"{function}() expects {expected} as argument {position}, got {type_name(value)}"
    )


def expect_string(function: str, position: int, value: Any) -> str:
    """`value` if it is a STRING."""
    if isinstance(value, str):
        return value
    raise _mismatch(function, position, "a STRING", value)


def expect_integer(function: str, position: int, value: Any) -> int:
    """`value` if it is an INTEGER (booleans are not integers)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise _mismatch(function, position, "an INTEGER", value)


def expect_number(function: str, position: int, value: Any) -> int | float:
    """`value` if it is an INTEGER or a FLOAT."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    raise _mismatch(function, position, "a number", value)


def expect_list(function: str, position: int, value: Any) -> list[Any] | tuple[Any, ...]:
    """`value` if it is a LIST."""
    if isinstance(value, list | tuple):
        return value
    raise _mismatch(function, position, "a LIST", value)


def expect_map(function: str, position: int, value: Any) -> dict[str, Any]:
    """`value` if it is a MAP."""
    if isinstance(value, dict):
        return value
    raise _mismatch(function, position, "a MAP", value)
