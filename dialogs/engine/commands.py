"""Commands (/start, /menu, /progress, /review, /submit, /language, /help) work in any mode;
so do the language buttons.  What they lead to is in the wiring's "from anywhere" row."""

from __future__ import annotations

from dialogs import i18n
from dialogs.contract import SetLanguage
from dialogs.engine import flow
from dialogs.engine.modes.menu import menu
from dialogs.engine.turn import LANG_NAMES, Turn
from dialogs.i18n import N_


def run(t: Turn, name: str) -> None:
    """Run command ``name`` (without its slash)."""
    if name == "start":
        start(t)
    elif name == "language":
        ask_language(t)
    elif name == "help":
        help_text(t)
        flow.resume(t)
    elif not t.state.lang_confirmed:
        ask_language(t)
    elif name == "menu":
        menu(t)
    elif name == "progress":
        progress(t)
        flow.resume(t)
    elif name == "review":
        flow.review(t, t.step.block.number)
    elif name == "submit":
        flow.summary(t)
    else:
        t.error(
            N_(
                "Неизвестная команда. Команды: /menu, /progress, /review, /submit, /language, /help."
            )
        )
        flow.resume(t)


def start(t: Turn) -> None:
    """First contact or /start: the language question, or the welcome and where we were."""
    if not t.state.lang_confirmed:
        ask_language(t)
        return
    welcome(t)
    # Coming back (a reminder's button, /start days later): the item's question again
    # and the last answer, so the field is not mistaken for another item's.
    t.state.shown_item = None
    note = flow.last_answered(t)
    if note:
        t.say(note)
    flow.resume(t)


def ask_language(t: Turn) -> None:
    rows = [[(f"{'✓ ' if lang == t.state.lang else ''}{name}", f"lang:{lang}")
             for lang, name in LANG_NAMES.items()]]  # fmt: skip
    t.ask(t._("Выберите язык / Тілді таңдаңыз / Choose your language"), rows)


def set_language(t: Turn, lang: str) -> None:
    """A language button: remember it, greet on first contact, ask the question again."""
    if lang not in i18n.LANGUAGES:
        t.error(N_("Эта кнопка не распознана. Вот текущий вопрос."))
        flow.resume(t)
        return
    first = not t.state.lang_confirmed
    t.state.lang = lang
    t.state.lang_confirmed = True
    t.effects.append(SetLanguage(lang))
    t.say(t._("Язык: {name}.").format(name=LANG_NAMES[lang]))
    if first:
        welcome(t)
    t.state.shown_item = None
    flow.resume(t)


def welcome(t: Turn) -> None:
    _ = t._
    t.say(
        _(
            "Здравствуйте! Это опросник по оценке рисков в сфере противодействия торговле "
            "людьми за {start} – {end} для организации «{org}». Срок — до {deadline}.\n"
            "Каждый ответ сохраняется сразу; можно прерваться и продолжить позже. "
            "Если данных нет, нажмите «Нет данных» и укажите причину."
        ).format(
            start=t.ctx.period_start.strftime("%d.%m.%Y"),
            end=t.ctx.period_end.strftime("%d.%m.%Y"),
            org=t.ctx.organisation_in(t.state.lang),
            deadline=t.ctx.deadline.strftime("%d.%m.%Y"),
        )
    )
    if t.ctx.status == "returned" and t.ctx.return_reason:
        t.say(
            _("Координатор вернул анкету на доработку: {reason}").format(reason=t.ctx.return_reason)
        )


def help_text(t: Turn) -> None:
    t.say(
        t._(
            "Отвечайте на вопросы по очереди: кнопками или текстом.\n"
            "«Нет данных» — если сведений нет (укажите причину); «Пропустить» — вернуться "
            "к вопросу позже; «Назад» — к предыдущему вопросу; «Комментарий» — пояснение "
            "к пункту.\nРазбивку можно ввести одним сообщением, например: «18-25: 3; "
            "26-45: 5; неизвестно: 1».\nКоманды: /menu — перейти к блоку или пункту, "
            "/progress — сколько осталось, /review — просмотр ответов, /submit — отправить, "
            "/language — язык, /help — эта справка."
        )
    )


def progress(t: Turn) -> None:
    done, total = t.walk.progress(t.answered())
    step = t.step
    percent = round(100 * done / total) if total else 100
    t.say(
        t._(
            "Блок {block}, пункт {item} из {items} — заполнено {percent}% анкеты ({done} из {total})."
        ).format(
            block=step.block.number,
            item=step.item.number,
            items=len(step.block.items),
            percent=percent,
            done=done,
            total=total,
        )
    )
