"""The `engram` command line: argument parsing and dispatch to the owning package.

Each subcommand's work lives with the code it belongs to (the shell in `engram.repl`,
the server in `engram.server`, backups in `engram.storage`); this module only declares
the arguments and imports the implementation when the subcommand runs, so `engram --help`
stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

__all__ = ["build_parser", "main", "parse_size"]

# subcommand -> "module:function"; the function takes the parsed namespace and returns
# the process exit code
_COMMANDS: dict[str, str] = {
    "shell": "engram.repl.cli:run_shell",
    "query": "engram.repl.cli:run_query",
    "serve": "engram.server.cli:run_serve",
    "import": "engram.importer.cli:run_import",
    "backup": "engram.storage.backup:run_backup",
    "restore": "engram.storage.backup:run_restore",
    "bench": "engram.bench:run_bench",
}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    parser = argparse.ArgumentParser(
        prog="engram",
        description="engram: an embedded graph database with a Cypher-like language.",
    )
    parser.add_argument("--version", action="version", version=f"engram {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    shell = sub.add_parser("shell", help="interactive shell (reads a script from stdin if piped)")
    shell.add_argument("path", nargs="?", help="database directory (default: a temporary one)")
    shell.add_argument("--demo", action="store_true", help="load the bundled demo graph")
    shell.add_argument("--read-only", action="store_true", help="open the database read-only")
    shell.add_argument(
        "--format",
        choices=["table", "csv", "json", "jsonl", "markdown"],
        default=None,
        help="output format",
    )
    shell.add_argument(
        "--continue",
        dest="keep_going",
        action="store_true",
        help="in a script, continue after a failing statement",
    )
    shell.add_argument("--no-color", action="store_true", help="never colour the output")
    _memory_limit(shell)

    query = sub.add_parser("query", help="run one query and print its result")
    query.add_argument("path", help="database directory")
    query.add_argument("query", help="the query text")
    query.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a query parameter; VALUE is a literal of the language (repeatable)",
    )
    query.add_argument(
        "--format", choices=["table", "csv", "json", "jsonl", "markdown"], default="table"
    )
    query.add_argument("--read-only", action="store_true", help="open the database read-only")
    _memory_limit(query)

    serve = sub.add_parser("serve", help="serve the database over GraphQL")
    serve.add_argument("path", help="database directory")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--no-auth", action="store_true", help="disable API keys (loopback only; loud warning)"
    )
    serve.add_argument("--config", metavar="FILE", help="settings and limits (TOML)")
    serve.add_argument("--keys-file", metavar="FILE", help="where API keys are stored")
    serve.add_argument(
        "--new-admin-key", action="store_true", help="create and print another admin key"
    )
    serve.add_argument("--log-format", choices=["json", "text"], help="log line format")
    _memory_limit(serve, " (overrides the config file's memory_limit)")

    importer = sub.add_parser("import", help="bulk-load CSV files")
    importer.add_argument("path", help="database directory")
    importer.add_argument("--nodes", action="append", default=[], metavar="LABEL=FILE")
    importer.add_argument("--relationships", action="append", default=[], metavar="TYPE=FILE")
    importer.add_argument(
        "--skip-bad-rows",
        action="store_true",
        help="skip and report rows that cannot be imported (default: stop, import nothing)",
    )
    importer.add_argument("--delimiter", default=",", help="field delimiter (default ',')")
    importer.add_argument(
        "--array-delimiter", default=";", help="separator of list items in a cell (default ';')"
    )
    importer.add_argument(
        "--id-type",
        choices=["auto", "integer", "string"],
        default="auto",
        help="type of the ID columns (default: integers when the first id is one)",
    )
    importer.add_argument(
        "--batch-size",
        type=int,
        default=None,
        metavar="N",
        help="commit every N nodes and relationships (default: one commit at the end)",
    )
    importer.add_argument(
        "--commit-nodes-first",
        action="store_true",
        help="commit the nodes before reading the relationship files (two commits)",
    )
    importer.add_argument("--quiet", action="store_true", help="no progress bars")

    backup = sub.add_parser("backup", help="online, consistent copy of a database")
    backup.add_argument("path", help="database directory")
    backup.add_argument("dest", help="backup directory (must not exist)")

    restore = sub.add_parser("restore", help="restore a backup into a new database directory")
    restore.add_argument("src", help="backup directory")
    restore.add_argument("path", help="database directory (must not exist)")

    bench = sub.add_parser("bench", help="run the benchmark harness (needs the bench extra)")
    bench.add_argument("args", nargs=argparse.REMAINDER)
    return parser


def _memory_limit(command: argparse.ArgumentParser, more: str = "") -> None:
    command.add_argument(
        "--memory-limit",
        type=_size,
        default=None,
        metavar="SIZE",
        help="memory one statement may hold, e.g. 512MiB or 2GiB "
        f"(default: a quarter of the machine's){more}",
    )


def parse_size(text: str) -> int:
    """A memory size as the command line and config files take it (`512MiB`, `2GiB`, bytes).

    Raises:
        ValueError: not a positive size.
    """
    from engram.execution.memory import parse_bytes

    return parse_bytes(text)


def _size(text: str) -> int:
    try:
        return parse_size(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `engram` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    handler = _load(_COMMANDS[args.command])
    return handler(args)


def _load(target: str) -> Callable[[argparse.Namespace], int]:
    module_name, _, function_name = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name is not None and error.name.startswith("engram"):
            print(f"engram: this command is not available in this build ({error})", file=sys.stderr)
            raise SystemExit(2) from error
        raise
    handler: Callable[[argparse.Namespace], int] = getattr(module, function_name)
    return handler


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("engram")
    except PackageNotFoundError:
        return "unknown"


if __name__ == "__main__":
    raise SystemExit(main())
