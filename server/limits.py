"""GraphQL operation limits: nesting depth, aliases and estimated cost, checked before execution.

The cost of an operation estimates the work it asks for: every field costs 1, and the
fields under a list field are counted once per item the list may hold (its `first`,
`last`, `limit` or `nearest.k` argument, or `default_list_size` when a paged field is
given none). Introspection fields are free. Each limit that is exceeded becomes one
validation error whose ``extensions.code`` names it (``DEPTH_LIMIT``, ``ALIAS_LIMIT``,
``COMPLEXITY_LIMIT``). (graphql-core's parser refuses documents nested too deeply to
parse; the walk here stops descending once an operation is past the depth limit.)
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

from graphql import (
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    ValueNode,
    VariableNode,
)
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

from engram.server.settings import Limits

__all__ = ["Measure", "OperationLimits", "ValidatedDocuments", "limit_errors", "measure_operation"]

_PAGE_ARGUMENTS: Final = ("first", "last", "limit")


@dataclass(frozen=True, slots=True)
class Measure:
    """What an operation asks for."""

    depth: int
    aliases: int
    complexity: int


def _limit_error(code: str, message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code})


class _Walker:
    """Walks one operation with its fragments expanded, tracking types for list sizes."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
        limits: Limits,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.limits = limits
        self.max_depth = 0
        self.aliases = 0

    def selection_cost(
        self,
        selection_set: SelectionSetNode | None,
        parent: GraphQLNamedType | None,
        depth: int,
        path: frozenset[str],
    ) -> int:
        if selection_set is None:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field_cost(selection, parent, depth, path)
            elif isinstance(selection, InlineFragmentNode):
                condition = (
                    self.schema.get_type(selection.type_condition.name.value)
                    if selection.type_condition
                    else parent
                )
                total += self.selection_cost(selection.selection_set, condition, depth, path)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in path:
                    continue  # unknown and cyclic fragments are reported by validation
                condition = self.schema.get_type(fragment.type_condition.name.value)
                total += self.selection_cost(
                    fragment.selection_set, condition, depth, path | {name}
                )
        return total

    def field_cost(
        self, node: FieldNode, parent: GraphQLNamedType | None, depth: int, path: frozenset[str]
    ) -> int:
        name = node.name.value
        if name.startswith("__"):
            return 0
        if node.alias is not None:
            self.aliases += 1
        level = depth + 1
        self.max_depth = max(self.max_depth, level)
        if level > self.limits.max_depth:
            return 1  # already over the limit: do not descend further
        field = parent.fields.get(name) if isinstance(parent, GraphQLObjectType) else None
        child_type: GraphQLNamedType | None = None
        is_list = False
        if field is not None:
            child_type, is_list = _unwrap(field.type)
        children = self.selection_cost(node.selection_set, child_type, level, path)
        if not node.selection_set:
            return 1
        size = self.list_size(node, field.args if field is not None else {}) if is_list else 1
        return 1 + size * children

    def list_size(self, node: FieldNode, accepted: Mapping[str, Any]) -> int:
        given: dict[str, Any] = {}
        for argument in node.arguments or ():
            given[argument.name.value] = self.value(argument.value)
        for name in _PAGE_ARGUMENTS:
            if isinstance(given.get(name), int):
                return max(0, int(given[name]))
        nearest = given.get("nearest")
        if isinstance(nearest, Mapping) and isinstance(nearest.get("k"), int):
            return max(0, int(nearest["k"]))
        if any(name in accepted for name in (*_PAGE_ARGUMENTS, "nearest")):
            return self.limits.default_list_size
        return 1

    def value(self, node: ValueNode) -> Any:
        if isinstance(node, VariableNode):
            return self.variables.get(node.name.value)
        if isinstance(node, IntValueNode):
            try:
                return int(node.value)
            except ValueError:
                return None
        if isinstance(node, ObjectValueNode):
            return {item.name.value: self.value(item.value) for item in node.fields}
        return None


def _unwrap(kind: Any) -> tuple[GraphQLNamedType | None, bool]:
    is_list = False
    while isinstance(kind, GraphQLNonNull | GraphQLList):
        if isinstance(kind, GraphQLList):
            is_list = True
        kind = kind.of_type
    return kind, is_list


def measure_operation(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any],
    limits: Limits,
) -> Measure:
    """Depth, aliases and estimated cost of one operation."""
    root = {
        OperationType.QUERY: schema.query_type,
        OperationType.MUTATION: schema.mutation_type,
        OperationType.SUBSCRIPTION: schema.subscription_type,
    }[operation.operation]
    walker = _Walker(schema, fragments, variables, limits)
    complexity = walker.selection_cost(operation.selection_set, root, 0, frozenset())
    return Measure(walker.max_depth, walker.aliases, complexity)


def limit_errors(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: Mapping[str, Any],
    limits: Limits,
) -> list[GraphQLError]:
    """One error per limit an operation of `document` exceeds."""
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    errors: list[GraphQLError] = []
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            errors.extend(_check(schema, definition, fragments, variables, limits))
    return errors


def _check(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any],
    limits: Limits,
) -> Iterator[GraphQLError]:
    measure = measure_operation(schema, operation, fragments, variables, limits)
    if measure.depth > limits.max_depth:
        yield _limit_error(
            "DEPTH_LIMIT",
            f"the operation nests {measure.depth} levels deep; the limit is {limits.max_depth}",
        )
    if measure.aliases > limits.max_aliases:
        yield _limit_error(
            "ALIAS_LIMIT",
            f"the document uses {measure.aliases} aliases; the limit is {limits.max_aliases}",
        )
    if measure.complexity > limits.max_complexity:
        yield _limit_error(
            "COMPLEXITY_LIMIT",
            f"the operation's estimated cost is {measure.complexity}; the limit is "
            f"{limits.max_complexity} (ask for smaller pages or fewer nested lists)",
        )


class ValidatedDocuments:
    """Parsed documents and the texts that passed validation (bounded LRUs, per schema).

    Parsing and validating a document costs far more than running a point read, and
    clients send the same few documents again and again: each text is parsed once and
    validated once per schema generation. Texts that fail to parse or validate are
    handled afresh every time (their errors are never shared between requests).
    """

    def __init__(self, size: int = 1024) -> None:
        self._size = size
        self._parsed: OrderedDict[str, DocumentNode] = OrderedDict()
        self._valid: OrderedDict[str, None] = OrderedDict()

    def parsed(self, text: str | None) -> DocumentNode | None:
        """The document of `text` if it was parsed before."""
        if text is None:
            return None
        document = self._parsed.get(text)
        if document is not None:
            self._parsed.move_to_end(text)
        return document

    def remember(self, text: str | None, document: DocumentNode | None) -> None:
        """Keep the document `text` parsed to."""
        if text is not None and document is not None:
            _put(self._parsed, text, document, self._size)

    def validate(
        self,
        schema: GraphQLSchema,
        text: str | None,
        document: DocumentNode,
        rules: tuple[type[ASTValidationRule], ...],
    ) -> list[GraphQLError]:
        """The validation errors of `document` (the text of which is `text`)."""
        if text is not None and text in self._valid:
            self._valid.move_to_end(text)
            return []
        errors = validate_document(schema, document, rules)
        if not errors and text is not None:
            _put(self._valid, text, None, self._size)
        return errors


def _put(cache: OrderedDict[str, Any], key: str, value: Any, size: int) -> None:
    cache[key] = value
    cache.move_to_end(key)
    if len(cache) > size:
        cache.popitem(last=False)


class OperationLimits(SchemaExtension):
    """Parses and validates operations (cached per text) and checks them against the limits."""

    def __init__(self, limits: Limits, documents: ValidatedDocuments) -> None:
        self._limits = limits
        self._documents = documents

    def on_parse(self) -> Iterator[None]:
        """Reuse the document of a text parsed before; remember a new one once parsed."""
        context = self.execution_context
        if context.graphql_document is None:
            context.graphql_document = self._documents.parsed(context.query)
        yield
        self._documents.remember(context.query, context.graphql_document)

    def on_validate(self) -> Iterator[None]:
        """Validate, then check the limits with the request's variables."""
        context = self.execution_context
        document = context.graphql_document
        if document is not None and context.validation_rules:
            schema = context.schema._schema
            errors = self._documents.validate(
                schema, context.query, document, tuple(context.validation_rules)
            )
            errors.extend(limit_errors(schema, document, context.variables or {}, self._limits))
            context.pre_execution_errors = errors
        yield
