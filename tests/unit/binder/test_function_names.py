"""The openCypher functions the binder expects the registry to provide, called as users do.

The binder has no special cases for them: each call is resolved in the function registry
and checked against its signature. Functions that other work registers later (graph,
temporal and vector functions) are skipped, saying so, until they are registered.
"""

from __future__ import annotations

import pytest

from engram.errors import ErrorDetail, SemanticError
from engram.execution.functions import registry
from tests.unit.binder.support import compile_text

# (name, a call of it in context)
EXPECTED = [
    # aggregates
    ("avg", "UNWIND [1, 2] AS x RETURN avg(x)"),
    ("collect", "UNWIND [1, 2] AS x RETURN collect(x)"),
    ("count", "UNWIND [1, 2] AS x RETURN count(x), count(*)"),
    ("max", "UNWIND [1, 2] AS x RETURN max(x)"),
    ("min", "UNWIND [1, 2] AS x RETURN min(x)"),
    ("percentileCont", "UNWIND [1, 2] AS x RETURN percentileCont(x, 0.5)"),
    ("percentileDisc", "UNWIND [1, 2] AS x RETURN percentileDisc(x, 0.5)"),
    ("stDev", "UNWIND [1, 2] AS x RETURN stDev(x)"),
    ("stDevP", "UNWIND [1, 2] AS x RETURN stDevP(x)"),
    ("sum", "UNWIND [1, 2] AS x RETURN sum(x)"),
    # scalar
    ("coalesce", "RETURN coalesce(null, 1)"),
    ("head", "RETURN head([1, 2])"),
    ("last", "RETURN last([1, 2])"),
    ("size", "RETURN size([1, 2]), size('ab')"),
    ("toBoolean", "RETURN toBoolean('true')"),
    ("toFloat", "RETURN toFloat('1.5')"),
    ("toInteger", "RETURN toInteger('1')"),
    ("toString", "RETURN toString(1)"),
    ("randomUUID", "RETURN randomUUID()"),
    ("keys", "RETURN keys({a: 1})"),
    ("properties", "RETURN properties({a: 1})"),
    # lists
    ("range", "RETURN range(1, 10, 2)"),
    ("reverse", "RETURN reverse([1, 2])"),
    ("tail", "RETURN tail([1, 2])"),
    # math
    ("abs", "RETURN abs(-1)"),
    ("ceil", "RETURN ceil(1.5)"),
    ("floor", "RETURN floor(1.5)"),
    ("rand", "RETURN rand()"),
    ("round", "RETURN round(1.5)"),
    ("sign", "RETURN sign(-2)"),
    ("e", "RETURN e()"),
    ("exp", "RETURN exp(1)"),
    ("log", "RETURN log(1)"),
    ("log10", "RETURN log10(1)"),
    ("sqrt", "RETURN sqrt(4)"),
    ("sin", "RETURN sin(0), cos(0), tan(0), cot(1), asin(0), acos(0), atan(0), atan2(1, 1)"),
    ("degrees", "RETURN degrees(pi()), radians(180), haversin(0)"),
    # strings
    ("left", "RETURN left('abc', 1), right('abc', 1)"),
    ("lTrim", "RETURN lTrim(' a'), rTrim('a '), trim(' a ')"),
    ("replace", "RETURN replace('abc', 'b', 'x')"),
    ("split", "RETURN split('a,b', ',')"),
    ("substring", "RETURN substring('abc', 1), substring('abc', 1, 1)"),
    ("toLower", "RETURN toLower('A'), toUpper('a')"),
    # graph (registered by the engine work)
    ("id", "MATCH (n) RETURN id(n)"),
    ("labels", "MATCH (n) RETURN labels(n)"),
    ("type", "MATCH ()-[r]->() RETURN type(r)"),
    ("startNode", "MATCH ()-[r]->() RETURN startNode(r), endNode(r)"),
    ("endNode", "MATCH ()-[r]->() RETURN endNode(r)"),
    ("nodes", "MATCH p = ()-->() RETURN nodes(p)"),
    ("relationships", "MATCH p = ()-->() RETURN relationships(p)"),
    ("length", "MATCH p = ()-->() RETURN length(p)"),
    ("exists", "MATCH (n) WHERE exists(n.name) RETURN n"),
    ("timestamp", "RETURN timestamp()"),
    # temporal (registered by the temporal work)
    ("date", "RETURN date('2020-01-01')"),
    ("datetime", "RETURN datetime('2020-01-01T00:00Z')"),
    ("localdatetime", "RETURN localdatetime('2020-01-01T00:00')"),
    ("localtime", "RETURN localtime('12:00')"),
    ("time", "RETURN time('12:00Z')"),
    ("duration", "RETURN duration('P1D')"),
    ("duration.between", "RETURN duration.between(date('2020-01-01'), date('2020-02-01'))"),
    # vectors (registered by the vector work)
    ("vector.similarity.cosine", "RETURN vector.similarity.cosine([1.0, 0.0], [0.0, 1.0])"),
    ("vector.similarity.euclidean", "RETURN vector.similarity.euclidean([1.0], [0.0])"),
]


#: registered by the engine work rather than the function library (they read the store
#: or the statement clock)
GRAPH_FUNCTIONS = frozenset(
    {
        "id", "labels", "type", "startnode", "endnode", "nodes", "relationships", "length",
        "exists", "timestamp",
    }
)  # fmt: skip
#: namespaces registered by the temporal and vector work
LATER_NAMESPACES = ("date", "datetime", "localdatetime", "localtime", "time", "duration", "vector")


def registered_later(name: str) -> bool:
    """Whether a function is registered by graph, temporal or vector work, not the library."""
    lowered = name.lower()
    return lowered in GRAPH_FUNCTIONS or lowered.split(".")[0] in LATER_NAMESPACES


@pytest.mark.parametrize(("name", "query"), EXPECTED, ids=[name for name, _ in EXPECTED])
def test_expected_function_binds(name, query):
    try:
        compile_text(query)
    except SemanticError as error:
        unknown = error.message.removeprefix("unknown function ").strip("'").lower()
        if error.detail is ErrorDetail.UNKNOWN_FUNCTION and registered_later(unknown):
            pytest.skip(f"{unknown}() is registered by work that has not been merged yet")
        raise
    assert registry.lookup(name) is not None


def test_lookup_is_case_insensitive():
    compile_text("RETURN TOLOWER('A'), ToUpper('a'), COUNT(*)")
