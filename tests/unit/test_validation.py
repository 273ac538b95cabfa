from __future__ import annotations

from typing import Annotated, Any

import pytest
from aiohttp.test_utils import make_mocked_request
from pydantic import Field

from boxoffice.http.problems import Problem
from boxoffice.http.validation import Email, StrictModel, parse_query


class Query(StrictModel):
    name: str | None = None
    limit: Annotated[int, Field(ge=1, le=100)] = 20
    available_only: bool = False
    starts_from: Annotated[str | None, Field(alias="from")] = None


class Contact(StrictModel):
    email: Email


def parsed(query: str) -> Query:
    return parse_query(make_mocked_request("GET", f"/?{query}"), Query)


def refused(query: str) -> list[dict[str, Any]]:
    with pytest.raises(Problem) as caught:
        parsed(query)
    assert caught.value.status == 422
    return caught.value.extra["errors"]  # type: ignore[no-any-return]


def test_query_values_are_parsed_to_their_field_types() -> None:
    query = parsed("limit=5&available_only=true&from=x&name=7")
    assert (query.name, query.limit, query.available_only, query.starts_from) == ("7", 5, True, "x")


@pytest.mark.parametrize("value", ["5.0", " 5", "0x5", "1e2", "five", "", "05x"])
def test_an_integer_parameter_takes_plain_decimals_only(value: str) -> None:
    assert [e["field"] for e in refused(f"limit={value}")] == ["limit"]


@pytest.mark.parametrize("value", ["1", "yes", "True", "on", ""])
def test_a_boolean_parameter_takes_true_or_false_only(value: str) -> None:
    assert [e["field"] for e in refused(f"available_only={value}")] == ["available_only"]


def test_a_repeated_parameter_is_refused() -> None:
    assert [e["field"] for e in refused("limit=1&limit=2")] == ["limit"]


def test_an_unknown_parameter_is_refused() -> None:
    assert [e["field"] for e in refused("role=admin")] == ["role"]


def test_a_parameter_is_bounded_after_parsing() -> None:
    assert [e["field"] for e in refused("limit=101")] == ["limit"]


def test_an_email_is_stripped_and_lower_cased() -> None:
    assert Contact(email="  Ada@Example.COM ").email == "ada@example.com"
