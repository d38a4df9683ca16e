"""Base classes of the modes' views: what a mode does unless it says otherwise."""

from __future__ import annotations

from dialogs.engine import flow
from dialogs.engine.turn import Turn
from dialogs.parsing import ParseError, clean_text


class Screen:
    """A mode answered by its buttons: typed text gets "use the buttons" and the screen again."""

    def show(self, t: Turn) -> None:
        raise NotImplementedError

    def on_text(self, t: Turn, text: str) -> None:
        flow.buttons_only(t)

    def on_button(self, t: Turn, action: str) -> bool:
        return False


class SubQuestion(Screen):
    """A question asked on the way to a field's answer (a description, a reason, a number
    of one category, a list entry's column): answered by typing, left with «Отмена»."""

    def question(self, t: Turn) -> str:
        raise NotImplementedError

    def show(self, t: Turn) -> None:
        flow.ask_field(t, self.question(t), [[(t._("Отмена"), "cancel")]])

    def on_text(self, t: Turn, text: str) -> None:
        raise NotImplementedError

    def clean(self, t: Turn, text: str, limit: int) -> str | None:
        """The typed text, cleaned; None (and the question again) if it is refused."""
        try:
            return clean_text(text, limit)
        except ParseError as exc:
            t.say(exc.render(t.state.lang), "error")
            t.show()
            return None

    def on_button(self, t: Turn, action: str) -> bool:
        if action != "cancel":
            return False
        flow.cancel(t)
        return True
