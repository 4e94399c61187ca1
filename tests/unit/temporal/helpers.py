"""Shortcuts for the temporal tests: call the registered functions with a fixed clock."""

from __future__ import annotations

from typing import Any

from engram.temporal.clock import TemporalContext
from engram.temporal.functions import TEMPORAL_FUNCTIONS

# 2024-05-01T10:00:00.123456789Z, a fixed "now" for the clock-reading functions
NOW_NANOS = 1_714_557_600_123_456_789
CONTEXT = TemporalContext.fixed(NOW_NANOS)


def call(name: str, *arguments: Any, context: TemporalContext = CONTEXT) -> Any:
    """Call the temporal function `name` as the engine would."""
    return TEMPORAL_FUNCTIONS[name](context, *arguments)


def date(value: Any) -> Any:
    return call("date", value)


def localtime(value: Any) -> Any:
    return call("localtime", value)


def time(value: Any) -> Any:
    return call("time", value)


def localdatetime(value: Any) -> Any:
    return call("localdatetime", value)


def datetime(value: Any) -> Any:
    return call("datetime", value)


def duration(value: Any) -> Any:
    return call("duration", value)
