"""Passwords and second factors of panel users: Argon2 hashes, TOTP codes, QR codes.

Why these libraries: ``argon2-cffi`` is the reference binding of Argon2id (the
password hash recommended by RFC 9106 and OWASP), with parameter upgrades built in
(:meth:`Passwords.needs_rehash`); ``pyotp`` implements RFC 6238 codes that every
authenticator app reads; ``segno`` draws QR codes as SVG with no image library, so
the enrolment page shows the code inline, with nothing fetched from elsewhere.

Used by the panel's sign-in and by ``python -m admin user``.
"""

from __future__ import annotations

import hmac
from datetime import datetime
from functools import cached_property
from html import escape

import pyotp
import segno
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

PASSWORD_MIN = 10
PASSWORD_MAX = 1024
ISSUER = "Saualnama"
#: Codes of the previous and next 30-second step are accepted too (clocks drift).
TOTP_WINDOW = 1


class PasswordRejected(ValueError):
    """A password that may not be used; the message says why."""


def check_password(password: str, login: str) -> None:
    """Refuse passwords too short, too long, blank or equal to the login."""
    if len(password) < PASSWORD_MIN:
        raise PasswordRejected(f"the password must have at least {PASSWORD_MIN} characters")
    if len(password) > PASSWORD_MAX:
        raise PasswordRejected(f"the password must have at most {PASSWORD_MAX} characters")
    if not password.strip():
        raise PasswordRejected("the password cannot be only spaces")
    if password.strip().lower() == login.strip().lower():
        raise PasswordRejected("the password cannot be the login")


class Passwords:
    """Argon2id hashing; tests pass a cheap :class:`~argon2.PasswordHasher`."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self.hasher = hasher or PasswordHasher()

    def hash(self, password: str) -> str:
        return self.hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        """True if ``password`` matches; a malformed hash never matches."""
        try:
            return self.hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        try:
            return self.hasher.check_needs_rehash(password_hash)
        except InvalidHashError:
            return False

    @cached_property
    def dummy_hash(self) -> str:
        """A hash to verify against for an unknown login, so it takes as long as a known one."""
        return self.hasher.hash("not a password of anyone")


def new_secret() -> str:
    """A random TOTP secret (160 bits, base32), as authenticator apps expect."""
    return pyotp.random_base32(32)


def totp_step(moment: datetime) -> int:
    """The 30-second time step of ``moment`` (RFC 6238)."""
    return int(moment.timestamp()) // 30


def verify_code(secret: str, code: str, moment: datetime) -> int | None:
    """The time step a 6-digit ``code`` belongs to (within the window), or ``None``."""
    digits = "".join(code.split())
    if len(digits) != 6 or not (digits.isascii() and digits.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    for offset in range(-TOTP_WINDOW, TOTP_WINDOW + 1):
        if hmac.compare_digest(totp.at(moment, counter_offset=offset), digits):
            return totp_step(moment) + offset
    return None


def provisioning_uri(secret: str, login: str) -> str:
    """The ``otpauth://`` link an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=login, issuer_name=ISSUER)


def qr_svg(data: str, label: str, *, scale: int = 4) -> str:
    """An inline SVG QR code of ``data`` (no style attributes: the CSP allows none).

    ``label`` names the picture for screen readers; it is escaped here.
    """
    svg = segno.make(data, error="m").svg_inline(
        scale=scale, svgclass="qr", lineclass="qr-line", omitsize=True, title=label
    )
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label, quote=True)}" ', 1)
