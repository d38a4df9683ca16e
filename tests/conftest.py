"""Fixtures every test package shares: the demo database, seeded once, copied per test.

See :mod:`tests.demo_db` for why; ``demo_db`` is what a test asks for.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.demo_db import DemoDatabase, DemoTemplate, seed_template


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> DemoTemplate:
    """Migrated and seeded once per session."""
    return seed_template(tmp_path_factory.mktemp("demo-template") / "demo.db")


@pytest.fixture
def demo_db(demo_template: DemoTemplate, tmp_path: Path) -> DemoDatabase:
    """This test's own copy of the seeded demo database."""
    return demo_template.copy_to(tmp_path / "demo.db")
