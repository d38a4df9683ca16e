"""Switching the dialog's language at once (the web chat's language buttons).

The person's language is theirs, not a position in the questionnaire: switching it
stores it on the contact and shows where they are again, in the new language.  No
question is asked and no button of the engine is pressed; the engine only shows the
current step (:meth:`~dialogs.engine.Engine.resume`), or, if the language had not been
chosen yet, the welcome and the first step (:meth:`~dialogs.engine.Engine.start`).
Telegram keeps the engine's own ``/language`` question, answered by a button.
"""

from __future__ import annotations

import dataclasses

from dialogs import i18n
from dialogs.application.dialog import DialogService, Turned
from dialogs.contract import Context, Outcome, Reply, SetLanguage, State
from dialogs.i18n import N_

SWITCHED = N_("Язык: {name}.")


class UnknownLanguage(ValueError):
    """Not one of :data:`dialogs.i18n.LANGUAGES`."""


async def switch_language(
    dialog: DialogService, contact_id: int, lang: str, *, channel: str
) -> Turned:
    """Make ``lang`` the contact's language and show the current step in it."""
    if lang not in i18n.LANGUAGES:
        raise UnknownLanguage(lang)

    def step(state: State, ctx: Context) -> Outcome:
        chosen = dataclasses.replace(
            state, lang=lang, lang_confirmed=True, shown_item=None, draft=dict(state.draft)
        )
        if state.lang_confirmed:
            shown = dialog.engine.resume(chosen, ctx)
        else:  # the first choice of a language: welcome them, as the engine's question does
            shown = dialog.engine.start(chosen, ctx)
        note = i18n.gettext(lang, SWITCHED).format(name=i18n.NAMES[lang])
        return Outcome(
            _noted(note, shown.replies),
            [SetLanguage(lang), *shown.effects],
            shown.state,
            shown.progress,
        )

    return await dialog.run(contact_id, step, channel=channel)


def _noted(note: str, replies: list[Reply]) -> list[Reply]:
    """The note joins the first message, as the engine joins its notes (one message a step)."""
    if not replies:
        return [Reply(note)]
    first, *rest = replies
    return [Reply(f"{note}\n\n{first.text}", first.buttons, first.kind), *rest]
