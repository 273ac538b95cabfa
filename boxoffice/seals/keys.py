"""The Ed25519 key that signs seals, kept in a PEM file outside the database.

``BOXOFFICE_SEAL_KEY_FILE`` names it; in dev and test, when it is unset, a key
is generated once into the data dir (mode 0600), as the dev JWT secret is.
An auditor verifies with the public key alone (``boxoffice seals public-key``).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from boxoffice.settings import ConfigError, Settings

KEY_SETTING = "BOXOFFICE_SEAL_KEY_FILE"


def key_id(public_key: Ed25519PublicKey) -> str:
    """A short name for the key: the first 16 hex digits of the SHA-256 of its raw bytes."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def public_pem(public_key: Ed25519PublicKey) -> str:
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def signing_key(settings: Settings) -> Ed25519PrivateKey:
    """The configured key, or (dev/test, unset) the data dir's, generated on first use."""
    path = settings.seal_key_path()
    if settings.seal_key_file is None and not path.exists():
        _generate(path)
    return _private_key(path)


def verifying_key(settings: Settings, public_key_file: Path | None) -> Ed25519PublicKey | None:
    """The key an audit verifies with: ``public_key_file``, else the signing key's, else None."""
    if public_key_file is not None:
        return _public_key(public_key_file)
    path = settings.seal_key_path()
    if settings.seal_key_file is None and not path.exists():
        return None
    return _private_key(path).public_key()


def _generate(path: Path) -> None:
    """Written beside its final name and linked into place: a concurrent process keeps the first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".seal-key-")
    try:
        with os.fdopen(descriptor, "wb") as out:  # mkstemp creates it with mode 0600
            out.write(pem)
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        os.unlink(temporary)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{KEY_SETTING}: cannot read {path}: {exc.strerror}") from None


def _private_key(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(_read(path), password=None)
    except (ValueError, TypeError):
        raise ConfigError(f"{KEY_SETTING}: {path} is not an unencrypted PEM private key") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ConfigError(f"{KEY_SETTING}: {path} is not an Ed25519 key")
    return key


def _public_key(path: Path) -> Ed25519PublicKey:
    """A PEM public key, or the public half of a PEM private key."""
    pem = _read(path)
    try:
        key = serialization.load_pem_public_key(pem)
    except ValueError:
        key = _private_key(path).public_key()
    if not isinstance(key, Ed25519PublicKey):
        raise ConfigError(f"{path} is not an Ed25519 public key")
    return key
