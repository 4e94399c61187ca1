"""Builder queries paired with the text query they stand for (the round-trip corpus).

Each entry is `(builder query, text query, parameters of the text query)`. The text
writes values as literals or named parameters; the builder gives Python values, which
must become parameters.
"""

from __future__ import annotations

from engram.builder import (
    all_,
    all_shortest_paths,
    any_,
    avg,
    call,
    case,
    coalesce,
    collect,
    count,
    count_star,
    create,
    exists,
    fn,
    id_,
    labels,
    list_comprehension,
    match,
    max_,
    merge,
    min_,
    node,
    none_,
    optional_match,
    param,
    return_,
    shortest_path,
    single,
    size,
    sum_,
    type_,
    unwind,
    var,
    vector_similarity,
    with_,
)

SETUP = """
CREATE (ada:Person {name: 'Ada', age: 36, email: 'ada@example.com', tags: ['math', 'code']}),
       (alan:Person {name: 'Alan', age: 41, tags: ['code']}),
       (grace:Person:Admiral {name: 'Grace', age: 85, email: 'grace@navy.mil', tags: []}),
       (linus:Person {name: 'Linus', age: 29}),
       (bob:Person {name: 'Bob', age: 17, email: 'bob@example.com'}),
       (london:City {name: 'London', population: 9000000}),
       (ny:City {name: 'New York', population: 8300000}),
       (ada)-[:KNOWS {since: 1833, weight: 1.5}]->(alan),
       (alan)-[:KNOWS {since: 1936, weight: 2.0}]->(grace),
       (grace)-[:KNOWS {since: 1950, weight: 0.5}]->(linus),
       (linus)-[:KNOWS {since: 1991}]->(ada),
       (bob)-[:KNOWS {since: 2020, weight: 3.0}]->(ada),
       (ada)-[:LIVES_IN]->(london), (alan)-[:LIVES_IN]->(london),
       (grace)-[:LIVES_IN]->(ny), (bob)-[:LIKES]->(grace)
"""

p, f, c, r, x, q = var("p"), var("f"), var("c"), var("r"), var("x"), var("q")
person, friend = node(p, "Person"), node(f, "Person")
knows = person.to(friend, "KNOWS", var="r")

READS = [
    # patterns
    (match(person).return_(p.name), "MATCH (p:Person) RETURN p.name", {}),
    (match(node(p)).return_(p.name), "MATCH (p) RETURN p.name", {}),
    (
        match(node(p, "Person", "Admiral")).return_(p.name),
        "MATCH (p:Person:Admiral) RETURN p.name",
        {},
    ),
    (match(node(p, name="Ada")).return_(p.age), "MATCH (p {name: 'Ada'}) RETURN p.age", {}),
    (
        match(node(p, "Person", name="Ada", age=36)).return_(p.email),
        "MATCH (p:Person {name: 'Ada', age: 36}) RETURN p.email",
        {},
    ),
    (
        match(knows).return_(p.name, f.name),
        "MATCH (p:Person)-[r:KNOWS]->(f:Person) RETURN p.name, f.name",
        {},
    ),
    (
        match(person.from_(friend, "KNOWS")).return_(p.name, f.name),
        "MATCH (p:Person)<-[:KNOWS]-(f:Person) RETURN p.name, f.name",
        {},
    ),
    (
        match(person.related(friend, "KNOWS")).return_(p.name, f.name),
        "MATCH (p:Person)-[:KNOWS]-(f:Person) RETURN p.name, f.name",
        {},
    ),
    (
        match(person.related(node(x), "KNOWS", "LIKES")).return_(p.name, x.name),
        "MATCH (p:Person)-[:KNOWS|LIKES]-(x) RETURN p.name, x.name",
        {},
    ),
    (
        match(node(p, name="Ada").to(node(f), "KNOWS", hops=(1, 3))).return_(f.name),
        "MATCH (p {name: 'Ada'})-[:KNOWS*1..3]->(f) RETURN f.name",
        {},
    ),
    (
        match(node(p, name="Ada").to(node(f), "KNOWS", hops=2)).return_(f.name),
        "MATCH (p {name: 'Ada'})-[:KNOWS*2]->(f) RETURN f.name",
        {},
    ),
    (
        match(node(p, name="Ada").to(node(f), "KNOWS", hops=True)).return_(count(f)),
        "MATCH (p {name: 'Ada'})-[:KNOWS*]->(f) RETURN count(f)",
        {},
    ),
    (
        match(node(p, name="Ada").to(node(f), "KNOWS", hops=(None, 2))).return_(f.name),
        "MATCH (p {name: 'Ada'})-[:KNOWS*..2]->(f) RETURN f.name",
        {},
    ),
    (
        match(node(p, name="Ada").to(node(f), "KNOWS", hops=(2, None))).return_(count_star()),
        "MATCH (p {name: 'Ada'})-[:KNOWS*2..]->(f) RETURN count(*)",
        {},
    ),
    (
        match(person.to(friend, "KNOWS").named("path")).return_(fn.length(var("path"))),
        "MATCH path = (p:Person)-[:KNOWS]->(f:Person) RETURN length(path)",
        {},
    ),
    (
        match(
            shortest_path(node(p, name="Ada").to(node(f, name="Linus"), "KNOWS", hops=True)).named(
                "sp"
            )
        ).return_(fn.length(var("sp"))),
        "MATCH sp = shortestPath((p {name: 'Ada'})-[:KNOWS*]->(f {name: 'Linus'})) RETURN "
        "length(sp)",
        {},
    ),
    (
        match(
            all_shortest_paths(node(p, name="Ada").related(node(f, name="Grace"), hops=True)).named(
                "sp"
            )
        ).return_(count_star()),
        "MATCH sp = allShortestPaths((p {name: 'Ada'})-[*]-(f {name: 'Grace'})) RETURN count(*)",
        {},
    ),
    (
        match(person.to(friend, "KNOWS", properties={"since": 1936})).return_(p.name),
        "MATCH (p:Person)-[:KNOWS {since: 1936}]->(f:Person) RETURN p.name",
        {},
    ),
    (
        match(person, node(c, "City")).return_(count_star()),
        "MATCH (p:Person), (c:City) RETURN count(*)",
        {},
    ),
    (
        match(person.to(friend, "KNOWS").to(node(x), "KNOWS")).return_(p.name, x.name),
        "MATCH (p:Person)-[:KNOWS]->(f:Person)-[:KNOWS]->(x) RETURN p.name, x.name",
        {},
    ),
    # WHERE with operators
    (
        match(person).where(p.age > 30).return_(p.name),
        "MATCH (p:Person) WHERE p.age > 30 RETURN p.name",
        {},
    ),
    (
        match(person).where(p.age >= 36).return_(p.name),
        "MATCH (p:Person) WHERE p.age >= 36 RETURN p.name",
        {},
    ),
    (
        match(person).where(p.age < 30).return_(p.name),
        "MATCH (p:Person) WHERE p.age < 30 RETURN p.name",
        {},
    ),
    (
        match(person).where(p.age <= 29).return_(p.name),
        "MATCH (p:Person) WHERE p.age <= 29 RETURN p.name",
        {},
    ),
    (
        match(person).where(p.name == "Ada").return_(p.age),
        "MATCH (p:Person) WHERE p.name = 'Ada' RETURN p.age",
        {},
    ),
    (
        match(person).where(p.name != "Ada").return_(p.age),
        "MATCH (p:Person) WHERE p.name <> 'Ada' RETURN p.age",
        {},
    ),
    (
        match(person).where((p.age > 30) & (p.age < 50)).return_(p.name),
        "MATCH (p:Person) WHERE p.age > 30 AND p.age < 50 RETURN p.name",
        {},
    ),
    (
        match(person).where((p.age < 20) | (p.age > 80)).return_(p.name),
        "MATCH (p:Person) WHERE p.age < 20 OR p.age > 80 RETURN p.name",
        {},
    ),
    (
        match(person).where((p.age > 30) ^ p.email.is_null()).return_(p.name),
        "MATCH (p:Person) WHERE (p.age > 30) XOR (p.email IS NULL) RETURN p.name",
        {},
    ),
    (
        match(person).where(~(p.age > 30)).return_(p.name),
        "MATCH (p:Person) WHERE NOT p.age > 30 RETURN p.name",
        {},
    ),
    (
        match(person).where(p.email.is_null()).return_(p.name),
        "MATCH (p:Person) WHERE p.email IS NULL RETURN p.name",
        {},
    ),
    (
        match(person).where(p.email.is_not_null()).return_(p.name),
        "MATCH (p:Person) WHERE p.email IS NOT NULL RETURN p.name",
        {},
    ),
    (
        match(person).where(p.name.starts_with("A")).return_(p.name),
        "MATCH (p:Person) WHERE p.name STARTS WITH 'A' RETURN p.name",
        {},
    ),
    (
        match(person).where(p.name.ends_with("n")).return_(p.name),
        "MATCH (p:Person) WHERE p.name ENDS WITH 'n' RETURN p.name",
        {},
    ),
    (
        match(person).where(p.email.contains("example")).return_(p.name),
        "MATCH (p:Person) WHERE p.email CONTAINS 'example' RETURN p.name",
        {},
    ),
    (
        match(person).where(p.name.matches("A.*")).return_(p.name),
        "MATCH (p:Person) WHERE p.name =~ 'A.*' RETURN p.name",
        {},
    ),
    (
        match(person).where(p.name.in_(["Ada", "Bob", "Zed"])).return_(p.age),
        "MATCH (p:Person) WHERE p.name IN ['Ada', 'Bob', 'Zed'] RETURN p.age",
        {},
    ),
    (
        match(person).where(p.has_labels("Admiral")).return_(p.name),
        "MATCH (p:Person) WHERE p:Admiral RETURN p.name",
        {},
    ),
    (
        match(person).where(p.age == param("age")).return_(p.name),
        "MATCH (p:Person) WHERE p.age = $age RETURN p.name",
        {"age": 41},
    ),
    (
        match(knows).where(r.since > 1900).return_(p.name, r.since),
        "MATCH (p:Person)-[r:KNOWS]->(f:Person) WHERE r.since > 1900 RETURN p.name, r.since",
        {},
    ),
    (
        match(knows).where(r.weight.is_null()).return_(p.name),
        "MATCH (p:Person)-[r:KNOWS]->(f:Person) WHERE r.weight IS NULL RETURN p.name",
        {},
    ),
    (
        match(person).where(p.age > 20).where(p.age < 40).return_(p.name),
        "MATCH (p:Person) WHERE p.age > 20 AND p.age < 40 RETURN p.name",
        {},
    ),
    (
        match(person).where(p["age"] % 2 == 0).return_(p.name),
        "MATCH (p:Person) WHERE p.age % 2 = 0 RETURN p.name",
        {},
    ),
    (
        match(person).where(exists(node(p).to(node(None, "City"), "LIVES_IN"))).return_(p.name),
        "MATCH (p:Person) WHERE exists((p)-[:LIVES_IN]->(:City)) RETURN p.name",
        {},
    ),
    (
        match(person).where(~exists(node(p).from_(node(), "KNOWS"))).return_(p.name),
        "MATCH (p:Person) WHERE NOT exists((p)<-[:KNOWS]-()) RETURN p.name",
        {},
    ),
    # expressions
    (match(person).return_(p.age + 1), "MATCH (p:Person) RETURN p.age + 1", {}),
    (match(person).return_(p.age - 1), "MATCH (p:Person) RETURN p.age - 1", {}),
    (match(person).return_(p.age * 2), "MATCH (p:Person) RETURN p.age * 2", {}),
    (match(person).return_(p.age / 2.0), "MATCH (p:Person) RETURN p.age / 2.0", {}),
    (match(person).return_(p.age**2), "MATCH (p:Person) RETURN p.age ^ 2", {}),
    (match(person).return_(-p.age), "MATCH (p:Person) RETURN -p.age", {}),
    (match(person).return_(100 - p.age), "MATCH (p:Person) RETURN 100 - p.age", {}),
    (match(person).return_(2 * p.age + 1), "MATCH (p:Person) RETURN 2 * p.age + 1", {}),
    (match(person).return_(p.name + "!"), "MATCH (p:Person) RETURN p.name + '!'", {}),
    (match(person).return_(p.tags[0]), "MATCH (p:Person) RETURN p.tags[0]", {}),
    (match(person).return_(p.tags[0:1]), "MATCH (p:Person) RETURN p.tags[0..1]", {}),
    (match(person).return_(p.tags[1:]), "MATCH (p:Person) RETURN p.tags[1..]", {}),
    (match(person).return_([p.name, p.age]), "MATCH (p:Person) RETURN [p.name, p.age]", {}),
    (
        match(person).return_({"n": p.name, "a": p.age}),
        "MATCH (p:Person) RETURN {n: p.name, a: p.age}",
        {},
    ),
    (
        match(person).return_(
            case().when(p.age < 18, "minor").when(p.age > 80, "senior").otherwise("adult")
        ),
        "MATCH (p:Person) RETURN CASE WHEN p.age < 18 THEN 'minor' WHEN p.age > 80 THEN 'senior' "
        "ELSE 'adult' END",
        {},
    ),
    (
        match(person).return_(case(p.name).when("Ada", 1).when("Alan", 2).end()),
        "MATCH (p:Person) RETURN CASE p.name WHEN 'Ada' THEN 1 WHEN 'Alan' THEN 2 END",
        {},
    ),
    (
        match(person).return_(
            list_comprehension("t", p.tags, where=var("t") != "code", project=fn.toUpper(var("t")))
        ),
        "MATCH (p:Person) RETURN [t IN p.tags WHERE t <> 'code' | toUpper(t)]",
        {},
    ),
    (
        match(person).where(any_("t", p.tags, var("t") == "math")).return_(p.name),
        "MATCH (p:Person) WHERE any(t IN p.tags WHERE t = 'math') RETURN p.name",
        {},
    ),
    (
        match(person).where(all_("t", coalesce(p.tags, []), var("t") == "code")).return_(p.name),
        "MATCH (p:Person) WHERE all(t IN coalesce(p.tags, []) WHERE t = 'code') RETURN p.name",
        {},
    ),
    (
        match(person).where(none_("t", coalesce(p.tags, []), var("t") == "code")).return_(p.name),
        "MATCH (p:Person) WHERE none(t IN coalesce(p.tags, []) WHERE t = 'code') RETURN p.name",
        {},
    ),
    (
        match(person).where(single("t", coalesce(p.tags, []), var("t") == "code")).return_(p.name),
        "MATCH (p:Person) WHERE single(t IN coalesce(p.tags, []) WHERE t = 'code') RETURN p.name",
        {},
    ),
    # functions
    (match(person).return_(fn.toUpper(p.name)), "MATCH (p:Person) RETURN toUpper(p.name)", {}),
    (
        match(person).return_(fn.substring(p.name, 0, 2)),
        "MATCH (p:Person) RETURN substring(p.name, 0, 2)",
        {},
    ),
    (match(person).return_(size(p.name)), "MATCH (p:Person) RETURN size(p.name)", {}),
    (
        match(person).return_(coalesce(p.email, "none")),
        "MATCH (p:Person) RETURN coalesce(p.email, 'none')",
        {},
    ),
    (match(person).return_(labels(p)), "MATCH (p:Person) RETURN labels(p)", {}),
    (match(knows).return_(type_(r)), "MATCH (p:Person)-[r:KNOWS]->(f:Person) RETURN type(r)", {}),
    (match(person).return_(id_(p) >= 0), "MATCH (p:Person) RETURN id(p) >= 0", {}),
    (match(person).return_(fn.toString(p.age)), "MATCH (p:Person) RETURN toString(p.age)", {}),
    (return_(fn.abs(-3), fn.sqrt(16.0)), "RETURN abs(-3), sqrt(16.0)", {}),
    (return_(fn.split("a,b", ",")), "RETURN split('a,b', ',')", {}),
    (return_(fn.range(1, 5)), "RETURN range(1, 5)", {}),
    # aggregates
    (match(person).return_(count(p)), "MATCH (p:Person) RETURN count(p)", {}),
    (match(person).return_(count_star()), "MATCH (p:Person) RETURN count(*)", {}),
    (match(person).return_(count(p.email)), "MATCH (p:Person) RETURN count(p.email)", {}),
    (
        match(knows).return_(count(f, distinct=True)),
        "MATCH (p:Person)-[r:KNOWS]->(f:Person) RETURN count(DISTINCT f)",
        {},
    ),
    (match(person).return_(sum_(p.age)), "MATCH (p:Person) RETURN sum(p.age)", {}),
    (match(person).return_(avg(p.age)), "MATCH (p:Person) RETURN avg(p.age)", {}),
    (
        match(person).return_(min_(p.age), max_(p.age)),
        "MATCH (p:Person) RETURN min(p.age), max(p.age)",
        {},
    ),
    (
        match(person).return_(collect(p.name)),
        "MATCH (p:Person) RETURN collect(p.name)",
        {},
    ),
    (
        match(person.to(node(c, "City"), "LIVES_IN")).return_(c.name, people=count(p)),
        "MATCH (p:Person)-[:LIVES_IN]->(c:City) RETURN c.name, count(p) AS people",
        {},
    ),
    (
        match(knows).return_(p.name, total=sum_(r.weight), n=count_star()),
        "MATCH (p:Person)-[r:KNOWS]->(f:Person) RETURN p.name, sum(r.weight) AS total, count(*) "
        "AS n",
        {},
    ),
    # projections
    (match(person).return_(p.name.as_("name")), "MATCH (p:Person) RETURN p.name AS name", {}),
    (
        match(person).return_(name=p.name, age=p.age),
        "MATCH (p:Person) RETURN p.name AS name, p.age AS age",
        {},
    ),
    (match(person).return_("p"), "MATCH (p:Person) RETURN p", {}),
    (match(person).return_("*"), "MATCH (p:Person) RETURN *", {}),
    (
        match(knows).return_(p.name, distinct=True),
        "MATCH (p:Person)-[r:KNOWS]->(f:Person) RETURN DISTINCT p.name",
        {},
    ),
    (
        match(person).return_(p.name).order_by(p.name),
        "MATCH (p:Person) RETURN p.name ORDER BY p.name",
        {},
    ),
    (
        match(person).return_(p.name, p.age).order_by(p.age.desc()),
        "MATCH (p:Person) RETURN p.name, p.age ORDER BY p.age DESC",
        {},
    ),
    (
        match(person).return_(name=p.name).order_by("name").skip(1).limit(2),
        "MATCH (p:Person) RETURN p.name AS name ORDER BY name SKIP 1 LIMIT 2",
        {},
    ),
    (
        match(person).return_(p.name).order_by(p.age.asc(), p.name.desc()).limit(3),
        "MATCH (p:Person) RETURN p.name ORDER BY p.age, p.name DESC LIMIT 3",
        {},
    ),
    (
        match(person).return_(p.name).order_by(p.name).limit(param("n")),
        "MATCH (p:Person) RETURN p.name ORDER BY p.name LIMIT $n",
        {"n": 2},
    ),
    # WITH
    (
        match(person).with_(p, doubled=p.age * 2).where(var("doubled") > 80).return_(p.name),
        "MATCH (p:Person) WITH p, p.age * 2 AS doubled WHERE doubled > 80 RETURN p.name",
        {},
    ),
    (
        match(knows).with_(p, n=count(f)).where(var("n") >= 1).return_(p.name, var("n")),
        "MATCH (p:Person)-[r:KNOWS]->(f:Person) WITH p, count(f) AS n WHERE n >= 1 RETURN "
        "p.name, n",
        {},
    ),
    (
        match(person).with_(p).order_by(p.age.desc()).limit(2).return_(p.name),
        "MATCH (p:Person) WITH p ORDER BY p.age DESC LIMIT 2 RETURN p.name",
        {},
    ),
    (
        match(person).with_(p.age.as_("age"), distinct=True).return_(count_star()),
        "MATCH (p:Person) WITH DISTINCT p.age AS age RETURN count(*)",
        {},
    ),
    (
        with_(names=["x", "y"]).unwind(var("names"), "n").return_(var("n")),
        "WITH ['x', 'y'] AS names UNWIND names AS n RETURN n",
        {},
    ),
    # UNWIND
    (unwind([1, 2, 3], "i").return_(var("i") * 10), "UNWIND [1, 2, 3] AS i RETURN i * 10", {}),
    (
        unwind(["Ada", "Nobody"], "name")
        .match(node(p, "Person"))
        .where(p.name == var("name"))
        .return_(p.age),
        "UNWIND ['Ada', 'Nobody'] AS name MATCH (p:Person) WHERE p.name = name RETURN p.age",
        {},
    ),
    (
        unwind(param("rows"), "row").return_(var("row").a),
        "UNWIND $rows AS row RETURN row.a",
        {"rows": [{"a": 1}, {"a": 2}]},
    ),
    # OPTIONAL MATCH
    (
        match(person)
        .optional_match(node(p).to(node(c, "City"), "LIVES_IN"))
        .return_(p.name, c.name),
        "MATCH (p:Person) OPTIONAL MATCH (p)-[:LIVES_IN]->(c:City) RETURN p.name, c.name",
        {},
    ),
    (
        optional_match(node(p, "Nobody")).return_(p),
        "OPTIONAL MATCH (p:Nobody) RETURN p",
        {},
    ),
    (
        match(person)
        .optional_match(node(p).to(node(f), "KNOWS"))
        .where(f.age > 40)
        .return_(p.name, f.name),
        "MATCH (p:Person) OPTIONAL MATCH (p)-[:KNOWS]->(f) WHERE f.age > 40 RETURN p.name, f.name",
        {},
    ),
    # vector similarity
    (
        match(person)
        .where(p.tags.is_not_null())
        .return_(p.name, score=vector_similarity([1.0, fn.size(p.tags)], [0.5, 1.0]))
        .order_by(var("score").desc(), p.name),
        "MATCH (p:Person) WHERE p.tags IS NOT NULL "
        "RETURN p.name, vector.similarity.cosine([1.0, size(p.tags)], [0.5, 1.0]) AS score "
        "ORDER BY score DESC, p.name",
        {},
    ),
    (
        return_(d=vector_similarity([0.0, 3.0], [4.0, 0.0], "euclidean")),
        "RETURN vector.similarity.euclidean([0.0, 3.0], [4.0, 0.0]) AS d",
        {},
    ),
    # CALL
    (
        call("algo.pageRank", {"label": "Person", "type": "KNOWS"})
        .yield_("node", "score")
        .return_(var("node").name, var("score")),
        "CALL algo.pageRank({label: 'Person', type: 'KNOWS'}) YIELD node, score RETURN "
        "node.name, score",
        {},
    ),
    (
        call("algo.wcc", {})
        .yield_("node", cid="componentId")
        .return_(count(var("cid"), distinct=True)),
        "CALL algo.wcc({}) YIELD node, componentId AS cid RETURN count(DISTINCT cid)",
        {},
    ),
    (
        call("algo.triangleCount", {"type": "KNOWS"})
        .yield_("node", "triangles")
        .where(var("triangles") > 0)
        .return_(var("node").name),
        "CALL algo.triangleCount({type: 'KNOWS'}) YIELD node, triangles WHERE triangles > 0 "
        "RETURN node.name",
        {},
    ),
    # UNION
    (
        match(person)
        .where(p.age > 80)
        .return_(name=p.name)
        .union(match(node(c, "City")).return_(name=c.name)),
        "MATCH (p:Person) WHERE p.age > 80 RETURN p.name AS name UNION MATCH (c:City) RETURN "
        "c.name AS name",
        {},
    ),
    (
        return_(x=1).union_all(return_(x=1)),
        "RETURN 1 AS x UNION ALL RETURN 1 AS x",
        {},
    ),
    # values of every kind
    (return_(v=None), "RETURN null AS v", {}),
    (return_(v=True), "RETURN true AS v", {}),
    (return_(v=3.25), "RETURN 3.25 AS v", {}),
    (return_(v='it\'s "quoted" \\ $x'), "RETURN $s AS v", {"s": 'it\'s "quoted" \\ $x'}),
    (return_(v=[1, "two", None, [3.0]]), "RETURN [1, 'two', null, [3.0]] AS v", {}),
    (return_(v={"a": {"b": [1]}}), "RETURN {a: {b: [1]}} AS v", {}),
    (return_(v=2**62), "RETURN 4611686018427387904 AS v", {}),
    (return_(v=-(2**63)), "RETURN $m AS v", {"m": -(2**63)}),
]

WRITES = [
    (
        create(node("n", "Person", name="Zoe", age=30)),
        "CREATE (n:Person {name: 'Zoe', age: 30})",
        {},
    ),
    (
        create(node("n", "Person", name="Zoe")).return_(var("n").name),
        "CREATE (n:Person {name: 'Zoe'}) RETURN n.name",
        {},
    ),
    (
        create(node("a", "T", k=1).to(node("b", "T", k=2), "R", properties={"w": 0.5})),
        "CREATE (a:T {k: 1})-[:R {w: 0.5}]->(b:T {k: 2})",
        {},
    ),
    (
        match(node(p, name="Ada"), node(f, name="Grace")).create(node(p).to(node(f), "ADMIRES")),
        "MATCH (p {name: 'Ada'}), (f {name: 'Grace'}) CREATE (p)-[:ADMIRES]->(f)",
        {},
    ),
    (
        unwind([{"name": "U1", "age": 1}, {"name": "U2", "age": 2}], "row").create(
            node("n", "Imported", name=var("row").name, age=var("row").age)
        ),
        "UNWIND [{name: 'U1', age: 1}, {name: 'U2', age: 2}] AS row "
        "CREATE (n:Imported {name: row.name, age: row.age})",
        {},
    ),
    (
        merge(node("n", "Person", name="Ada")).return_(count_star()),
        "MERGE (n:Person {name: 'Ada'}) RETURN count(*)",
        {},
    ),
    (
        merge(node("n", "Person", name="New")).return_(count_star()),
        "MERGE (n:Person {name: 'New'}) RETURN count(*)",
        {},
    ),
    (
        merge(
            node("n", "Person", name="Ada"),
            on_create=[(var("n").created, True)],
            on_match=[(var("n").seen, 1)],
        ),
        "MERGE (n:Person {name: 'Ada'}) ON CREATE SET n.created = true ON MATCH SET n.seen = 1",
        {},
    ),
    (
        merge(
            node("n", "Person", name="Eve"),
            on_create=[(var("n").created, True)],
            on_match=[(var("n").seen, 1)],
        ),
        "MERGE (n:Person {name: 'Eve'}) ON CREATE SET n.created = true ON MATCH SET n.seen = 1",
        {},
    ),
    (
        match(node(p, name="Ada")).merge(node(p).to(node(c, "City", name="Paris"), "VISITED")),
        "MATCH (p {name: 'Ada'}) MERGE (p)-[:VISITED]->(c:City {name: 'Paris'})",
        {},
    ),
    (match(person).set(p.age, p.age + 1), "MATCH (p:Person) SET p.age = p.age + 1", {}),
    (
        match(node(p, name="Ada")).set(p.title, "Countess"),
        "MATCH (p {name: 'Ada'}) SET p.title = 'Countess'",
        {},
    ),
    (
        match(node(p, name="Ada")).set(p, {"name": "Ada", "x": 1}),
        "MATCH (p {name: 'Ada'}) SET p = {name: 'Ada', x: 1}",
        {},
    ),
    (
        match(node(p, name="Ada")).set(p, {"x": 1}, merge=True),
        "MATCH (p {name: 'Ada'}) SET p += {x: 1}",
        {},
    ),
    (
        match(node(p, name="Ada")).set_labels(p, "Countess", "Pioneer"),
        "MATCH (p {name: 'Ada'}) SET p:Countess:Pioneer",
        {},
    ),
    (match(person).remove(p.email), "MATCH (p:Person) REMOVE p.email", {}),
    (
        match(node(p, "Admiral")).remove_labels(p, "Admiral"),
        "MATCH (p:Admiral) REMOVE p:Admiral",
        {},
    ),
    (match(node(p, "City")).detach_delete(p), "MATCH (p:City) DETACH DELETE p", {}),
    (
        match(node(p, "Person", name="Bob")).delete("p", detach=True),
        "MATCH (p:Person {name: 'Bob'}) DETACH DELETE p",
        {},
    ),
    (
        match(person.to(node(c), "LIVES_IN", var="r")).delete(r),
        "MATCH (p:Person)-[r:LIVES_IN]->(c) DELETE r",
        {},
    ),
    (
        match(person).where(p.age < 20).set(p.minor, True).return_(p.name, p.minor),
        "MATCH (p:Person) WHERE p.age < 20 SET p.minor = true RETURN p.name, p.minor",
        {},
    ),
    (
        unwind(param("rows"), "row")
        .merge(node("n", "Person", name=var("row").name))
        .set(var("n").age, var("row").age),
        "UNWIND $rows AS row MERGE (n:Person {name: row.name}) SET n.age = row.age",
        {"rows": [{"name": "Ada", "age": 37}, {"name": "Kim", "age": 50}]},
    ),
    (
        create(node("n", "Thing", vector=[0.1, 0.2, 0.3], when="2024-01-01")),
        "CREATE (n:Thing {vector: [0.1, 0.2, 0.3], when: '2024-01-01'})",
        {},
    ),
    (
        match(node(q, "Person")).with_(q).limit(1).create(node("m", "Copy", of=q.name)),
        "MATCH (q:Person) WITH q LIMIT 1 CREATE (m:Copy {of: q.name})",
        {},
    ),
]

__all__ = ["READS", "SETUP", "WRITES", "call", "match"]
