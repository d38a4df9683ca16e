"""Every setting of Saualnama, in one pydantic-settings model.

Values come from the environment or a ``.env`` file; ``.env.example`` documents
each one (a test checks that the two agree).
"""

from __future__ import annotations

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """The process's configuration; read once at start-up."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = Field(
        "sqlite+aiosqlite:///saualnama.db",
        description="SQLAlchemy URL: sqlite+aiosqlite:///file.db or postgresql+asyncpg://…",
    )
    bot_token: SecretStr | None = Field(None, description="Telegram bot token; empty: web only")
    telegram_api_url: str | None = Field(
        None, description="A Bot API server other than the public one (local server, tests)"
    )
    bot_username: str | None = Field(None, description="The bot's @username, for deep links")
    web_host: str = Field("127.0.0.1", description="Address the web chat listens on")
    web_port: int = Field(8080, description="Port the web chat listens on")
    public_url: str = Field(
        "http://127.0.0.1:8080",
        description="Base URL people open (invite links, Mini App); unset: WEB_HOST:WEB_PORT",
    )
    webhook_path: str | None = Field(
        None, description="Serve Telegram through a webhook at this path instead of polling"
    )
    webhook_secret: SecretStr | None = Field(
        None, description="Secret token Telegram sends with every webhook call"
    )
    sign_in_attempts_per_minute: int = Field(
        10, description="Invitation sign-in attempts allowed per address per minute"
    )
    trusted_proxies: str = Field(
        "", description="Addresses of our reverse proxies, whose X-Forwarded-For is believed"
    )
    reminder_days: str = Field(
        "7,3,1", description="Days before the deadline on which reminders go out"
    )
    reminder_interval_minutes: int = Field(
        60, description="How often the bot checks for reminders to send"
    )
    smtp_host: str | None = Field(None, description="SMTP server for e-mail reminders; empty: none")
    smtp_port: int = Field(587, description="SMTP port (587 with STARTTLS, 465 with TLS)")
    smtp_username: str | None = Field(None, description="SMTP user name, if the server asks")
    smtp_password: SecretStr | None = Field(None, description="SMTP password")
    smtp_from: str = Field(
        "saualnama@localhost", description="The From address of e-mail reminders"
    )
    smtp_security: str = Field(
        "starttls", pattern="^(starttls|tls|none)$", description="starttls, tls or none"
    )
    log_level: str = Field("INFO", description="Logging level")
    log_format: str = Field(
        "text", description="Log lines as text or json (one object a line, with a request id)"
    )
    redis_url: str | None = Field(
        None,
        description="Redis shared by every process: the sign-in limit, Telegram's per-person"
        " ordering and one Telegram send budget per bot",
    )
    export_suppression: bool = Field(
        False, description="Suppress small cells in every export (the expert role always does)"
    )
    export_suppression_k: int = Field(
        5, ge=2, description="Cells of persons below this count are shown as <k in exports"
    )

    @model_validator(mode="after")
    def _public_url_follows_the_port(self) -> Settings:
        """Unset, PUBLIC_URL is where this process listens, so ``WEB_PORT=8090`` alone
        prints links to port 8090 (it stays out of ``model_fields_set``: ``--port`` may
        still move it)."""
        if "public_url" not in self.model_fields_set or not self.public_url.strip():
            self.model_fields_set.discard("public_url")
            self.__dict__["public_url"] = local_url(self.web_host, self.web_port)
        return self


def local_url(host: str, port: int) -> str:
    """The address of this machine's listener as a browser on it opens it."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    return f"http://{shown}:{port}"


def load_settings() -> Settings:
    """Read the settings (environment first, then ``.env``)."""
    return Settings()
