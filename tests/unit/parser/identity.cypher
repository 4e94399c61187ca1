MATCH (n) RETURN n
MATCH (n:Person) RETURN n.name
MATCH (n:Person:Admin {name: 'Ada', age: 36}) RETURN n
MATCH (a)-->(b) RETURN a, b
MATCH (a)<--(b) RETURN a
MATCH (a)--(b) RETURN a
MATCH (a)-[r]->(b) RETURN r
MATCH (a)<-[r]-(b) RETURN r
MATCH (a)-[r]-(b) RETURN r
MATCH (a)-[r:KNOWS]->(b) RETURN r
MATCH (a)-[:KNOWS|LIKES]->(b) RETURN b
MATCH (a)-[:KNOWS|LIKES|FOLLOWS]-(b) RETURN b
MATCH (a)-[r:KNOWS {since: 2020}]->(b) RETURN r
MATCH (a)-[{since: 2020}]->(b) RETURN b
MATCH (a)-[*]->(b) RETURN b
MATCH (a)-[*2]->(b) RETURN b
MATCH (a)-[*1..3]->(b) RETURN b
MATCH (a)-[*..3]->(b) RETURN b
MATCH (a)-[*2..]->(b) RETURN b
MATCH (a)-[*0..1]->(b) RETURN b
MATCH (a)-[r:T*1..3 {k: 1}]->(b) RETURN r
MATCH (a)-[r*]-(b) RETURN r
MATCH (a)-[r $props]->(b) RETURN r
MATCH (a)-[r:T $props]->(b) RETURN r
MATCH (a)-->(b)<--(c)--(d) RETURN d
MATCH (a)-[:A]->(b)-[:B]->(c)-[:C]->(d) RETURN a, d
MATCH p = (a)-->(b) RETURN p
MATCH p = (a:Person {name: 'Ada'})-[:KNOWS*1..2]->(b) RETURN p, length(p)
MATCH p = shortestPath((a)-[*]-(b)) RETURN p
MATCH p = allShortestPaths((a)-[:T*..10]->(b)) RETURN p
MATCH shortestPath((a)-[*]-(b)) RETURN a
MATCH (a), (b) WHERE a.x = b.x RETURN a
MATCH (a), (b), (c) RETURN a, b, c
OPTIONAL MATCH (n) RETURN n
MATCH (n) OPTIONAL MATCH (n)-[r]->(m) RETURN n, m
MATCH (n) OPTIONAL MATCH (n)-->(m) WHERE m.x > 1 RETURN m
MATCH (n) WHERE n.age > 30 RETURN n
MATCH (n $props) RETURN n
MATCH (n:Person $props) RETURN n
MATCH ({k: 1}) RETURN 1
MATCH () RETURN 1
MATCH (:Person) RETURN count(*)
MATCH (n:`Odd Label`) RETURN n.`odd key`
MATCH (`my node`) RETURN `my node`
MATCH (n:End)-[:Match]->(m:Return) RETURN n.count, n.end, n.return
MATCH (n) WHERE n:Person RETURN n
MATCH (n) WHERE n:Person:Admin OR n:Robot RETURN n
MATCH (n) WHERE (n)-->() RETURN n
MATCH (n) WHERE (n)-[:KNOWS]->(:Person {name: 'Ada'}) RETURN n
MATCH (n) WHERE NOT (n)<--() RETURN n
MATCH (n) WHERE (n)--() AND (n)-->() OR (n)<--() RETURN n
MATCH (n) WHERE (n:A)-->() RETURN n
MATCH (n) WHERE (n {k: 1})-->() RETURN n
MATCH (n) WHERE (n:A {k: 1})-->() RETURN n
MATCH (n) WHERE (n $p)-->() RETURN n
MATCH (n) WHERE ({k: 1})-->(n) RETURN n
MATCH (n) WHERE (:A)-->(n) RETURN n
MATCH (n) WHERE ()-->(n) RETURN n
MATCH (a), (b) WHERE (a)-[*1..3]->(b) RETURN a
MATCH (n) WHERE EXISTS { (n)-->(m) } RETURN n
MATCH (n) WHERE EXISTS { (n)-->(m) WHERE m.x = 1 } RETURN n
MATCH (n) WHERE EXISTS { (n)-->(m), (m)-->(o) } RETURN n
MATCH (n) WHERE EXISTS { MATCH (n)-->(m) RETURN m } RETURN n
MATCH (n) WHERE EXISTS { OPTIONAL MATCH (n)-->(m) } RETURN n
MATCH (n) WHERE EXISTS { MATCH (n)-->(m) WITH m WHERE m.x > 1 RETURN m } RETURN n
MATCH (n) WHERE NOT EXISTS { (n)-[:T]->() } RETURN n
MATCH (n) WHERE exists(n.name) RETURN n
MATCH (n) WHERE exists((n)-->()) RETURN n
MATCH (n) RETURN n ORDER BY n.name
MATCH (n) RETURN n ORDER BY n.name DESC
MATCH (n) RETURN n ORDER BY n.name DESC, n.age
MATCH (n) RETURN n ORDER BY n.name SKIP 10 LIMIT 5
MATCH (n) RETURN n SKIP 10
MATCH (n) RETURN n LIMIT 5
MATCH (n) RETURN n LIMIT $limit
MATCH (n) RETURN DISTINCT n.name
MATCH (n) RETURN DISTINCT n.name AS name ORDER BY name
MATCH (n) RETURN *
MATCH (n) RETURN *, n.name AS name
MATCH (n) RETURN n.name AS name, n.age AS age
MATCH (n) RETURN n AS `the node`
MATCH (n) RETURN count(n) AS count
MATCH (n) WITH n RETURN n
MATCH (n) WITH n, n.name AS name RETURN name
MATCH (n) WITH * RETURN n
MATCH (n) WITH *, 1 AS one RETURN n, one
MATCH (n) WITH DISTINCT n.name AS name RETURN name
MATCH (n) WITH n ORDER BY n.name LIMIT 10 RETURN n
MATCH (n) WITH n ORDER BY n.name DESC SKIP 1 LIMIT 10 WHERE n.age > 1 RETURN n
MATCH (n) WITH n WHERE n.age > 30 RETURN n
MATCH (n) WITH count(*) AS c WHERE c > 1 RETURN c
MATCH (n) WITH n.name AS name, count(*) AS c ORDER BY c DESC RETURN name, c
UNWIND [1, 2, 3] AS x RETURN x
UNWIND $list AS x RETURN x
UNWIND range(1, 10) AS x WITH x WHERE x % 2 = 0 RETURN collect(x)
UNWIND [[1, 2], [3]] AS inner UNWIND inner AS x RETURN x
RETURN 1 AS x UNION RETURN 2 AS x
RETURN 1 AS x UNION ALL RETURN 1 AS x
MATCH (a) RETURN a.name AS name UNION MATCH (b) RETURN b.name AS name UNION ALL RETURN 'c' AS name
CALL db.labels()
CALL db.labels
CALL db.labels() YIELD label
CALL db.labels() YIELD label RETURN label
CALL db.labels() YIELD label AS l WHERE l <> 'x' RETURN l
CALL db.index.vector.queryNodes('docs', 10, $q) YIELD node, score RETURN node, score
CALL db.index.vector.queryNodes('docs', 10, $q) YIELD *
CALL test.my.proc('a', 1) YIELD out AS o, other RETURN o, other
CALL test.doNothing()
MATCH (n) CALL test.doNothing() RETURN n
CALL `weird proc`.`name with spaces`()
CREATE (n)
CREATE (n:Person {name: 'Ada', age: 36})
CREATE (a)-[:KNOWS]->(b)
CREATE (a:A)-[:KNOWS {since: 2020}]->(b:B), (c:C)
CREATE (a)<-[:T]-(b)
CREATE p = (a)-[:T]->(b) RETURN p
CREATE (n $props) RETURN n
CREATE (n:Person) SET n.name = 'Ada' RETURN n
MATCH (a), (b) CREATE (a)-[r:KNOWS]->(b) RETURN r
MERGE (n:Person {name: 'Ada'})
MERGE (n:Person {name: 'Ada'}) RETURN n
MERGE (n:Person {name: 'Ada'}) ON CREATE SET n.created = timestamp()
MERGE (n:Person {name: 'Ada'}) ON MATCH SET n.seen = n.seen + 1
MERGE (n:Person {name: 'Ada'}) ON CREATE SET n.created = 1 ON MATCH SET n.seen = 1, n.count = n.count + 1
MERGE (n) ON CREATE SET n += {a: 1} ON CREATE SET n.b = 2
MATCH (a), (b) MERGE (a)-[r:KNOWS]->(b) RETURN r
MERGE p = (a:A)-[:T]->(b:B) RETURN p
MATCH (n) SET n.name = 'Ada'
MATCH (n) SET n.name = 'Ada', n.age = 36
MATCH (n) SET n = {name: 'Ada'}
MATCH (n) SET n += {age: 36}
MATCH (n) SET n += $props
MATCH (n) SET n:Person
MATCH (n) SET n:Person:Admin
MATCH (n) SET n.a.b = 1
MATCH (n) SET n.x = null RETURN n
MATCH (n) SET n.list = n.list + [1] RETURN n
MATCH (n) REMOVE n.name
MATCH (n) REMOVE n:Person
MATCH (n) REMOVE n:Person:Admin, n.age
MATCH (n) DELETE n
MATCH (n) DETACH DELETE n
MATCH (n)-[r]->() DELETE r, n
MATCH p = (n)-->() DELETE p
MATCH (n) WITH collect(n) AS nodes DETACH DELETE nodes[0]
FOREACH (x IN [1, 2, 3] | CREATE (:N {v: x}))
FOREACH (x IN range(1, 3) | CREATE (:N {v: x}) SET x.y = 1)
MATCH p = (a)-->(b) FOREACH (n IN nodes(p) | SET n.marked = true)
FOREACH (x IN [1] | FOREACH (y IN [2] | MERGE (:N {v: x + y})))
FOREACH (x IN $list | DELETE x REMOVE x.y DETACH DELETE x)
EXPLAIN MATCH (n) RETURN n
PROFILE MATCH (n) RETURN n
EXPLAIN CREATE (n)
EXPLAIN SHOW INDEXES
CREATE INDEX FOR (n:Person) ON (n.name)
CREATE INDEX person_name FOR (n:Person) ON (n.name)
CREATE INDEX person_name IF NOT EXISTS FOR (n:Person) ON (n.name)
CREATE INDEX IF NOT EXISTS FOR (n:Person) ON (n.name, n.age)
CREATE INDEX `my index` FOR (n:`Some Label`) ON (n.`some key`)
CREATE VECTOR INDEX doc_embedding FOR (d:Doc) ON (d.embedding)
CREATE VECTOR INDEX doc_embedding IF NOT EXISTS FOR (d:Doc) ON (d.embedding) OPTIONS {dimensions: 64, metric: 'cosine'}
CREATE VECTOR INDEX FOR (d:Doc) ON (d.embedding) OPTIONS {dimensions: 3, metric: 'l2', m: 16, ef_construction: 200}
CREATE CONSTRAINT FOR (p:Person) REQUIRE p.email IS UNIQUE
CREATE CONSTRAINT person_email FOR (p:Person) REQUIRE p.email IS UNIQUE
CREATE CONSTRAINT person_email IF NOT EXISTS FOR (p:Person) REQUIRE p.email IS UNIQUE
CREATE CONSTRAINT full_name FOR (p:Person) REQUIRE (p.first, p.last) IS UNIQUE
DROP INDEX person_name
DROP INDEX person_name IF EXISTS
DROP CONSTRAINT person_email
DROP CONSTRAINT `odd name` IF EXISTS
DROP INDEX `index`
SHOW INDEXES
SHOW CONSTRAINTS
RETURN 1
RETURN 0
RETURN -1
RETURN 9223372036854775807
RETURN -9223372036854775808
RETURN 1.5
RETURN 0.0
RETURN -0.0
RETURN 0.001
RETURN 1e-05
RETURN 1e+16
RETURN 1.7976931348623157e+308
RETURN 5e-324
RETURN 0.1 + 0.2
RETURN true, false, null
RETURN 'text'
RETURN ''
RETURN 'it\'s'
RETURN 'say "hi"'
RETURN 'back\\slash'
RETURN 'tab\tnewline\ncarriage\rfeed\fback\b'
RETURN '\u0000\u001f\u007f'
RETURN 'école naïve 日本語 😀'
RETURN [1, 2, 3]
RETURN []
RETURN [[], [[]], [1, [2, [3]]]]
RETURN {}
RETURN {a: 1, b: 'two', c: [3], d: {e: null}}
RETURN {`a key`: 1, `a``b`: 2, end: 3, match: 4}
RETURN $param
RETURN $0
RETURN $`odd param`
RETURN $match
RETURN n
RETURN `odd name`
RETURN `a``b`
RETURN `match`
RETURN count
RETURN index, vector, options, show, profile, explain
RETURN 1 + 2 - 3
RETURN 1 - (2 - 3)
RETURN 1 + 2 * 3
RETURN (1 + 2) * 3
RETURN 2 ^ 3 ^ 2
RETURN 2 ^ (3 ^ 2)
RETURN -2 ^ 2
RETURN -(2 ^ 2)
RETURN -x ^ 2
RETURN -(5)
RETURN -(-5)
RETURN -(-x)
RETURN +x
RETURN +5
RETURN +(-5)
RETURN 7 % 3 / 2 * 1
RETURN a / (b * c)
RETURN a * -b
RETURN a - -b
RETURN (a OR b) - (-1)
RETURN (a OR b) - ([1])
RETURN a + b < -(c + d)
RETURN a = b
RETURN a <> b
RETURN a < b, a <= b, a > b, a >= b
RETURN a < b AND b < c
RETURN (a < b) < c
RETURN a < (b < c)
RETURN a = (b = c)
RETURN a AND b OR c
RETURN a AND (b OR c)
RETURN a OR b AND c
RETURN (a OR b) AND c
RETURN a XOR b OR c
RETURN a XOR (b OR c)
RETURN a OR b XOR c
RETURN a AND (b AND c)
RETURN NOT a
RETURN NOT NOT a
RETURN NOT a AND b
RETURN NOT (a AND b)
RETURN NOT a = b
RETURN (NOT a) = b
RETURN a IS NULL
RETURN a IS NOT NULL
RETURN a + b IS NULL
RETURN (a = b) IS NULL
RETURN a = b IS NULL
RETURN NOT a IS NULL
RETURN (NOT a) IS NULL
RETURN a IN [1, 2]
RETURN a IN b IN c
RETURN a IN (b = c)
RETURN a STARTS WITH 'x'
RETURN a ENDS WITH 'x'
RETURN a CONTAINS 'x'
RETURN a =~ 'x.*'
RETURN a + 'x' STARTS WITH b + 'y'
RETURN a STARTS WITH b STARTS WITH c
RETURN a STARTS WITH (b STARTS WITH c)
RETURN n.name
RETURN n.name.first
RETURN n.count, n.end, n.null
RETURN n.`odd key`
RETURN (n.a + 1).b
RETURN [1, 2][0]
RETURN list[0]
RETURN list[-1]
RETURN list[1..3]
RETURN list[..3]
RETURN list[1..]
RETURN list[$i]
RETURN map['key']
RETURN n[$key]
RETURN (-1).x
RETURN 1.x
RETURN n:Person
RETURN n:Person:Admin
RETURN n.x:Label
RETURN (n:A).x
RETURN NOT n:A
RETURN -n:A
RETURN count(*)
RETURN count(n)
RETURN count(DISTINCT n)
RETURN collect(DISTINCT n.name) AS names
RETURN toUpper('a')
RETURN rand()
RETURN coalesce(a, b, c)
RETURN date.truncate('day', d)
RETURN duration.between(a, b)
RETURN vector.similarity.cosine(a.embedding, $q)
RETURN db.index.contains(x)
RETURN `odd function`(1)
RETURN `all`.things(1)
RETURN exists(n.name)
RETURN EXISTS { (n)-->() }
RETURN CASE WHEN a THEN 1 END
RETURN CASE WHEN a THEN 1 ELSE 2 END
RETURN CASE WHEN a THEN 1 WHEN b THEN 2 ELSE 3 END
RETURN CASE x WHEN 1 THEN 'one' WHEN 2 THEN 'two' ELSE 'many' END
RETURN CASE x + 1 WHEN 1 THEN 'one' END
RETURN CASE WHEN (n)-->() THEN true ELSE false END
RETURN [x IN list]
RETURN [x IN list WHERE x > 1]
RETURN [x IN list | x * 2]
RETURN [x IN list WHERE x > 1 | x * 2]
RETURN [x IN range(1, 10) WHERE x % 2 = 0 | x ^ 2]
RETURN [x IN (a OR b)]
RETURN [x IN (a IS NULL) | x]
RETURN [x IN a + b]
RETURN [(x IN list)]
RETURN [(x IN list OR y)]
RETURN [x IN list, 1]
RETURN [x IN [x IN [1, 2] | x * 2] | x + 1]
RETURN [(a)-->(b) | b]
RETURN [(a)-->(b) WHERE b.x > 1 | b.name]
RETURN [p = (a)-[:T*]->(b) | length(p)]
RETURN [p = (a)-->(b) WHERE length(p) > 1 | p]
RETURN [(a:A {k: 1})<-[r:T]-(b) | r]
RETURN all(x IN list WHERE x > 0)
RETURN any(x IN list WHERE x > 0)
RETURN none(x IN list WHERE x > 0)
RETURN single(x IN list WHERE x > 0)
RETURN any(x IN list)
RETURN all(x IN a OR b WHERE x)
RETURN reduce(acc = 0, x IN list | acc + x)
RETURN reduce(s = '', x IN ['a', 'b'] | s + x) AS joined
RETURN n {.name, .age}
RETURN n {.*}
RETURN n {.*, .name, friend, count: 1}
RETURN n {}
RETURN n {.end, `odd key`: 1, index}
RETURN [n {.name}, m {.*}]
RETURN $p.x
RETURN {a: 1}.a
RETURN [1, 2, 3][1..2][0]
RETURN size([1, 2, 3]) > 2
RETURN 1 AS `1`, 2 AS `a b`
RETURN 1 AS index, 2 AS vector
WITH 1 AS x RETURN x
WITH [1, 2] AS list UNWIND list AS x RETURN x
WITH 'a' AS s RETURN s + 'b' + 'c'
MATCH (n) WHERE n.name STARTS WITH 'A' AND n.age >= 18 AND n.age < 65 RETURN n
MATCH (n) WHERE n.name =~ '(?i)ada.*' RETURN n
MATCH (n) WHERE n.x IN $values RETURN n
MATCH (n) WHERE n.x IS NOT NULL AND n.y IS NULL RETURN n
MATCH (n:Person) WHERE all(x IN n.tags WHERE x STARTS WITH 'a') RETURN n
MATCH (a:Person)-[:KNOWS]->(b:Person) WHERE a.age > b.age RETURN a.name, b.name ORDER BY a.name
MATCH (a)-[r]->(b) RETURN type(r), labels(a), keys(b), properties(r), id(a)
MATCH (n) RETURN n.name, count(*) AS c ORDER BY c DESC LIMIT 10
MATCH (n) RETURN avg(n.age), min(n.age), max(n.age), sum(n.age), stDev(n.age)
MATCH (n) RETURN percentileCont(n.age, 0.5), percentileDisc(n.age, 0.9)
MATCH (d:Doc) RETURN d ORDER BY vector.similarity.cosine(d.embedding, $q) DESC LIMIT 5
MATCH (a:Person {name: $name})-[:KNOWS*1..2]-(b) WHERE a <> b RETURN DISTINCT b
MATCH (n) WHERE n.created > datetime('2024-01-01T00:00:00Z') RETURN n
RETURN date('2024-01-01'), time('12:00'), localtime(), datetime(), localdatetime(), duration('P1D')
RETURN duration({days: 1, hours: 2})
RETURN toInteger('1'), toFloat('1.5'), toString(1), toBoolean('true')
RETURN split('a,b', ','), substring('abc', 1, 2), trim(' a '), replace('a', 'a', 'b')
RETURN abs(-1), ceil(1.5), floor(1.5), round(1.5), sign(-1), sqrt(4), exp(1), log(1)
RETURN head(l), last(l), tail(l), size(l), reverse(l), range(0, 10, 2)
RETURN nodes(p), relationships(p), length(p), startNode(r), endNode(r)
MATCH (n) WITH n, [(n)-->(m) | m] AS ms RETURN n, size(ms)
MATCH (n) RETURN [(n)-[:T]->(m) WHERE m:A | m.name] AS names
MATCH (n) RETURN n ORDER BY n.a + n.b DESC, n.c
MATCH (n) RETURN n SKIP toInteger($skip) LIMIT 1 + 1
MATCH (n) WITH n AS m RETURN m
MATCH (n) WITH n.x AS x WHERE x IS NOT NULL WITH x ORDER BY x RETURN collect(x)
MATCH (n) CALL db.labels() YIELD label RETURN n, label
MATCH (n) RETURN n UNION MATCH (n) RETURN n
MATCH (n) DETACH DELETE n RETURN count(*)
MATCH (n) SET n.x = CASE WHEN n.y > 1 THEN 'big' ELSE 'small' END
MATCH (n) SET n.tags = [t IN n.tags WHERE t <> 'old']
MATCH (n) WHERE NOT n:Deleted AND (n.a = 1 OR n.b = 2) RETURN n
MATCH (n) WHERE n.a = 1 XOR n.b = 2 RETURN n
MATCH (a)-[r:KNOWS]->(b) WHERE r.since < 2000 SET r.old = true
MATCH (n) WITH n LIMIT 1 MATCH (n)-->(m) RETURN m
OPTIONAL MATCH (n:Missing) RETURN n IS NULL AS missing
MATCH (n) RETURN n.name AS name ORDER BY name
RETURN 'a' < 'b', [1] = [1], {a: 1} = {a: 1}, null = null
RETURN 1 = 1 AND 1 = true
RETURN x[0].y[1].z
RETURN f(g(h(1)))
RETURN [[1, 2], [3, 4]][1][0]
RETURN {a: {b: {c: 1}}}.a.b.c
RETURN -9223372036854775807 - 1
RETURN 2 * -3
RETURN 2 ^ -3
RETURN -(-3)
