"""Rendering a run's summary: rich tables for the terminal, markdown for docs/benchmarks.md.

Tables are built once as plain rows of text (`latency_table`, `footprint_table`,
`compare_table`) and rendered by either front; problems (wrong answers, failed checks,
engines that crashed) are listed separately, loudly, by `problems`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from benchmarks.queries.workload import QUERIES, WRITE

__all__ = [
    "TextTable",
    "compare_table",
    "footprint_table",
    "growth_table",
    "latency_table",
    "load_range",
    "markdown",
    "print_report",
    "problems",
]

ENGINE_ORDER: Final = ("numpy", "engram", "kuzu", "grand-cypher", "networkx")
_TITLES: Final = {query.name: query.title for query in (*QUERIES, WRITE)}
_TARGETS: Final = {query.name: query.target for query in QUERIES}
_MB: Final = 1024 * 1024


@dataclass(frozen=True, slots=True)
class TextTable:
    """A table as text: a title, column headers and rows of cells."""

    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def _ms(seconds: float) -> str:
    value = seconds * 1e3
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    if value >= 1:
        return f"{value:.2f}"
    return f"{value:.3f}"


def _engines(summary: dict[str, Any]) -> list[str]:
    present = summary["engines"]
    return [name for name in ENGINE_ORDER if name in present]


def _outcome(summary: dict[str, Any], engine: str, query: str) -> dict[str, Any] | None:
    output = summary["engines"].get(engine)
    if output is None:
        return None
    section = "writes" if query == WRITE.name else "queries"
    found: dict[str, Any] | None = output.get(section, {}).get(query)
    return found


def _median(
    summary: dict[str, Any], engine: str, query: str, metric: str = "summary"
) -> float | None:
    outcome = _outcome(summary, engine, query)
    if outcome is None or outcome.get("status") != "ok" or not outcome.get(metric):
        return None
    return float(outcome[metric]["median"])


def _cell(summary: dict[str, Any], engine: str, query: str, metric: str) -> str:
    output = summary["engines"][engine]
    if output.get("status") == "skipped" and engine == "engram":
        return "pending"  # the engram side waits for engram's public API
    if output.get("status") != "ok":
        return str(output.get("status", "error"))
    outcome = _outcome(summary, engine, query)
    if outcome is None:
        return "-"
    if outcome["status"] != "ok":
        return str(outcome["status"])
    stats = outcome.get(metric) or outcome["summary"]
    text = f"{_ms(stats['median'])} / {_ms(stats['p99'])}"
    if outcome["runs"] < outcome["planned"]:
        text += f" ({outcome['runs']} runs)"
    if engine == "kuzu" and len(outcome.get("calibration", {})) > 1:
        text += f" [{outcome['form']}]"
    check = summary["verification"]["engines"].get(engine, {}).get(query)
    if check is not None and check.get("recall") is not None:
        text += f" r@10={check['recall']:.3f}"
    if check is not None and check["mismatches"]:
        text += f" WRONG {check['mismatches']}/{check['compared']}"
    return text


def _ratio(numerator: float | None, denominator: float | None) -> str:
    if numerator is None or denominator is None or denominator == 0:
        return "pending" if denominator is not None else "-"
    return f"{numerator / denominator:.2f}"


def latency_table(summary: dict[str, Any], *, titles: bool = True, cpu: bool = False) -> TextTable:
    """Median / p99 latency in ms per query and engine, with the engram/Kùzu ratio.

    With `cpu`, the figures are the process CPU time per call (all threads) instead of
    wall-clock time: steadier when other work shares the machine.
    """
    engines = _engines(summary)
    metric = "cpu_summary" if cpu else "summary"
    rows = []
    for query in (*(query.name for query in QUERIES), WRITE.name):
        engram = _median(summary, "engram", query, metric)
        kuzu = _median(summary, "kuzu", query, metric)
        grand = _median(summary, "grand-cypher", query, metric)
        target = _TARGETS.get(query)
        rows.append(
            (
                f"{query} {_TITLES[query]}" if titles else query,
                *(_cell(summary, engine, query, metric) for engine in engines),
                _ratio(engram, kuzu),
                "-" if target is None else f"<= {target:g}",
                _ratio(grand, engram) if grand is not None else "-",
            )
        )
    persons = summary["meta"]["dataset"]["counts"]["persons"]
    kind = "CPU time per call" if cpu else "Latency"
    return TextTable(
        title=f"{kind} in ms, median / p99, {persons:,} persons",
        headers=("query", *engines, "engram/Kùzu", "target", "grand-cypher/engram"),
        rows=tuple(rows),
    )


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def footprint_table(summary: dict[str, Any]) -> TextTable:
    """Load throughput (W2), index build, peak memory and size on disk per engine."""
    rows = []
    for engine in _engines(summary):
        output = summary["engines"][engine]
        load = output.get("load")
        memory = output.get("memory") or {}
        if output.get("status") != "ok" or load is None:
            status = str(output.get("status", "error"))
            if status == "skipped" and engine == "engram":
                status = "pending"
            rows.append((engine, status, "-", "-", "-", "-", "-", "-", "-"))
            continue
        peak, disk = memory.get("peak_rss"), output.get("disk_bytes")
        rows.append(
            (
                engine,
                load["method"],
                _rate(load["nodes_per_second"]),
                _rate(load["relationships_per_second"]),
                f"{load['total_seconds']:.1f}",
                "-" if load.get("cpu_seconds") is None else f"{load['cpu_seconds']:.1f}",
                f"{load['index_seconds']:.1f}",
                "-" if peak is None else f"{peak / _MB:,.0f}",
                "-" if disk is None else f"{disk / _MB:,.0f}",
            )
        )
    return TextTable(
        title="Load (W2) and footprint",
        headers=(
            "engine",
            "load method",
            "nodes/s",
            "rels/s",
            "load s",
            "load+index CPU s",
            "index s",
            "peak RSS MiB",
            "disk MiB",
        ),
        rows=tuple(rows),
    )


def problems(summary: dict[str, Any]) -> list[str]:
    """Every wrong answer, failed write check and crashed engine, one line each."""
    found = []
    for engine, output in summary["engines"].items():
        if output.get("status") == "error":
            found.append(f"{engine}: engine failed: {output.get('error', '').strip()[-400:]}")
    for engine, checks in summary["verification"]["engines"].items():
        for query, check in checks.items():
            if check["mismatches"]:
                example = check["examples"][0] if check["examples"] else {}
                found.append(
                    f"{engine} {query}: {check['mismatches']} of {check['compared']} answers "
                    f"differ from the reference; first: {example}"
                )
    return found


def compare_table(old: dict[str, Any], new: dict[str, Any]) -> TextTable:
    """Median latencies of two runs side by side, with new/old."""
    rows = []
    for engine in ENGINE_ORDER:
        if engine not in old["engines"] or engine not in new["engines"]:
            continue
        for query in (*(query.name for query in QUERIES), WRITE.name):
            before, after = _median(old, engine, query), _median(new, engine, query)
            if before is None and after is None:
                continue
            rows.append(
                (
                    engine,
                    query,
                    "-" if before is None else _ms(before),
                    "-" if after is None else _ms(after),
                    _ratio(after, before) if before is not None else "-",
                )
            )
    return TextTable(
        title="Median latency in ms: old run, new run",
        headers=("engine", "query", "old", "new", "new/old"),
        rows=tuple(rows),
    )


def growth_table(
    summaries: list[dict[str, Any]], engines: tuple[str, ...], *, cpu: bool = False
) -> TextTable:
    """Median latency (or CPU time) per query as the graph grows: a column per engine and size."""
    metric = "cpu_summary" if cpu else "summary"
    ordered = sorted(summaries, key=lambda run: run["meta"]["dataset"]["counts"]["persons"])
    columns = [
        (engine, run)
        for engine in engines
        for run in ordered
        if engine in run["engines"] and run["engines"][engine].get("status") == "ok"
    ]
    rows = []
    for query in (*(query.name for query in QUERIES), WRITE.name):
        medians = [_median(run, engine, query, metric) for engine, run in columns]
        if any(value is not None for value in medians):
            rows.append((query, *("-" if value is None else _ms(value) for value in medians)))
    headers = [
        f"{engine} {_size(run['meta']['dataset']['counts']['persons'])}" for engine, run in columns
    ]
    return TextTable(
        title=f"Median {'CPU time' if cpu else 'latency'} in ms by graph size (persons)",
        headers=("query", *headers),
        rows=tuple(rows),
    )


def _size(persons: int) -> str:
    for divisor, suffix in ((1_000_000, "M"), (1_000, "k")):
        if persons >= divisor and persons % divisor == 0:
            return f"{persons // divisor}{suffix}"
    return f"{persons:,}"


def _rich(table: TextTable) -> Table:
    rendered = Table(title=table.title, title_justify="left", show_lines=True)
    for header in table.headers:
        rendered.add_column(header, overflow="fold")
    for row in table.rows:
        rendered.add_row(*(_style(cell) for cell in row))
    return rendered


def _style(cell: str) -> str:
    if "WRONG" in cell or cell in ("error", "timeout"):
        return f"[bold red]{cell}[/]"
    return cell


def load_range(summary: dict[str, Any]) -> tuple[float, float] | None:
    """Lowest and highest 1-minute load average seen while queries were measured."""
    seen = [
        value
        for output in summary["engines"].values()
        for outcome in output.get("queries", {}).values()
        for value in outcome.get("load_average", [])
    ]
    return (min(seen), max(seen)) if seen else None


def print_report(summary: dict[str, Any], console: Console, *, cpu: bool = False) -> None:
    """Print the tables and, loudly, every problem."""
    meta = summary["meta"]
    console.print(
        f"{meta['command']}  ({meta['machine']['cpu']}, {meta['machine']['cores']} cores, "
        f"Python {meta['machine']['python']}, commit {meta['git_commit']})",
        markup=False,
    )
    loads, cores = load_range(summary), meta["machine"]["cores"] or 1
    if loads is not None:
        console.print(f"load average while measuring: {loads[0]:.1f} to {loads[1]:.1f}")
        if loads[1] > cores:
            console.print(
                f"[yellow]the machine was busy (more runnable tasks than its {cores} cores): "
                "wall-clock latencies are inflated; `report --cpu` shows CPU time per call[/]"
            )
    console.print(_rich(latency_table(summary, titles=False, cpu=cpu)))
    console.print(
        "  ".join(f"{name}: {title}" for name, title in _TITLES.items()), style="dim", markup=False
    )
    console.print(_rich(footprint_table(summary)))
    found = problems(summary)
    if found:
        console.print(
            Panel("\n".join(found), title="ANSWERS DIFFER OR ENGINES FAILED", style="bold red")
        )
    else:
        console.print("[green]every answer matches the reference engine[/]")


def markdown(table: TextTable) -> str:
    """The table in GitHub markdown."""
    lines = [
        "| " + " | ".join(table.headers) + " |",
        "|" + "---|" * len(table.headers),
    ]
    lines += [
        "| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in table.rows
    ]
    return "\n".join(lines)
