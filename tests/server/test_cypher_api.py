"""The cypher query and mutation, explain, value typing and error extensions over HTTP."""

from __future__ import annotations

import logging

from tests.server.support import codes_of, errors_of

CYPHER = """
query Run($q: String!, $p: JSON) {
  cypher(query: $q, params: $p) {
    columns rows rowCount
    stats { nodesCreated propertiesSet containsUpdates }
    records { values { kind text json node { _id labels properties }
                        relationship { _id type start end properties }
                        path { length nodes { _id } relationships { type } }
                        items { kind json } entries { key value { kind json } } } }
  }
}
"""

MUTATE = """
mutation Run($q: String!, $p: JSON) {
  cypher(query: $q, params: $p) { columns rows stats { nodesCreated relationshipsCreated } }
}
"""


def test_cypher_query_returns_columns_rows_and_typed_values(server):
    data = server.data(
        CYPHER,
        {
            "q": "MATCH p = (a:Person {name: $name})-[k:KNOWS]->(b) "
            "RETURN a, k, p, a.born AS born, [1, 2.5] AS xs, {x: 1} AS m ORDER BY b.name",
            "p": {"name": "Ada"},
        },
    )["cypher"]
    assert data["columns"] == ["a", "k", "p", "born", "xs", "m"]
    assert data["rowCount"] == 2
    node, rel, path, born, xs, mapping = data["rows"][0]
    assert node["__kind"] == "node"
    assert node["labels"] == ["Person"]
    assert node["properties"]["name"] == "Ada"
    assert node["properties"]["born"] == "1815-12-10"
    assert rel == {
        "__kind": "relationship",
        "id": rel["id"],
        "type": "KNOWS",
        "start": node["id"],
        "end": rel["end"],
        "properties": {"since": 2001},
    }
    assert path["__kind"] == "path"
    assert [n["properties"]["name"] for n in path["nodes"]] == ["Ada", "Bob"]
    assert born == "1815-12-10"
    assert xs == [1, 2.5]
    assert mapping == {"x": 1}
    values = data["records"][0]["values"]
    assert [value["kind"] for value in values] == [
        "NODE",
        "RELATIONSHIP",
        "PATH",
        "DATE",
        "LIST",
        "MAP",
    ]
    assert values[0]["node"]["labels"] == ["Person"]
    assert values[0]["text"].startswith("(:Person {")
    assert values[1]["relationship"]["type"] == "KNOWS"
    assert values[2]["path"]["length"] == 1
    assert values[3]["text"] == "1815-12-10"
    assert [item["kind"] for item in values[4]["items"]] == ["INTEGER", "FLOAT"]
    assert values[5]["entries"] == [{"key": "x", "value": {"kind": "INTEGER", "json": 1}}]
    assert data["stats"] == {"nodesCreated": 0, "propertiesSet": 0, "containsUpdates": False}


def test_json_cannot_hold_nan_or_infinity(server):
    rows = server.data(
        CYPHER, {"q": "RETURN 0.0 / 0.0 AS nan, 1.0 / 0.0 AS inf, -1.0 / 0.0 AS ninf"}
    )
    assert rows["cypher"]["rows"] == [["NaN", "Infinity", "-Infinity"]]


def test_temporal_values_are_canonical_text(server):
    data = server.data(
        CYPHER,
        {
            "q": "RETURN datetime('2015-07-21T21:40:32.142+01:00') AS dt, "
            "localtime('12:00') AS lt, duration('P1DT2H') AS d"
        },
    )["cypher"]
    assert data["rows"] == [["2015-07-21T21:40:32.142+01:00", "12:00", "P1DT2H"]]
    assert [v["kind"] for v in data["records"][0]["values"]] == [
        "DATETIME",
        "LOCAL_TIME",
        "DURATION",
    ]


def test_cypher_mutation_writes_and_reports_statistics(fresh_server):
    data = fresh_server.data(
        MUTATE, {"q": "CREATE (a:T {x: $x})-[:R]->(b:T) RETURN a.x AS x", "p": {"x": 7}}
    )["cypher"]
    assert data["rows"] == [[7]]
    assert data["stats"] == {"nodesCreated": 2, "relationshipsCreated": 1}
    assert fresh_server.db.execute("MATCH (t:T) RETURN count(t)").scalar() == 2


def test_a_write_through_the_query_is_refused_and_changes_nothing(fresh_server):
    body = fresh_server.gql(CYPHER, {"q": "CREATE (:T)"})
    assert codes_of(body) == ["READ_ONLY_OPERATION"]
    assert "cypher mutation" in errors_of(body)[0]["extensions"]["hint"]
    assert fresh_server.db.execute("MATCH (n) RETURN count(n)").scalar() == 0


def test_explain_describes_the_plan_without_running(fresh_server):
    data = fresh_server.data(
        '{ explain(query: "CREATE (:Never)") { text operators { operator depth } notes } }'
    )["explain"]
    assert "Create" in data["text"]
    assert data["operators"][0]["depth"] == 0
    assert fresh_server.db.execute("MATCH (n) RETURN count(n)").scalar() == 0


def test_query_errors_carry_kind_detail_position_and_caret(server):
    body = server.gql(CYPHER, {"q": "MATCH (p:Person)\nRETURN nmae"})
    (error,) = errors_of(body)
    ext = error["extensions"]
    assert ext["code"] == "E202"
    assert (ext["kind"], ext["detail"], ext["phase"]) == (
        "SyntaxError",
        "UndefinedVariable",
        "compile",
    )
    assert (ext["line"], ext["column"], ext["offset"], ext["length"]) == (2, 8, 24, 4)
    assert ext["rendered"].splitlines()[-1].strip() == "|        ^^^^".strip()
    assert "2 | RETURN nmae" in ext["rendered"]
    assert error["message"] == "variable 'nmae' is not defined"
    assert ext["requestId"]
    assert error["path"] == ["cypher"]


def test_runtime_errors_carry_their_kind(server):
    body = server.gql(CYPHER, {"q": "RETURN 1 / $zero AS x", "p": {"zero": 0}})
    ext = errors_of(body)[0]["extensions"]
    assert ext["phase"] == "runtime"
    assert ext["code"].startswith("E4")
    assert ext["kind"] == "ArithmeticError"


def test_missing_parameter_is_named(server):
    body = server.gql(CYPHER, {"q": "RETURN $nope AS x"})
    (error,) = errors_of(body)
    assert "$nope" in error["message"]
    assert error["extensions"]["detail"] == "MissingParameter"


def test_params_must_be_an_object(server):
    body = server.gql(CYPHER, {"q": "RETURN 1 AS x", "p": [1, 2]})
    assert codes_of(body) == ["BAD_USER_INPUT"]


def test_internal_errors_are_masked_and_logged_with_the_request_id(fresh_server, caplog):
    # a real failure below the API: the key file's place is taken by a directory
    path = fresh_server.state.keys.path
    path.unlink()
    path.mkdir()
    with caplog.at_level(logging.ERROR, logger="engram.server"):
        body = fresh_server.gql(
            'mutation { createApiKey(name: "x", role: READER) { secret } }',
            headers={"X-Request-ID": "req-42"},
        )
    (error,) = errors_of(body)
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": "req-42"}
    assert str(path) not in error["message"]
    assert "req-42" in error["message"]
    assert body["_headers"]["x-request-id"] == "req-42"
    logged = [r for r in caplog.records if getattr(r, "request_id", None) == "req-42"]
    assert logged, "the internal error is logged with the request id"
    assert str(path) in str(logged[0].exc_info[1])


def test_graphql_syntax_and_validation_errors_have_codes(server):
    body = server.gql("{ cypher(query: 1) { rows }")
    assert body["_status"] == 200
    assert codes_of(body) == ["GRAPHQL_VALIDATION_FAILED"]
    body = server.gql("{ nosuchfield }")
    assert codes_of(body) == ["GRAPHQL_VALIDATION_FAILED"]
    assert "nosuchfield" in errors_of(body)[0]["message"]


def test_malformed_requests_get_400_not_a_crash(server):
    with server.client() as client:
        assert (
            client.post(
                "/graphql", content=b"{not json", headers={"content-type": "application/json"}
            ).status_code
            == 400
        )
        deep = b'{"query": "{ me { id } }", "variables": ' + b"[" * 200_000 + b"]" * 200_000 + b"}"
        response = client.post(
            "/graphql", content=deep[:1_000_000], headers={"content-type": "application/json"}
        )
        assert response.status_code in (400, 413)
        assert (
            client.post(
                "/graphql", content=b"x", headers={"content-type": "text/plain"}
            ).status_code
            == 400
        )
    nested: object = 1
    for _ in range(70):
        nested = [nested]
    body = server.gql(CYPHER, {"q": "RETURN $p AS p", "p": {"p": nested}})
    assert codes_of(body) == ["BAD_USER_INPUT"]
