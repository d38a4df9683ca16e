"""What a field's answer may need typed: a description (``DESCRIBE``), the reason why there
is no data (``NO_DATA``), the item's comment (``COMMENT``)."""

from __future__ import annotations

from dialogs.contract import Mode
from dialogs.engine import flow
from dialogs.engine.kinds import kind_of
from dialogs.engine.turn import COMMENT_MAX, REASON_MAX, Turn
from dialogs.engine.views import SubQuestion
from dialogs.render import shorten
from dialogs.rules import comment_code


class Describe(SubQuestion):
    """«Вы ответили «Да». Опишите, пожалуйста.» — the kind says how, and what is saved."""

    def question(self, t: Turn) -> str:
        return kind_of(t.step.field).describe_prompt(t, t.step)

    def on_text(self, t: Turn, text: str) -> None:
        description = self.clean(t, text, COMMENT_MAX * 2)
        if description is None:
            return
        value = kind_of(t.step.field).described(t, description)
        t.enter(Mode.FIELD)
        t.save(t.code, value)
        t.say(t._("Сохранено."))
        flow.advance(t)


class NoData(SubQuestion):
    """«…: нет данных. Укажите причину…»"""

    def question(self, t: Turn) -> str:
        return t._(
            "«{label}»: нет данных. Укажите причину, по которой данных нет или их невозможно предоставить."
        ).format(label=t._(t.step.field.label))

    def on_text(self, t: Turn, text: str) -> None:
        reason = self.clean(t, text, REASON_MAX)
        if reason is None:
            return
        t.enter(Mode.FIELD)
        t.save(t.code, None, reason)
        t.say(t._("Сохранено: нет данных."))
        flow.advance(t)


class Comment(SubQuestion):
    """«Комментарий к пункту 1.6: напишите пояснение.» — then the field's question again."""

    def question(self, t: Turn) -> str:
        _ = t._
        step = t.step
        current = t.ctx.answers.get(comment_code(step.item.code))
        text = _("Комментарий к пункту {n}: напишите пояснение.").format(
            n=f"{step.block.number}.{step.item.number}"
        )
        if current is not None and current.value:
            text += "\n" + _("Текущий комментарий: {value}").format(
                value=shorten(current.value, 300)
            )
        return text

    def on_text(self, t: Turn, text: str) -> None:
        comment = self.clean(t, text, COMMENT_MAX)
        if comment is None:
            return
        t.enter(Mode.FIELD)
        t.save(comment_code(t.step.item.code), comment)
        t.say(t._("Комментарий сохранён."))
        t.show()
