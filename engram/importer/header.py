"""Typed CSV headers: `name:type` fields, id columns with id spaces, label and type columns.

A header field is ``[name][:TYPE]``:

- ``id:ID`` / ``:ID`` / ``id:ID(Person)``: the node's import id (unique in its id space,
  ``Person`` here, or the global space); with a name it is stored as that property too;
- ``:START_ID`` / ``:END_ID`` (optionally ``(Space)``): a relationship's end nodes;
- ``:LABEL``: extra labels of each node (``;``-separated); ``:TYPE``: each
  relationship's type; ``name:IGNORE``: a column that is not imported;
- ``name`` or ``name:type``: a property; types are ``int`` (``long``, ``short``,
  ``byte``, ``integer``), ``float`` (``double``), ``boolean``, ``string``, ``date``,
  ``localtime``, ``time``, ``localdatetime``, ``datetime``, ``duration``, and any of
  them with ``[]`` for a list (items separated by ``;``).

>>> header = parse_header(["id:ID(Person)", "name", "age:int", "tags:string[]"], "p.csv")
>>> [column.text for column in header.properties]
['id:ID(Person)', 'name:string', 'age:int', 'tags:string[]']
>>> header.id_column.space
'Person'
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import Final

from engram.importer.report import BulkImportError

__all__ = ["Header", "HeaderColumn", "Role", "ValueType", "parse_header"]


class Role(enum.StrEnum):
    """What a column holds."""

    PROPERTY = "property"
    ID = "id"
    START_ID = "start_id"
    END_ID = "end_id"
    LABEL = "label"
    TYPE = "type"
    IGNORE = "ignore"


class ValueType(enum.StrEnum):
    """The value type of a property column (or of its list items)."""

    INT = "int"
    FLOAT = "float"
    BOOLEAN = "boolean"
    STRING = "string"
    DATE = "date"
    LOCALTIME = "localtime"
    TIME = "time"
    LOCALDATETIME = "localdatetime"
    DATETIME = "datetime"
    DURATION = "duration"


_TYPE_NAMES: Final[dict[str, ValueType]] = {
    "int": ValueType.INT,
    "integer": ValueType.INT,
    "long": ValueType.INT,
    "short": ValueType.INT,
    "byte": ValueType.INT,
    "float": ValueType.FLOAT,
    "double": ValueType.FLOAT,
    "boolean": ValueType.BOOLEAN,
    "bool": ValueType.BOOLEAN,
    "string": ValueType.STRING,
    "str": ValueType.STRING,
    "char": ValueType.STRING,
    "date": ValueType.DATE,
    "localtime": ValueType.LOCALTIME,
    "time": ValueType.TIME,
    "localdatetime": ValueType.LOCALDATETIME,
    "datetime": ValueType.DATETIME,
    "duration": ValueType.DURATION,
}
_ROLES: Final[dict[str, Role]] = {
    "id": Role.ID,
    "start_id": Role.START_ID,
    "end_id": Role.END_ID,
    "label": Role.LABEL,
    "type": Role.TYPE,
    "ignore": Role.IGNORE,
}
_ID_FIELD = re.compile(r"^(?P<role>ID|START_ID|END_ID)(?:\((?P<space>[^()]*)\))?$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class HeaderColumn:
    """One header field: its position, property name, role and value type."""

    index: int
    name: str
    role: Role
    value_type: ValueType = ValueType.STRING
    is_list: bool = False
    #: the id space of ID / START_ID / END_ID columns ("" is the global one)
    space: str = ""

    @property
    def is_stored(self) -> bool:
        """Whether the column becomes a property (properties and named ID columns)."""
        return self.role is Role.PROPERTY or (self.role is Role.ID and bool(self.name))

    @property
    def text(self) -> str:
        """The field as it was written, for messages."""
        if self.role is Role.PROPERTY:
            suffix = "[]" if self.is_list else ""
            return f"{self.name}:{self.value_type.value}{suffix}"
        space = f"({self.space})" if self.space else ""
        return f"{self.name}:{self.role.value.upper()}{space}"


@dataclass(frozen=True, slots=True)
class Header:
    """The typed columns of one file."""

    path: str
    columns: tuple[HeaderColumn, ...]

    def _only(self, role: Role) -> HeaderColumn | None:
        found = [column for column in self.columns if column.role is role]
        return found[0] if found else None

    @property
    def id_column(self) -> HeaderColumn | None:
        """The ID column of a node file."""
        return self._only(Role.ID)

    @property
    def start(self) -> HeaderColumn | None:
        """The START_ID column of a relationship file."""
        return self._only(Role.START_ID)

    @property
    def end(self) -> HeaderColumn | None:
        """The END_ID column of a relationship file."""
        return self._only(Role.END_ID)

    @property
    def label(self) -> HeaderColumn | None:
        """The LABEL column, if any."""
        return self._only(Role.LABEL)

    @property
    def type(self) -> HeaderColumn | None:
        """The TYPE column, if any."""
        return self._only(Role.TYPE)

    @property
    def properties(self) -> tuple[HeaderColumn, ...]:
        """Columns stored as properties (named ID columns included), in file order."""
        return tuple(column for column in self.columns if column.is_stored)

    def check_nodes(self) -> None:
        """Raise unless this is a node file header."""
        for role in (Role.START_ID, Role.END_ID, Role.TYPE):
            if self._only(role) is not None:
                raise _header_error(
                    self.path,
                    f"a node file cannot have a :{role.value.upper()} column",
                    "pass relationship files with --relationships",
                )

    def check_relationships(self) -> None:
        """Raise unless this is a relationship file header."""
        if self.start is None or self.end is None:
            raise _header_error(
                self.path,
                "a relationship file needs a :START_ID and an :END_ID column",
                "write the header like ':START_ID,:END_ID,since:int'",
            )
        for role in (Role.ID, Role.LABEL):
            if self._only(role) is not None:
                raise _header_error(
                    self.path, f"a relationship file cannot have a :{role.value.upper()} column"
                )


def _header_error(path: str, message: str, hint: str | None = None) -> BulkImportError:
    return BulkImportError(f"{path}: header: {message}", hint=hint)


def parse_header(fields: list[str], path: str) -> Header:
    """The typed columns of a header row.

    Raises:
        BulkImportError: an unknown type, a duplicate property or a repeated special column.
    """
    if not fields or all(not field.strip() for field in fields):
        raise _header_error(path, "the file has no header row")
    columns = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(fields):
        column = _parse_field(raw.strip(), index, path)
        if column.is_stored:
            if column.name in seen:
                raise _header_error(path, f"property '{column.name}' appears twice")
            seen[column.name] = index
        columns.append(column)
    for role in (Role.ID, Role.START_ID, Role.END_ID, Role.LABEL, Role.TYPE):
        if sum(1 for column in columns if column.role is role) > 1:
            raise _header_error(path, f"more than one :{role.value.upper()} column")
    return Header(path, tuple(columns))


def _parse_field(text: str, index: int, path: str) -> HeaderColumn:
    name, colon, kind = text.rpartition(":") if ":" in text else (text, "", "")
    if not colon:
        if not name:
            raise _header_error(path, f"column {index + 1} has no name")
        return HeaderColumn(index, name, Role.PROPERTY)
    special = _ID_FIELD.match(kind)
    if special is not None:
        role = _ROLES[special["role"].lower()]
        return HeaderColumn(index, name, role, ValueType.STRING, space=special["space"] or "")
    role_name = kind.lower()
    if role_name in _ROLES and role_name not in ("id", "start_id", "end_id"):
        return HeaderColumn(index, name, _ROLES[role_name])
    is_list = kind.endswith("[]")
    value_type = _TYPE_NAMES.get(kind.removesuffix("[]").lower())
    if value_type is None:
        known = ", ".join(sorted({*_TYPE_NAMES, "ID", "START_ID", "END_ID", "LABEL", "TYPE"}))
        raise _header_error(
            path, f"unknown type '{kind}' in column '{text}'", f"known types: {known}"
        )
    if not name:
        raise _header_error(path, f"column {index + 1} ('{text}') has no property name")
    return HeaderColumn(index, name, Role.PROPERTY, value_type, is_list)
