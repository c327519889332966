"""The OpenAPI 3.1 description of /api/v1, generated from the route table, the per-operation
declarations (forum/api/operations.py) and the pydantic schemas — never written by hand."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import BaseModel, TypeAdapter
from starlette.convertors import IntegerConvertor
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Mount, Route

from forum import __version__
from forum.api.operations import OPERATIONS, RETRY_AFTER, Answer, Operation
from forum.errors import MESSAGES
from forum.schemas.outputs import Problem
from forum.settings import BODY_LIMIT_BYTES

API_PREFIX = "/api/v1"
REF_TEMPLATE = "#/components/schemas/{model}"
MAX_ROW_ID = 2**31 - 1  # ids past this are a 404 (forum.web.int_param)
PROBLEM_TYPE = "application/problem+json"
GUARDED_MOUNTS = {"api_mod": "moderators", "api_admin": "admins"}
BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


@dataclass(frozen=True)
class ApiRoute:
    name: str
    path: str  # the full path, with Starlette's convertors: /api/v1/stories/{thread_id:int}
    method: str
    template: str  # the OpenAPI form: /api/v1/stories/{thread_id}
    convertors: Mapping[str, Any]
    guard: str | None  # who a guarded mount lets in, if any


def api_operations(api_routes: list[BaseRoute] | None = None) -> Iterator[ApiRoute]:
    """Every (route, method) under /api/v1, the mounts' routes included."""
    if api_routes is None:
        from forum.routes import api_routes as table

        api_routes = table
    yield from _walk(api_routes, API_PREFIX, None)


def _walk(tree: list[BaseRoute], prefix: str, guard: str | None) -> Iterator[ApiRoute]:
    for route in tree:
        if isinstance(route, Mount):
            yield from _walk(route.routes, prefix + route.path,
                             GUARDED_MOUNTS.get(route.name or "", guard))
        elif isinstance(route, Route):
            template = prefix + route.path_format
            for method in sorted(route.methods or ()):
                if method != "HEAD":
                    yield ApiRoute(route.name, prefix + route.path, method, template,
                                   route.param_convertors, guard)


def declaration_for(route: ApiRoute) -> Operation | None:
    declared = OPERATIONS.get(route.name)
    if isinstance(declared, dict):
        return declared.get(route.method)
    return declared


def undeclared_routes() -> list[str]:
    return [f"{r.method} {r.path} ({r.name})" for r in api_operations()
            if declaration_for(r) is None]


def unrouted_declarations() -> list[str]:
    routed = {(r.name, r.method) for r in api_operations()}
    names = {name for name, _ in routed}
    stale: list[str] = []
    for name, declared in OPERATIONS.items():
        if isinstance(declared, dict):
            stale += [f"{name} {m}" for m in declared if (name, m) not in routed]
        elif name not in names:
            stale.append(name)
    return stale


class _Components:
    """Model schemas gathered into components/schemas, each name meaning one schema."""

    def __init__(self) -> None:
        self.schemas: dict[str, Any] = {}

    def schema_for(self, model: Any, mode: str) -> dict[str, Any]:
        schema = TypeAdapter(model).json_schema(ref_template=REF_TEMPLATE,
                                                mode=mode)  # type: ignore[arg-type]
        for name, definition in schema.pop("$defs", {}).items():
            self._add(name, definition)
        if isinstance(model, type) and issubclass(model, BaseModel):
            self._add(model.__name__, schema)
            return {"$ref": REF_TEMPLATE.format(model=model.__name__)}
        return schema

    def _add(self, name: str, schema: dict[str, Any]) -> None:
        known = self.schemas.setdefault(name, schema)
        if known != schema:
            raise ValueError(f"two different schemas are both called {name}")


def _problem(description: str, headers: Mapping[str, str] | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "description": description,
        "content": {PROBLEM_TYPE: {"schema": {"$ref": REF_TEMPLATE.format(model="Problem")}}},
    }
    if headers:
        answer["headers"] = _headers(headers)
    return answer


def _headers(headers: Mapping[str, str]) -> dict[str, Any]:
    return {name: {"description": text, "schema": {"type": "string"}}
            for name, text in headers.items()}


def _answer(answer: Answer, components: _Components) -> dict[str, Any]:
    shown: dict[str, Any] = {"description": answer.description}
    if answer.model is not None:
        shown["content"] = {"application/json": {
            "schema": components.schema_for(answer.model, "serialization")}}
    if answer.headers:
        shown["headers"] = _headers(answer.headers)
    return shown


def _path_parameter(route: ApiRoute, name: str, operation: Operation) -> dict[str, Any]:
    if name in operation.path:
        schema = dict(operation.path[name])
    elif isinstance(route.convertors[name], IntegerConvertor):
        schema = {"type": "integer", "minimum": 1, "maximum": MAX_ROW_ID}
    else:
        schema = {"type": "string", "minLength": 1}
    return {"name": name, "in": "path", "required": True, "schema": schema}


def _errors(route: ApiRoute, operation: Operation) -> dict[int, tuple[str, Mapping[str, str]]]:
    """Every problem status this operation can answer, with when."""
    found: dict[int, tuple[str, Mapping[str, str]]] = {}

    def add(status: int, when: str, headers: Mapping[str, str] | None = None) -> None:
        if status not in found:
            found[status] = (when, headers or {})

    for status, when in operation.errors.items():
        add(status, when, RETRY_AFTER if status == 429 else None)
    if operation.body is not None:
        add(400, "the body is not a JSON object")
        add(413, f"the body is larger than {BODY_LIMIT_BYTES // 1024} KiB")
        add(422, "some fields need another look: `errors` has a message per field")
    if route.method in BODY_METHODS:
        add(403, "signed in by cookie without the CSRF token, or from another site")
    if operation.auth == "required" or route.guard:
        add(401, "not signed in (no valid bearer token)")
    if route.guard:
        add(403, f"this area is for {route.guard}")
    if any(isinstance(c, IntegerConvertor) for c in route.convertors.values()):
        add(404, "nothing has that id (or it is hidden from you)")
    return dict(sorted(found.items()))


def _operation(route: ApiRoute, operation: Operation,
               components: _Components) -> dict[str, Any]:
    shown: dict[str, Any] = {"operationId": f"{route.name}_{route.method.lower()}",
                             "summary": operation.summary}
    if operation.description:
        shown["description"] = operation.description
    parameters = [_path_parameter(route, name, operation) for name in route.convertors]
    parameters += [{"name": p.name, "in": p.where, "required": p.required,
                    "schema": dict(p.schema), **({"description": p.description}
                                                 if p.description else {})}
                   for p in operation.params]
    if parameters:
        shown["parameters"] = parameters
    if operation.body is not None:
        shown["requestBody"] = {"required": True, "content": {"application/json": {
            "schema": components.schema_for(operation.body, "validation")}}}
    responses = {str(status): _answer(answer, components)
                 for status, answer in sorted(operation.answers.items())}
    for status, (when, headers) in _errors(route, operation).items():
        responses[str(status)] = _problem(f"{MESSAGES[status][1]}: {when}"
                                          if status in MESSAGES else when, headers)
    shown["responses"] = responses
    if operation.auth == "required" or route.guard:
        shown["security"] = [{"bearer": []}]
    elif operation.auth == "optional":
        shown["security"] = [{}, {"bearer": []}]
    else:
        shown["security"] = []
    return shown


def build_document(api_routes: list[BaseRoute] | None = None) -> dict[str, Any]:
    components = _Components()
    components.schema_for(Problem, "serialization")
    paths: dict[str, dict[str, Any]] = {}
    for route in api_operations(api_routes):
        operation = declaration_for(route)
        if operation is None:
            raise LookupError(f"{route.name} ({route.method} {route.path}) is not declared "
                              "in forum/api/operations.py")
        paths.setdefault(route.template, {})[route.method.lower()] = _operation(
            route, operation, components)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Hearth API", "version": __version__,
                 "description": "Errors are RFC 9457 problem documents "
                                "(application/problem+json). Authenticate with "
                                "`Authorization: Bearer <token>` from POST /api/v1/tokens."},
        "paths": paths,
        "components": {
            "schemas": dict(sorted(components.schemas.items())),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


@cache
def document() -> dict[str, Any]:
    return build_document()


async def openapi_document(request: Request) -> JSONResponse:
    return JSONResponse(document())
