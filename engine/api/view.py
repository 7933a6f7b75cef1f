"""The GraphQL endpoint over HTTP (GraphQL-over-HTTP: POST JSON, GET for queries).

Around strawberry's view it adds, per request: an id (``X-Request-Id``), the
body size limit (413 before the body is read when ``Content-Length`` says so,
else as soon as it grows past the limit), authentication (401), typed error
formatting, the media type and status codes of the spec
(``application/graphql-response+json``: a request error — unparsable,
invalid, bad variables — is a 400) and metrics. Every rejection is a GraphQL
error document, never a bare text body.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult

from engine.api.auth import BACKEND, authenticate
from engine.api.context import RequestContext, Services
from engine.api.errors import (
    INTERNAL,
    PayloadTooLarge,
    Unauthenticated,
    error_body,
    format_error,
)
from engine.api.graphiql import graphiql_html
from engine.api.loaders import Loaders
from engine.api.metrics import Metrics
from engine.api.schema import GraphfeedSchema

GRAPHQL_RESPONSE = "application/graphql-response+json"
REQUEST_ID_HEADER = "x-request-id"
_IMAGE_HINT = " (an image sent as base64 counts 4/3 of its size)"


class GraphQLView(GraphQL[RequestContext, None]):
    def __init__(self, schema: GraphfeedSchema, services: Services, metrics: Metrics) -> None:
        super().__init__(schema, graphql_ide="graphiql" if services.api.development else None,
                         allow_queries_via_get=True, multipart_uploads_enabled=False)
        self.services = services
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # no subscriptions: close websockets politely
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
            return
        started = time.perf_counter()
        request = Request(scope, receive)
        request_id = secrets.token_hex(8)
        request.state.request_id = request_id
        request.state.request_error = False
        request.state.internal = False
        request.state.errors = False
        context: RequestContext | None = None
        outcome = "ok"
        try:
            await self._read_body(request)
            context = RequestContext(services=self.services, principal=self._principal(request),
                                     request_id=request_id)
            context.loaders = Loaders(self.services)
            request.state.context = context
            response = await self.run(request, context=context)
            if request.state.internal:
                outcome = "internal"
            elif request.state.errors:
                outcome = "error"
        except PayloadTooLarge as e:
            outcome = "too_large"
            response = JSONResponse(error_body(e.code, e.message, request_id), status_code=413)
        except Unauthenticated as e:
            outcome = "unauthenticated"
            response = JSONResponse(error_body(e.code, e.message, request_id), status_code=401,
                                    headers={"www-authenticate": 'Bearer realm="graphfeed"'})
        except HTTPException as e:
            outcome = "bad_request"
            response = JSONResponse(error_body("BAD_REQUEST", e.reason, request_id),
                                    status_code=e.status_code)
            if request.method == "GET" and e.reason.endswith("not allowed when using GET"):
                response.status_code = 405  # mutations over GET: the spec's status
                response.headers["allow"] = "POST"
        if request.state.request_error and _accepts_graphql_response(request):
            response.status_code = 400
        if _accepts_graphql_response(request) and _is_json(response):
            response.headers["content-type"] = f"{GRAPHQL_RESPONSE}; charset=utf-8"
        response.headers[REQUEST_ID_HEADER] = request_id
        operation = context.operation if context is not None else "invalid"
        if not _is_ide(response):
            self.metrics.observe(operation, outcome, time.perf_counter() - started)
        await response(scope, receive, send)

    def _principal(self, request: Request) -> Any:
        if request.method == "GET" and "query" not in request.query_params:
            return BACKEND  # the GraphiQL page itself (development only); it runs nothing
        return authenticate(self.services.api, {k.lower(): v for k, v in request.headers.items()})

    async def _read_body(self, request: Request) -> None:
        limit = self.services.api.max_body_bytes
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise PayloadTooLarge(f"the request body ({declared} bytes) is larger than the "
                                  f"limit of {limit} bytes{_IMAGE_HINT}")
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise PayloadTooLarge(f"the request body is larger than the limit of {limit} "
                                      f"bytes{_IMAGE_HINT}")
            chunks.append(chunk)
        # Starlette's Request.body() returns this cached body; strawberry reads it from there.
        request._body = b"".join(chunks)

    async def process_result(self, request: Request,
                             result: ExecutionResult) -> GraphQLHTTPResponse:
        request_id = request.state.request_id
        out: GraphQLHTTPResponse = {}
        errors = result.errors or []
        request.state.errors = bool(errors)
        if errors and result.data is None and all(e.path is None for e in errors):
            request.state.request_error = True  # nothing ran: the spec's "request error"
        else:
            out["data"] = result.data
        if errors:
            formatted: list[Any] = [format_error(e, request_id) for e in errors]
            request.state.internal = any(
                f["extensions"].get("code") in (INTERNAL, "SERVICE_UNAVAILABLE")
                for f in formatted)
            out["errors"] = formatted
        if result.extensions:
            out["extensions"] = result.extensions
        return out

    async def render_graphql_ide(self, request: Request) -> Response:
        return Response(graphiql_html(self.services.api.graphiql_assets), media_type="text/html")


def _accepts_graphql_response(request: Request) -> bool:
    return GRAPHQL_RESPONSE in request.headers.get("accept", "")


def _is_json(response: Response) -> bool:
    return response.media_type == "application/json" or \
        response.headers.get("content-type", "").startswith("application/json")


def _is_ide(response: Response) -> bool:
    return response.headers.get("content-type", "").startswith("text/html")
