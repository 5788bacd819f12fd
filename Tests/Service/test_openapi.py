"""The OpenAPI description is valid and lists exactly the API routes the service declares and serves."""

from __future__ import annotations

import re

import pytest
import requests

from api import DOCUMENTS, SOURCES, SPEC, declared_routes, load_spec, need, shape, spec_routes

need("openapi_spec_validator")
from openapi_spec_validator import validate  # noqa: E402
from openapi_spec_validator.readers import read_from_filename  # noqa: E402


def api_routes_in_sources() -> set[str]:
    return {
        shape(route.route)
        for route in declared_routes()
        if route.kind == "api" or route.path in DOCUMENTS
    }


def test_spec_is_valid_openapi_3_1():
    document, _ = read_from_filename(str(SPEC))
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_sources_declare_routes():
    routes = declared_routes()
    # The parser must see every call: as many routes as `registry.add(` occurs in the sources.
    calls = sum(source.read_text(encoding="utf-8").count("registry.add(") for source in SOURCES.glob("*.swift"))
    assert len(routes) == calls and calls >= 50, f"parsed {len(routes)} of {calls} registry.add calls"
    assert "GET /api/v1/me" in {route.route for route in routes}
    assert all(route.access for route in routes)


def test_every_declared_api_route_is_in_the_spec():
    documented = {shape(route) for route in spec_routes(load_spec())}
    missing = sorted(api_routes_in_sources() - documented)
    assert not missing, f"API routes declared in Sources/Service but missing in openapi.yaml: {missing}"


def test_every_spec_route_is_declared():
    declared = api_routes_in_sources()
    extra = sorted(route for route in spec_routes(load_spec()) if shape(route) not in declared)
    assert not extra, f"openapi.yaml describes routes the service does not declare: {extra}"


def test_pages_are_not_in_the_spec():
    pages = {shape(route.route) for route in declared_routes() if route.kind == "page" and route.path not in DOCUMENTS}
    documented = {shape(route) for route in spec_routes(load_spec())}
    assert not pages & documented, sorted(pages & documented)


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "x-unknown-1", path)


def test_every_spec_route_is_served(server):
    """Each documented route reaches a handler of the running service: the router's own answer for a path or
    method it does not know is a 404 saying "no such API route", a handler's answer (even a refusal) is not."""
    unserved = []
    for route in sorted(spec_routes(load_spec())):
        method, path = route.split(" ", 1)
        answer = requests.request(method, server.url + concrete(path), timeout=30)
        if "content-type" not in answer.headers or not answer.content or "no such API route" in answer.text:
            unserved.append(f"{route} -> {answer.status_code}: {answer.text[:120]}")
    assert not unserved, unserved


@pytest.mark.parametrize(
    "route",
    sorted(spec_routes(load_spec())),
)
def test_documented_refusals_have_the_error_shape(server, route):
    """Unsigned requests to protected routes answer 401 with the one error shape; public routes answer."""
    method, path = route.split(" ", 1)
    operation = load_spec()["paths"][path][method.lower()]
    answer = requests.request(method, server.url + concrete(path), timeout=30)
    public = operation.get("security") == []
    if public:
        assert answer.status_code in {int(code) for code in operation["responses"]}, answer.status_code
    else:
        assert answer.status_code == 401, f"{route}: {answer.status_code}"
        body = answer.json()
        assert set(body) == {"error"} and body["error"]["code"] == "unauthenticated", body
