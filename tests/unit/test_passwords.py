from __future__ import annotations

import pytest

from boxoffice.commands.passwords import PasswordHasher


@pytest.fixture
async def hasher() -> PasswordHasher:
    return await PasswordHasher.create(rounds=4, concurrency=2)


async def test_a_hash_verifies_its_password_only(hasher: PasswordHasher) -> None:
    hashed = await hasher.hash("correct horse")
    assert await hasher.verify("correct horse", hashed)
    assert not await hasher.verify("correct horsf", hashed)


async def test_a_password_over_72_bytes_never_verifies_and_never_raises(
    hasher: PasswordHasher,
) -> None:
    hashed = await hasher.hash("x" * 72)
    assert not await hasher.verify("x" * 73, hashed)


async def test_a_password_over_72_bytes_is_not_hashed(hasher: PasswordHasher) -> None:
    with pytest.raises(ValueError, match="72"):
        await hasher.hash("é" * 37)


async def test_no_hash_never_verifies(hasher: PasswordHasher) -> None:
    assert not await hasher.verify("boxoffice-dummy-password", None)
