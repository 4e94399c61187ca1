"""Error steps: `a TYPE should be raised at PHASE: DETAIL`, checked against engine errors.

Type and detail are checked strictly (`*` is the wildcard detail, `Error` the wildcard
type); the phase is checked too, but a phase-only mismatch is reported as such, so the
report can count it apart and a lenient run can accept it (`shared/TCK.md` section 6).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

__all__ = [
    "ERROR_STEP",
    "ErrorExpectation",
    "ErrorVerdict",
    "check_error",
    "describe_error",
    "parse_error_step",
]

ERROR_STEP: Final = re.compile(
    r"^an? (?P<kind>\w+) should be raised at (?P<phase>compile time|runtime|any time): "
    r"(?P<detail>\S+)$"
)
_PHASES: Final = {"compile time": "compile", "runtime": "runtime", "any time": None}
#: tags from the upstream tooling that loosen error checks (TCK.md section 2)
ALLOW_CUSTOM_ERRORS: Final = "@allowCustomErrors"
WILDCARD_ERROR_DETAILS: Final = "@WildcardErrorDetails"


@dataclass(frozen=True, slots=True)
class ErrorExpectation:
    """An expected error. `phase` and `detail` None mean "any"; `kind` None means any type."""

    kind: str | None
    phase: str | None
    detail: str | None

    def __str__(self) -> str:
        kind = self.kind or "Error"
        phase = {"compile": "compile time", "runtime": "runtime", None: "any time"}[self.phase]
        return f"{kind} at {phase}: {self.detail or '*'}"


@dataclass(frozen=True, slots=True)
class ErrorVerdict:
    """The result of checking an error: `ok`, or a `message`; `phase_only` when only the
    phase differed."""

    ok: bool
    message: str = ""
    phase_only: bool = False


def parse_error_step(text: str, tags: tuple[str, ...] = ()) -> ErrorExpectation:
    """Parse an error step's text, applying the upstream tags that loosen it.

    `@allowCustomErrors` accepts any error type and detail (an engine-specific error);
    `@WildcardErrorDetails` accepts any detail.

    >>> parse_error_step("a SyntaxError should be raised at compile time: UndefinedVariable")
    ErrorExpectation(kind='SyntaxError', phase='compile', detail='UndefinedVariable')

    Raises:
        ValueError: the text is not an error step.
    """
    match = ERROR_STEP.match(text.strip())
    if match is None:
        raise ValueError(f"not an error step: {text!r}")
    kind: str | None = match.group("kind")
    detail: str | None = match.group("detail")
    if kind == "Error" or ALLOW_CUSTOM_ERRORS in tags:
        kind = None
    if detail == "*" or WILDCARD_ERROR_DETAILS in tags or ALLOW_CUSTOM_ERRORS in tags:
        detail = None
    return ErrorExpectation(kind, _PHASES[match.group("phase")], detail)


def describe_error(error: BaseException) -> str:
    """`SyntaxError (UndefinedVariable) at compile: unknown variable 'x'` for engine errors."""
    kind = getattr(error, "kind", None)
    detail = getattr(error, "detail", None)
    phase = getattr(error, "phase", None)
    text = str(error)
    message = getattr(error, "message", None) or (text.splitlines()[0] if text else "")
    if kind is None or detail is None:
        return f"{type(error).__qualname__}: {message}"
    return f"{kind} ({detail}) at {phase}: {message}"


def check_error(expected: ErrorExpectation, error: BaseException) -> ErrorVerdict:
    """Check a raised error against an expectation.

    Errors that do not carry an openCypher kind and detail (engram bugs such as
    `InternalError`, or plain Python exceptions) never satisfy an error step.
    """
    kind = getattr(error, "kind", None)
    detail = getattr(error, "detail", None)
    phase = getattr(error, "phase", None)
    if kind is None or detail is None:
        return ErrorVerdict(False, f"expected {expected}, got {describe_error(error)}")
    if (expected.kind is not None and str(kind) != expected.kind) or (
        expected.detail is not None and str(detail) != expected.detail
    ):
        return ErrorVerdict(False, f"expected {expected}, got {describe_error(error)}")
    if expected.phase is not None and str(phase) != expected.phase:
        return ErrorVerdict(
            False,
            f"phase mismatch: expected {expected}, got {describe_error(error)}",
            phase_only=True,
        )
    return ErrorVerdict(True)
