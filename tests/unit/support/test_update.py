from __future__ import annotations

import pytest

from tests.support.records import parse_logic_file
from tests.support.update import BlockUpdate, apply_updates

FILE = """\
# name: demo
# dataset: social

# counts people
query I
MATCH (p:Person) RETURN count(*)
----
3

skip not ready
query T rowsort
MATCH (p) RETURN p.name

statement error
RETURN x
----
old message

statement ok
CREATE ()"""


def test_replace_insert_and_keep_everything_else():
    updated = apply_updates(
        FILE,
        [
            BlockUpdate(5, ("4",)),
            BlockUpdate(11, ("Ada", "Grace")),
            BlockUpdate(14, ("unknown variable 'x'", "1 | RETURN x", "  |        ^")),
        ],
    )
    assert updated == FILE.replace("----\n3\n", "----\n4\n").replace(
        "MATCH (p) RETURN p.name\n", "MATCH (p) RETURN p.name\n----\nAda\nGrace\n"
    ).replace("old message\n", "unknown variable 'x'\n1 | RETURN x\n  |        ^\n")
    records = parse_logic_file(updated).records
    assert records[0].expected == ("4",)
    assert records[1].expected == ("Ada", "Grace")
    assert records[1].skip == "not ready"
    assert records[2].expected[0] == "unknown variable 'x'"


def test_an_empty_block_stays_a_separator():
    updated = apply_updates(
        "query I\nMATCH (n) RETURN 1\n----\n1\n2\n\nstatement ok\nRETURN 1\n", [BlockUpdate(1, ())]
    )
    assert updated == "query I\nMATCH (n) RETURN 1\n----\n\nstatement ok\nRETURN 1\n"


def test_last_record_without_trailing_newline():
    assert (
        apply_updates("query I\nRETURN 1", [BlockUpdate(1, ("1",))]) == "query I\nRETURN 1\n----\n1"
    )


def test_idempotent():
    once = apply_updates(FILE, [BlockUpdate(11, ("Ada",))])
    assert apply_updates(once, [BlockUpdate(11, ("Ada",))]) == once


@pytest.mark.parametrize(
    ("updates", "message"),
    [
        ([BlockUpdate(3, ("x",))], "does not start a record"),
        ([BlockUpdate(99, ("x",))], "does not start a record"),
        ([BlockUpdate(5, ("a", "  "))], "must not be blank"),
        ([BlockUpdate(5, ("a",)), BlockUpdate(5, ("b",))], "same record"),
    ],
)
def test_bad_updates(updates, message):
    with pytest.raises(ValueError, match=message):
        apply_updates(FILE, updates)
