"""engram: an embedded graph database for Python.

A Cypher-like query language (tested against the openCypher TCK) over RocksDB, with
vector similarity search, an interactive shell and a GraphQL server.

>>> import engram
>>> issubclass(engram.QueryError, engram.EngramError)
True
"""

from __future__ import annotations

from engram.api import (
    Database,
    FunctionInfo,
    ProcedureInfo,
    Transaction,
    functions,
    keywords,
    open,
)
from engram.changes import ChangeKind, CommitEvent, NodeChange, RelationshipChange
from engram.errors import (
    AccessModeError,
    CorruptionError,
    CypherSyntaxError,
    DatabaseLocked,
    EngramError,
    InternalError,
    MemoryLimitExceeded,
    ParameterError,
    QueryError,
    QueryRuntimeError,
    QueryTimeout,
    SemanticError,
    StorageError,
    TransactionError,
)
from engram.introspection import (
    GraphSchema,
    IndexSummary,
    LabelInfo,
    PatternInfo,
    PropertyInfo,
    RelationshipTypeInfo,
)
from engram.results import Plan, Result, ResultStats
from engram.values import Node, Path, Relationship

__all__ = [
    "AccessModeError",
    "ChangeKind",
    "CommitEvent",
    "CorruptionError",
    "CypherSyntaxError",
    "Database",
    "DatabaseLocked",
    "EngramError",
    "FunctionInfo",
    "GraphSchema",
    "IndexSummary",
    "InternalError",
    "LabelInfo",
    "MemoryLimitExceeded",
    "Node",
    "NodeChange",
    "ParameterError",
    "Path",
    "PatternInfo",
    "Plan",
    "ProcedureInfo",
    "PropertyInfo",
    "QueryError",
    "QueryRuntimeError",
    "QueryTimeout",
    "Relationship",
    "RelationshipChange",
    "RelationshipTypeInfo",
    "Result",
    "ResultStats",
    "SemanticError",
    "StorageError",
    "Transaction",
    "TransactionError",
    "functions",
    "keywords",
    "open",
]
