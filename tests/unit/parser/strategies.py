"""Hypothesis strategies: random expression trees, as the query builder could make them."""

from __future__ import annotations

import string

from hypothesis import strategies as st

from engram.parser.ast import (
    AllPropertiesSelector,
    Binary,
    BinaryOp,
    Case,
    CaseWhen,
    CountStar,
    Expr,
    FunctionCall,
    HasLabels,
    IsNull,
    ListComprehension,
    ListLiteral,
    Literal,
    MapEntry,
    MapLiteral,
    MapProjection,
    Parameter,
    PropertyAccess,
    PropertySelector,
    Quantifier,
    QuantifierKind,
    Reduce,
    Slice,
    Subscript,
    Unary,
    UnaryOp,
    Variable,
    VariableSelector,
)

_KEYWORDS = ["count", "index", "vector", "end", "match", "all", "null", "options", "exists"]
_ODD = ["a b", "", "a`b", "1x", "é", "x-y"]

names = st.one_of(
    st.text(string.ascii_letters + "_", min_size=1, max_size=6),
    st.sampled_from(_KEYWORDS + _ODD),
)
plain_names = st.text(string.ascii_lowercase, min_size=1, max_size=5).filter(
    lambda name: name not in {"all", "any", "none", "single", "not", "null", "true", "false"}
)
variables = st.builds(Variable, name=names)

_int64 = st.integers(min_value=-(2**63), max_value=2**63 - 1)
_floats = st.floats(allow_nan=False, allow_infinity=False)
_strings = st.text(
    st.characters(blacklist_categories=("Cs",)),  # lone surrogates have no literal form
    max_size=8,
)
literals = st.builds(
    Literal,
    value=st.one_of(st.none(), st.booleans(), _int64, _floats, _strings),
)
parameters = st.builds(Parameter, name=st.one_of(names, st.integers(0, 99).map(str)))
leaves = st.one_of(literals, variables, parameters, st.just(CountStar()))


def _function_calls(children: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
    args = st.lists(children, max_size=3).map(tuple)
    name = (
        st.lists(names, min_size=1, max_size=3)
        .map(".".join)
        .filter(lambda name: name.lower() != "exists" or "." not in name)
    )
    plain = st.builds(FunctionCall, name=name, args=args)
    distinct = st.builds(
        FunctionCall,
        name=plain_names,
        args=st.lists(children, min_size=1, max_size=2).map(tuple),
        distinct=st.just(True),
    )
    return st.one_of(plain, distinct)


def _collections(children: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
    entries = st.lists(st.builds(MapEntry, key=names, value=children), max_size=3).map(tuple)
    selectors = st.one_of(
        st.builds(PropertySelector, key=names),
        st.just(AllPropertiesSelector()),
        st.builds(VariableSelector, variable=variables),
        st.builds(MapEntry, key=names, value=children),
    )
    return st.one_of(
        st.builds(ListLiteral, items=st.lists(children, max_size=3).map(tuple)),
        st.builds(MapLiteral, entries=entries),
        st.builds(
            MapProjection, subject=variables, items=st.lists(selectors, max_size=3).map(tuple)
        ),
        st.builds(
            ListComprehension,
            variable=variables,
            source=children,
            where=st.none() | children,
            projection=st.none() | children,
        ),
        st.builds(
            Quantifier,
            kind=st.sampled_from(QuantifierKind),
            variable=variables,
            source=children,
            where=st.none() | children,
        ),
        st.builds(
            Reduce,
            accumulator=variables,
            init=children,
            variable=variables,
            source=children,
            expression=children,
        ),
    )


def _operators(children: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
    whens = st.lists(
        st.builds(CaseWhen, condition=children, result=children), min_size=1, max_size=2
    )
    return st.one_of(
        st.builds(Binary, op=st.sampled_from(BinaryOp), left=children, right=children),
        st.builds(Unary, op=st.sampled_from(UnaryOp), operand=children),
        st.builds(IsNull, operand=children, negated=st.booleans()),
        st.builds(
            HasLabels, subject=children, labels=st.lists(names, min_size=1, max_size=2).map(tuple)
        ),
        st.builds(PropertyAccess, subject=children, key=names),
        st.builds(Subscript, subject=children, index=children),
        st.builds(Slice, subject=children, start=st.none() | children, end=st.none() | children),
        st.builds(
            Case, subject=st.none() | children, whens=whens.map(tuple), default=st.none() | children
        ),
    )


def _extend(children: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
    return st.one_of(_operators(children), _collections(children), _function_calls(children))


#: random expression trees of every kind the printer handles (patterns excepted)
expressions: st.SearchStrategy[Expr] = st.recursive(leaves, _extend, max_leaves=25)
