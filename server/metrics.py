"""Prometheus metrics: counters, gauges and histograms with labels, in the text format.

A small thread-safe registry (queries update metrics from worker threads) that renders
the Prometheus text exposition format 0.0.4 for `/metrics`. `ServerMetrics` declares
every metric the server reports.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Final

__all__ = ["CONTENT_TYPE", "Counter", "Gauge", "Histogram", "Registry", "ServerMetrics"]

CONTENT_TYPE: Final = "text/plain; version=0.0.4; charset=utf-8"

LATENCY_BUCKETS: Final = (
    0.0005,
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
    5.0,
    10.0,
    30.0,
)

LabelValues = tuple[str, ...]


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _format_number(value: float) -> str:
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


class _Metric:
    kind = "untyped"

    def __init__(self, name: str, help_text: str, labels: Sequence[str] = ()) -> None:
        self.name = name
        self.help = help_text
        self.label_names = tuple(labels)
        self._lock = threading.Lock()

    def _key(self, labels: Sequence[str]) -> LabelValues:
        if len(labels) != len(self.label_names):
            raise ValueError(f"{self.name} takes labels {self.label_names}, got {tuple(labels)}")
        return tuple(str(label) for label in labels)

    def _label_text(self, values: LabelValues, extra: tuple[tuple[str, str], ...] = ()) -> str:
        pairs = [*zip(self.label_names, values, strict=True), *extra]
        if not pairs:
            return ""
        return "{" + ",".join(f'{name}="{_escape(value)}"' for name, value in pairs) + "}"

    def samples(self) -> Iterable[str]:
        """The sample lines."""
        return ()

    def render(self) -> str:
        """HELP, TYPE and sample lines."""
        header = [f"# HELP {self.name} {_escape(self.help)}", f"# TYPE {self.name} {self.kind}"]
        return "\n".join([*header, *self.samples()])


class Counter(_Metric):
    """A monotonically increasing count per label set."""

    kind = "counter"

    def __init__(self, name: str, help_text: str, labels: Sequence[str] = ()) -> None:
        super().__init__(name, help_text, labels)
        self._values: dict[LabelValues, float] = {}

    def inc(self, *labels: str, amount: float = 1.0) -> None:
        """Add `amount` (default 1) to the count of the label set."""
        key = self._key(labels)
        with self._lock:
            self._values[key] = self._values.get(key, 0.0) + amount

    def value(self, *labels: str) -> float:
        """The current count of a label set."""
        with self._lock:
            return self._values.get(self._key(labels), 0.0)

    def samples(self) -> Iterable[str]:
        """One line per label set."""
        with self._lock:
            items = sorted(self._values.items())
        return [f"{self.name}{self._label_text(k)} {_format_number(v)}" for k, v in items]


class Gauge(_Metric):
    """A value that goes up and down, per label set; or a callback read at scrape time."""

    kind = "gauge"

    def __init__(
        self,
        name: str,
        help_text: str,
        labels: Sequence[str] = (),
        read: Callable[[], float] | None = None,
    ) -> None:
        super().__init__(name, help_text, labels)
        self._values: dict[LabelValues, float] = {}
        self._read = read

    def set(self, value: float, *labels: str) -> None:
        """Set the value of a label set."""
        key = self._key(labels)
        with self._lock:
            self._values[key] = value

    def add(self, amount: float, *labels: str) -> None:
        """Add `amount` (may be negative)."""
        key = self._key(labels)
        with self._lock:
            self._values[key] = self._values.get(key, 0.0) + amount

    def value(self, *labels: str) -> float:
        """The current value of a label set."""
        if self._read is not None:
            return self._read()
        with self._lock:
            return self._values.get(self._key(labels), 0.0)

    def samples(self) -> Iterable[str]:
        """One line per label set."""
        if self._read is not None:
            return [f"{self.name} {_format_number(self._read())}"]
        with self._lock:
            items = sorted(self._values.items())
        return [f"{self.name}{self._label_text(k)} {_format_number(v)}" for k, v in items]


class Histogram(_Metric):
    """Observations in cumulative buckets, with their sum and count, per label set."""

    kind = "histogram"

    def __init__(
        self,
        name: str,
        help_text: str,
        labels: Sequence[str] = (),
        buckets: Sequence[float] = LATENCY_BUCKETS,
    ) -> None:
        super().__init__(name, help_text, labels)
        self.buckets = tuple(sorted(buckets))
        self._counts: dict[LabelValues, list[int]] = {}
        self._sums: dict[LabelValues, float] = {}

    def observe(self, value: float, *labels: str) -> None:
        """Record one observation."""
        key = self._key(labels)
        with self._lock:
            counts = self._counts.get(key)
            if counts is None:
                counts = self._counts[key] = [0] * (len(self.buckets) + 1)
            for position, bound in enumerate(self.buckets):
                if value <= bound:
                    counts[position] += 1
                    break
            else:
                counts[-1] += 1
            self._sums[key] = self._sums.get(key, 0.0) + value

    def count(self, *labels: str) -> int:
        """Observations of a label set."""
        with self._lock:
            return sum(self._counts.get(self._key(labels), []))

    def samples(self) -> Iterable[str]:
        """Bucket, sum and count lines per label set."""
        with self._lock:
            items = sorted((key, list(counts)) for key, counts in self._counts.items())
            sums = dict(self._sums)
        lines = []
        for key, counts in items:
            running = 0
            for bound, count in zip((*self.buckets, math.inf), counts, strict=True):
                running += count
                label = self._label_text(key, (("le", _format_number(bound)),))
                lines.append(f"{self.name}_bucket{label} {running}")
            lines.append(f"{self.name}_sum{self._label_text(key)} {_format_number(sums[key])}")
            lines.append(f"{self.name}_count{self._label_text(key)} {running}")
        return lines


class Registry:
    """The metrics of one server, rendered together."""

    def __init__(self) -> None:
        self._metrics: list[_Metric] = []

    def register(self, metric: _Metric) -> None:
        """Add a metric (names must be unique)."""
        if any(existing.name == metric.name for existing in self._metrics):
            raise ValueError(f"metric {metric.name} is already registered")
        self._metrics.append(metric)

    def render(self) -> str:
        """The text exposition of every metric."""
        return "\n".join(metric.render() for metric in self._metrics) + "\n"


class ServerMetrics:
    """Every metric the server reports, registered in one `Registry`."""

    def __init__(self) -> None:
        self.registry = Registry()
        self.requests = Counter(
            "engram_http_requests_total", "HTTP requests by route and status.", ("route", "status")
        )
        self.request_seconds = Histogram(
            "engram_http_request_duration_seconds", "HTTP request latency.", ("route",)
        )
        self.operations = Counter(
            "engram_graphql_operations_total",
            "GraphQL operations by type and outcome.",
            ("type", "outcome"),
        )
        self.errors = Counter("engram_graphql_errors_total", "GraphQL errors by code.", ("code",))
        self.queries_running = Gauge("engram_queries_running", "Database queries running now.")
        self.query_seconds = Histogram(
            "engram_query_duration_seconds", "Database query latency by mode.", ("mode",)
        )
        self.commits = Counter("engram_commits_total", "Commits to the database.")
        self.rate_limited = Counter(
            "engram_rate_limited_total", "Requests refused by the rate limit."
        )
        self.websockets = Gauge("engram_websocket_connections", "Open WebSocket connections.")
        self.subscriptions = Gauge(
            "engram_subscriptions_active", "Running subscriptions by kind.", ("kind",)
        )
        self.stream_rows = Counter(
            "engram_stream_rows_total", "Rows sent by cypherStream subscriptions."
        )
        self.schema_generations = Counter(
            "engram_schema_generations_total", "Times the typed GraphQL schema was generated."
        )
        for metric in (
            self.requests,
            self.request_seconds,
            self.operations,
            self.errors,
            self.queries_running,
            self.query_seconds,
            self.commits,
            self.rate_limited,
            self.websockets,
            self.subscriptions,
            self.stream_rows,
            self.schema_generations,
        ):
            self.registry.register(metric)

    def render(self) -> str:
        """The /metrics page."""
        return self.registry.render()
