"""Deterministic EXPLAIN text: operator names, ordered parameters, rendered expressions.

No ids, no addresses: symbols print by name (planner-introduced ones by their internal
name without the leading spaces), so the same plan always renders the same text.
"""

from __future__ import annotations

from dataclasses import dataclass

from engram.binder.bound import (
    BAggregate,
    BBinary,
    BCase,
    BExists,
    BExpr,
    BFunction,
    BHasLabels,
    BIsNull,
    BList,
    BListComprehension,
    BLiteral,
    BMap,
    BMapProjection,
    BParameter,
    BPatternComprehension,
    BProperty,
    BQuantifier,
    BReduce,
    BSetLabels,
    BSetProperties,
    BSetProperty,
    BSlice,
    BSubscript,
    BUnary,
    BVariable,
    Direction,
    Symbol,
)
from engram.parser.ast import UnaryOp
from engram.planner import operators as lp

__all__ = ["PlanLine", "describe", "render_expr", "render_lines", "symbol_name"]


def symbol_name(symbol: Symbol) -> str:
    """How a symbol prints in plans."""
    return symbol.name.strip() if not symbol.anonymous else f"`{symbol.name.strip()}`"


def _in_pattern(symbol: Symbol) -> str:
    """How a symbol prints inside a pattern: anonymous parts print as nothing."""
    return "" if symbol.anonymous else symbol_name(symbol)


def _literal(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return repr(value)


def render_expr(expr: BExpr) -> str:
    """Canonical text of a bound expression."""
    match expr:
        case BLiteral(value=value):
            return _literal(value)
        case BParameter(name=name):
            return f"${name}"
        case BVariable(symbol=symbol):
            return symbol_name(symbol)
        case BProperty(subject=subject, key=key):
            return f"{render_expr(subject)}.{key}"
        case BList(items=items):
            return "[" + ", ".join(render_expr(i) for i in items) + "]"
        case BMap(entries=entries):
            return "{" + ", ".join(f"{k}: {render_expr(v)}" for k, v in entries) + "}"
        case BSubscript(subject=subject, index=index):
            return f"{render_expr(subject)}[{render_expr(index)}]"
        case BSlice(subject=subject, start=start, end=end):
            low = "" if start is None else render_expr(start)
            high = "" if end is None else render_expr(end)
            return f"{render_expr(subject)}[{low}..{high}]"
        case BUnary(op=op, operand=operand):
            separator = " " if op is UnaryOp.NOT else ""
            return f"{op.value}{separator}{_wrapped(operand)}"
        case BBinary(op=op, left=left, right=right):
            return f"{_wrapped(left)} {op.value} {_wrapped(right)}"
        case BIsNull(operand=operand, negated=negated):
            return f"{_wrapped(operand)} IS {'NOT ' if negated else ''}NULL"
        case BHasLabels(subject=subject, labels=labels):
            return render_expr(subject) + "".join(f":{label}" for label in labels)
        case BFunction(spec=spec, args=args):
            return f"{spec.display_name}({', '.join(render_expr(a) for a in args)})"
        case BAggregate(spec=spec, args=args, distinct=distinct, star=star):
            inner = "*" if star else ", ".join(render_expr(a) for a in args)
            return f"{spec.display_name}({'DISTINCT ' if distinct else ''}{inner})"
        case BCase():
            return _case(expr)
        case BListComprehension(variable=var, source=source, where=where, projection=proj):
            text = f"[{symbol_name(var)} IN {render_expr(source)}"
            text += f" WHERE {render_expr(where)}" if where is not None else ""
            text += f" | {render_expr(proj)}" if proj is not None else ""
            return text + "]"
        case BQuantifier(kind=kind, variable=var, source=source, where=where):
            cond = f" WHERE {render_expr(where)}" if where is not None else ""
            return f"{kind.value}({symbol_name(var)} IN {render_expr(source)}{cond})"
        case BReduce(accumulator=acc, init=init, variable=var, source=source, expression=step):
            return (
                f"reduce({symbol_name(acc)} = {render_expr(init)}, {symbol_name(var)} IN "
                f"{render_expr(source)} | {render_expr(step)})"
            )
        case BMapProjection(subject=subject, items=items):
            parts = [_projection_item(kind, key, value) for kind, key, value in items]
            return f"{render_expr(subject)} {{{', '.join(parts)}}}"
        case lp.PlanExists():
            return "EXISTS {...}"
        case lp.PlanCollect(projection=projection):
            return f"[... | {render_expr(projection)}]"
        case BExists():
            return "EXISTS {...}"
        case BPatternComprehension():
            return "[pattern comprehension]"
        case lp.PlanPath(parts=parts):
            return "path(" + ", ".join(symbol_name(s) for _, s in parts) + ")"
        case lp.PlanUnique(left=left, right=right):
            return f"unique({symbol_name(left)}, {symbol_name(right)})"
        case lp.PlanMapMatch(subject=subject, properties=properties):
            return f"{render_expr(subject)} ~ {render_expr(properties)}"
    return type(expr).__name__


def _case(expr: BCase) -> str:
    parts = ["CASE"]
    if expr.subject is not None:
        parts.append(render_expr(expr.subject))
    for condition, result in expr.whens:
        parts.append(f"WHEN {render_expr(condition)} THEN {render_expr(result)}")
    if expr.default is not None:
        parts.append(f"ELSE {render_expr(expr.default)}")
    parts.append("END")
    return " ".join(parts)


def _projection_item(kind: str, key: str, value: BExpr | None) -> str:
    if kind == "all":
        return ".*"
    if kind == "property":
        return f".{key}"
    assert value is not None
    return f"{key}: {render_expr(value)}"


def _wrapped(expr: BExpr) -> str:
    text = render_expr(expr)
    return f"({text})" if isinstance(expr, BBinary) else text


def _rel(types: tuple[str, ...], direction: Direction, length: str = "") -> tuple[str, str]:
    inner = ":" + "|".join(types) if types else ""
    inner += length
    left = "<-" if direction is Direction.INCOMING else "-"
    right = "->" if direction is Direction.OUTGOING else "-"
    return f"{left}[{inner}]{right}", ""


def _bounds(low: int, high: int | None) -> str:
    return f"*{low}..{'' if high is None else high}"


def _symbols(symbols: tuple[Symbol, ...]) -> str:
    return ", ".join(symbol_name(s) for s in symbols)


def describe(op: lp.LogicalOp) -> tuple[str, dict[str, str]]:
    """Operator name and its parameters, in a fixed order."""
    name = op.name
    match op:
        case lp.Start(arguments=arguments):
            return "Argument" if arguments else name, (
                {"variables": _symbols(arguments)} if arguments else {}
            )
        case lp.AllNodesScan(symbol=s):
            return name, {"node": symbol_name(s)}
        case lp.LabelScan(symbol=s, label=label):
            return name, {"node": f"{symbol_name(s)}:{label}"}
        case lp.IndexSeek():
            return name, _seek_params(op)
        case lp.NodeByIdSeek(symbol=s, ids=ids):
            return name, {"node": symbol_name(s), "ids": render_expr(ids)}
        case lp.VectorSearch():
            return name, _vector_params(op)
        case lp.Expand(source=a, rel=r, target=b, types=types, direction=d, into=into):
            arrow, _ = _rel(types, d)
            arrow = arrow.replace("[", f"[{_in_pattern(r)}", 1)
            params = {"pattern": f"({_in_pattern(a)}){arrow}({_in_pattern(b)})"}
            return ("ExpandInto" if into else name), params
        case lp.RelEndpoints(rel=r, left=a, right=b, direction=d):
            arrow, _ = _rel((), d)
            arrow = arrow.replace("[", f"[{_in_pattern(r)}", 1)
            return name, {"pattern": f"({_in_pattern(a)}){arrow}({_in_pattern(b)})"}
        case lp.VarExpand(source=a, rel=r, target=b, types=types, direction=d, min=lo, max=hi):
            arrow, _ = _rel(types, d, _bounds(lo, hi))
            arrow = arrow.replace("[", f"[{_in_pattern(r)}", 1)
            params = {"pattern": f"({_in_pattern(a)}){arrow}({_in_pattern(b)})"}
            if op.rel_predicate is not None:
                params["each relationship"] = render_expr(op.rel_predicate)
            if op.into:
                params["into"] = "true"
            if op.distinct_targets:
                params["targets"] = "distinct (breadth first)"
            return name, params
        case lp.ShortestPath(source=a, target=b, types=types, direction=d, min=lo, max=hi):
            arrow, _ = _rel(types, d, _bounds(lo, hi))
            params = {"pattern": f"({_in_pattern(a)}){arrow}({_in_pattern(b)})"}
            if op.path is not None:
                params["path"] = symbol_name(op.path)
            return ("AllShortestPaths" if op.all else name), params
        case lp.ValueHashJoin(left_key=left, right_key=right):
            return name, {"on": f"{render_expr(left)} = {render_expr(right)}"}
        case lp.Filter(predicates=predicates):
            return name, {"predicate": " AND ".join(render_expr(p) for p in predicates)}
        case lp.Project(items=items):
            return name, {"items": ", ".join(_item(s, e) for s, e in items)}
        case lp.Select(symbols=symbols):
            return name, {"variables": _symbols(symbols)}
        case lp.Aggregate(keys=keys, aggregates=aggregates, columnar=columnar):
            params = {"keys": ", ".join(_item(s, e) for s, e in keys)} if keys else {}
            params["aggregates"] = ", ".join(_item(s, e) for s, e in aggregates)
            if columnar:
                params["mode"] = "columnar"
            return name, params
        case lp.Sort(items=items):
            return name, {"by": _order(items)}
        case lp.Top(items=items, limit=limit, skip=skip):
            params = {"by": _order(items), "limit": render_expr(limit)}
            if skip is not None:
                params["skip"] = render_expr(skip)
            return name, params
        case lp.Skip(count=count) | lp.Limit(count=count):
            return name, {"count": render_expr(count)}
        case lp.Unwind(expression=e, symbol=s):
            return name, {"items": _item(s, e)}
        case lp.Optional(new_symbols=new):
            return "OptionalMatch", {"variables": _symbols(new)}
        case lp.Union(all=all_):
            return ("UnionAll" if all_ else name), {}
        case lp.ProcedureCall(procedure=p, args=args, yields=yields):
            params = {"procedure": f"{p.name}({', '.join(render_expr(a) for a in args)})"}
            if yields:
                params["yield"] = ", ".join(f"{f} AS {symbol_name(s)}" for f, s in yields)
            return name, params
        case lp.ProduceResults(columns=columns):
            return name, ({"columns": ", ".join(c for c, _ in columns)} if columns else {})
        case lp.Create(nodes=nodes, rels=rels):
            created = [
                f"({_in_pattern(n.symbol)}{''.join(':' + x for x in n.labels)})" for n in nodes
            ]
            created += [
                f"({_in_pattern(r.start)})-[{_in_pattern(r.symbol)}:{r.type}]->"
                f"({_in_pattern(r.end)})"
                for r in rels
            ]
            return name, {"create": ", ".join(created)}
        case lp.Merge(new_symbols=new):
            return name, {"variables": _symbols(new)}
        case lp.SetItems(items=items):
            return "Set", {"items": ", ".join(_set_item(i) for i in items)}
        case lp.RemoveItems(items=items):
            return "Remove", {"items": ", ".join(_remove_item(i) for i in items)}
        case lp.Delete(expressions=exprs, detach=detach):
            return ("DetachDelete" if detach else name), {
                "items": ", ".join(render_expr(e) for e in exprs)
            }
        case lp.Foreach(symbol=s, source=source):
            return name, {"items": _item(s, source)}
        case lp.SchemaOp(command=command):
            return type(command).__name__, {}
        case lp.MatchPattern(patterns=patterns):
            return name, {"patterns": str(len(patterns))}
    return name, {}


def _item(symbol: Symbol, expr: BExpr) -> str:
    text = render_expr(expr)
    shown = symbol_name(symbol)
    return text if text == shown else f"{text} AS {shown}"


def _order(items: tuple[tuple[BExpr, bool], ...]) -> str:
    return ", ".join(render_expr(e) + (" DESC" if d else "") for e, d in items)


def _seek_params(op: lp.IndexSeek) -> dict[str, str]:
    target = f"{symbol_name(op.symbol)}:{op.label}({', '.join(op.keys)})"
    params = {"index": op.index, "node": target}
    if op.kind in (lp.SeekKind.EQUAL, lp.SeekKind.IN, lp.SeekKind.PREFIX):
        params["seek"] = f"{op.kind.value} " + ", ".join(render_expr(v) for v in op.values)
    else:
        parts = []
        if op.lower is not None:
            parts.append((">= " if op.lower_inclusive else "> ") + render_expr(op.lower))
        if op.upper is not None:
            parts.append(("<= " if op.upper_inclusive else "< ") + render_expr(op.upper))
        params["range"] = " AND ".join(parts)
    return params


def _vector_params(op: lp.VectorSearch) -> dict[str, str]:
    function = f"vector.similarity.{op.function}"
    target = f"{symbol_name(op.symbol)}:{op.label}({op.key})"
    params = {"index": op.index, "node": target}
    params["by"] = f"{function}({symbol_name(op.symbol)}.{op.key}, {render_expr(op.query)}) DESC"
    if op.score is not None:
        params["score"] = symbol_name(op.score)
    if op.limit is not None:
        params["limit"] = render_expr(op.limit)
    if op.skip is not None:
        params["skip"] = render_expr(op.skip)
    if op.threshold is not None:
        params["threshold"] = (">= " if op.inclusive else "> ") + render_expr(op.threshold)
    if op.candidates is not None:
        params["candidates"] = _candidates(op.candidates)
    if op.predicates:
        params["filter"] = " AND ".join(render_expr(p) for p in op.predicates)
    params["strategy"] = op.strategy
    if op.reason:
        params["why"] = op.reason
    return params


def _candidates(plan: lp.LogicalOp) -> str:
    parts = []
    current: lp.LogicalOp | None = plan
    while current is not None and not isinstance(current, lp.Start):
        name, params = describe(current)
        parts.append(f"{name}({', '.join(params.values())})")
        children = current.children
        current = children[0] if children else None
    return " <- ".join(parts)


def _set_item(item: object) -> str:
    match item:
        case BSetProperty(target=target, key=key, value=value):
            return f"{render_expr(target)}.{key} = {render_expr(value)}"
        case BSetProperties(target=target, value=value, merge=merge):
            return f"{render_expr(target)} {'+=' if merge else '='} {render_expr(value)}"
        case BSetLabels(target=target, labels=labels):
            return render_expr(target) + "".join(f":{label}" for label in labels)
    return "?"


def _remove_item(item: lp.RemoveEntry) -> str:
    if item.key is not None:
        return f"{render_expr(item.target)}.{item.key}"
    return render_expr(item.target) + "".join(f":{label}" for label in item.labels)


@dataclass(frozen=True, slots=True)
class PlanLine:
    """One operator line of a rendered plan (also one row of EXPLAIN's result)."""

    depth: int
    operator: str
    details: str
    estimated_rows: float | None = None
    rows: int | None = None
    reads: int | None = None
    time_ms: float | None = None


def _number(value: float) -> str:
    for factor, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "K")):
        if value >= factor:
            scaled = value / factor
            return f"{scaled:.0f}{suffix}" if scaled >= 10 else f"{scaled:.2g}{suffix}"
    return f"{value:.0f}" if value >= 10 else f"{value:.2g}"


def render_lines(lines: list[PlanLine], notes: list[str], *, timings: bool = True) -> str:
    """The plan as text: one operator per line, children indented two spaces."""
    out = []
    for line in lines:
        text = "  " * line.depth + line.operator
        if line.details:
            text += f": {line.details}"
        facts = []
        if line.estimated_rows is not None:
            facts.append(f"est. rows {_number(line.estimated_rows)}")
        if line.rows is not None:
            facts.append(f"rows {line.rows}")
        if line.reads is not None:
            facts.append(f"reads {line.reads}")
        if timings and line.time_ms is not None:
            facts.append(f"{line.time_ms:.3f} ms")
        if facts:
            text += "  [" + ", ".join(facts) + "]"
        out.append(text)
    out.extend(f"note: {note}" for note in notes)
    return "\n".join(out)
