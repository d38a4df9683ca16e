"""Saualnama's storage layer: the only package that talks to the database.

Use :class:`~storage.repository.Store`; errors are in :mod:`storage.errors`, the
schema in :mod:`storage.models`, engines and migrations in :mod:`storage.db`.
"""

from storage.db import create_engine, database_url, session_factory, upgrade
from storage.deadlines import default_deadline
from storage.repository import Store, hash_token

__all__ = [
    "Store",
    "create_engine",
    "database_url",
    "default_deadline",
    "hash_token",
    "session_factory",
    "upgrade",
]
