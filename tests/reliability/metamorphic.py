"""Metamorphic testing: relations between the answers of related queries that must hold.

On random graphs (`tests.reliability.querygen`), each check runs a few queries whose
answers are tied by a law of the language, so no reference engine is needed:

- ternary logic partitioning: the rows of ``WHERE p``, ``WHERE NOT p`` and
  ``WHERE p IS NULL`` together are exactly the unfiltered rows (as multisets; for
  DISTINCT, as sets; for count(*), as sums);
- equivalent pattern rewrites: a relationship pattern written the other way round,
  properties in the pattern or in WHERE, one MATCH split in two, a WITH in between,
  ``*1..1`` for one hop, an undirected pattern as both directions;
- the same query with and without indexes (a second database with the same graph and a
  property index on every key, plus a unique constraint), and with the optimizer on and
  off (`QuerySession.disabled_rules`).

``python -m tests.reliability.metamorphic --checks 100000`` runs the long version.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import engram
from engram.errors import EngramError
from tests.reliability.jobs import run_jobs
from tests.reliability.querygen import GraphData, QueryGen, canonical, load_statements, random_graph

CHECKS_PER_GRAPH = 40

INDEXES = (
    "CREATE CONSTRAINT n_id FOR (n:N) REQUIRE n.id IS UNIQUE",
    "CREATE INDEX n_x FOR (n:N) ON (n.x)",
    "CREATE INDEX n_y FOR (n:N) ON (n.y)",
    "CREATE INDEX n_s FOR (n:N) ON (n.s)",
    "CREATE INDEX n_xy FOR (n:N) ON (n.x, n.y)",
)


@dataclass
class MetaReport:
    """What a metamorphic run saw."""

    graphs: int = 0
    checks: Counter[str] = field(default_factory=Counter)
    queries: int = 0
    violations: list[str] = field(default_factory=list)

    def merge(self, other: MetaReport) -> None:
        self.graphs += other.graphs
        self.checks.update(other.checks)
        self.queries += other.queries
        self.violations += other.violations

    def summary(self) -> str:
        kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(self.checks.items()))
        return (
            f"{sum(self.checks.values())} checks ({kinds}) with {self.queries} queries on "
            f"{self.graphs} graphs: {len(self.violations)} violations"
        )


Rows = list[tuple[Any, ...]]


class Checker:
    """The checks over one graph, loaded into a plain and an indexed database."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.graph: GraphData = random_graph(self.rng)
        self.gen = QueryGen(self.rng)
        self.report = MetaReport(graphs=1)
        self.plain = engram.open()
        self.indexed = engram.open()
        for db, schema in ((self.plain, ()), (self.indexed, INDEXES)):
            for text in schema:
                db.execute(text)
            with db.transaction() as tx:
                for text, params in load_statements(self.graph):
                    tx.execute(text, params).rows()

    def close(self) -> None:
        self.plain.close()
        self.indexed.close()

    # -- running -------------------------------------------------------------------------

    def rows(self, text: str, db: engram.Database | None = None) -> Rows:
        self.report.queries += 1
        return (db or self.plain).execute(text).rows()

    def bag(self, text: str, db: engram.Database | None = None) -> Rows:
        return canonical(self.rows(text, db), ordered=False)

    def expect(self, kind: str, holds: bool, *queries: str) -> None:
        self.report.checks[kind] += 1
        if not holds:
            listing = "\n  ".join(queries)
            self.report.violations.append(f"graph seed {self.seed}, {kind}:\n  {listing}")

    def guarded(self, kind: str, check: Callable[[], None]) -> None:
        try:
            check()
        except EngramError as error:
            # a query valid in one form must be valid in every equivalent form
            self.report.checks[kind] += 1
            self.report.violations.append(f"graph seed {self.seed}, {kind}: {error!r}")

    # -- ternary logic partitioning ------------------------------------------------------

    def tlp(self) -> None:
        gen = self.gen
        shape = self.rng.choice(["node", "edge", "hops", "optional", "count", "distinct"])
        names: tuple[str, ...] = ("a",) if shape in ("node", "optional") else ("a", "b", "r")
        if shape == "hops":
            names = ("a", "b", "c")
        predicate = _with_null_lists(gen.predicate(names), self.rng)
        patterns = {
            "node": ("MATCH (a:N)", "a.id, a.x, a.s"),
            "edge": (f"MATCH {gen.edge()}", "a.id, b.id, r.w"),
            "hops": ("MATCH (a:N)-[:R]->(b:N)-[:R|S]->(c:N)", "a.id, b.id, c.id"),
            "optional": ("MATCH (a:N) OPTIONAL MATCH (a)-[r:S]->(b:N)", "a.id, b.id"),
            "count": (f"MATCH {gen.edge()}", "count(*)"),
            "distinct": (f"MATCH {gen.edge()}", "DISTINCT a.x, b.y"),
        }
        match, columns = patterns[shape]
        if shape == "optional":  # the partitioned predicate filters the outer MATCH
            match, tail = "MATCH (a:N)", " OPTIONAL MATCH (a)-[r:S]->(b:N)"
        else:
            tail = ""
        whole = f"{match}{tail} RETURN {columns}"
        parts = [
            f"{match} WHERE {condition}{tail} RETURN {columns}"
            for condition in (f"({predicate})", f"NOT ({predicate})", f"({predicate}) IS NULL")
        ]
        expected = self.bag(whole)
        answers = [self.bag(part) for part in parts]
        if shape == "count":
            holds = expected[0][0] == sum(answer[0][0] for answer in answers)
        elif shape == "distinct":
            holds = set(expected) == set().union(*map(set, answers))
        else:
            holds = expected == canonical([row for answer in answers for row in answer], False)
        self.expect(f"tlp-{shape}", holds, whole, *parts)

    # -- equivalent rewrites ------------------------------------------------------------

    def rewrite(self) -> None:
        gen, rng = self.gen, self.rng
        rel_type = rng.choice(["R", "S", "R|S"])
        where = gen.predicate(("a", "b", "r"))
        columns = "a.id, b.id, r.w"
        forward = f"MATCH (a:N)-[r:{rel_type}]->(b:N) WHERE {where} RETURN {columns}"
        value = rng.randint(-1, 3)
        key = rng.choice("xy")
        forms = {
            "reversed": f"MATCH (b:N)<-[r:{rel_type}]-(a:N) WHERE {where} RETURN {columns}",
            "split": f"MATCH (a:N) MATCH (a)-[r:{rel_type}]->(b:N) WHERE {where} RETURN {columns}",
            "with": (
                f"MATCH (a:N)-[r:{rel_type}]->(b:N) WITH a, r, b WHERE {where} RETURN {columns}"
            ),
            "inline": (
                f"MATCH (a:N {{{key}: {value}}})-[r:{rel_type}]->(b:N) WHERE {where} "
                f"RETURN {columns}"
            ),
            "var-length": (
                f"MATCH (a:N)-[rs:{rel_type}*1..1]->(b:N) WITH a, b, rs[0] AS r WHERE {where} "
                f"RETURN {columns}"
            ),
        }
        form = rng.choice(sorted(forms))
        original = forward
        if form == "inline":
            original = (
                f"MATCH (a:N)-[r:{rel_type}]->(b:N) WHERE a.{key} = {value} AND ({where}) "
                f"RETURN {columns}"
            )
        self.expect(
            f"rewrite-{form}", self.bag(original) == self.bag(forms[form]), original, forms[form]
        )
        undirected = f"MATCH (a:N)-[r:{rel_type}]-(b:N) WHERE a.id <> b.id RETURN {columns}"
        if rng.random() < 0.2:
            both = self.bag(
                f"MATCH (a:N)-[r:{rel_type}]->(b:N) WHERE a.id <> b.id RETURN {columns}"
            ) + self.bag(f"MATCH (a:N)<-[r:{rel_type}]-(b:N) WHERE a.id <> b.id RETURN {columns}")
            self.expect(
                "rewrite-undirected",
                self.bag(undirected) == canonical(both, False),
                undirected,
            )

    # -- indexes and the optimizer -------------------------------------------------------

    def index_query(self) -> str:
        rng = self.rng
        if rng.random() < 0.5:
            return self.gen.query().text
        key = rng.choice(["x", "y", "s", "id"])
        value = f"'{rng.choice(['a', 'ab', 'b', ''])}'" if key == "s" else str(rng.randint(-1, 4))
        condition = rng.choice(
            [
                f"a.{key} = {value}",
                f"a.{key} > {value}",
                f"a.{key} <= {value}",
                f"a.{key} IN [{value}, {value}]",
                f"a.{key} = {value} AND a.y >= 1",
                f"a.x = {rng.randint(-1, 3)} AND a.y = {rng.randint(0, 3)}",
                f"a.{key} IS NOT NULL",
                "a.s STARTS WITH 'a'",
            ]
        )
        tail = rng.choice(
            [
                "RETURN a.id, a.x, a.y, a.s",
                "MATCH (a)-[r]->(b) RETURN a.id, b.id, r.w",
                "RETURN count(*)",
                "OPTIONAL MATCH (a)<-[r:R]-(b:N) RETURN a.id, b.id",
            ]
        )
        return f"MATCH (a:N) WHERE {condition} {tail}"

    def same_everywhere(self) -> None:
        text = self.index_query()
        plain = self.bag(text)
        self.expect("index", self.bag(text, self.indexed) == plain, text)
        session = self.indexed.session
        session.disabled_rules = frozenset({"*"})
        try:
            unoptimized = self.bag(text, self.indexed)
        finally:
            session.disabled_rules = frozenset()
        self.expect("optimizer", unoptimized == plain, text)

    def run(self, checks: int) -> MetaReport:
        steps = (self.tlp, self.tlp, self.rewrite, self.same_everywhere)
        while sum(self.report.checks.values()) < checks:
            step = self.rng.choice(steps)
            self.guarded(step.__name__, step)
        return self.report


def _with_null_lists(predicate: str, rng: random.Random) -> str:
    """Engram-only checks may use IN lists with NULLs (left out of the Kùzu comparison)."""
    if rng.random() < 0.3:
        return f"({predicate}) OR a.x IN [{rng.randint(0, 3)}, NULL]"
    return predicate


def check_graph(seed: int, checks: int) -> MetaReport:
    """`checks` checks on the graph of `seed`."""
    checker = Checker(seed)
    try:
        return checker.run(checks)
    finally:
        checker.close()


def run(checks: int, seed: int = 0, per_graph: int = CHECKS_PER_GRAPH) -> MetaReport:
    """`checks` checks over graphs seeded from `seed` on."""
    report = MetaReport()
    graph_seed = seed
    while sum(report.checks.values()) < checks:
        wanted = min(per_graph, checks - sum(report.checks.values()))
        report.merge(check_graph(graph_seed, wanted))
        graph_seed += 1
    return report


def _chunk(arguments: tuple[int, int]) -> MetaReport:
    checks, seed = arguments
    return run(checks, seed)


def main(argv: list[str] | None = None) -> int:
    """Run the checks and print the figures; exit status 1 on any violation."""
    parser = argparse.ArgumentParser(description="metamorphic testing")
    parser.add_argument("--checks", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    total = run_jobs(_chunk, args.checks, args.seed, args.jobs, MetaReport())
    for violation in total.violations[:50]:
        print(violation)
    print(f"{total.summary()}; {time.perf_counter() - started:.0f} s")
    sys.stdout.flush()
    return 1 if total.violations else 0


if __name__ == "__main__":
    raise SystemExit(main())
