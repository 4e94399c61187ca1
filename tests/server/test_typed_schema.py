"""The typed schema made from the graph: filters, ordering, pages, counts, relationships."""

from __future__ import annotations

import time

import pytest

from tests.server.support import codes_of, errors_of


def names(server, where: str, order: str = "[{name: ASC}]") -> list[str]:
    data = server.data(f"{{ personList(where: {where}, orderBy: {order}) {{ name }} }}")
    return [row["name"] for row in data["personList"]]


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("{}", ["Ada", "Bob", "Cy", "Dee", "Eve"]),
        ('{name: {eq: "Bob"}}', ["Bob"]),
        ('{name: {ne: "Bob"}}', ["Ada", "Cy", "Dee", "Eve"]),
        ('{name: {in: ["Cy", "Eve", "Zed"]}}', ["Cy", "Eve"]),
        ('{name: {notIn: ["Cy", "Eve"]}}', ["Ada", "Bob", "Dee"]),
        ("{age: {gt: 25}}", ["Ada", "Cy"]),
        ("{age: {gte: 25, lt: 40}}", ["Ada", "Bob", "Dee"]),
        ("{age: {lte: 25}}", ["Bob", "Dee"]),
        ("{score: {gt: 8}}", ["Ada", "Dee"]),
        ('{name: {startsWith: "D"}}', ["Dee"]),
        ('{name: {endsWith: "e"}}', ["Dee", "Eve"]),
        ('{name: {contains: "y"}}', ["Cy"]),
        ('{name: {matches: "[AE].*"}}', ["Ada", "Eve"]),
        ("{age: {isNull: true}}", ["Eve"]),
        ("{score: {isNull: false}}", ["Ada", "Bob", "Dee"]),
        ("{active: {eq: true}}", ["Ada", "Cy"]),
        ('{tags: {includes: "cars"}}', ["Bob"]),
        ("{tags: {isEmpty: true}}", ["Cy"]),
        ('{born: {lt: "1900-01-01"}}', ["Ada"]),
        ('{AND: [{age: {gt: 20}}, {age: {lt: 30}}], name: {ne: "Dee"}}', ["Bob"]),
        ('{OR: [{name: {eq: "Ada"}}, {age: {eq: 25}}]}', ["Ada", "Bob", "Dee"]),
        ("{NOT: {age: {gte: 30}}}", ["Bob", "Dee"]),
        ('{NOT: {OR: [{name: {eq: "Ada"}}, {name: {eq: "Bob"}}]}}', ["Cy", "Dee", "Eve"]),
        ("{OR: []}", []),
        ("{name: {eq: null}, age: {eq: 41}}", ["Cy"]),
    ],
)
def test_filters(server, where, expected):
    assert names(server, where) == expected


def test_id_filter_and_lookup(server):
    ada = server.data('{ personList(where: {name: {eq: "Ada"}}) { _id } }')["personList"][0]["_id"]
    assert names(server, f'{{_id: {{eq: "{ada}"}}}}') == ["Ada"]
    assert names(server, f'{{_id: {{in: ["{ada}", "999999"]}}}}') == ["Ada"]
    node = server.data(f'{{ person(_id: "{ada}") {{ name _labels _properties }} }}')["person"]
    assert node["name"] == "Ada"
    assert node["_labels"] == ["Person"]
    assert node["_properties"]["tags"] == ["math", "poetry"]
    assert server.data('{ person(_id: "999999") { name } }')["person"] is None
    body = server.gql('{ person(_id: "not-an-id") { name } }')
    assert codes_of(body) == ["BAD_USER_INPUT"]


def test_ordering_with_nulls_and_several_keys(server):
    assert names(server, "{}", "[{age: ASC}, {name: DESC}]") == ["Dee", "Bob", "Ada", "Cy", "Eve"]
    assert names(server, "{}", "[{age: DESC}, {name: ASC}]") == ["Eve", "Cy", "Ada", "Bob", "Dee"]
    body = server.gql("{ personList(orderBy: [{age: ASC, name: ASC}]) { name } }")
    assert codes_of(body) == ["BAD_USER_INPUT"]


def test_limit_offset_and_count(server):
    data = server.data(
        "{ personList(orderBy: [{name: ASC}], limit: 2, offset: 1) { name } "
        "personCount(where: {age: {eq: 25}}) all: personCount }"
    )
    assert [row["name"] for row in data["personList"]] == ["Bob", "Cy"]
    assert data["personCount"] == 2
    assert data["all"] == 5
    assert codes_of(server.gql("{ personList(limit: -1) { name } }")) == ["BAD_USER_INPUT"]


PAGE = """
query Page($first: Int, $after: String, $last: Int, $before: String, $order: [PersonOrder!]) {
  personConnection(first: $first, after: $after, last: $last, before: $before, orderBy: $order) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { name age } }
  }
}
"""


def walk(server, order, *, backward=False, size=2):
    seen, cursor = [], None
    for _ in range(10):
        variables = {"order": order}
        if backward:
            variables.update(last=size, before=cursor)
        else:
            variables.update(first=size, after=cursor)
        page = server.data(PAGE, variables)["personConnection"]
        assert page["totalCount"] == 5
        names_on_page = [edge["node"]["name"] for edge in page["edges"]]
        seen = names_on_page + seen if backward else seen + names_on_page
        info = page["pageInfo"]
        more = info["hasPreviousPage"] if backward else info["hasNextPage"]
        if not more:
            return seen
        cursor = info["startCursor"] if backward else info["endCursor"]
    raise AssertionError("pagination did not end")


@pytest.mark.parametrize(
    "order",
    [
        [{"name": "ASC"}],
        [{"age": "ASC"}, {"name": "DESC"}],
        [{"age": "DESC"}],
        [{"score": "DESC"}, {"_id": "DESC"}],
        [],
    ],
)
def test_cursor_pages_cover_every_node_once_in_order(server, order):
    keys = ", ".join(f"{{{k}: {v}}}" for item in order for k, v in item.items())
    everything = [
        row["name"]
        for row in server.data(f"{{ personList(orderBy: [{keys}]) {{ name }} }}")["personList"]
    ]
    assert walk(server, order) == everything
    assert walk(server, order, backward=True) == everything
    assert walk(server, order, size=1) == everything


def test_pages_stay_correct_when_nodes_are_added_between_requests(fresh_server):
    fresh_server.db.execute("UNWIND range(1, 6) AS i CREATE (:Item {rank: i * 10})")
    fresh_server.refresh()
    query = """
    query P($after: String) {
      itemConnection(first: 2, after: $after, orderBy: [{rank: ASC}]) {
        edges { node { rank } } pageInfo { endCursor hasNextPage }
      }
    }"""
    first = fresh_server.data(query)["itemConnection"]
    assert [e["node"]["rank"] for e in first["edges"]] == [10, 20]
    fresh_server.db.execute("CREATE (:Item {rank: 5}), (:Item {rank: 25})")
    second = fresh_server.data(query, {"after": first["pageInfo"]["endCursor"]})["itemConnection"]
    assert [e["node"]["rank"] for e in second["edges"]] == [25, 30]


def test_bad_cursors_are_refused(server):
    body = server.gql(PAGE, {"first": 1, "after": "bm90IGEgY3Vyc29y"})
    assert codes_of(body) == ["BAD_USER_INPUT"]
    page = server.data(PAGE, {"first": 1, "order": [{"name": "ASC"}]})["personConnection"]
    body = server.gql(
        PAGE, {"first": 1, "after": page["pageInfo"]["endCursor"], "order": [{"age": "ASC"}]}
    )
    assert codes_of(body) == ["BAD_USER_INPUT"]
    assert "ordering" in errors_of(body)[0]["message"]
    assert codes_of(server.gql(PAGE, {"first": 1, "last": 1})) == ["BAD_USER_INPUT"]


def test_relationship_fields_in_both_directions(server):
    data = server.data(
        """{
      personList(orderBy: [{name: ASC}]) {
        name
        outKnows(orderBy: [{name: ASC}]) { name }
        inKnows { name }
        outKnowsCount
        outWorksAt { name }
      }
      companyList(orderBy: [{name: ASC}]) { name inWorksAt(orderBy: [{name: DESC}]) { name } }
    }"""
    )
    people = {row["name"]: row for row in data["personList"]}
    assert [p["name"] for p in people["Ada"]["outKnows"]] == ["Bob", "Cy"]
    assert people["Ada"]["outKnowsCount"] == 2
    assert [p["name"] for p in people["Cy"]["inKnows"]] == ["Ada", "Bob"] or [
        p["name"] for p in people["Cy"]["inKnows"]
    ] == ["Bob", "Ada"]
    assert people["Eve"]["outKnows"] == []
    assert people["Eve"]["outKnowsCount"] == 0
    assert [c["name"] for c in people["Ada"]["outWorksAt"]] == ["Acme"]
    companies = {row["name"]: row for row in data["companyList"]}
    assert [p["name"] for p in companies["Acme"]["inWorksAt"]] == ["Bob", "Ada"]


def test_relationship_conditions_paging_and_connections(server):
    data = server.data(
        """{
      person(_id: "0") {
        recent: outKnows(relationshipWhere: {since: {gt: 2000}}) { name }
        page: outKnows(orderBy: [{name: DESC}], limit: 1) { name }
        outKnowsConnection(first: 1, orderBy: [{name: ASC}]) {
          totalCount
          edges { cursor node { name } relationship { _type since _start _end } }
          pageInfo { hasNextPage endCursor }
        }
      }
    }"""
    )["person"]
    assert [p["name"] for p in data["recent"]] == ["Bob"]
    assert [p["name"] for p in data["page"]] == ["Cy"]
    connection = data["outKnowsConnection"]
    assert connection["totalCount"] == 2
    (edge,) = connection["edges"]
    assert edge["node"]["name"] == "Bob"
    assert edge["relationship"]["_type"] == "KNOWS"
    assert edge["relationship"]["since"] == 2001
    assert edge["relationship"]["_start"] == "0"
    assert connection["pageInfo"]["hasNextPage"] is True


def test_nested_fields_are_batched_per_request(server):
    metrics = server.state.metrics
    before = metrics.query_seconds.count("read")
    data = server.data(
        "{ personList { name outKnows(orderBy: [{name: ASC}], limit: 1) { name } outKnowsCount } }"
    )
    after = metrics.query_seconds.count("read")
    assert len(data["personList"]) == 5
    assert after - before == 3, "one statement for the list, one per nested field"
    first = {row["name"]: [p["name"] for p in row["outKnows"]] for row in data["personList"]}
    assert first == {"Ada": ["Bob"], "Bob": ["Cy"], "Cy": ["Dee"], "Dee": [], "Eve": []}


def test_typed_mutations_create_update_delete(fresh_server):
    server = fresh_server
    server.db.execute("CREATE (:Person {name: 'seed', age: 1, born: date('2000-01-01')})")
    server.refresh()
    created = server.data(
        'mutation { createPerson(input: {name: "Ann", age: 30, born: "1990-05-06", '
        '_properties: {nick: "annie"}}) { _id name age born _properties } }'
    )["createPerson"]
    assert created["born"] == "1990-05-06"
    assert created["_properties"]["nick"] == "annie"
    ann = created["_id"]
    many = server.data(
        'mutation { createPersonList(input: [{name: "B1", age: 2}, {name: "B2"}]) { name age } }'
    )["createPersonList"]
    assert many == [{"name": "B1", "age": 2}, {"name": "B2", "age": None}]
    updated = server.data(
        f'mutation {{ updatePerson(_id: "{ann}", set: {{age: 31, born: null}}) {{ age born }} }}'
    )["updatePerson"]
    assert updated == {"age": 31, "born": None}
    removed = server.data(
        f'mutation {{ updatePerson(_id: "{ann}", remove: [age]) {{ age name }} }}'
    )["updatePerson"]
    assert removed == {"age": None, "name": "Ann"}
    assert server.data('mutation { updatePerson(_id: "424242", set: {age: 1}) { age } }') == {
        "updatePerson": None
    }
    bulk = server.data(
        'mutation { updatePersonWhere(where: {name: {startsWith: "B"}}, set: {age: 9}) '
        "{ name age } }"
    )["updatePersonWhere"]
    assert sorted((row["name"], row["age"]) for row in bulk) == [("B1", 9), ("B2", 9)]
    assert server.data("mutation { deletePersonWhere(where: {age: {eq: 9}}) }") == {
        "deletePersonWhere": 2
    }
    assert server.data(f'mutation {{ deletePerson(_id: "{ann}") }}') == {"deletePerson": True}
    assert server.data(f'mutation {{ deletePerson(_id: "{ann}") }}') == {"deletePerson": False}
    names_left = server.db.execute("MATCH (p:Person) RETURN p.name ORDER BY p.name").rows()
    assert names_left == [("seed",)]


def test_relationship_mutations_and_detach(fresh_server):
    server = fresh_server
    server.db.execute("CREATE (:P {n: 1})-[:LINK {w: 1}]->(:P {n: 2})")
    server.refresh()
    ids = dict(server.db.execute("MATCH (p:P) RETURN p.n, id(p)").rows())
    made = server.data(
        f'mutation {{ createLinkRelationship(from: "{ids[2]}", to: "{ids[1]}", '
        f"input: {{w: 5}}) {{ _id _start _end w }} }}"
    )["createLinkRelationship"]
    assert (made["_start"], made["_end"], made["w"]) == (str(ids[2]), str(ids[1]), 5)
    changed = server.data(
        f'mutation {{ updateLinkRelationship(_id: "{made["_id"]}", set: {{w: 6}}) {{ w }} }}'
    )
    assert changed == {"updateLinkRelationship": {"w": 6}}
    body = server.gql('mutation { createLinkRelationship(from: "777", to: "778") { _id } }')
    assert codes_of(body) == ["NOT_FOUND"]
    body = server.gql(f'mutation {{ deleteP(_id: "{ids[1]}") }}')
    assert errors_of(body)[0]["extensions"]["detail"] == "DeleteConnectedNode"
    assert server.db.execute("MATCH (p:P) RETURN count(p)").scalar() == 2
    assert server.data(f'mutation {{ deleteLinkRelationship(_id: "{made["_id"]}") }}') == {
        "deleteLinkRelationship": True
    }
    assert server.data(f'mutation {{ deleteP(_id: "{ids[1]}", detach: true) }}') == {
        "deleteP": True
    }
    assert server.db.execute("MATCH ()-[r]->() RETURN count(r)").scalar() == 0


def test_schema_follows_the_graph_without_a_restart(fresh_server):
    server = fresh_server
    assert codes_of(server.gql("{ robotList { serial } }")) == ["GRAPHQL_VALIDATION_FAILED"]
    server.data('mutation { cypher(query: "CREATE (:Robot {serial: 7})") { rowCount } }')
    assert server.data("{ robotList { serial } }") == {"robotList": [{"serial": 7}]}
    server.data('mutation { cypher(query: "MATCH (r:Robot) SET r.model = \\"T1\\"") { rowCount } }')
    assert server.data("{ robotList { serial model } }") == {
        "robotList": [{"serial": 7, "model": "T1"}]
    }
    server.data('mutation { cypher(query: "CREATE (:Factory {name: \\"F\\"})") { rowCount } }')
    server.data(
        'mutation { cypher(query: "MATCH (r:Robot), (f:Factory) CREATE (f)-[:BUILT]->(r)") '
        "{ rowCount } }"
    )
    data = server.data("{ robotList { serial inBuilt { name } } }")
    assert data == {"robotList": [{"serial": 7, "inBuilt": [{"name": "F"}]}]}
    info = server.data("{ schemaInfo { generation labels relationshipTypes } }")["schemaInfo"]
    assert info["labels"] == ["Factory", "Robot"]
    assert info["relationshipTypes"] == ["BUILT"]
    assert info["generation"] >= 3


def test_a_changed_property_type_heals_the_schema(fresh_server):
    server = fresh_server
    server.data('mutation { cypher(query: "CREATE (:Gadget {size: 1})") { rowCount } }')
    assert server.data("{ gadgetList { size } }") == {"gadgetList": [{"size": 1}]}
    # written behind the server's back (another program, or before the schema was made)
    server.db.execute("CREATE (:Gadget {size: 'large'})")
    # the watcher sees the commit and regenerates; until then the field reports the mismatch
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        body = server.gql("{ gadgetList { size } }")
        if "errors" not in body:
            break
        assert codes_of(body) == ["SCHEMA_MISMATCH"]
        time.sleep(0.05)
    assert sorted(map(str, (row["size"] for row in body["data"]["gadgetList"]))) == ["1", "large"]


def test_unusual_names_are_made_valid_or_reported(fresh_server):
    server = fresh_server
    server.db.execute(
        "CREATE (:`my label` {`first name`: 'x', `2nd`: 1, _id: 5}), "
        "(:Node {a: 1}), (:Query {b: 2})"
    )
    server.refresh()
    data = server.data(
        "{ myLabelList: my_labelList { first_name _2nd _properties } "
        "nodeLabelList { a } queryLabelList { b } schemaInfo { notes } }"
    )
    assert data["myLabelList"] == [
        {"first_name": "x", "_2nd": 1, "_properties": {"2nd": 1, "_id": 5, "first name": "x"}}
    ]
    assert data["nodeLabelList"] == [{"a": 1}]
    assert data["queryLabelList"] == [{"b": 2}]
    assert any("'_id'" in note for note in data["schemaInfo"]["notes"])


def test_vector_similarity_argument(fresh_server):
    server = fresh_server
    try:
        server.db.execute(
            "CREATE VECTOR INDEX doc_embedding FOR (d:Doc) ON (d.embedding) "
            "OPTIONS {dimensions: 3, metric: 'cosine'}"
        )
    except Exception as error:  # the vector index work has not been merged into this build
        pytest.skip(f"vector indexes are not available in this build: {error}")
    server.db.execute(
        "CREATE (:Doc {title: 'x', embedding: [1.0, 0.0, 0.0]}), "
        "(:Doc {title: 'y', embedding: [0.0, 1.0, 0.0]}), "
        "(:Doc {title: 'xy', embedding: [0.7, 0.7, 0.0]})"
    )
    server.refresh()
    data = server.data("{ docList(nearest: {vector: [1.0, 0.1, 0.0], k: 2}) { title _score } }")[
        "docList"
    ]
    assert [row["title"] for row in data] == ["x", "xy"]
    assert data[0]["_score"] >= data[1]["_score"]
