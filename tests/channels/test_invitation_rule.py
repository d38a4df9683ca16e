"""One invitation rule for both channels: a link whose campaign is not open is refused alike.

The web chat used to sign a draft campaign's link in and start the questionnaire while
Telegram refused it.  Both channels run here over the same copy of the demo database
(the ``running`` bot and the ``webchat`` share this test's ``demo_db``): the same link
gets the same words on both, and neither creates a contact, a session or a dialog.
"""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from dialogs import i18n
from dialogs.application.onboarding import CAMPAIGN_TEXTS, Refusal
from storage.models import Contact, DialogState, InvitationRedemption, WebSession
from storage.repository import Store
from tests.telegram.conftest import Harness
from tests.telegram.fake_api import user
from tests.web.conftest import Web

ACTOR = "coordinator:test"
NOTICE = re.compile(r'<h1 id="notice-title">(.*?)</h1>\s*<p>(.*?)</p>', re.S)


async def draft_campaign_link(store: Store, organisation_id: int) -> str:
    """A new campaign left in draft, and an invitation of the organisation to it."""
    draft = await store.create_campaign(
        title="2026 (draft)",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        questionnaire_version="2024.1",
        requested_on=date(2027, 1, 15),
        actor=ACTOR,
    )
    _, token = await store.create_invitation(organisation_id, draft.id, actor=ACTOR)
    return token


async def rows(store: Store, model: type) -> int:
    async with store.sessions() as s:
        return int(await s.scalar(select(func.count()).select_from(model)) or 0)


async def created(store: Store) -> list[int]:
    """How many contacts, web sessions, dialogs and redemptions there are."""
    return [await rows(store, m) for m in (Contact, WebSession, DialogState, InvitationRedemption)]


@pytest.mark.parametrize(
    ("other_open", "refusal"),
    [(True, Refusal.CAMPAIGN_NOT_OPEN), (False, Refusal.NO_OPEN_CAMPAIGN)],
    ids=["another-campaign-open", "nothing-open"],
)
@pytest.mark.parametrize("lang", ["ru", "kk"])
async def test_a_draft_campaigns_link_is_refused_alike_on_the_web_and_in_telegram(
    running: Harness, webchat: Web, other_open: bool, refusal: Refusal, lang: str
) -> None:
    store = webchat.store
    assert running.db_url == webchat.url  # one database behind both channels
    token = await draft_campaign_link(store, webchat.orgs["ngo"].organisation.id)
    if not other_open:
        await store.set_campaign_status(webchat.campaign.id, "closed", actor=ACTOR)
    assert await created(store) == [0, 0, 0, 0]
    said = i18n.gettext(lang, CAMPAIGN_TEXTS[refusal])

    client = await webchat.new_client()
    page = await client.get(f"/i/{token}", allow_redirects=False, headers={"Accept-Language": lang})
    assert page.status == 409
    assert "saualnama_session" not in page.cookies
    match = NOTICE.search(await page.text())
    assert match is not None
    assert html.unescape(match.group(2)) == said

    calls = await running.deliver(
        running.tg.message(user(7900, language_code=lang), f"/start {token}")
    )
    assert [c.params["text"] for c in calls if c.method == "sendMessage"] == [said]

    assert await created(store) == [0, 0, 0, 0]
    assert (await client.get("/chat")).status == 401
