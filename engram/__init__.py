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
from engram.errors import (
    CorruptionError,
    CypherSyntaxError,
    DatabaseLocked,
    EngramError,
    InternalError,
    ParameterError,
    QueryError,
    QueryRuntimeError,
    QueryTimeout,
    SemanticError,
    StorageError,
    TransactionError,
)
from engram.results import Plan, Result, ResultStats
from engram.values import Node, Path, Relationship

__all__ = [
    "CorruptionError",
    "CypherSyntaxError",
    "Database",
    "DatabaseLocked",
    "EngramError",
    "FunctionInfo",
    "InternalError",
    "Node",
    "ParameterError",
    "Path",
    "Plan",
    "ProcedureInfo",
    "QueryError",
    "QueryRuntimeError",
    "QueryTimeout",
    "Relationship",
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
