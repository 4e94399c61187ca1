"""Exception tree, source spans and the one caret renderer every front end uses.

::

    EngramError
    ├── QueryError                 user-facing; `kind`, `detail`, `phase`, `span`, `hint`, `code`
    │   ├── CypherSyntaxError      parser   E1xx   text that is not in the language
    │   ├── SemanticError          binder   E2xx   UndefinedVariable, VariableTypeConflict, …
    │   ├── ParameterError         API      E3xx   missing or ill-typed $parameters
    │   └── QueryRuntimeError      executor E4xx   TypeError, ArgumentError, EntityNotFound, …
    ├── QueryTimeout               the query ran past its `timeout`; nothing was changed
    ├── MemoryLimitExceeded        the query needed more than its `memory_limit`; nothing changed
    ├── TransactionError           writer lock timeout, a finished transaction, read-only writes
    │   └── AccessModeError        a statement that writes, run where only reads are allowed
    ├── DatabaseLocked             another process holds the database directory
    ├── StorageError               RocksDB / I/O failures (the original is chained with `from`)
    │   └── CorruptionError        checksums, unknown formats, damaged files
    └── InternalError              an engram bug; names the stage or rule; "please report"

`QueryError.kind` and `.detail` are the openCypher error type and detail
(`kind == "SyntaxError"`, `detail == "UndefinedVariable"`); `.phase` is ``"compile"`` or
``"runtime"``. Stages raise with a `Span` (0-based, half-open character offsets) and the
API façade attaches the query text once with `QueryError.with_source`, after which
`line`, `column` and `str(err)` (the rendered diagnostic with a caret) are available.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Final

__all__ = [
    "RESULT_BUFFER",
    "AccessModeError",
    "CorruptionError",
    "CypherSyntaxError",
    "DatabaseLocked",
    "EngramError",
    "ErrorDetail",
    "ErrorKind",
    "InternalError",
    "MemoryLimitExceeded",
    "ParameterError",
    "Phase",
    "QueryError",
    "QueryRuntimeError",
    "QueryTimeout",
    "SemanticError",
    "Span",
    "StorageError",
    "TransactionError",
    "format_bytes",
    "render_diagnostic",
]


@dataclass(frozen=True, slots=True)
class Span:
    """Half-open character range [start, end) into the original query text."""

    start: int
    end: int

    def cover(self, other: Span) -> Span:
        """The smallest span containing both spans."""
        return Span(min(self.start, other.start), max(self.end, other.end))


class Phase(enum.StrEnum):
    """When an error was detected: before any data was touched, or while executing."""

    COMPILE = "compile"
    RUNTIME = "runtime"


class ErrorKind(enum.StrEnum):
    """openCypher error types (the first word of a TCK error step)."""

    SYNTAX_ERROR = "SyntaxError"
    SEMANTIC_ERROR = "SemanticError"
    TYPE_ERROR = "TypeError"
    ARGUMENT_ERROR = "ArgumentError"
    ARITHMETIC_ERROR = "ArithmeticError"
    ENTITY_NOT_FOUND = "EntityNotFound"
    PROPERTY_NOT_FOUND = "PropertyNotFound"
    LABEL_NOT_FOUND = "LabelNotFound"
    CONSTRAINT_VERIFICATION_FAILED = "ConstraintVerificationFailed"
    CONSTRAINT_VALIDATION_FAILED = "ConstraintValidationFailed"
    PROCEDURE_ERROR = "ProcedureError"
    PARAMETER_MISSING = "ParameterMissing"


class ErrorDetail(enum.StrEnum):
    """openCypher error details, plus a few engram-specific ones at the end."""

    # compile time
    UNEXPECTED_SYNTAX = "UnexpectedSyntax"
    UNDEFINED_VARIABLE = "UndefinedVariable"
    VARIABLE_ALREADY_BOUND = "VariableAlreadyBound"
    VARIABLE_TYPE_CONFLICT = "VariableTypeConflict"
    INVALID_AGGREGATION = "InvalidAggregation"
    NESTED_AGGREGATION = "NestedAggregation"
    AMBIGUOUS_AGGREGATION_EXPRESSION = "AmbiguousAggregationExpression"
    INVALID_ARGUMENT_TYPE = "InvalidArgumentType"
    NO_SINGLE_RELATIONSHIP_TYPE = "NoSingleRelationshipType"
    REQUIRES_DIRECTED_RELATIONSHIP = "RequiresDirectedRelationship"
    CREATING_VAR_LENGTH = "CreatingVarLength"
    INVALID_DELETE = "InvalidDelete"
    DIFFERENT_COLUMNS_IN_UNION = "DifferentColumnsInUnion"
    INVALID_CLAUSE_COMPOSITION = "InvalidClauseComposition"
    NO_VARIABLES_IN_SCOPE = "NoVariablesInScope"
    NON_CONSTANT_EXPRESSION = "NonConstantExpression"
    NEGATIVE_INTEGER_ARGUMENT = "NegativeIntegerArgument"
    INVALID_PARAMETER_USE = "InvalidParameterUse"
    INTEGER_OVERFLOW = "IntegerOverflow"
    FLOATING_POINT_OVERFLOW = "FloatingPointOverflow"
    INVALID_NUMBER_LITERAL = "InvalidNumberLiteral"
    INVALID_UNICODE_LITERAL = "InvalidUnicodeLiteral"
    INVALID_UNICODE_CHARACTER = "InvalidUnicodeCharacter"
    UNKNOWN_FUNCTION = "UnknownFunction"
    INVALID_NUMBER_OF_ARGUMENTS = "InvalidNumberOfArguments"
    COLUMN_NAME_CONFLICT = "ColumnNameConflict"
    RELATIONSHIP_UNIQUENESS_VIOLATION = "RelationshipUniquenessViolation"
    INVALID_RELATIONSHIP_PATTERN = "InvalidRelationshipPattern"
    INVALID_ARGUMENT_PASSING_MODE = "InvalidArgumentPassingMode"
    NO_EXPRESSION_ALIAS = "NoExpressionAlias"
    PROCEDURE_NOT_FOUND = "ProcedureNotFound"
    MISSING_PARAMETER = "MissingParameter"
    # runtime
    INVALID_ARGUMENT_VALUE = "InvalidArgumentValue"
    NUMBER_OUT_OF_RANGE = "NumberOutOfRange"
    MAP_ELEMENT_ACCESS_BY_NON_STRING = "MapElementAccessByNonString"
    LIST_ELEMENT_ACCESS_BY_NON_INTEGER = "ListElementAccessByNonInteger"
    INVALID_ELEMENT_ACCESS = "InvalidElementAccess"
    PROPERTY_ACCESS_ON_NON_MAP = "PropertyAccessOnNonMap"
    INVALID_ARGUMENT_EXPRESSION = "InvalidArgumentExpression"
    INVALID_PROPERTY_TYPE = "InvalidPropertyType"
    DELETED_ENTITY_ACCESS = "DeletedEntityAccess"
    DELETE_CONNECTED_NODE = "DeleteConnectedNode"
    MERGE_READ_OWN_WRITES = "MergeReadOwnWrites"
    DIVISION_BY_ZERO = "DivisionByZero"
    # engram-specific
    UNIQUE_CONSTRAINT_VIOLATION = "UniqueConstraintViolation"
    SCHEMA_ERROR = "SchemaError"
    RESOURCE_LIMIT = "ResourceLimit"
    UNSUPPORTED = "Unsupported"
    VECTOR_DIMENSION_MISMATCH = "VectorDimensionMismatch"
    INVALID_VECTOR = "InvalidVector"


# Stable numeric suffixes per detail; the class supplies the leading digit (E1xx parser,
# E2xx binder, E3xx parameters, E4xx runtime). Never renumber: clients match on codes.
_DETAIL_NUMBERS: Final[dict[ErrorDetail, int]] = {
    detail: number for number, detail in enumerate(ErrorDetail, start=1)
}


class EngramError(Exception):
    """Base class of every error engram raises on purpose."""


class QueryError(EngramError):
    """An error in a query or its parameters, located in the query text where possible.

    Attributes:
        message: lower-case, specific description, quoting names (`unknown variable 'x'`).
        kind: the openCypher error type.
        detail: the openCypher error detail.
        phase: compile or runtime.
        span: where in the query text the problem is, if it comes from the text.
        hint: an optional suggestion, rendered as `= help: ...`.
        source: the query text, attached by the API façade.
    """

    code_prefix: int = 0
    default_kind: ErrorKind = ErrorKind.SYNTAX_ERROR
    default_phase: Phase = Phase.COMPILE

    def __init__(
        self,
        message: str,
        *,
        detail: ErrorDetail,
        span: Span | None = None,
        kind: ErrorKind | None = None,
        phase: Phase | None = None,
        hint: str | None = None,
        source: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail
        self.kind = kind if kind is not None else self.default_kind
        self.phase = phase if phase is not None else self.default_phase
        self.span = span
        self.hint = hint
        self.source = source

    @property
    def code(self) -> str:
        """Stable engram error code such as ``E201``."""
        return f"E{self.code_prefix}{_DETAIL_NUMBERS[self.detail]:02d}"

    def with_source(self, source: str) -> QueryError:
        """Attach the query text (once; later calls keep the first text). Returns self."""
        if self.source is None:
            self.source = source
        return self

    @property
    def line(self) -> int | None:
        """1-based line of the span start, when the query text is known."""
        position = self._position()
        return None if position is None else position[0]

    @property
    def column(self) -> int | None:
        """1-based column of the span start, when the query text is known."""
        position = self._position()
        return None if position is None else position[1]

    def _position(self) -> tuple[int, int] | None:
        if self.span is None or self.source is None:
            return None
        return line_and_column(self.source, self.span.start)

    def __str__(self) -> str:
        return render_diagnostic(self)

    def __reduce__(self) -> tuple[object, ...]:
        # keyword-only constructor: pickle through a helper so errors cross processes
        return (_rebuild_query_error, (type(self), self.message, dict(self.__dict__)))


def _rebuild_query_error(cls: type[QueryError], message: str, state: dict[str, object]) -> object:
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    error.__dict__.update(state)
    return error


class CypherSyntaxError(QueryError):
    """The text is not in the language (raised by the parser)."""

    code_prefix = 1


class SemanticError(QueryError):
    """The text parses but means nothing valid (raised by the binder, at compile time)."""

    code_prefix = 2


class ParameterError(QueryError):
    """A parameter is missing or has a value engram cannot use."""

    code_prefix = 3
    default_kind = ErrorKind.PARAMETER_MISSING


class QueryRuntimeError(QueryError):
    """A failure while executing: bad argument values, deleted entities, constraints."""

    code_prefix = 4
    default_kind = ErrorKind.TYPE_ERROR
    default_phase = Phase.RUNTIME


class QueryTimeout(EngramError):
    """The query ran longer than its timeout and was cancelled; it changed nothing."""


#: how `MemoryLimitExceeded` names the rows a result keeps for `rows()` or iteration
RESULT_BUFFER: Final = "the result buffer"


class MemoryLimitExceeded(EngramError):
    """The query would hold more memory than its `memory_limit`; it was stopped, unchanged.

    Attributes:
        limit: the query's budget in bytes.
        used: the estimated bytes held when the budget ran out.
        operator: what was growing (`'Sort'`, `'collect()'`, `'range()'`, ...).
        phase: always ``"runtime"``.
        hint: how to make the query fit.
    """

    phase: Phase = Phase.RUNTIME

    def __init__(self, limit: int, used: int, operator: str) -> None:
        self.limit = limit
        self.used = used
        self.operator = operator
        self.hint = (
            "raise memory_limit (db.execute(..., memory_limit=...) or "
            "engram.open(..., memory_limit=...)), or make the query hold less "
            "(LIMIT, aggregate earlier, filter before ORDER BY or collect())"
        )
        if operator == RESULT_BUFFER:
            self.hint = (
                "read the rows with Result.stream(), which keeps none of them, or raise "
                "memory_limit, or return fewer rows (LIMIT)"
            )
        super().__init__(
            f"the query went over its memory limit of {format_bytes(limit)} "
            f"(about {format_bytes(used)} held, growing in {operator}); it was stopped "
            "and nothing was changed"
        )

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.limit, self.used, self.operator))


def format_bytes(count: int) -> str:
    """A byte count for people: `512 bytes`, `64.0 KiB`, `1.5 GiB`."""
    if count < 1024:
        return f"{count} bytes"
    value = float(count)
    for unit in ("KiB", "MiB", "GiB", "TiB"):
        value /= 1024
        if value < 1024 or unit == "TiB":
            break
    return f"{value:.1f} {unit}"


class TransactionError(EngramError):
    """A transaction could not begin, continue or commit."""


class AccessModeError(TransactionError):
    """A statement that writes was run where only reads are allowed (nothing changed).

    Raised for a read-only database, a read-only transaction, and
    `Database.execute(..., read_only=True)`.
    """


class DatabaseLocked(EngramError):
    """Another process holds the database directory open for writing."""


class StorageError(EngramError):
    """The storage engine failed (I/O, RocksDB); the original error is chained."""


class CorruptionError(StorageError):
    """Stored data failed a check: checksum, format version, or an impossible record."""


class InternalError(EngramError):
    """A bug in engram; the message names the stage or rule and asks for a report."""

    def __init__(self, message: str) -> None:
        super().__init__(f"{message} (this is a bug in engram; please report it)")


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of a 0-based character offset; tabs count as one column."""
    offset = max(0, min(offset, len(text)))
    line = text.count("\n", 0, offset) + 1
    line_start = text.rfind("\n", 0, offset) + 1
    return line, offset - line_start + 1


_WINDOW: Final = 100
_RED: Final = "\x1b[1;31m"
_BOLD: Final = "\x1b[1m"
_CYAN: Final = "\x1b[36m"
_RESET: Final = "\x1b[0m"


def render_diagnostic(error: QueryError, *, color: bool = False) -> str:
    """Render an error with its query line and a caret under the offending span.

    The same text is used by the shell (with ``color=True``), the GraphQL server
    (``extensions.rendered``) and tests. Example::

        SyntaxError (UndefinedVariable) [E202]: unknown variable 'nmae'
         --> query:1:25
          |
        1 | MATCH (p:Person) RETURN nmae
          |                         ^^^^
          = help: did you mean 'name'?

    Args:
        error: the error to render.
        color: wrap the header and the caret in ANSI colour codes.

    Returns:
        The rendered text, without a trailing newline.
    """
    red, bold, cyan, reset = (_RED, _BOLD, _CYAN, _RESET) if color else ("", "", "", "")
    header = (
        f"{red}{error.kind} ({error.detail}) [{error.code}]{reset}{bold}: {error.message}{reset}"
    )
    lines = [header]
    if error.span is not None and error.source is not None:
        lines.extend(_source_excerpt(error.source, error.span, cyan, red, reset))
    if error.hint:
        lines.append(f"  {cyan}={reset} help: {error.hint}")
    return "\n".join(lines)


def _source_excerpt(source: str, span: Span, cyan: str, red: str, reset: str) -> list[str]:
    line_no, column = line_and_column(source, span.start)
    text_lines = source.split("\n")
    raw = text_lines[line_no - 1] if line_no - 1 < len(text_lines) else ""
    # expand tabs before computing caret offsets
    prefix = raw[: column - 1].expandtabs(4)
    line_text = raw.expandtabs(4)
    start = len(prefix)
    span_on_line = min(span.end, span.start + len(raw) - (column - 1)) - span.start
    width = max(1, span_on_line)
    # trim long lines to a window around the span
    left = max(0, start - _WINDOW // 2) if len(line_text) > _WINDOW else 0
    shown = line_text[left : left + _WINDOW] if len(line_text) > _WINDOW else line_text
    if left > 0:
        shown = "…" + shown[1:]
    if left + _WINDOW < len(line_text):
        shown = shown[:-1] + "…"
    gutter = " " * len(str(line_no))
    caret_pad = " " * (start - left)
    carets = "^" * max(1, min(width, len(shown) - (start - left)))
    return [
        f"{gutter}{cyan}-->{reset} query:{line_no}:{column}",
        f"{gutter} {cyan}|{reset}",
        f"{cyan}{line_no} |{reset} {shown}",
        f"{gutter} {cyan}|{reset} {caret_pad}{red}{carets}{reset}",
    ]
