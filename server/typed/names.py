"""GraphQL names for graph names: labels, relationship types and property keys.

Graph names may hold any character; GraphQL names match ``[_A-Za-z][_0-9A-Za-z]*``.
Labels keep their spelling when they can (`Person` stays `Person`), relationship types
become PascalCase with a ``Relationship`` suffix (`ACTED_IN` becomes
`ActedInRelationship`), root fields start lower-case (`person`, `httpRequest`), and
relationship fields read `outActedIn` / `inActedIn`. Names that would collide with the
fixed schema get a suffix; the generator drops (and reports) whatever still collides.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = [
    "RESERVED_ROOTS",
    "RESERVED_TYPES",
    "is_graphql_name",
    "lower_first",
    "pascal",
    "sanitize",
]

_VALID: Final = re.compile(r"^[_A-Za-z][_0-9A-Za-z]*$")
_INVALID_CHARS: Final = re.compile(r"[^_0-9A-Za-z]+")
_WORDS: Final = re.compile(r"[^0-9A-Za-z]+")

#: type names of the fixed schema and the shared inputs, which generated types avoid
RESERVED_TYPES: Final = frozenset(
    {
        "ApiKey",
        "ApiKeyInfo",
        "Boolean",
        "BooleanFilter",
        "BooleanListFilter",
        "ChangeKind",
        "CypherBatch",
        "CypherResult",
        "Date",
        "DateFilter",
        "DateTime",
        "DateTimeFilter",
        "Duration",
        "DurationFilter",
        "Float",
        "FloatFilter",
        "FloatListFilter",
        "ID",
        "IDFilter",
        "Int",
        "JSON",
        "JSONFilter",
        "LocalDateTime",
        "LocalDateTimeFilter",
        "LocalTime",
        "LocalTimeFilter",
        "Long",
        "LongFilter",
        "LongListFilter",
        "MapEntry",
        "Mutation",
        "NewApiKey",
        "Node",
        "NodeChangeEvent",
        "PageInfo",
        "Path",
        "PlanOperator",
        "Query",
        "QueryPlan",
        "QueryStats",
        "Record",
        "Relationship",
        "RelationshipChangeEvent",
        "Role",
        "RunningQueryInfo",
        "SchemaInfo",
        "SortDirection",
        "String",
        "StringFilter",
        "StringListFilter",
        "Subscription",
        "Time",
        "TimeFilter",
        "Value",
        "ValueKind",
    }
)


#: root fields of the fixed schema, which generated root fields avoid
RESERVED_ROOTS: Final = frozenset(
    {"apiKeys", "cypher", "explain", "me", "runningQueries", "schemaInfo"}
)


def is_graphql_name(name: str) -> bool:
    """Whether `name` is a valid GraphQL name that is not reserved by introspection."""
    return bool(_VALID.match(name)) and not name.startswith("__")


def sanitize(name: str) -> str | None:
    """`name` made into a GraphQL name (invalid characters become `_`), or None if empty."""
    cleaned = _INVALID_CHARS.sub("_", name).strip("_") if not is_graphql_name(name) else name
    if not cleaned:
        return None
    if cleaned[0].isdigit():
        cleaned = f"_{cleaned}"
    while cleaned.startswith("__"):
        cleaned = cleaned[1:]
    return cleaned if is_graphql_name(cleaned) else None


def pascal(name: str) -> str | None:
    """PascalCase of a name's words (`ACTED_IN` -> `ActedIn`, `has-part` -> `HasPart`)."""
    words = [word for word in _WORDS.split(name.replace("_", " ")) if word]
    if not words:
        return None
    parts = []
    for word in words:
        if word.isupper() or word.islower():
            parts.append(word[0].upper() + word[1:].lower())
        else:
            parts.append(word[0].upper() + word[1:])
    return sanitize("".join(parts))


def lower_first(name: str) -> str:
    """A type name as a field name: `Person` -> `person`, `HTTPRequest` -> `httpRequest`."""
    if name.isupper():
        return name.lower()
    leading = len(name) - len(name.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    if leading <= 1:
        return name[:1].lower() + name[1:]
    # keep the last capital of a run when a lower-case word follows it (HTTPRequest)
    return name[: leading - 1].lower() + name[leading - 1 :]
