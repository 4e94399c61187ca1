from __future__ import annotations

from collections import Counter

import pytest

from engram.errors import (
    ErrorDetail,
    ErrorKind,
    InternalError,
    Phase,
    QueryRuntimeError,
    SemanticError,
)
from tests.tck.expected_errors import (
    ErrorExpectation,
    check_error,
    describe_error,
    parse_error_step,
)
from tests.tck.gherkin import DocString, Step, Table
from tests.tck.steps import STEP_PATTERNS, TckFailure, UnknownStep, match_step, validate_steps
from tests.unit.tck.shared import all_scenarios


def test_every_step_of_the_suite_is_known():
    used = Counter()
    for scenario in all_scenarios():
        validate_steps(scenario)
        for step in scenario.steps:
            pattern, _ = match_step(step)
            used[pattern.regex.pattern] += 1
    # every sentence of TCK.md section 2 occurs, except the CSV step (upstream only)
    unused = [p.regex.pattern for p in STEP_PATTERNS if p.regex.pattern not in used]
    assert unused == [r"there exists a CSV file with URL as \$(?P<name>\w+), with rows:"]


@pytest.mark.parametrize(
    ("step", "message"),
    [
        (Step("Given", "a weird graph", 3), "unknown step Given 'a weird graph'"),
        (Step("When", "executing query:", 4), "needs a DocString"),
        (Step("Then", "no side effects", 5, Table((("a",),), 6)), "takes no doc string or table"),
        (
            Step("Then", "the result should be, in any order:", 7, DocString("x", 8)),
            "needs a Table",
        ),
        (Step("Then", "the result should be in any order:", 9), "unknown step"),
    ],
)
def test_unknown_or_malformed_steps_fail_loudly(step, message):
    with pytest.raises(UnknownStep, match=message):
        match_step(step)


def test_named_graph_and_csv_steps():
    pattern, match = match_step(Step("Given", "the binary-tree-2 graph", 1))
    assert pattern.handler == "named_graph"
    assert match.group("name") == "binary-tree-2"
    table = Table((("name",), ("'a'",)), 2)
    pattern, match = match_step(
        Step("Given", "there exists a CSV file with URL as $param, with rows:", 1, table)
    )
    assert pattern.handler == "csv_file"
    assert match.group("name") == "param"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "a SyntaxError should be raised at compile time: UndefinedVariable",
            ErrorExpectation("SyntaxError", "compile", "UndefinedVariable"),
        ),
        (
            "an ArgumentError should be raised at runtime: NumberOutOfRange",
            ErrorExpectation("ArgumentError", "runtime", "NumberOutOfRange"),
        ),
        (
            "a ArgumentError should be raised at runtime: InvalidArgumentType",
            ErrorExpectation("ArgumentError", "runtime", "InvalidArgumentType"),
        ),
        ("a TypeError should be raised at any time: *", ErrorExpectation("TypeError", None, None)),
        ("an Error should be raised at any time: *", ErrorExpectation(None, None, None)),
    ],
)
def test_error_steps(text, expected):
    assert parse_error_step(text) == expected
    pattern, _ = match_step(Step("Then", text, 1))
    assert pattern.handler == "error_raised"


def test_upstream_tags_loosen_error_steps():
    text = "a SyntaxError should be raised at compile time: UndefinedVariable"
    assert parse_error_step(text, ("@WildcardErrorDetails",)) == ErrorExpectation(
        "SyntaxError", "compile", None
    )
    assert parse_error_step(text, ("@allowCustomErrors",)) == ErrorExpectation(
        None, "compile", None
    )
    assert parse_error_step(text, ("@NegativeTest",)) == ErrorExpectation(
        "SyntaxError", "compile", "UndefinedVariable"
    )


def test_every_error_step_of_the_suite_parses():
    count = 0
    for scenario in all_scenarios():
        for step in scenario.steps:
            if "should be raised" in step.text:
                expectation = parse_error_step(step.text, scenario.tags)
                assert expectation.kind is not None
                count += 1
    # counted in these files (the parser agrees with Cucumber's own on every step)
    assert count == 482


UNDEFINED = SemanticError("unknown variable 'x'", detail=ErrorDetail.UNDEFINED_VARIABLE)


def test_matching_error():
    expected = parse_error_step("a SyntaxError should be raised at compile time: UndefinedVariable")
    assert check_error(expected, UNDEFINED).ok


def test_wrong_detail_or_type_fails():
    wrong_detail = parse_error_step(
        "a SyntaxError should be raised at compile time: VariableAlreadyBound"
    )
    verdict = check_error(wrong_detail, UNDEFINED)
    assert not verdict.ok
    assert not verdict.phase_only
    assert verdict.message == (
        "expected SyntaxError at compile time: VariableAlreadyBound, got SyntaxError "
        "(UndefinedVariable) at compile: unknown variable 'x'"
    )
    wrong_kind = parse_error_step("a TypeError should be raised at compile time: UndefinedVariable")
    assert not check_error(wrong_kind, UNDEFINED).ok


def test_phase_mismatch_is_reported_apart():
    late = SemanticError(
        "unknown variable 'x'", detail=ErrorDetail.UNDEFINED_VARIABLE, phase=Phase.RUNTIME
    )
    expected = parse_error_step("a SyntaxError should be raised at compile time: UndefinedVariable")
    verdict = check_error(expected, late)
    assert not verdict.ok
    assert verdict.phase_only
    assert verdict.message.startswith("phase mismatch:")
    anytime = parse_error_step("a SyntaxError should be raised at any time: UndefinedVariable")
    assert check_error(anytime, late).ok


def test_wildcards():
    error = QueryRuntimeError(
        "list index must be an integer",
        detail=ErrorDetail.INVALID_ARGUMENT_TYPE,
        kind=ErrorKind.TYPE_ERROR,
    )
    assert check_error(parse_error_step("a TypeError should be raised at any time: *"), error).ok
    assert check_error(parse_error_step("an Error should be raised at runtime: *"), error).ok
    assert not check_error(
        parse_error_step("a SyntaxError should be raised at any time: *"), error
    ).ok


@pytest.mark.parametrize(
    "error", [InternalError("planner broke"), ValueError("boom"), ZeroDivisionError()]
)
def test_errors_without_a_kind_never_match(error):
    verdict = check_error(parse_error_step("an Error should be raised at any time: *"), error)
    assert not verdict.ok
    assert type(error).__name__ in verdict.message


def test_describe_error():
    assert (
        describe_error(UNDEFINED)
        == "SyntaxError (UndefinedVariable) at compile: unknown variable 'x'"
    )
    assert describe_error(ValueError("bad\nthing")) == "ValueError: bad"


def test_failure_message_layout():
    step = Step("Then", "no side effects", 12)
    failure = TckFailure(
        "side effects differ: +nodes expected 0 got 1\ndetails", step=step, query="CREATE ()"
    )
    lines = str(failure).splitlines()
    assert lines[0] == "side effects differ: +nodes expected 0 got 1"
    assert lines[1] == "  step (line 12): Then no side effects"
    assert lines[2:4] == ["  query:", "    CREATE ()"]
    assert lines[-1] == "details"
    assert failure.summary == lines[0]
