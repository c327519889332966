"""The OpenAPI document and the routes stay in step, both ways."""

import re

from starlette.routing import Mount, Route

from forum.routes import routes


def _walk(tree, prefix: str):
    for route in tree:
        if isinstance(route, Mount):
            yield from _walk(route.routes, prefix + route.path)
        else:
            assert isinstance(route, Route)
            yield prefix + route.path, route.methods or ()


def api_routes() -> set[tuple[str, str]]:
    found = set()
    api = next(m for m in routes if isinstance(m, Mount) and m.path == "/api/v1")
    for path, methods in _walk(api.routes, api.path):
        for name in ("thread_id", "post_id"):
            path = path.replace("{" + name + ":int}", "{id}")
        path = re.sub(r"\{(\w+):\w+\}", r"{\1}", path)
        for method in methods:
            if method != "HEAD":
                found.add((method.lower(), path))
    return found


async def test_every_api_route_is_documented_and_every_documented_route_exists(visitor):
    document = (await visitor.get("/api/v1/openapi.json")).json()
    assert document["openapi"].startswith("3.1")
    documented = {(method, path) for path, ops in document["paths"].items() for method in ops}
    assert documented == api_routes()


async def test_every_reference_in_the_document_resolves(visitor):
    document = (await visitor.get("/api/v1/openapi.json")).json()
    schemas = document["components"]["schemas"]

    def refs(node):
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
