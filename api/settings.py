"""Service settings, read from the environment (prefix `ROSTER_`) or a `.env` file."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from roster.domain.base import check_time_zone

DEFAULT_SECRET = "development-secret-change-me"
"""Accepted in development only; production mode refuses to start with it."""


class Settings(BaseSettings):
    """Everything the service reads at start-up.

    `ROSTER_DATABASE_URL` (SQLite file by default, `postgresql+psycopg://...` for PostgreSQL),
    `ROSTER_SECRET_KEY`, `ROSTER_TOKEN_MINUTES`, `ROSTER_TIMEZONE`, `ROSTER_ENVIRONMENT`.
    """

    model_config = SettingsConfigDict(env_prefix="ROSTER_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///roster_api.db"
    secret_key: str = DEFAULT_SECRET
    token_minutes: int = Field(default=8 * 60, gt=0, le=7 * 24 * 60)
    timezone: str = "Asia/Shanghai"
    environment: Literal["development", "production"] = "development"
    job_workers: int = Field(default=1, ge=1, le=8, description="solve jobs run at once")
    solve_time_limit_seconds: float = Field(
        default=60, gt=0, le=3600, description="the longest a solve or repair job may run")

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            return check_time_zone(value)
        except ValueError as error:
            raise ValueError(f"ROSTER_TIMEZONE: {error}") from None

    @model_validator(mode="after")
    def _production_secret(self) -> Settings:
        if self.environment == "production" and (
            self.secret_key == DEFAULT_SECRET or len(self.secret_key) < 32
        ):
            raise ValueError(
                "ROSTER_SECRET_KEY: production mode needs your own secret of at least 32 "
                "characters, got the development default or a shorter one"
            )
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@lru_cache
def get_settings() -> Settings:
    """The settings of this process (read once)."""
    return Settings()
