"""The settings model and .env.example document the same settings."""

from pathlib import Path

from dialogs.application.settings import Settings

EXAMPLE = Path(__file__).parents[1] / ".env.example"


def documented() -> dict[str, str]:
    names = {}
    comment = ""
    for line in EXAMPLE.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            comment = line
        elif "=" in line:
            names[line.split("=", 1)[0]] = comment
    return names


def test_every_setting_is_in_env_example_with_a_comment():
    names = documented()
    fields = {name.upper() for name in Settings.model_fields}
    assert set(names) == fields
    assert all(comment for comment in names.values())


def test_every_setting_has_a_description():
    assert all(f.description for f in Settings.model_fields.values())


def test_environment_overrides(monkeypatch):
    monkeypatch.setenv("WEB_PORT", "9999")
    monkeypatch.setenv("DATABASE_URL", "sqlite+aiosqlite:///x.db")
    s = Settings(_env_file=None)
    assert s.web_port == 9999
    assert s.database_url.endswith("x.db")
    assert s.bot_token is None
