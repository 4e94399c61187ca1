"""Bulk import of nodes and relationships from CSV files and data frames.

`import_csv` and `import_frames` run an import into an open store; `Database.import_csv`
/ `Database.import_dataframe` and the ``engram import`` command are built on them. See
docs/import.md for the file format, bad-row handling and figures.

>>> import os, tempfile
>>> import engram
>>> folder = tempfile.mkdtemp()
>>> people, knows = os.path.join(folder, "people.csv"), os.path.join(folder, "knows.csv")
>>> _ = open(people, "w").write("id:ID,name,age:int" + chr(10) + "1,Ada,36" + chr(10) + "2,Alan,41")
>>> _ = open(knows, "w").write(":START_ID,:END_ID,since:int" + chr(10) + "1,2,1936")
>>> with engram.open() as db:
...     summary = db.import_csv(
...         nodes={"Person": people}, relationships={"KNOWS": knows}
...     )
...     print(summary.nodes, summary.relationships)
...     db.execute("MATCH (a)-[k:KNOWS]->(b) RETURN a.name, k.since, b.name").rows()
2 1
[('Ada', 1936, 'Alan')]
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeAlias

from engram.importer.loader import Importer, NodeSource, RelationshipSource
from engram.importer.report import BadRow, BulkImportError, FileReport, ImportSummary
from engram.importer.tables import CsvTable, FrameTable
from engram.storage.store import Store

__all__ = [
    "BadRow",
    "BulkImportError",
    "FileReport",
    "ImportSummary",
    "import_csv",
    "import_frames",
    "parse_spec",
]

PathLike: TypeAlias = str | os.PathLike[str]
#: label (or type) -> file(s), or (label, file) pairs, or bare files
CsvSpec: TypeAlias = (
    Mapping[str, PathLike | Sequence[PathLike]] | Iterable[tuple[str, PathLike] | PathLike]
)
FrameSpec: TypeAlias = Mapping[str, Any] | Iterable[tuple[str, Any]]


def parse_spec(text: str) -> tuple[str, list[str]]:
    """A command-line spec ``Label=a.csv,b.csv`` (or ``a.csv``) as (target, files).

    >>> parse_spec("Person:Admin=people.csv,admins.csv")
    ('Person:Admin', ['people.csv', 'admins.csv'])
    >>> parse_spec("people.csv")
    ('', ['people.csv'])
    """
    target, equals, files = text.partition("=")
    if not equals:
        target, files = "", text
    paths = [path for path in files.split(",") if path]
    if not paths:
        raise BulkImportError(f"'{text}' names no file", hint="write LABEL=FILE[,FILE...]")
    return target.strip(), paths


def _pairs(spec: CsvSpec | FrameSpec | None) -> list[tuple[str, Any]]:
    if spec is None:
        return []
    if isinstance(spec, Mapping):
        pairs: list[tuple[str, Any]] = []
        for target, value in spec.items():
            if isinstance(value, list | tuple):
                pairs.extend((str(target), item) for item in value)
            else:
                pairs.append((str(target), value))
        return pairs
    out: list[tuple[str, Any]] = []
    for item in spec:
        if isinstance(item, tuple):
            out.append((str(item[0]), item[1]))
        else:
            out.append(("", item))
    return out


def _labels(text: str) -> tuple[str, ...]:
    return tuple(label for label in (part.strip() for part in text.split(":")) if label)


def import_csv(
    store: Store,
    nodes: CsvSpec | None = None,
    relationships: CsvSpec | None = None,
    *,
    delimiter: str = ",",
    array_delimiter: str = ";",
    skip_bad_rows: bool = False,
    id_type: str = "auto",
    batch_size: int | None = None,
    progress: bool = False,
    on_bad_row: Callable[[BadRow], None] | None = None,
    commit_nodes_first: bool = False,
) -> ImportSummary:
    """Import CSV files with typed headers into `store` (see `Database.import_csv`).

    Raises:
        BulkImportError: a file or header is invalid, or a row is bad and
            `skip_bad_rows` is off (nothing is imported then).
    """
    node_sources = [
        NodeSource(_labels(target), CsvTable(path, delimiter)) for target, path in _pairs(nodes)
    ]
    rel_sources = [
        RelationshipSource(target or None, CsvTable(path, delimiter))
        for target, path in _pairs(relationships)
    ]
    importer = Importer(
        store,
        skip_bad_rows=skip_bad_rows,
        array_delimiter=array_delimiter,
        id_type=id_type,
        batch_size=batch_size,
        progress=progress,
        on_bad_row=on_bad_row,
        commit_nodes_first=commit_nodes_first,
    )
    return importer.run(node_sources, rel_sources)


def _present(frame: Any, column: str | None) -> str | None:
    """`column` if the frame has it (typed names like ':START_ID' need no role argument)."""
    names = [str(name) for name in getattr(frame, "columns", [])]
    return column if column is not None and column in names else None


def import_frames(
    store: Store,
    nodes: FrameSpec | None = None,
    relationships: FrameSpec | None = None,
    *,
    id: str | None = "id",
    start: str = "start",
    end: str = "end",
    skip_bad_rows: bool = False,
    id_type: str = "auto",
    batch_size: int | None = None,
    progress: bool = False,
    commit_nodes_first: bool = False,
) -> ImportSummary:
    """Import pandas or polars data frames into `store` (see `Database.import_dataframe`).

    Raises:
        BulkImportError: a frame lacks a named column, or a row is bad and
            `skip_bad_rows` is off (nothing is imported then).
    """
    node_sources = []
    for position, (target, frame) in enumerate(_pairs(nodes)):
        name = f"nodes[{target or position}]"
        table = FrameTable(frame, name, id=_present(frame, id))
        node_sources.append(NodeSource(_labels(target), table))
    rel_sources = []
    for position, (target, frame) in enumerate(_pairs(relationships)):
        name = f"relationships[{target or position}]"
        table = FrameTable(frame, name, start=_present(frame, start), end=_present(frame, end))
        rel_sources.append(RelationshipSource(target or None, table))
    importer = Importer(
        store,
        skip_bad_rows=skip_bad_rows,
        id_type=id_type,
        batch_size=batch_size,
        progress=progress,
        commit_nodes_first=commit_nodes_first,
    )
    return importer.run(node_sources, rel_sources)
