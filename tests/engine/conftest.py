"""A demo campaign on a fresh SQLite database, with one contact per subject kind."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date

import pytest

from dialogs.application.demo import DemoOrganisation, seed_demo
from dialogs.application.dialog import DialogService
from storage.db import upgrade
from storage.models import Campaign
from storage.repository import Store


@dataclass
class Demo:
    store: Store
    service: DialogService
    campaign: Campaign
    orgs: dict[str, DemoOrganisation]
    url: str

    async def contact(self, kind: str, user: int, lang: str = "ru") -> int:
        """A person who joined through the organisation's invitation."""
        contact = await self.store.redeem_invitation(
            self.orgs[kind].token,
            telegram_user_id=user,
            channel="telegram",
            language=lang,
        )
        return contact.id


@pytest.fixture
async def demo(tmp_path) -> AsyncIterator[Demo]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'engine.db'}"
    await upgrade(url)
    store = Store.from_url(url)
    campaign, orgs = await seed_demo(store, today=date(2026, 2, 1))
    try:
        yield Demo(
            store,
            DialogService(store),
            campaign,
            {o.organisation.subject_kind: o for o in orgs},
            url,
        )
    finally:
        await store.close()
