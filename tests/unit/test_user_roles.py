"""A user's roles are a set: granted and revoked on top of customer, folded from the stream."""

from __future__ import annotations

import pytest

from boxoffice.domain import users
from boxoffice.domain.events import PasswordChanged, RoleGranted, RoleRevoked
from boxoffice.domain.users import ADMIN, CUSTOMER, UnknownUser


def registered() -> users.User:
    user = users.user_from(users.register("u1", "ada@example.com", "Ada", "hash-1"))
    assert user is not None
    return user


def test_a_new_user_is_a_customer() -> None:
    assert (registered().roles, registered().role) == (frozenset({CUSTOMER}), CUSTOMER)


def test_an_admin_carries_the_admin_role_and_stays_a_customer() -> None:
    events = [*users.register("u1", "ada@example.com", "Ada", "h"), RoleGranted("u1", ADMIN)]
    admin = users.user_from(events)
    assert admin is not None
    assert (admin.roles, admin.role) == (frozenset({CUSTOMER, ADMIN}), ADMIN)


def test_revoking_admin_leaves_a_customer() -> None:
    events = [
        *users.register("u1", "ada@example.com", "Ada", "h"),
        RoleGranted("u1", ADMIN),
        RoleRevoked("u1", ADMIN),
    ]
    user = users.user_from(events)
    assert user is not None and user.role == CUSTOMER


def test_granting_or_revoking_what_is_already_so_records_nothing() -> None:
    user = registered()
    assert users.revoke_role(user, ADMIN) == []
    assert users.grant_role(user, CUSTOMER) == []


def test_the_customer_role_cannot_be_revoked() -> None:
    with pytest.raises(ValueError, match="every user is a customer"):
        users.revoke_role(registered(), CUSTOMER)


def test_a_role_change_of_an_unknown_user_is_refused() -> None:
    with pytest.raises(UnknownUser):
        users.revoke_role(None, ADMIN)


def test_a_password_change_replaces_the_hash() -> None:
    user = registered()
    changed = users.user_from(
        [
            *users.register("u1", "ada@example.com", "Ada", "hash-1"),
            *users.change_password(user, "hash-2"),
        ]
    )
    assert users.change_password(user, "hash-2") == [PasswordChanged("u1", "hash-2")]
    assert changed is not None and changed.password_hash == "hash-2"
