"""The seeded demo database the test packages share (fixtures in tests/conftest.py).

Migrating a database and seeding the demo campaign (one organisation per subject kind,
each with an invitation) costs far more than copying a SQLite file, and almost every
channel test starts from exactly that.  :func:`seed_template` does it once per session;
:meth:`DemoTemplate.copy_to` gives each test its own copy, so tests never see each
other's writes.  The invitation tokens are only known at seeding (storage keeps their
hashes), so they travel with the template.
"""

from __future__ import annotations

import asyncio
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from dialogs.application.demo import DemoOrganisation, seed_demo
from storage.db import upgrade
from storage.models import Campaign, Organisation
from storage.repository import Store

#: The day the demo campaign is requested: its deadline is 1 March 2026.
DEMO_DAY = date(2026, 2, 1)


@dataclass(frozen=True)
class DemoTemplate:
    """The seeded file and what seeding returned (read-only: tests share it)."""

    path: Path
    campaign: Campaign
    orgs: dict[str, DemoOrganisation]

    def copy_to(self, target: Path) -> DemoDatabase:
        """A private copy of the seeded database at ``target`` (its WAL files too)."""
        target.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            source = Path(f"{self.path}{suffix}")
            if source.exists():
                shutil.copyfile(source, f"{target}{suffix}")
        return DemoDatabase(f"sqlite+aiosqlite:///{target}", target, self.campaign, self.orgs)


@dataclass(frozen=True)
class DemoDatabase:
    """One test's copy of the demo database: its URL, the campaign, the organisations."""

    url: str
    path: Path
    campaign: Campaign
    orgs: dict[str, DemoOrganisation]

    def token(self, kind: str) -> str:
        """The invitation token of the organisation of this subject kind."""
        return self.orgs[kind].token

    def organisation(self, kind: str) -> Organisation:
        return self.orgs[kind].organisation


async def _seed(path: Path) -> tuple[Campaign, list[DemoOrganisation]]:
    url = f"sqlite+aiosqlite:///{path}"
    await upgrade(url)
    store = Store.from_url(url)
    try:
        return await seed_demo(store, today=DEMO_DAY)
    finally:
        await store.close()


def seed_template(path: Path) -> DemoTemplate:
    """Migrate and seed a demo database at ``path`` (run outside any event loop)."""
    campaign, made = asyncio.run(_seed(path))
    return DemoTemplate(path, campaign, {o.organisation.subject_kind: o for o in made})
