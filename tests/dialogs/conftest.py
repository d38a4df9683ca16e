"""The storage suite's backends (SQLite, PostgreSQL) for the dialog service's own tests."""

from tests.storage.conftest import database_url, store, world  # noqa: F401 - fixtures
