"""Configuration from the environment (``BOXOFFICE_*`` plus ``MONGODB_URI``).

Settings are read once, validated, frozen, and passed explicitly; nothing reads
the environment after start-up.
"""

from __future__ import annotations

import ipaddress
import secrets
from pathlib import Path
from typing import Literal, Self

import limits
from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict
from yarl import URL

from boxoffice.private_files import private_directory, write_private

MIN_SECRET_BYTES = 32


class ConfigError(Exception):
    """A setting is invalid; the message is one line meant for the operator."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BOXOFFICE_", frozen=True, extra="ignore")

    mongodb_uri: str | None = Field(
        default=None, validation_alias=AliasChoices("MONGODB_URI", "BOXOFFICE_MONGODB_URI")
    )
    data_dir: Path = Path(".boxoffice")
    db_name: str = Field(default="boxoffice", pattern=r"^[A-Za-z0-9_-]{1,60}$")
    jwt_secret: SecretStr | None = None
    env: Literal["dev", "test", "production"] = "dev"

    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)
    token_ttl_seconds: int = Field(default=3600, ge=60, le=86400)
    token_leeway_seconds: int = Field(default=5, ge=0, le=300)
    refresh_ttl_seconds: int = Field(default=30 * 86400, ge=60, le=365 * 86400)
    max_quantity: int = Field(default=10, ge=1, le=1000)
    booking_wait_seconds: float = Field(default=2.0, gt=0, le=30)
    booking_batch_max: int = Field(default=256, ge=1, le=1000)
    request_recovery_seconds: float = Field(default=10.0, ge=0.2, le=3600)
    hold_seconds: int = Field(default=1200, ge=5, le=7 * 86400)
    hold_sweep_seconds: float = Field(default=1.0, gt=0, le=60)
    payment_webhook_secret: SecretStr | None = None
    payment_webhook_tolerance_seconds: int = Field(default=300, ge=1, le=3600)
    show_cancel_batch: int = Field(default=200, ge=1, le=10_000)
    show_cancel_pause_seconds: float = Field(default=0.0, ge=0, le=60)
    bcrypt_rounds: int = Field(default=12, ge=4, le=16)
    bcrypt_concurrency: int = Field(default=4, ge=1, le=64)
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)

    login_rate: str = "300/minute"
    login_failures_per_account: str = "10/minute"
    login_failures_per_address: str = "60/minute"
    register_rate: str = "20/minute"
    booking_rate: str = "60/minute"
    trusted_proxies: tuple[str, ...] = ()
    cors_origins: tuple[str, ...] = ()

    seal_key_file: Path | None = None
    seal_interval_seconds: float = Field(default=5.0, gt=0, le=3600)
    seal_export_file: Path | None = None

    webhook_retry_base_seconds: float = Field(default=1.0, gt=0, le=3600)
    webhook_timeout_seconds: float = Field(default=10.0, gt=0, le=300)
    webhook_give_up_seconds: float = Field(default=86400.0, gt=0)
    webhook_allow_private: bool = True

    @field_validator(
        "login_rate",
        "login_failures_per_account",
        "login_failures_per_address",
        "register_rate",
        "booking_rate",
    )
    @classmethod
    def _rate(cls, value: str) -> str:
        try:
            limits.parse(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a rate such as 10/minute") from None
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for network in value:
            ipaddress.ip_network(network, strict=False)
        return value

    @field_validator("cors_origins")
    @classmethod
    def _origins(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for origin in value:
            url = URL(origin)
            if url.scheme not in ("http", "https") or not url.host or str(url.origin()) != origin:
                raise ValueError(f"{origin!r} is not an origin such as https://tickets.example.com")
        return value

    @model_validator(mode="after")
    def _production_is_explicit(self) -> Self:
        if self.env != "production":
            return self
        if not self.mongodb_uri:
            raise ValueError(
                "production needs MONGODB_URI (the embedded store is for dev and test)"
            )
        secret = self.jwt_secret.get_secret_value().encode() if self.jwt_secret else b""
        if len(secret) < MIN_SECRET_BYTES:
            raise ValueError(
                f"production needs BOXOFFICE_JWT_SECRET of at least {MIN_SECRET_BYTES} bytes"
            )
        if self.seal_key_file is None:
            raise ValueError("production needs BOXOFFICE_SEAL_KEY_FILE (an Ed25519 PEM key)")
        if self.payment_webhook_secret is None:
            raise ValueError(
                "production needs BOXOFFICE_PAYMENT_WEBHOOK_SECRET (your payment provider's)"
            )
        return self

    @model_validator(mode="after")
    def _secret_long_enough(self) -> Self:
        if self.jwt_secret and len(self.jwt_secret.get_secret_value().encode()) < MIN_SECRET_BYTES:
            raise ValueError(f"BOXOFFICE_JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes")
        return self

    def resolved_jwt_secret(self) -> str:
        """The signing key: configured, or (dev/test) generated once into the data dir."""
        return self._resolved(self.jwt_secret, "jwt-secret")

    def resolved_payment_webhook_secret(self) -> str:
        """The secret the payment provider signs with: configured, or (dev/test) generated
        once into the data dir as ``payment-webhook-secret``."""
        return self._resolved(self.payment_webhook_secret, "payment-webhook-secret")

    def _resolved(self, configured: SecretStr | None, file_name: str) -> str:
        if configured:
            return configured.get_secret_value()
        path = private_directory(self.data_dir) / file_name
        if not path.exists():
            write_private(path, secrets.token_urlsafe(48))
        return path.read_text().strip()

    def seal_key_path(self) -> Path:
        """Where the seal signing key is: configured, or (dev/test) in the data dir."""
        return self.seal_key_file or self.data_dir / "seal-key.pem"

    def seal_export_path(self) -> Path:
        """The append-only JSON-lines copy of every seal this installation writes."""
        return self.seal_export_file or self.data_dir / "seals.jsonl"


def load_settings(**overrides: object) -> Settings:
    """Read the environment (and CLI overrides); raise ConfigError with one clear line."""
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else ""
        where = f"BOXOFFICE_{field.upper()}" if field else "configuration"
        raise ConfigError(f"invalid configuration: {where}: {first['msg']}") from None
