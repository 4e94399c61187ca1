"""`engram import PATH --nodes Label=file.csv ... --relationships TYPE=file.csv ...`.

Progress bars and skipped rows go to standard error, the summary table to standard
output. The exit status is 0 when the import committed (bad rows may have been skipped
with --skip-bad-rows), 1 when it stopped (nothing was imported) and 2 for bad arguments.
"""

from __future__ import annotations

import argparse
import os

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from engram.errors import EngramError
from engram.importer import BadRow, BulkImportError, ImportSummary, parse_spec

__all__ = ["run_import"]


def run_import(args: argparse.Namespace) -> int:
    """Run the import the parsed arguments describe; the exit status."""
    import engram

    errors = Console(stderr=True, highlight=False)
    if not args.nodes and not args.relationships:
        errors.print("engram import: give at least one --nodes or --relationships file")
        return 2
    try:
        nodes = [(target, path) for spec in args.nodes for target, path in _expand(spec)]
        rels = [(target, path) for spec in args.relationships for target, path in _expand(spec)]
        quiet = bool(args.quiet)

        def report(row: BadRow) -> None:
            if quiet:
                errors.print(f"skipped {row}", markup=False, soft_wrap=True)

        with engram.open(args.path) as db:
            summary = db.import_csv(
                nodes,
                rels,
                delimiter=args.delimiter,
                array_delimiter=args.array_delimiter,
                skip_bad_rows=args.skip_bad_rows,
                id_type=args.id_type,
                batch_size=args.batch_size,
                progress=not quiet,
                on_bad_row=report,
                commit_nodes_first=args.commit_nodes_first,
            )
    except BulkImportError as error:
        errors.print(f"[red]engram import: {escape(error.message)}[/red]", soft_wrap=True)
        if error.hint:
            errors.print(f"  = help: {error.hint}", markup=False, soft_wrap=True)
        return 1
    except EngramError as error:
        errors.print(f"engram import: {error}", markup=False, soft_wrap=True)
        return 1
    output = Console(highlight=False)
    output.print(_summary_table(summary))
    output.print(str(summary), markup=False, soft_wrap=True)
    return 0


def _expand(spec: str) -> list[tuple[str, str]]:
    target, paths = parse_spec(spec)
    return [(target, path) for path in paths]


def _summary_table(summary: ImportSummary) -> Table:
    table = Table(title="engram import", title_justify="left")
    table.add_column("file", overflow="fold")
    table.add_column("creates", overflow="fold")
    for name in ("rows", "imported", "bad", "seconds"):
        table.add_column(name, justify="right", no_wrap=True)
    for report in summary.files:
        what = report.target or "(:LABEL/:TYPE column)"
        creates = f":{what}" if report.kind == "nodes" else f"[:{what}]"
        table.add_row(
            os.path.basename(report.path),
            creates,
            f"{report.rows:,}",
            f"{report.imported:,}",
            f"{report.bad_rows:,}",
            f"{report.seconds:.2f}",
        )
    return table
