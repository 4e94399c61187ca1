"""The language's keywords as data, for the shell's highlighter and completer.

Keywords are case-insensitive; they are listed here in upper case, except the two
pattern functions, which are listed as they are usually written. A keyword in
`NON_RESERVED` may also name a variable; every keyword may name a label, relationship
type, property key or map key (`(:End)`, `n.count`). `tests/unit/parser/test_grammar.py`
checks that this list matches the grammar.
"""

from __future__ import annotations

from typing import Final

__all__ = ["KEYWORDS", "NON_RESERVED", "RESERVED"]

#: keywords that may also name a variable (engram's own keywords, absent from openCypher)
NON_RESERVED: Final = frozenset(
    {"CONSTRAINTS", "EXPLAIN", "INDEX", "INDEXES", "OPTIONS", "PROFILE", "SHOW", "VECTOR"}
)

#: keywords that cannot name a variable unless backquoted
RESERVED: Final = frozenset(
    {
        "ALL",
        "allShortestPaths",
        "AND",
        "ANY",
        "AS",
        "ASC",
        "ASCENDING",
        "BY",
        "CALL",
        "CASE",
        "CONSTRAINT",
        "CONTAINS",
        "CREATE",
        "DELETE",
        "DESC",
        "DESCENDING",
        "DETACH",
        "DISTINCT",
        "DROP",
        "ELSE",
        "END",
        "ENDS",
        "EXISTS",
        "FALSE",
        "FOR",
        "FOREACH",
        "IF",
        "IN",
        "IS",
        "LIMIT",
        "MATCH",
        "MERGE",
        "NONE",
        "NOT",
        "NULL",
        "ON",
        "OPTIONAL",
        "OR",
        "ORDER",
        "REDUCE",
        "REMOVE",
        "REQUIRE",
        "RETURN",
        "SET",
        "shortestPath",
        "SINGLE",
        "SKIP",
        "STARTS",
        "THEN",
        "TRUE",
        "UNION",
        "UNIQUE",
        "UNWIND",
        "WHEN",
        "WHERE",
        "WITH",
        "XOR",
        "YIELD",
    }
)

#: every keyword of the language
KEYWORDS: Final = NON_RESERVED | RESERVED

#: upper-cased keywords, for case-insensitive membership tests
KEYWORDS_UPPER: Final = frozenset(keyword.upper() for keyword in KEYWORDS)
RESERVED_UPPER: Final = frozenset(keyword.upper() for keyword in RESERVED)
