"""Contacts and invitations alike in both channels (issue 10): a deactivated contact stays
deactivated whatever link it opens, reopening one's own link is harmless, a revoked link
says it was revoked.  The ``running`` bot and the ``webchat`` share one demo database.
"""

from __future__ import annotations

import html
import re

from sqlalchemy import func, select

from dialogs import i18n
from dialogs.application.onboarding import CAMPAIGN_TEXTS, Refusal
from storage.models import Contact, InvitationRedemption
from storage.repository import Store
from tests.telegram.conftest import Harness
from tests.telegram.fake_api import user
from tests.web.conftest import Web

ACTOR = "coordinator:test"
KIND = "ngo"
NOTICE = re.compile(r'<h1 id="notice-title">(.*?)</h1>\s*<p>(.*?)</p>', re.S)
DEACTIVATED = i18n.gettext("ru", CAMPAIGN_TEXTS[Refusal.DEACTIVATED])
REVOKED = i18n.gettext("ru", CAMPAIGN_TEXTS[Refusal.REVOKED])
DEACTIVATED_IN_CHAT = (
    "Ваш доступ к анкете отключён координатором. Если это ошибка, обратитесь к координатору."
)


async def count(store: Store, model: type) -> int:
    async with store.sessions() as s:
        return int(await s.scalar(select(func.count()).select_from(model)) or 0)


async def second_link(web: Web) -> str:
    _, token = await web.store.create_invitation(
        web.orgs[KIND].organisation.id, web.campaign.id, actor=ACTOR
    )
    return token


def said(page_html: str) -> str:
    match = NOTICE.search(page_html)
    assert match is not None, page_html[:300]
    return html.unescape(match.group(2))


def sent(calls) -> list[str]:
    return [c.params["text"] for c in calls if c.method == "sendMessage"]


async def test_a_deactivated_contact_stays_deactivated_whatever_link_it_opens(
    running: Harness, webchat: Web
) -> None:
    store = webchat.store
    # Telegram: join, be deactivated, open the organisation's other link.
    tg_user = user(7301)
    await running.deliver(running.tg.message(tg_user, f"/start {webchat.token(KIND)}"))
    tg_contact = await store.find_contact(telegram_user_id=7301)
    assert tg_contact is not None
    await store.set_contact_active(tg_contact.id, False, actor=ACTOR)
    other = await second_link(webchat)
    for token in (other, webchat.token(KIND)):
        calls = await running.deliver(running.tg.message(tg_user, f"/start {token}"))
        assert sent(calls) == [DEACTIVATED]
    calls = await running.deliver(running.tg.message(tg_user, "12"))
    assert sent(calls) == [DEACTIVATED_IN_CHAT]
    # The web: the same for a browser whose contact was deactivated.
    client = await webchat.new_client()
    await webchat.sign_in(client, KIND)
    (session,) = await webchat.web_sessions()
    await store.set_contact_active(session.contact_id, False, actor=ACTOR)
    for token in (other, webchat.token(KIND)):
        page = await client.get(f"/i/{token}", allow_redirects=False)
        assert page.status == 403
        assert said(await page.text()) == DEACTIVATED
        assert "saualnama_session" not in page.cookies
    contacts = [await store.get_contact(c) for c in (tg_contact.id, session.contact_id)]
    assert [c.active for c in contacts] == [False, False], "no link brought them back"
    assert await count(store, Contact) == 2
    assert (await client.get("/chat")).status == 401


async def test_reopening_ones_own_link_is_harmless_in_both_channels(
    running: Harness, webchat: Web
) -> None:
    store = webchat.store
    token = webchat.token(KIND)
    tg_user = user(7302)
    for _ in range(3):
        calls = await running.deliver(running.tg.message(tg_user, f"/start {token}"))
        assert calls and all("не так" not in t for t in sent(calls))
    client = await webchat.new_client()
    for _ in range(3):
        page = await client.get(f"/i/{token}", allow_redirects=False)
        assert page.status == 303, await page.text()
    assert (await client.get("/chat")).status == 200
    assert await count(store, Contact) == 2, "one contact per channel, not one per opening"
    assert await count(store, InvitationRedemption) == 2


async def test_a_revoked_link_says_so_in_both_channels(running: Harness, webchat: Web) -> None:
    store = webchat.store
    invitation, token = await store.create_invitation(
        webchat.orgs[KIND].organisation.id, webchat.campaign.id, actor=ACTOR
    )
    await store.revoke_invitation(invitation.id, actor=ACTOR)
    calls = await running.deliver(running.tg.message(user(7303), f"/start {token}"))
    assert sent(calls) == [REVOKED]
    client = await webchat.new_client()
    page = await client.get(f"/i/{token}", allow_redirects=False)
    assert page.status == 410
    assert said(await page.text()) == REVOKED
    assert await count(store, Contact) == 0
