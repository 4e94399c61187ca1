"""``:schema``: what the graph holds, gathered through the public procedures and queries.

Counts, labels, relationship types, indexes and constraints come from `db.schema()`,
`SHOW INDEXES` and `SHOW CONSTRAINTS`; the property keys of each label and type are
sampled from its first `SAMPLE` members (a graph has no fixed schema, so that is what
the label's nodes usually carry, not a rule).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from engram.repl.render import render_table

if TYPE_CHECKING:
    from engram.repl.core import ShellCore

__all__ = ["SAMPLE", "show_schema"]

#: nodes (relationships) of each label (type) whose property keys are listed
SAMPLE: Final = 1000


def _quoted(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _keys(core: ShellCore, pattern: str, variable: str) -> str:
    rows = core.query(
        f"MATCH {pattern} WITH {variable} LIMIT {SAMPLE} UNWIND keys({variable}) AS key "
        "RETURN DISTINCT key ORDER BY key"
    )
    return ", ".join(str(row[0]) for row in rows)


def show_schema(core: ShellCore) -> None:
    """Print the graph's counts, labels, relationship types, indexes and constraints."""
    summary: dict[str, Any] = core.query("CALL db.schema()")[0][0]
    printer, display = core.printer, core.printer.display()
    nodes, relationships = summary.get("nodes", 0), summary.get("relationships", 0)
    printer.print(f"{_count(nodes, 'node')}, {_count(relationships, 'relationship')}")
    labels: dict[str, int] = summary.get("labels", {})
    if labels:
        rows = [
            (label, labels[label], _keys(core, f"(n:{_quoted(label)})", "n"))
            for label in sorted(labels)
        ]
        printer.print(
            render_table(["label", "nodes", "properties"], rows, display, quote_strings=False)
        )
    types: dict[str, int] = summary.get("relationshipTypes", {})
    if types:
        rows = [
            (name, types[name], _keys(core, f"()-[r:{_quoted(name)}]->()", "r"))
            for name in sorted(types)
        ]
        header = ["type", "relationships", "properties"]
        printer.print(render_table(header, rows, display, quote_strings=False))
    _show_listing(core, "SHOW INDEXES", "indexes")
    _show_listing(core, "SHOW CONSTRAINTS", "constraints")
    core.refresh_vocabulary()


def _show_listing(core: ShellCore, statement: str, what: str) -> None:
    def task(control: Any) -> tuple[list[str], list[tuple[Any, ...]]]:
        result = core.database.execute(statement, cancel=control.cancel)
        return list(result.columns), result.rows()

    columns, rows = core.call(task)
    if not rows:
        core.printer.note(f"no {what}", style="")
        return
    wanted = [
        c
        for c in ("name", "type", "entityType", "labelsOrTypes", "properties", "state", "size")
        if c in columns
    ]
    picked = [tuple(_plain(row[columns.index(c)]) for c in wanted) for row in rows]
    core.printer.print(render_table(wanted, picked, core.printer.display(), quote_strings=False))


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def _plain(value: Any) -> Any:
    """Lists of names written as `a, b` (the listing is about names, not values)."""
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return value
