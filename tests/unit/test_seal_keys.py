"""The seal signing key: generated once in dev, required in production, never in the store."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from pydantic import ValidationError

from boxoffice.seals.keys import key_id, signing_key, verifying_key
from boxoffice.settings import Settings


def test_a_dev_key_is_generated_once_into_the_data_dir_readable_by_its_owner_only(
    tmp_path: Path,
) -> None:
    settings = Settings(env="test", data_dir=tmp_path / "data")
    first, again = signing_key(settings), signing_key(settings)
    path = tmp_path / "data" / "seal-key.pem"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert key_id(first.public_key()) == key_id(again.public_key())
    assert [p.name for p in path.parent.iterdir()] == ["seal-key.pem"]


def test_an_audit_without_any_key_generates_none(tmp_path: Path) -> None:
    assert verifying_key(Settings(env="test", data_dir=tmp_path), None) is None
    assert not list(tmp_path.iterdir())


def test_production_requires_a_seal_key_file() -> None:
    with pytest.raises(ValidationError, match="BOXOFFICE_SEAL_KEY_FILE"):
        Settings(env="production", mongodb_uri="mongodb://db", jwt_secret="s" * 40)
