"""The OpenAPI document is generated from the routes and the declarations, and is valid."""

from __future__ import annotations

from typing import Any

import jsonschema_rs
import pytest
import schemathesis
from schemathesis.specs.openapi.definitions import OPENAPI_31
from starlette.routing import Route

from forum.api.openapi import build_document, undeclared_routes, unrouted_declarations
from forum.routes import api_routes
from forum.schemas.outputs import AnonymousAuthor, GuestAuthor


def test_every_api_route_is_declared():
    assert undeclared_routes() == []


def test_every_declaration_names_a_route():
    assert unrouted_declarations() == []


def test_a_route_added_without_a_declaration_stops_the_document():
    async def handler(request: Any) -> None: ...

    with pytest.raises(LookupError, match="api_new_thing"):
        build_document([*api_routes, Route("/new-thing", handler, name="api_new_thing")])


def test_every_route_and_method_appears_in_the_document():
    document = build_document()
    documented = {(method, path) for path, ops in document["paths"].items() for method in ops}
    assert ("post", "/api/v1/stories/{thread_id}/replies") in documented
    assert ("post", "/api/v1/mod/posts/{post_id}/{action}") in documented
    assert ("post", "/api/v1/admin/posts/{post_id}/reveal") in documented
    assert ("delete", "/api/v1/posts/{post_id}/reactions/{kind}") in documented
    assert len(documented) == sum(
        len([m for m in (r.methods or ()) if m != "HEAD"]) for r in _routes(api_routes))


def _routes(tree: list[Any]) -> list[Route]:
    found: list[Route] = []
    for route in tree:
        found += _routes(route.routes) if hasattr(route, "routes") else [route]
    return found


async def test_the_served_document_is_the_generated_one(visitor):
    response = await visitor.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json() == build_document()


def test_the_document_is_openapi_3_1_that_schemathesis_loads():
    document = build_document()
    assert document["openapi"] == "3.1.0"
    jsonschema_rs.Draft202012Validator(OPENAPI_31).validate(document)
    schema = schemathesis.openapi.from_dict(document)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == sum(len(ops) for ops in document["paths"].values())


def test_every_component_schema_is_valid_json_schema_and_every_reference_resolves():
    document = build_document()
    schemas = document["components"]["schemas"]
    for schema in schemas.values():
        jsonschema_rs.meta.validate(schema)

    def refs(node: Any) -> Any:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "$ref":
                    yield value
                else:
                    yield from refs(value)
        elif isinstance(node, list):
            for item in node:
                yield from refs(item)

    for ref in refs(document):
        assert ref.startswith("#/components/schemas/")
        assert ref.rsplit("/", 1)[1] in schemas


def _operation(path: str, method: str) -> dict[str, Any]:
    operation: dict[str, Any] = build_document()["paths"][path][method]
    return operation


def test_guest_posting_and_the_manage_token_are_documented():
    story = _operation("/api/v1/stories", "post")
    assert {"201", "200", "202", "429"} <= set(story["responses"])
    assert {} in story["security"]  # no token: a guest
    waiting = story["responses"]["202"]["content"]["application/json"]["schema"]
    assert {"$ref": "#/components/schemas/GuestPostedStory"} in waiting["anyOf"]
    assert "Retry-After" in story["responses"]["429"]["headers"]
    headers = {p["name"] for p in story["parameters"] if p["in"] == "header"}
    assert "Idempotency-Key" in headers
    for method in ("patch", "delete"):
        params = _operation("/api/v1/posts/{post_id}", method)["parameters"]
        assert "X-Manage-Token" in {p["name"] for p in params}


def test_moderators_care_action_is_documented_and_answers_alike_for_every_author():
    operation = _operation("/api/v1/mod/posts/{post_id}/{action}", "post")
    action = next(p for p in operation["parameters"] if p["name"] == "action")
    assert "care" in action["schema"]["enum"]
    assert "message" in build_document()["components"]["schemas"]["CareInput"]["properties"]
    assert {"401", "403", "404", "413", "422"} <= set(operation["responses"])
    assert "409" not in operation["responses"]  # a guest's post is referred to the admins


def test_errors_are_problem_documents():
    operation = _operation("/api/v1/stories/{thread_id}/replies", "post")
    for status in ("400", "401", "403", "404", "413", "422", "429"):
        content = operation["responses"][status]["content"]
        assert list(content) == ["application/problem+json"]
        assert content["application/problem+json"]["schema"] == {
            "$ref": "#/components/schemas/Problem"}


def test_query_bounds_are_documented():
    params = {p["name"]: p["schema"] for p in _operation("/api/v1/search", "get")["parameters"]}
    assert params["per_page"]["minimum"] == 1
    assert params["page"]["minimum"] == 1
    assert "maximum" in params["per_page"]


def test_anonymous_and_guest_authors_can_carry_no_username_or_id():
    for model in (AnonymousAuthor, GuestAuthor):
        schema = model.model_json_schema()
        assert schema["additionalProperties"] is False
        assert not {"username", "id", "user_id", "display_name"} & set(schema["properties"])
