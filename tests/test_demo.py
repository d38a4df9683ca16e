"""The demo campaign: one organisation per subject kind; a second run reuses it."""

from datetime import date

from dialogs.application.demo import seed_demo
from dialogs.questionnaire import default
from storage.db import upgrade
from storage.repository import Store


async def test_demo_is_seeded_once_and_reinvited(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}"
    await upgrade(url)
    store = Store.from_url(url)
    try:
        campaign, orgs = await seed_demo(store, today=date(2026, 2, 1))
        kinds = [k.code for k in default().subject_kinds]
        assert [o.organisation.subject_kind for o in orgs] == kinds
        assert campaign.status == "open" and campaign.period_start == date(2025, 1, 1)
        again, orgs2 = await seed_demo(store, today=date(2026, 2, 3))
        assert again.id == campaign.id
        assert [o.organisation.id for o in orgs2] == [o.organisation.id for o in orgs]
        assert {o.token for o in orgs2}.isdisjoint({o.token for o in orgs})
        assert len(await store.list_campaigns()) == 1
        assert len(await store.list_organisations()) == len(kinds)
        contact = await store.redeem_invitation(orgs2[0].token, web_login="w", channel="web")
        assert contact.organisation_id == orgs[0].organisation.id
    finally:
        await store.close()
