"""Refusals that carry a message id, and parameters shown in the person's language."""

from __future__ import annotations

from typing import Any, Protocol

from dialogs import i18n


class Localisable(Protocol):
    """A parameter shown in the person's language: ``render(lang)``; ``str()`` is Russian."""

    def render(self, lang: str) -> str: ...


class ParseError(ValueError):
    """msgid: Russian gettext message id; params: dict for str.format after translation.

    A parameter with a ``render(lang)`` method (a nested ParseError, :class:`Msgids`,
    a country list) is rendered in the same language; others are inserted as they are.
    """

    def __init__(self, msgid: str, **params: Any) -> None:
        self.msgid = msgid
        self.params = params
        super().__init__(self.render(i18n.SOURCE_LANGUAGE))

    def render(self, lang: str) -> str:
        """The message in ``lang``, parameters filled in (and localised where they can be)."""
        values = {
            key: value.render(lang) if hasattr(value, "render") else value
            for key, value in self.params.items()
        }
        text = translate(lang, self.msgid)
        try:
            return text.format(**values)
        except (KeyError, IndexError, ValueError):
            # A translator's typo in a placeholder must not break the dialog.
            return self.msgid.format(**values)

    def __str__(self) -> str:
        return self.render(i18n.SOURCE_LANGUAGE)


class Msgids(tuple[str, ...]):
    """Russian message ids (category labels) shown joined, each translated at render time."""

    sep = ", "

    def render(self, lang: str) -> str:
        return self.sep.join(translate(lang, m) for m in self)

    def __str__(self) -> str:
        return self.sep.join(self)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)


def translate(lang: str, msgid: str) -> str:
    """gettext that never fails: a missing or broken catalog shows the Russian text."""
    try:
        return i18n.gettext(lang, msgid) or msgid
    except Exception:  # noqa: BLE001 - an error message must always be shown
        return msgid


def echo(raw: str, limit: int = 40) -> str:
    """What the person typed, shortened for quoting back in a message."""
    raw = " ".join(raw.split())
    return raw if len(raw) <= limit else raw[: limit - 1] + "…"
