"""Fluent, immutable Python query builder that builds the parser's AST.

Queries are built from AST nodes (never from strings), every Python value becomes a
parameter, and `str(query)` is the canonical query text; `db.execute(query)` runs it.
See docs/builder.md.

>>> import engram
>>> from engram.builder import create, match, node, var
>>> db = engram.open()
>>> _ = db.execute(create(node("a", "Person", name="Ada", age=36)))
>>> p = var("p")
>>> q = match(node(p, "Person")).where(p.age > 30).return_(p.name)
>>> str(q)
'MATCH (p:Person) WHERE p.age > $v0 RETURN p.name'
>>> db.execute(q).rows()
[('Ada',)]
>>> db.close()
"""

from __future__ import annotations

from engram.builder.expressions import (
    Aliased,
    Expression,
    SortKey,
    expression,
    param,
    value,
    var,
)
from engram.builder.functions import (
    Case,
    all_,
    any_,
    avg,
    call_function,
    case,
    coalesce,
    collect,
    count,
    count_star,
    fn,
    id_,
    labels,
    list_comprehension,
    max_,
    min_,
    none_,
    single,
    size,
    sum_,
    type_,
    vector_similarity,
)
from engram.builder.patterns import Path, all_shortest_paths, exists, node, shortest_path
from engram.builder.query import Query

__all__ = [
    "Aliased",
    "Case",
    "Expression",
    "Path",
    "Query",
    "SortKey",
    "all_",
    "all_shortest_paths",
    "any_",
    "avg",
    "call",
    "call_function",
    "case",
    "coalesce",
    "collect",
    "count",
    "count_star",
    "create",
    "exists",
    "expression",
    "fn",
    "id_",
    "labels",
    "list_comprehension",
    "match",
    "max_",
    "merge",
    "min_",
    "node",
    "none_",
    "optional_match",
    "param",
    "return_",
    "shortest_path",
    "single",
    "size",
    "sum_",
    "type_",
    "unwind",
    "value",
    "var",
    "vector_similarity",
    "with_",
]

_EMPTY = Query()

#: start a query: `match(node("p", "Person"))`, ... (each is `Query().<clause>`)
match = _EMPTY.match
optional_match = _EMPTY.optional_match
unwind = _EMPTY.unwind
create = _EMPTY.create
merge = _EMPTY.merge
with_ = _EMPTY.with_
return_ = _EMPTY.return_
call = _EMPTY.call
