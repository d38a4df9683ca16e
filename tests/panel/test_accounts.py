"""Passwords, TOTP codes and QR codes as units; a weak old hash is upgraded at sign-in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from argon2 import PasswordHasher

from admin.accounts import (
    PasswordRejected,
    Passwords,
    check_password,
    new_secret,
    provisioning_uri,
    qr_svg,
    totp_step,
    verify_code,
)
from tests.panel.conftest import CHEAP, PASSWORD, PanelEnv

MOMENT = datetime(2026, 2, 1, 9, 0, 10, tzinfo=UTC)


def test_passwords_are_checked_and_hashed_with_argon2id() -> None:
    for bad in ("short", " " * 12, "aigerim.kz", "x" * 1025):
        with pytest.raises(PasswordRejected):
            check_password(bad, "AIGERIM.kz")
    check_password("a good long passphrase", "aigerim")
    hashed = CHEAP.hash("пароль с кириллицей 🙂")
    assert hashed.startswith("$argon2id$") and "кириллицей" not in hashed
    assert CHEAP.verify(hashed, "пароль с кириллицей 🙂")
    assert not CHEAP.verify(hashed, "пароль с кириллицей")
    assert not CHEAP.verify("not a hash", "anything") and not CHEAP.needs_rehash("not a hash")
    assert CHEAP.hash("same") != CHEAP.hash("same"), "salted"


def test_codes_of_the_neighbouring_steps_only_and_the_step_they_belong_to() -> None:
    secret = new_secret()
    assert len(secret) == 32
    totp = pyotp.TOTP(secret)
    step = totp_step(MOMENT)
    assert verify_code(secret, totp.at(MOMENT), MOMENT) == step
    assert verify_code(secret, totp.at(MOMENT - timedelta(seconds=30)), MOMENT) == step - 1
    assert verify_code(secret, totp.at(MOMENT + timedelta(seconds=30)), MOMENT) == step + 1
    assert verify_code(secret, totp.at(MOMENT - timedelta(seconds=90)), MOMENT) is None
    code = totp.at(MOMENT)
    assert verify_code(secret, f" {code[:3]} {code[3:]} ", MOMENT) == step
    for bad in ("", "12345", "1234567", "abcdef", "١٢٣٤٥٦"):
        assert verify_code(secret, bad, MOMENT) is None
    uri = provisioning_uri(secret, "aigerim")
    assert uri.startswith("otpauth://totp/Saualnama:aigerim?") and f"secret={secret}" in uri


def test_the_qr_code_is_inline_svg_without_style_and_with_an_escaped_label() -> None:
    svg = qr_svg("http://127.0.0.1:8080/i/" + "A" * 43, '<b>"QR"</b>')
    assert svg.startswith('<svg role="img" aria-label="&lt;b&gt;&quot;QR&quot;&lt;/b&gt;" ')
    assert "<b>" not in svg and "style=" not in svg and "<script" not in svg
    assert 'class="qr"' in svg and "<path" in svg


async def test_a_weak_old_hash_is_upgraded_at_the_next_sign_in(panel: PanelEnv) -> None:
    weak = Passwords(PasswordHasher(time_cost=1, memory_cost=32, parallelism=1))
    user = await panel.store.find_user("coord")
    assert user is not None
    await panel.store.reset_user(user.id, password_hash=weak.hash(PASSWORD), actor="test")
    assert CHEAP.needs_rehash((await panel.store.get_user(user.id)).password_hash)
    await panel.sign_in(await panel.browser())
    upgraded = (await panel.store.get_user(user.id)).password_hash
    assert not CHEAP.needs_rehash(upgraded) and CHEAP.verify(upgraded, PASSWORD)
