"""The demo campaign (this test's copy of the shared demo database), one contact per subject kind."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from dialogs.application.demo import DemoOrganisation
from dialogs.application.dialog import DialogService
from storage.models import Campaign
from storage.repository import Store
from tests.demo_db import DemoDatabase


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
async def demo(demo_db: DemoDatabase) -> AsyncIterator[Demo]:
    store = Store.from_url(demo_db.url)
    try:
        yield Demo(store, DialogService(store), demo_db.campaign, demo_db.orgs, demo_db.url)
    finally:
        await store.close()
