"""deploy/: the compose file parses and describes what the README promises (Docker never ran here)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

DEPLOY = Path(__file__).parents[2] / "deploy"


@pytest.fixture(scope="module")
def services() -> dict[str, Any]:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    return dict(compose["services"])


def interpolated(value: str) -> str:
    """What compose makes of ``${NAME:?message}`` when NAME is set."""
    return re.sub(r"\$\{\w+[^}]*\}", "s3cret", value)


def boxoffice_services(services: dict[str, Any]) -> dict[str, Any]:
    return {
        name: s
        for name, s in services.items()
        if s.get("build", {}).get("dockerfile") == "deploy/Dockerfile"
    }


def test_three_mongodb_nodes_form_one_replica_set_with_keyfile_auth(
    services: dict[str, Any],
) -> None:
    nodes = {name: s for name, s in services.items() if "mongod" in str(s.get("command"))}
    assert sorted(nodes) == ["mongo1", "mongo2", "mongo3"]
    for node in nodes.values():
        assert "--replSet rs0 --keyFile /etc/mongo-keyfile" in node["command"][0]
        assert node["secrets"] == ["mongo_keyfile"]


def test_two_boxoffice_processes_use_the_replica_set_with_majority_writes_and_credentials(
    services: dict[str, Any],
) -> None:
    servers = boxoffice_services(services)
    assert sorted(servers) == ["api1", "api2"]
    for server in servers.values():
        uri = urlsplit(interpolated(server["environment"]["MONGODB_URI"]))
        options = parse_qs(uri.query)
        assert uri.username == "boxoffice" and uri.password
        assert uri.hostname and uri.netloc.count(":27017") == 3
        assert (options["replicaSet"], options["w"], options["authSource"]) == (
            ["rs0"], ["majority"], ["boxoffice"],
        )  # fmt: skip
        assert server["depends_on"]["rs-init"]["condition"] == "service_completed_successfully"


def test_the_servers_trust_exactly_the_proxy_for_x_forwarded_for(services: dict[str, Any]) -> None:
    proxy_address = services["proxy"]["networks"]["backend"]["ipv4_address"]
    for server in boxoffice_services(services).values():
        trusted = json.loads(server["environment"]["BOXOFFICE_TRUSTED_PROXIES"])
        assert trusted == [f"{proxy_address}/32"]


def test_secrets_reach_the_servers_as_files_and_environment_not_as_literals(
    services: dict[str, Any],
) -> None:
    for server in boxoffice_services(services).values():
        environment = server["environment"]
        assert environment["BOXOFFICE_SEAL_KEY_FILE"] == "/run/secrets/seal_key"
        assert environment["BOXOFFICE_JWT_SECRET"].startswith("${BOXOFFICE_JWT_SECRET:?")
        assert server["secrets"] == ["seal_key"]


def test_the_proxy_balances_over_both_servers(services: dict[str, Any]) -> None:
    config = (DEPLOY / "nginx.conf").read_text()
    upstreams = re.findall(r"^\s*server (\w+):8080\b", config, flags=re.MULTILINE)
    assert sorted(upstreams) == sorted(boxoffice_services(services))
    assert re.findall(r"^\s*proxy_next_upstream (.*);", config, flags=re.MULTILINE) == [
        "error timeout"
    ], "without non_idempotent the proxy never resends a POST"
