"""Invite links: sign-in, cookies, polite error pages, rate limit."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

from bot.web.texts import page_text
from storage.models import utcnow
from tests.web.conftest import another_browser

NOTICE = re.compile(r'<h1 id="notice-title">(.*?)</h1>\s*<p>(.*?)</p>', re.S)


async def test_invite_sets_httponly_samesite_cookie_and_redirects_without_token(webchat):
    client = await webchat.new_client()
    token = webchat.token("tourism_ministry")
    resp = await client.get(f"/i/{token}", allow_redirects=False)
    assert resp.status == 303
    assert resp.headers["Location"] == "/chat"
    assert token not in resp.headers["Location"]
    cookie = resp.cookies["saualnama_session"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/"
    assert not cookie["secure"]  # public_url is http here
    assert len(cookie.value) >= 43  # 32 random bytes
    assert token not in cookie.value
    page = await client.get("/chat")
    assert page.status == 200
    html = await page.text()
    assert 'name="csrf-token"' in html
    assert cookie.value not in html
    assert token not in html


async def test_cookie_is_secure_when_public_url_is_https(webchat):
    client = await webchat.new_client(public_url="https://saualnama.example.kz")
    resp = await client.get(f"/i/{webchat.token('ngo')}", allow_redirects=False)
    assert resp.status == 303
    assert resp.cookies["saualnama_session"]["secure"]
    assert resp.cookies["saualnama_device"]["secure"]


async def test_same_browser_reuses_its_contact_without_using_the_invitation_up(webchat):
    org = webchat.orgs["tourism_ministry"].organisation
    _, token = await webchat.store.create_invitation(
        org.id, webchat.campaign.id, actor="test", max_uses=1
    )
    client = await webchat.new_client()
    first = await client.get(f"/i/{token}", allow_redirects=False)
    second = await client.get(f"/i/{token}", allow_redirects=False)
    assert first.status == second.status == 303
    contacts = await webchat.store.list_contacts(org.id)
    assert len(contacts) == 1
    # Another browser cannot reuse a single-use link.
    other = await another_browser(webchat, client)
    refused = await other.get(f"/i/{token}", allow_redirects=False)
    assert refused.status == 410


def notice(html: str) -> tuple[str, str]:
    """The (title, explanation) an error page shows."""
    match = NOTICE.search(html)
    assert match is not None, html
    return unescape(match.group(1)), unescape(match.group(2))


async def test_chat_without_session_is_a_polite_401_page(webchat):
    client = await webchat.new_client()
    resp = await client.get("/chat", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert resp.status == 401
    html = await resp.text()
    assert '<html lang="en">' in html
    assert notice(html) == page_text("en", "no_session")


async def _expect_page(client, token, status, situation, lang, accept):
    resp = await client.get(
        f"/i/{token}", allow_redirects=False, headers={"Accept-Language": accept}
    )
    assert resp.status == status
    assert "saualnama_session" not in resp.cookies
    html = await resp.text()
    assert f'<html lang="{lang}">' in html
    assert notice(html) == page_text(lang, situation)
    return html


async def test_unknown_token_page_in_requested_language(webchat):
    client = await webchat.new_client()
    await _expect_page(client, "x" * 43, 404, "invalid", "kk", "kk-KZ,kk;q=0.9,ru;q=0.8")
    await _expect_page(client, "no%20such", 404, "invalid", "en", "en-US")
    await _expect_page(client, "short", 404, "invalid", "ru", "de-DE")


async def test_expired_token_page(webchat):
    org = webchat.orgs["ngo"].organisation
    _, token = await webchat.store.create_invitation(
        org.id, webchat.campaign.id, actor="test", expires_at=utcnow() - timedelta(minutes=1)
    )
    client = await webchat.new_client()
    await _expect_page(client, token, 410, "expired", "kk", "kk")
    await _expect_page(client, token, 410, "expired", "ru", "ru-RU")


async def test_used_up_token_page(webchat):
    org = webchat.orgs["ngo"].organisation
    _, token = await webchat.store.create_invitation(
        org.id, webchat.campaign.id, actor="test", max_uses=1
    )
    await webchat.store.redeem_invitation(token, telegram_user_id=777, channel="telegram")
    client = await webchat.new_client()
    await _expect_page(client, token, 410, "used_up", "en", "en")


async def test_another_organisations_link_in_the_same_browser_signs_in_for_that_one(webchat):
    """A browser already answering for organisation A opens B's link: a fresh login for B."""
    client = await webchat.new_client()
    await webchat.sign_in(client, "tourism_ministry")
    await webchat.sign_in(client, "culture_ministry")
    tourism = await webchat.store.list_contacts(webchat.orgs["tourism_ministry"].organisation.id)
    culture = await webchat.store.list_contacts(webchat.orgs["culture_ministry"].organisation.id)
    assert len(tourism) == len(culture) == 1
    assert tourism[0].web_login != culture[0].web_login


async def test_link_preview_bots_do_not_redeem(webchat):
    org = webchat.orgs["ngo"].organisation
    client = await webchat.new_client()
    resp = await client.get(
        f"/i/{webchat.token('ngo')}",
        allow_redirects=False,
        headers={"User-Agent": "TelegramBot (like TwitterBot)"},
    )
    assert resp.status == 200
    assert "saualnama_session" not in resp.cookies
    assert await webchat.store.list_contacts(org.id) == []
    head = await client.head(f"/i/{webchat.token('ngo')}", allow_redirects=False)
    assert head.status == 405
    assert await webchat.store.list_contacts(org.id) == []


async def test_sign_in_rate_limit_per_address(webchat):
    client = await webchat.new_client(sign_in_attempts_per_minute=3)
    for _ in range(3):
        resp = await client.get("/i/" + "y" * 43, allow_redirects=False)
        assert resp.status == 404
    limited = await client.get(
        f"/i/{webchat.token('ngo')}", allow_redirects=False, headers={"Accept-Language": "kk"}
    )
    assert limited.status == 429
    assert int(limited.headers["Retry-After"]) >= 1
    assert notice(await limited.text()) == page_text("kk", "rate_limited")
    assert "saualnama_session" not in limited.cookies
    assert await webchat.store.list_contacts(webchat.orgs["ngo"].organisation.id) == []


async def test_valid_links_never_use_up_the_limit_wrong_tokens_do(webchat):
    """One office behind NAT: 20 people open their valid link within the minute and all
    get in; the same address's wrong tokens are limited at the 11th."""
    client = await webchat.new_client(sign_in_attempts_per_minute=10)
    for _ in range(20):
        resp = await client.get(f"/i/{webchat.token('ngo')}", allow_redirects=False)
        assert resp.status == 303
        assert resp.headers["Location"] == "/chat"
    for _ in range(10):
        assert (await client.get("/i/" + "z" * 43, allow_redirects=False)).status == 404
    limited = await client.get("/i/" + "z" * 43, allow_redirects=False)
    assert limited.status == 429
    assert notice(await limited.text()) == page_text("ru", "rate_limited")


async def test_foreign_token_pages(webchat, monkeypatch):
    """Tokens of another campaign, or for an identity bound elsewhere: 409 with a clear page."""
    from storage import errors

    client = await webchat.new_client()
    for exc, situation in (
        (errors.WrongCampaignInvitation(1, 2), "wrong_campaign"),
        (errors.AlreadyBoundElsewhere(1, 2), "elsewhere"),
    ):

        async def refuse(*args, exc=exc, **kwargs):
            raise exc

        monkeypatch.setattr(webchat.store, "redeem_invitation", refuse)
        await _expect_page(client, webchat.token("ngo"), 409, situation, "kk", "kk")


async def test_the_link_opens_its_own_campaign_when_two_are_open(webchat):
    """An older campaign's link answers the older campaign, not the newest open one."""
    newer = await webchat.store.create_campaign(
        title="newer",
        period_start=webchat.campaign.period_start,
        period_end=webchat.campaign.period_end,
        questionnaire_version="2024.1",
        requested_on=webchat.campaign.requested_on + timedelta(days=30),
        actor="coordinator:test",
    )
    await webchat.store.set_campaign_status(newer.id, "open", actor="coordinator:test")
    client = await webchat.new_client()
    await webchat.sign_in(client, "ngo")
    (contact,) = await webchat.store.list_contacts(webchat.orgs["ngo"].organisation.id)
    state = await webchat.store.get_dialog_state(contact.id)
    assert state.state["campaign_id"] == webchat.campaign.id != newer.id


async def test_behind_a_trusted_proxy_each_client_has_its_own_limit(webchat):
    client = await webchat.new_client(sign_in_attempts_per_minute=2, trusted_proxies="127.0.0.1")
    one, two = {"X-Forwarded-For": "198.51.100.1"}, {"X-Forwarded-For": "198.51.100.2"}
    for _ in range(2):
        assert (await client.get("/i/" + "y" * 43, headers=one)).status == 404
    assert (await client.get("/i/" + "y" * 43, headers=one)).status == 429
    assert (await client.get("/i/" + "y" * 43, headers=two)).status == 404
