"""The strawberry schema and its limits.

Extensions, per request: token limit (parser), depth and alias limits and, in
production, no introspection (validation rules), parse and validation caches
(a trivial query went from ~1,100 to ~3,900 req/s with them), and the metrics
label. The validation rules are built once here, not per request: a rule class
made per request would defeat the validation cache, whose key includes them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import strawberry
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from engine.api.activity.mutation import ActivityMutation
from engine.api.content.query import ContentQuery
from engine.api.feeds.mutation import FeedsMutation
from engine.api.feeds.query import FeedsQuery
from engine.api.likes.query import LikesQuery
from engine.api.settings import ApiSettings
from graphql import FieldNode, GraphQLError, OperationDefinitionNode

CACHE_SIZE = 512
MAX_LABEL_FIELDS = 3

Query = merge_types("Query", (ContentQuery, FeedsQuery, LikesQuery))
Mutation = merge_types("Mutation", (ActivityMutation, FeedsMutation))


class OperationLabel(SchemaExtension):
    """Names the operation for metrics by its root fields, once the document is valid."""

    def on_validate(self) -> Iterator[None]:
        yield
        ec = self.execution_context
        if ec.pre_execution_errors or ec.graphql_document is None:
            return
        operation = _operation(ec)
        if operation is None or not hasattr(ec.context, "operation"):
            return
        names = sorted({sel.name.value for sel in operation.selection_set.selections
                        if isinstance(sel, FieldNode)})
        if names:
            ec.context.operation = ("+".join(names) if len(names) <= MAX_LABEL_FIELDS
                                    else "multiple")


def _operation(ec: ExecutionContext) -> OperationDefinitionNode | None:
    ops = [d for d in ec.graphql_document.definitions  # type: ignore[union-attr]
           if isinstance(d, OperationDefinitionNode)]
    if ec.operation_name:
        ops = [o for o in ops if o.name is not None and o.name.value == ec.operation_name]
    return ops[0] if len(ops) == 1 else None


class GraphfeedSchema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError],
                       execution_context: ExecutionContext | None = None) -> None:
        """Errors are logged once, with the request id, when the view formats them."""


def build_schema(api: ApiSettings | None = None) -> GraphfeedSchema:
    api = api or ApiSettings.from_settings(None)
    rules: list[Any] = [
        *QueryDepthLimiter(max_depth=api.max_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=api.max_aliases).validation_rules,
    ]
    if not api.development:
        rules.append(NoSchemaIntrospectionCustomRule)
    max_tokens = api.max_tokens
    return GraphfeedSchema(
        query=Query,
        mutation=Mutation,
        extensions=[
            lambda: MaxTokensLimiter(max_token_count=max_tokens),
            lambda: AddValidationRules(rules),
            lambda: ParserCache(maxsize=CACHE_SIZE),
            lambda: ValidationCache(maxsize=CACHE_SIZE),
            OperationLabel,
        ],
    )


def sdl(schema: strawberry.Schema | None = None) -> str:
    """The schema as SDL, the text of ``graphql/schema.graphql``."""
    return str(schema or build_schema()).rstrip() + "\n"
