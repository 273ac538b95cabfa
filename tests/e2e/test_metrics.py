"""/metrics after traffic: requests by route and status, booking outcomes, the process itself."""

from __future__ import annotations

import uuid

from aiohttp.test_utils import TestClient
from prometheus_client.parser import text_string_to_metric_families

from .actors import book, new_show, sign_up


async def samples(client: TestClient) -> dict[str, list[tuple[dict[str, str], float]]]:
    response = await client.get("/metrics")
    assert response.status == 200
    found: dict[str, list[tuple[dict[str, str], float]]] = {}
    for family in text_string_to_metric_families(await response.text()):
        for sample in family.samples:
            found.setdefault(sample.name, []).append((sample.labels, sample.value))
    return found


async def test_requests_are_counted_and_timed_by_route_template_and_status(
    client: TestClient,
) -> None:
    await client.get("/health")
    await client.get(f"/shows/{uuid.uuid4().hex}")
    await client.get("/no/such/path")
    found = await samples(client)
    counted = {
        (labels["method"], labels["route"], labels["status"]): value
        for labels, value in found["boxoffice_http_requests_total"]
    }
    assert counted[("GET", "/health", "200")] == 1
    assert counted[("GET", "/shows/{show_id}", "404")] == 1
    assert counted[("GET", "unmatched", "404")] == 1
    timed = {
        labels["route"] for labels, _ in found["boxoffice_http_request_duration_seconds_bucket"]
    }
    assert {"/health", "/shows/{show_id}"} <= timed
    assert not [route for route in counted if "show_id" not in route[1] and "/shows/" in route[1]]


async def test_booking_outcomes_are_counted_by_reason(client: TestClient) -> None:
    admin, buyer = await sign_up(client, admin=True), await sign_up(client)
    show_id = await new_show(client, admin, capacity=2)
    assert (await book(client, buyer, show_id, quantity=2))[0] == 201
    assert (await book(client, buyer, show_id, quantity=1))[0] == 409
    assert (await book(client, buyer, str(uuid.uuid4())))[0] == 409
    outcomes = {
        (labels["outcome"], labels["reason"]): value
        for labels, value in (await samples(client))["boxoffice_booking_outcomes_total"]
    }
    assert outcomes == {
        ("confirmed", ""): 1,
        ("rejected", "sold_out"): 1,
        ("rejected", "unknown_show"): 1,
    }


async def test_the_process_metrics_come_from_prometheus_clients_own_collectors(
    client: TestClient,
) -> None:
    found = await samples(client)
    for name in (
        "process_resident_memory_bytes",
        "process_open_fds",
        "python_info",
        "python_gc_collections_total",
    ):
        assert name in found, name
