"""Telegram's message limit, counted the way Telegram counts it (shared by the sending of
replies and the review's split into messages)."""

from __future__ import annotations

MESSAGE_LIMIT = 4096


def utf16_len(text: str) -> int:
    """The length Telegram counts: UTF-16 code units (an emoji outside the BMP counts 2)."""
    return len(text.encode("utf-16-le")) // 2
