"""/openapi.json documents every route the app serves."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from aiohttp.test_utils import TestClient


def refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from refs(item)


async def document(client: TestClient) -> dict[str, Any]:
    response = await client.get("/openapi.json")
    assert response.status == 200
    return await response.json()  # type: ignore[no-any-return]


async def test_the_document_is_openapi_3_1(client: TestClient) -> None:
    assert (await document(client))["openapi"] == "3.1.0"


async def test_every_served_route_is_documented(client: TestClient) -> None:
    paths = (await document(client))["paths"]
    served = {
        (route.method.lower(), route.resource.canonical)
        for route in client.app.router.routes()
        if route.method != "HEAD" and route.resource is not None
    }
    missing = {(m, p) for m, p in served if m not in paths.get(p, {})}
    assert not missing


async def test_the_booking_routes_of_the_contract_are_documented(client: TestClient) -> None:
    paths = (await document(client))["paths"]
    for method, path in [
        ("post", "/shows"),
        ("get", "/shows/{show_id}"),
        ("get", "/booking/tickets"),
        ("post", "/booking/tickets/book"),
        ("get", "/booking/tickets/status"),
        ("post", "/booking/tickets/cancel"),
    ]:
        assert method in paths[path], (method, path)


async def test_every_reference_resolves(client: TestClient) -> None:
    found = await document(client)
    schemas = found["components"]["schemas"]
    unresolved = [r for r in refs(found) if r.removeprefix("#/components/schemas/") not in schemas]
    assert not unresolved


async def test_request_schemas_come_from_the_strict_models(client: TestClient) -> None:
    found = await document(client)
    register = found["paths"]["/auth/register"]["post"]
    ref = register["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schema = found["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == {"email", "password"}
    assert "422" in register["responses"] and "429" in register["responses"]


def operations(found: dict[str, Any]) -> list[dict[str, Any]]:
    return [op for methods in found["paths"].values() for op in methods.values()]


async def test_every_operation_has_a_unique_operation_id_and_a_declared_tag(
    client: TestClient,
) -> None:
    found = await document(client)
    declared = {tag["name"] for tag in found["tags"]}
    ids = [op.get("operationId") for op in operations(found)]
    assert all(ids) and len(set(ids)) == len(ids), ids
    assert all(op.get("tags") and set(op["tags"]) <= declared for op in operations(found))


def problem_members(found: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """The members a problem schema adds to Problem (allOf [Problem, extension])."""
    named = schema["$ref"].rsplit("/", 1)[1]
    extension = found["components"]["schemas"][named]["allOf"][1]
    return {"required": extension["required"], **extension["properties"]}


async def test_a_booking_rejection_documents_its_reason_and_booking_id(client: TestClient) -> None:
    found = await document(client)
    conflict = found["paths"]["/booking/tickets/book"]["post"]["responses"]["409"]
    rejected = conflict["content"]["application/problem+json"]["schema"]["anyOf"][0]
    members = problem_members(found, rejected)
    assert "reason" in members["required"] and "booking_id" in members
    assert set(members["reason"]["enum"]) >= {"sold_out", "per_user_limit", "unknown_show"}


async def test_a_booking_that_cannot_be_cancelled_documents_its_status(client: TestClient) -> None:
    found = await document(client)
    conflict = found["paths"]["/booking/tickets/cancel"]["post"]["responses"]["409"]
    members = problem_members(found, conflict["content"]["application/problem+json"]["schema"])
    assert set(members["required"]) == {"booking_id", "booking_status"}


async def test_the_login_route_documents_what_throttles_it(client: TestClient) -> None:
    document = await (await client.get("/openapi.json")).json()
    description = document["paths"]["/auth/login"]["post"]["description"]
    assert "BOXOFFICE_LOGIN_FAILURES_PER_ACCOUNT" in description


async def test_a_problem_lists_at_most_twenty_field_errors(client: TestClient) -> None:
    document = await (await client.get("/openapi.json")).json()
    assert document["components"]["schemas"]["Problem"]["properties"]["errors"]["maxItems"] == 20


async def test_the_feed_and_webhook_routes_of_the_contract_are_documented(
    client: TestClient,
) -> None:
    paths = (await document(client))["paths"]
    for method, path in [
        ("get", "/events"),
        ("post", "/webhooks"),
        ("get", "/webhooks"),
        ("delete", "/webhooks/{webhook_id}"),
    ]:
        operation = paths[path][method]
        assert operation["tags"] == ["feed"] and "403" in operation["responses"], (method, path)
    created = paths["/webhooks"]["post"]["responses"]["201"]["content"]["application/json"]
    assert created["schema"]["$ref"].endswith("/WebhookCreatedOut")
