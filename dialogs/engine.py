"""The dialog engine: one step of the conversation, independent of any channel.

``Engine.step(state, context, input)`` returns the replies to show, the
effects to apply (save an answer, set the language, submit) and the next
state.  It knows nothing of Telegram, HTTP or SQL: the service loads the
context from storage, applies the effects (each answer committed before the
person is told it is saved) and stores the state, so a restart between two
messages changes nothing for the person.

Modes of the state machine (``State.mode``)::

    new ──start──▶ lang ──▶ field ◀────────────────────────────┐
                             │  yes/choice ─▶ describe ─────────┤
                             │  "no data"  ─▶ no_data ──────────┤
                             │  comment    ─▶ comment ──────────┤
                             │  breakdown  ─▶ bd_value ─────────┤
                             │  country?   ─▶ pick ─────────────┤
                             │  list       ─▶ list_col ▶ list_more
                             │  mismatch   ─▶ rule ▶ rule_explain┘
                             ▼
             menu / items / review / confirm ──submit──▶ submitted

Commands (menu, progress, review, submit, language, help) work in any mode.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from dialogs import i18n
from dialogs.contract import (
    Answer,
    Button,
    Context,
    Effect,
    Input,
    Outcome,
    Reply,
    Save,
    SetLanguage,
    State,
    Submit,
)
from dialogs.countries import AmbiguousCountry
from dialogs.i18n import N_
from dialogs.parsing import (
    ParseError,
    clean_text,
    parse_amount,
    parse_breakdown,
    parse_count,
    parse_open_breakdown,
    parse_yes_no,
)
from dialogs.render import category_label, countries, format_value, group, shorten
from dialogs.schema import BaseField, Item, Questionnaire, Rule
from dialogs.walk import Step, Walk

REASON_MAX = 1000
COMMENT_MAX = 2000
LANG_NAMES = {"ru": "Русский", "kk": "Қазақша", "en": "English"}


def comment_code(item_code: str) -> str:
    """Where an item's optional comment is stored."""
    return f"{item_code}.comment"


def rule_code(item_code: str, rule: Rule) -> str:
    """Where a confirmed mismatch of a rule (with its explanation) is stored."""
    return f"rule:{item_code}.{rule.code}"


class Turn:
    """The working set of one step: state, context, translator, replies and effects."""

    def __init__(self, engine: Engine, state: State, ctx: Context) -> None:
        self.engine = engine
        self.q = engine.q
        self.state = dataclasses.replace(state, draft=dict(state.draft))
        self.ctx = ctx
        self.walk = Walk(self.q, ctx.blocks)
        self.replies: list[Reply] = []
        self.effects: list[Effect] = []

    # --- helpers -----------------------------------------------------------------------

    @property
    def _(self) -> Callable[[str], str]:
        return i18n.translator(self.state.lang)

    def say(self, text: str, kind: str = "info") -> None:
        self.replies.append(Reply(text, (), kind))  # type: ignore[arg-type]

    def ask(self, text: str, rows: list[list[tuple[str, str]]], kind: str = "question") -> None:
        """A reply with buttons; a new nonce makes every older button stale."""
        self.state.nonce += 1
        buttons = tuple(
            tuple(Button(label, f"{self.state.nonce}|{action}") for label, action in row)
            for row in rows
            if row
        )
        self.replies.append(Reply(text, buttons, kind))  # type: ignore[arg-type]

    def error(self, msgid: str, **params: Any) -> None:
        self.say(self._(msgid).format(**params), "error")

    def save(self, code: str, value: Any = None, reason: str | None = None) -> None:
        old = self.ctx.answers.get(code)
        expected = self.state.draft.get("seen_version") if code == self.state.code else None
        self.effects.append(Save(code, value, reason, expected))
        version = (old.version if old else 0) + 1
        self.ctx.answers[code] = Answer(value, reason, version)
        if code == self.state.code:
            self.state.draft["seen_version"] = version

    @property
    def step(self) -> Step:
        pos = self.walk.position_of(self.state.code)
        return self.walk.steps[pos]

    def answered(self) -> set[str]:
        return {s.code for s in self.walk.steps if s.code in self.ctx.answers}

    def outcome(self) -> Outcome:
        """Notes without buttons ("Saved.") join the next message: one message per step."""
        merged: list[Reply] = []
        for reply in self.replies:
            if merged and not merged[-1].buttons and merged[-1].kind in ("info", "error"):
                last = merged.pop()
                kind = "error" if last.kind == "error" else reply.kind
                reply = Reply(f"{last.text}\n\n{reply.text}", reply.buttons, kind)
            merged.append(reply)
        return Outcome(merged, self.effects, self.state)


class Engine:
    """Stateless: one instance serves every contact, every channel."""

    def __init__(self, questionnaire: Questionnaire) -> None:
        self.q = questionnaire

    # --- entry point ---------------------------------------------------------------------

    def step(self, state: State, ctx: Context, inp: Input) -> Outcome:
        """Handle one input; never raises on anything a person can send."""
        t = Turn(self, state, ctx)
        if inp.kind == "command":
            self._command(t, inp.value)
        elif inp.kind == "button":
            self._button(t, inp.value)
        else:
            self._text(t, inp.value)
        return t.outcome()

    def start(self, state: State, ctx: Context, lang_hint: str | None = None) -> Outcome:
        """First contact or ``/start``: choose the language, then continue where we were."""
        t = Turn(self, state, ctx)
        if not t.state.lang_confirmed:
            t.state.lang = i18n.normalise(lang_hint)
            self._ask_language(t, first=True)
        else:
            self._welcome(t)
            self._resume(t)
        return t.outcome()

    def resume(self, state: State, ctx: Context) -> Outcome:
        """Show the current question again (after a conflict, a restart, a channel switch)."""
        t = Turn(self, state, ctx)
        t.state.draft.pop("seen_version", None)
        t.state.shown_item = None
        self._resume(t, repeat=True)
        return t.outcome()

    # --- dispatch ------------------------------------------------------------------------

    def _command(self, t: Turn, name: str) -> None:
        if name == "start":
            if not t.state.lang_confirmed:
                self._ask_language(t, first=True)
                return
            self._welcome(t)
            self._resume(t)
        elif name == "language":
            self._ask_language(t, first=False)
        elif name == "help":
            self._help(t)
            self._resume(t, repeat=True)
        elif not t.state.lang_confirmed:
            self._ask_language(t, first=True)
        elif name == "menu":
            self._menu(t)
        elif name == "progress":
            self._progress(t)
            self._resume(t, repeat=True)
        elif name == "review":
            self._review(t, t.step.block.number)
        elif name == "submit":
            self._confirm_submit(t)
        else:
            t.error(
                N_(
                    "Неизвестная команда. Команды: /menu, /progress, /review, /submit, /language, /help."
                )
            )
            self._resume(t, repeat=True)

    def _button(self, t: Turn, data: str) -> None:
        nonce, _, action = data.partition("|")
        if not nonce.isdigit() or not action or len(data) > 64:
            t.error(N_("Эта кнопка не распознана. Вот текущий вопрос."))
            self._resume(t, repeat=True)
            return
        if int(nonce) != t.state.nonce:
            t.error(N_("Эта кнопка относится к прошлому сообщению. Вот текущий вопрос."))
            self._resume(t, repeat=True)
            return
        if action.startswith("lang:"):
            self._set_language(t, action[5:])
            return
        if action.startswith("cmd:"):
            self._command(t, action[4:])
            return
        if t.ctx.status == "submitted" and not action.startswith(("blk:", "rev:")):
            self._read_only(t)
            return
        handler = getattr(self, f"_btn_{t.state.mode}", None)
        handled = handler is not None and handler(t, action)
        if not handled and not self._common_button(t, action):
            t.error(N_("Эта кнопка сейчас не действует. Вот текущий вопрос."))
            self._resume(t, repeat=True)

    def _text(self, t: Turn, text: str) -> None:
        if text.strip().startswith("/"):
            name = text.strip()[1:].split()[0].split("@")[0].lower() if text.strip()[1:] else ""
            self._command(t, name)
            return
        if not t.state.lang_confirmed:
            self._ask_language(t, first=True)
            return
        if t.ctx.status == "submitted":
            self._read_only(t)
            return
        handler = getattr(self, f"_txt_{t.state.mode}", None)
        if handler is None:
            t.error(N_("Сейчас ответ выбирается кнопкой под сообщением."))
            self._resume(t, repeat=True)
            return
        handler(t, text)

    # --- language, welcome, help ---------------------------------------------------------

    def _ask_language(self, t: Turn, first: bool) -> None:
        _ = t._
        text = _("Выберите язык / Тілді таңдаңыз / Choose your language")
        rows = [[(f"{'✓ ' if lang == t.state.lang else ''}{name}", f"lang:{lang}")
                 for lang, name in LANG_NAMES.items()]]  # fmt: skip
        t.ask(text, rows)

    def _set_language(self, t: Turn, lang: str) -> None:
        if lang not in i18n.LANGUAGES:
            t.error(N_("Эта кнопка не распознана. Вот текущий вопрос."))
            self._resume(t, repeat=True)
            return
        first = not t.state.lang_confirmed
        t.state.lang = lang
        t.state.lang_confirmed = True
        t.effects.append(SetLanguage(lang))
        t.say(t._("Язык: {name}.").format(name=LANG_NAMES[lang]))
        if first:
            self._welcome(t)
        t.state.shown_item = None
        self._resume(t, repeat=True)

    def _welcome(self, t: Turn) -> None:
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
                org=t.ctx.organisation,
                deadline=t.ctx.deadline.strftime("%d.%m.%Y"),
            )
        )
        if t.ctx.status == "returned" and t.ctx.return_reason:
            t.say(
                _("Координатор вернул анкету на доработку: {reason}").format(
                    reason=t.ctx.return_reason
                )
            )

    def _help(self, t: Turn) -> None:
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

    def _read_only(self, t: Turn) -> None:
        t.ask(
            t._(
                "Анкета отправлена и доступна только для просмотра. Если нужно что-то "
                "исправить, обратитесь к координатору: он может вернуть анкету на доработку."
            ),
            [[(t._("Просмотр"), "cmd:review"), (t._("Прогресс"), "cmd:progress")]],
        )
        t.state.mode = "submitted"

    # --- walking -------------------------------------------------------------------------

    def _resume(self, t: Turn, repeat: bool = False) -> None:
        """Show what the person should do now: the current question, menu or summary."""
        if t.ctx.status == "submitted":
            self._read_only(t)
            return
        mode = t.state.mode
        if mode in ("new", "lang", "submitted") or t.state.code is None:
            pos = t.walk.next_open(t.answered(), 0)
            if pos is None:
                self._confirm_submit(t)
                return
            self._goto(t, pos)
            return
        if mode == "menu":
            self._menu(t)
        elif mode == "items":
            self._items(t, int(t.state.draft.get("block", 1)))
        elif mode == "review":
            self._review(t, int(t.state.draft.get("block", 1)))
        elif mode == "confirm":
            self._confirm_submit(t)
        elif mode == "rule":
            self._show_rule(t)
        else:
            self._prompt(t, repeat=repeat)

    def _goto(self, t: Turn, pos: int, after: str | None = None) -> None:
        step = t.walk.steps[pos]
        t.state.code = step.code
        t.state.mode = "field"
        t.state.draft = {}
        t.state.after = after
        self._prompt(t)

    def _advance(self, t: Turn) -> None:
        """After a field is answered (or skipped): the next one, or back to where we came from."""
        after = t.state.after
        if after and after.startswith("review:"):
            pos = t.walk.position_of(t.state.code)
            nxt = pos + 1
            if nxt < len(t.walk) and t.walk.steps[nxt].item.code == t.step.item.code:
                self._goto(t, nxt, after)
                return
            self._review(t, int(after.split(":")[1]))
            return
        pos = t.walk.position_of(t.state.code) + 1
        if pos < len(t.walk):
            self._goto(t, pos)
            return
        left = t.walk.next_open(t.answered(), 0)
        if left is None:
            self._confirm_submit(t)
        else:
            t.say(t._("Это был последний вопрос. Вернёмся к пропущенным."))
            self._goto(t, left)

    def _header(self, t: Turn, step: Step) -> str:
        _ = t._
        lines = []
        if t.state.shown_item is None or t.state.shown_item.split(".")[0] != step.block.code:
            lines.append(
                _("Блок {n}. {title}").format(n=step.block.number, title=_(step.block.title))
            )
        lines.append(f"{step.block.number}.{step.item.number}. {_(step.item.question)}")
        if step.item.note:
            lines.append(_("Примечание: {note}").format(note=_(step.item.note)))
        return "\n".join(lines)

    def _prompt(self, t: Turn, repeat: bool = False, extra: str = "") -> None:
        """Ask the current field (mode-aware): the item header once, then the field."""
        step = t.step
        _ = t._
        parts = []
        if t.state.shown_item != step.item.code:
            parts.append(self._header(t, step))
            t.state.shown_item = step.item.code
        mode = t.state.mode
        if mode in ("describe", "no_data", "comment", "bd_value", "list_col", "rule_explain"):
            parts.append(self._sub_prompt(t, step))
            t.ask("\n\n".join(p for p in parts if p), [[(_("Отмена"), "cancel")]])
            return
        if mode == "pick":
            self._show_pick(t, "\n\n".join(parts))
            return
        if mode == "list_more":
            self._list_more(t, "\n\n".join(parts))
            return
        answer = t.ctx.answers.get(step.code)
        t.state.draft.setdefault("seen_version", answer.version if answer else 0)
        field_text, rows = self._field_prompt(t, step, answer)
        parts.append(field_text)
        if extra:
            parts.append(extra)
        if answer is not None and step.field.kind not in ("breakdown", "open_breakdown", "list"):
            parts.append(
                _("Текущий ответ: {value}").format(
                    value=format_value(self.q, step.field, answer, t.state.lang, 300)
                )
            )
            rows.insert(0, [(_("Оставить как есть"), "keep")])
        rows.extend(self._common_rows(t, step))
        t.ask("\n\n".join(p for p in parts if p), rows)

    def _common_rows(self, t: Turn, step: Step) -> list[list[tuple[str, str]]]:
        _ = t._
        return [
            [(_("Нет данных"), "nd"), (_("Пропустить"), "skip"), (_("Назад"), "back")],
            [(_("Комментарий"), "comment"), (_("Меню"), "cmd:menu")],
        ]

    def _field_prompt(
        self, t: Turn, step: Step, answer: Answer | None
    ) -> tuple[str, list[list[tuple[str, str]]]]:
        _ = t._
        f = step.field
        label = _(f.label)
        kind = f.kind
        if kind == "yes_no":
            return label + "\n" + _("Да или нет? Если да — опишите."), [
                [(_("Да"), "yes"), (_("Нет"), "no")]
            ]
        if kind == "choice":
            lines = [label]
            for n, o in enumerate(f.options, start=1):
                lines.append(f"{n}. {_(o.label)}")
            rows = [[(str(n), f"opt:{o.code}") for n, o in enumerate(f.options, start=1)]]
            return "\n".join(lines), rows
        if kind == "text":
            return label + "\n" + _("Напишите ответ (до {n} знаков).").format(
                n=group(f.max_length)
            ), []
        if kind == "count":
            return label + "\n" + _("Введите число цифрами, например: 25."), []
        if kind == "amount":
            return label + "\n" + _("Введите сумму в тенге, например: 1 500 000 или 12 500,50."), []
        if kind == "period":
            text = _("Отчетный период: {start} – {end}. Подтвердите, пожалуйста.").format(
                start=t.ctx.period_start.strftime("%d.%m.%Y"),
                end=t.ctx.period_end.strftime("%d.%m.%Y"),
            )
            return label + "\n" + text, [[(_("Подтверждаю"), "ok")]]
        if kind == "breakdown":
            return self._breakdown_prompt(t, step, answer)
        if kind == "open_breakdown":
            return self._open_prompt(t, step, answer)
        return self._list_prompt(t, step, answer)

    # --- common buttons ------------------------------------------------------------------

    def _common_button(self, t: Turn, action: str) -> bool:
        if t.state.mode not in ("field", "list_more", "pick"):
            return False
        if action == "nd":
            t.state.mode = "no_data"
            self._prompt(t)
        elif action == "skip":
            self._advance(t)
        elif action == "back":
            pos = t.walk.position_of(t.state.code)
            if pos == 0:
                t.say(t._("Это первый вопрос."))
                self._prompt(t, repeat=True)
            else:
                self._goto(t, pos - 1, t.state.after)
        elif action == "comment":
            t.state.mode = "comment"
            self._prompt(t)
        elif action == "keep":
            self._advance(t)
        else:
            return False
        return True

    def _btn_field(self, t: Turn, action: str) -> bool:
        f = t.step.field
        if f.kind == "yes_no" and action in ("yes", "no"):
            self._yes_no(t, action == "yes")
        elif f.kind == "choice" and action.startswith("opt:"):
            self._choose(t, action[4:])
        elif f.kind == "period" and action == "ok":
            t.save(
                t.state.code,
                {"start": t.ctx.period_start.isoformat(), "end": t.ctx.period_end.isoformat()},
            )
            t.say(t._("Сохранено."))
            self._advance(t)
        elif f.kind in ("breakdown", "open_breakdown") and action.startswith("cat:"):
            t.state.mode = "bd_value"
            t.state.draft["cat"] = action[4:]
            self._prompt(t)
        elif f.kind in ("breakdown", "open_breakdown", "list") and action == "done":
            self._finish_multi(t)
        elif f.kind == "list" and action == "add":
            self._start_entry(t)
        else:
            return False
        return True

    def _btn_cancel(self, t: Turn) -> None:
        t.state.mode = "field"
        for key in ("cat", "entry", "col", "yes", "option", "count", "candidates", "rule"):
            t.state.draft.pop(key, None)
        self._prompt(t, repeat=True)

    def _cancel_handler(self, t: Turn, action: str) -> bool:
        if action == "cancel":
            self._btn_cancel(t)
            return True
        return False

    _btn_describe = _cancel_handler
    _btn_no_data = _cancel_handler
    _btn_comment = _cancel_handler
    _btn_bd_value = _cancel_handler
    _btn_list_col = _cancel_handler
    _btn_rule_explain = _cancel_handler

    # --- yes/no and choice -----------------------------------------------------------------

    def _yes_no(self, t: Turn, yes: bool) -> None:
        f = t.step.field
        if yes and getattr(f, "describe_on_yes", True):
            t.state.mode = "describe"
            t.state.draft["yes"] = True
            self._prompt(t)
            return
        t.save(t.state.code, {"answer": "yes" if yes else "no", "description": None})
        t.say(t._("Сохранено."))
        self._advance(t)

    def _choose(self, t: Turn, code: str) -> None:
        option = next((o for o in t.step.field.options if o.code == code), None)
        if option is None:
            t.error(N_("Такого варианта нет. Выберите один из предложенных."))
            self._prompt(t, repeat=True)
            return
        if option.describe:
            t.state.mode = "describe"
            t.state.draft["option"] = code
            self._prompt(t)
            return
        t.save(t.state.code, {"option": code, "description": None})
        t.say(t._("Сохранено."))
        self._advance(t)

    def _sub_prompt(self, t: Turn, step: Step) -> str:
        _ = t._
        mode = t.state.mode
        if mode == "describe":
            if "option" in t.state.draft:
                option = next(o for o in step.field.options if o.code == t.state.draft["option"])
                return _("Вы выбрали: {option}\nОпишите, пожалуйста.").format(
                    option=_(option.label)
                )
            return _("{label}\nВы ответили «Да». Опишите, пожалуйста.").format(
                label=_(step.field.label)
            )
        if mode == "no_data":
            return _(
                "«{label}»: нет данных. Укажите причину, по которой данных нет или их невозможно предоставить."
            ).format(label=_(step.field.label))
        if mode == "comment":
            current = t.ctx.answers.get(comment_code(step.item.code))
            text = _("Комментарий к пункту {n}: напишите пояснение.").format(
                n=f"{step.block.number}.{step.item.number}"
            )
            if current is not None and current.value:
                text += "\n" + _("Текущий комментарий: {value}").format(
                    value=shorten(current.value, 300)
                )
            return text
        if mode == "bd_value":
            cat = category_label(self.q, step.field, t.state.draft.get("cat", ""), t.state.lang)
            return _("Сколько — «{category}»? Введите число.").format(category=cat)
        if mode == "list_col":
            col = step.field.columns[int(t.state.draft.get("col", 0))]
            hint = _("страна") if col.kind == "country" else ""
            return _("Новая запись. {column}{hint}:").format(
                column=_(col.label), hint=f" ({hint})" if hint else ""
            )
        if mode == "rule_explain":
            return _("Поясните, пожалуйста, почему данные не сходятся.")
        return ""

    def _txt_describe(self, t: Turn, text: str) -> None:
        desc = self._clean(t, text, COMMENT_MAX * 2)
        if desc is None:
            return
        if "option" in t.state.draft:
            value = {"option": t.state.draft["option"], "description": desc}
        else:
            value = {"answer": "yes", "description": desc}
        t.state.mode = "field"
        t.save(t.state.code, value)
        t.say(t._("Сохранено."))
        self._advance(t)

    def _txt_no_data(self, t: Turn, text: str) -> None:
        reason = self._clean(t, text, REASON_MAX)
        if reason is None:
            return
        t.state.mode = "field"
        t.save(t.state.code, None, reason)
        t.say(t._("Сохранено: нет данных."))
        self._advance(t)

    def _txt_comment(self, t: Turn, text: str) -> None:
        comment = self._clean(t, text, COMMENT_MAX)
        if comment is None:
            return
        t.state.mode = "field"
        t.save(comment_code(t.step.item.code), comment)
        t.say(t._("Комментарий сохранён."))
        self._prompt(t, repeat=True)

    def _clean(self, t: Turn, text: str, limit: int) -> str | None:
        try:
            return clean_text(text, limit)
        except ParseError as exc:
            t.say(exc.render(t.state.lang), "error")
            self._prompt(t, repeat=True)
            return None

    # --- the field in "field" mode, typed --------------------------------------------------

    def _txt_field(self, t: Turn, text: str) -> None:
        f = t.step.field
        try:
            handler = getattr(self, f"_typed_{f.kind}")
            handler(t, text)
        except AmbiguousCountry as exc:
            self._offer_pick(t, exc)
        except ParseError as exc:
            t.say(exc.render(t.state.lang), "error")
            self._prompt(t, repeat=True)

    def _typed_yes_no(self, t: Turn, text: str) -> None:
        yes = parse_yes_no(text)
        if yes is None:
            raise ParseError(N_("Ответьте «Да» или «Нет» — кнопкой или словом."))
        self._yes_no(t, yes)

    def _typed_choice(self, t: Turn, text: str) -> None:
        options = t.step.field.options
        raw = text.strip().rstrip(".)")
        if raw.isdigit() and 1 <= int(raw) <= len(options):
            self._choose(t, options[int(raw) - 1].code)
            return
        raise ParseError(N_("Выберите вариант кнопкой или номером от 1 до {n}."), n=len(options))

    def _typed_text(self, t: Turn, text: str) -> None:
        value = clean_text(text, t.step.field.max_length)
        t.save(t.state.code, value)
        t.say(t._("Сохранено."))
        self._advance(t)

    def _typed_count(self, t: Turn, text: str) -> None:
        value = parse_count(text, t.step.field.max_value)
        t.save(t.state.code, value)
        t.say(t._("Сохранено: {value}.").format(value=group(value)))
        if not self._check_rules(t):
            self._advance(t)

    def _typed_amount(self, t: Turn, text: str) -> None:
        value: Decimal = parse_amount(text, t.step.field.max_value)
        t.save(t.state.code, f"{value:.2f}")
        t.say(t._("Сохранено: {value} тенге.").format(value=group(f"{value:.2f}")))
        self._advance(t)

    def _typed_period(self, t: Turn, text: str) -> None:
        if parse_yes_no(text):
            self._btn_field(t, "ok")
            return
        raise ParseError(
            N_("Отчетный период задан координатором. Нажмите «Подтверждаю» или «Нет данных».")
        )

    # --- breakdowns ------------------------------------------------------------------------

    def _categories(self, t: Turn, f: BaseField) -> list[tuple[str, list[str]]]:
        cats = self.q.category_set(f.categories).categories
        return [(c.code, [i18n.gettext(lang, c.label) for lang in i18n.LANGUAGES]) for c in cats]

    def _total_of(self, t: Turn, step: Step) -> int | None:
        of = getattr(step.field, "of", None)
        if not of:
            return None
        answer = t.ctx.answers.get(f"{step.item.code}.{of}")
        return answer.value if answer is not None and not answer.is_no_data else None

    def _running(self, t: Turn, step: Step, value: dict[str, int]) -> str:
        total = self._total_of(t, step)
        summed = sum(value.values())
        if total is None:
            return t._("Итого: {sum}.").format(sum=group(summed))
        return t._("Итого: {sum} из {total}.").format(sum=group(summed), total=group(total))

    def _current_dict(self, t: Turn, code: str) -> dict[str, int]:
        answer = t.ctx.answers.get(code)
        if answer is None or answer.is_no_data or not isinstance(answer.value, dict):
            return {}
        return dict(answer.value)

    def _breakdown_prompt(self, t: Turn, step: Step, answer: Answer | None) -> tuple[str, list]:
        _ = t._
        value = self._current_dict(t, step.code)
        cats = self.q.category_set(step.field.categories).categories
        lines = [_(step.field.label)]
        for c in cats:
            lines.append(f"• {_(c.label)}: {group(value.get(c.code, 0))}")
        lines.append(self._running(t, step, value))
        example = "; ".join(f"{_(c.label)}: {n}" for c, n in zip(cats[:2], (3, 5), strict=False))
        lines.append(
            _("Нажмите категорию или напишите всё одним сообщением, например: {example}").format(
                example=example
            )
        )
        buttons = [(f"{_(c.label)} ({value.get(c.code, 0)})", f"cat:{c.code}") for c in cats]
        rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
        rows.append([(_("Готово"), "done")])
        return "\n".join(lines), rows

    def _open_prompt(self, t: Turn, step: Step, answer: Answer | None) -> tuple[str, list]:
        _ = t._
        value = self._current_dict(t, step.code)
        dim = next(d for d in self.q.dimensions if d.code == step.field.dimension)
        lines = [_(step.field.label)]
        for key, n in value.items():
            lines.append(f"• {category_label(self.q, step.field, key, t.state.lang)}: {group(n)}")
        lines.append(self._running(t, step, value))
        if step.field.dimension == "country":
            example = _("Узбекистан: 3; Кыргызстан: 2; неизвестно: 1")
        else:
            example = _("{category}: 3").format(
                category=_(dim.suggestions[0].label) if dim.suggestions else _("категория")
            )
        lines.append(
            _(
                "Напишите категорию и число, можно несколько через «;», например: {example}. "
                "Чтобы убрать строку, укажите 0."
            ).format(example=example)  # fmt: skip
        )
        rows = []
        sugg = [(_(s.label)[:40], f"cat:{s.code}") for s in dim.suggestions]
        if step.field.dimension == "country":
            sugg = [
                (countries().name(c, t.state.lang), f"cat:{c}")
                for c in ("KZ", "UZ", "KG", "TJ", "RU")
            ]
        sugg.append((_("неизвестно"), "cat:unknown"))
        rows.extend(sugg[i : i + 2] for i in range(0, len(sugg), 2))
        rows.append([(_("Готово"), "done")])
        return "\n".join(lines), rows

    def _typed_breakdown(self, t: Turn, text: str) -> None:
        parsed = parse_breakdown(text, self._categories(t, t.step.field), 10_000_000)
        self._merge(t, parsed)

    def _typed_open_breakdown(self, t: Turn, text: str) -> None:
        try:
            parsed = parse_open_breakdown(text, self._resolver(t))
        except AmbiguousCountry as exc:
            # One unsure entry: keep its number, so picking the country completes it.
            counts = parse_open_breakdown(text, lambda label: label)
            if len(counts) == 1:
                exc.count = next(iter(counts.values()))
            raise
        self._merge(t, parsed)

    def _resolver(self, t: Turn) -> Callable[[str], str]:
        f = t.step.field
        if f.dimension == "country":
            return countries().resolve
        dim = next(d for d in self.q.dimensions if d.code == f.dimension)

        def resolve(label: str) -> str:
            wanted = " ".join(label.casefold().split())
            for s in dim.suggestions:
                names = {i18n.gettext(lang, s.label).casefold() for lang in i18n.LANGUAGES}
                if wanted in names or wanted == s.code:
                    return s.code
            if wanted in {i18n.gettext(lang, "неизвестно").casefold() for lang in i18n.LANGUAGES}:
                return "unknown"
            return clean_text(label, 100)

        return resolve

    def _merge(self, t: Turn, parsed: dict[str, int]) -> None:
        step = t.step
        value = self._current_dict(t, step.code)
        if step.field.kind == "breakdown" and not value:
            value = {c.code: 0 for c in self.q.category_set(step.field.categories).categories}
        for key, n in parsed.items():
            if n == 0 and step.field.kind == "open_breakdown":
                value.pop(key, None)
            else:
                value[key] = n
        t.save(step.code, value)
        t.state.mode = "field"
        t.state.draft.pop("cat", None)
        t.say(t._("Сохранено. {running}").format(running=self._running(t, step, value)))
        self._prompt(t, repeat=True)

    def _txt_bd_value(self, t: Turn, text: str) -> None:
        try:
            n = parse_count(text, 10_000_000)
        except ParseError as exc:
            t.say(exc.render(t.state.lang), "error")
            self._prompt(t, repeat=True)
            return
        self._merge(t, {t.state.draft.get("cat", "unknown"): n})

    def _finish_multi(self, t: Turn) -> None:
        step = t.step
        if step.code not in t.ctx.answers:
            if step.field.kind == "list":
                t.save(step.code, [])
            else:
                t.error(
                    N_(
                        "Пока ничего не введено. Введите данные, нажмите «Нет данных» или «Пропустить»."
                    )
                )
                self._prompt(t, repeat=True)
                return
        if not self._check_rules(t):
            self._advance(t)

    def _offer_pick(self, t: Turn, exc: AmbiguousCountry) -> None:
        t.state.mode = "pick"
        t.state.draft["candidates"] = list(exc.candidates)[:5]
        t.state.draft["count"] = getattr(exc, "count", None)
        self._show_pick(t, "")

    def _show_pick(self, t: Turn, header: str) -> None:
        names = [
            (countries().name(c, t.state.lang), f"pick:{c}")
            for c in t.state.draft.get("candidates", [])
        ]
        text = t._("Не уверен, какая страна имеется в виду. Выберите:")
        rows = [names[i : i + 2] for i in range(0, len(names), 2)]
        rows.append([(t._("Отмена"), "cancel")])
        t.ask("\n\n".join(p for p in (header, text) if p), rows)

    def _btn_pick(self, t: Turn, action: str) -> bool:
        if action == "cancel":
            self._btn_cancel(t)
            return True
        if not action.startswith("pick:") or action[5:] not in t.state.draft.get("candidates", []):
            return False
        code = action[5:]
        count = t.state.draft.get("count")
        for key in ("candidates", "count"):
            t.state.draft.pop(key, None)
        if count is None:
            t.state.mode = "bd_value"
            t.state.draft["cat"] = code
            self._prompt(t)
        else:
            self._merge(t, {code: int(count)})
        return True

    # --- lists -----------------------------------------------------------------------------

    def _list_prompt(self, t: Turn, step: Step, answer: Answer | None) -> tuple[str, list]:
        _ = t._
        entries = answer.value if answer is not None and not answer.is_no_data else []
        lines = [_(step.field.label)]
        if entries:
            lines.append(format_value(self.q, step.field, answer, t.state.lang, 200))
        lines.append(
            _("Записей: {n}. Добавьте запись или нажмите «Готово».").format(n=len(entries))
        )
        return "\n".join(lines), [[(_("Добавить запись"), "add"), (_("Готово"), "done")]]

    def _start_entry(self, t: Turn) -> None:
        t.state.mode = "list_col"
        t.state.draft["entry"] = {}
        t.state.draft["col"] = 0
        self._prompt(t)

    def _typed_list(self, t: Turn, text: str) -> None:
        self._start_entry_with(t, text)

    def _start_entry_with(self, t: Turn, text: str) -> None:
        t.state.mode = "list_col"
        t.state.draft["entry"] = {}
        t.state.draft["col"] = 0
        self._txt_list_col(t, text)

    def _txt_list_col(self, t: Turn, text: str) -> None:
        step = t.step
        col = step.field.columns[int(t.state.draft.get("col", 0))]
        try:
            if col.kind == "country":
                cell: Any = countries().resolve(text)
            elif col.kind == "count":
                cell = parse_count(text)
            else:
                cell = clean_text(text, 1000 if col.kind == "text" else 100)
        except AmbiguousCountry as exc:
            names = ", ".join(countries().name(c, t.state.lang) for c in exc.candidates[:5])
            t.error(N_("Уточните страну: {names}?"), names=names)
            self._prompt(t, repeat=True)
            return
        except ParseError as exc:
            t.say(exc.render(t.state.lang), "error")
            self._prompt(t, repeat=True)
            return
        t.state.draft["entry"][col.code] = cell
        nxt = int(t.state.draft["col"]) + 1
        if nxt < len(step.field.columns):
            t.state.draft["col"] = nxt
            self._prompt(t)
            return
        answer = t.ctx.answers.get(step.code)
        entries = list(answer.value) if answer is not None and not answer.is_no_data else []
        if len(entries) >= step.field.max_entries:
            t.error(
                N_("В списке уже {n} записей — это наибольшее число."), n=step.field.max_entries
            )
        else:
            entries.append(t.state.draft["entry"])
            t.save(step.code, entries)
        t.state.draft.pop("entry", None)
        t.state.draft.pop("col", None)
        t.state.mode = "list_more"
        self._list_more(t, t._("Запись добавлена."))

    def _list_more(self, t: Turn, header: str) -> None:
        _ = t._
        answer = t.ctx.answers.get(t.state.code)
        n = len(answer.value) if answer is not None and isinstance(answer.value, list) else 0
        text = _("Записей: {n}. Добавить ещё?").format(n=n)
        t.ask(
            "\n".join(p for p in (header, text) if p),
            [[(_("Добавить ещё"), "add"), (_("Готово"), "done")]],
        )

    def _btn_list_more(self, t: Turn, action: str) -> bool:
        if action == "add":
            self._start_entry(t)
        elif action == "done":
            t.state.mode = "field"
            self._finish_multi(t)
        else:
            return False
        return True

    def _txt_list_more(self, t: Turn, text: str) -> None:
        self._start_entry_with(t, text)

    # --- consistency rules -----------------------------------------------------------------

    def _number(self, t: Turn, item: Item, key: str) -> int | None:
        answer = t.ctx.answers.get(f"{item.code}.{key}")
        if answer is None or answer.is_no_data:
            return None
        v = answer.value
        if isinstance(v, dict):
            return sum(int(n) for n in v.values())
        if isinstance(v, int | str):
            return int(Decimal(str(v)))
        return None

    def violations(self, answers: dict[str, Answer], item: Item) -> list[tuple[Rule, int, int]]:
        """Rules of ``item`` broken by the answers and not confirmed: (rule, total, parts)."""
        fake = Turn.__new__(Turn)
        fake.ctx = Context([], None, None, None, "", answers)  # type: ignore[arg-type]
        broken = []
        for rule in item.checks():
            total = self._number(fake, item, rule.total)
            parts = [self._number(fake, item, p) for p in rule.parts]
            if total is None or any(p is None for p in parts):
                continue
            summed = sum(parts)  # type: ignore[arg-type]
            ok = summed == total if rule.check == "equal" else summed <= total
            if ok:
                continue
            confirmed = answers.get(rule_code(item.code, rule))
            if confirmed and confirmed.value and confirmed.value.get("values") == [total, summed]:
                continue
            broken.append((rule, total, summed))
        return broken

    def _check_rules(self, t: Turn) -> bool:
        """After a number: show the first broken rule that uses this field; True if shown."""
        step = t.step
        for rule, _total, _summed in self.violations(t.ctx.answers, step.item):
            if step.field.key in [rule.total, *rule.parts]:
                t.state.mode = "rule"
                t.state.draft["rule"] = rule.code
                self._show_rule(t)
                return True
        return False

    def _rule_text(self, t: Turn, item: Item, rule: Rule, total: int, summed: int) -> str:
        _ = t._
        labels = ", ".join(_(item.field(p).label) for p in rule.parts)
        whole = _(item.field(rule.total).label)
        if rule.check == "equal":
            return _(
                "Данные не сходятся: «{parts}» — {sum}, а «{whole}» — {total}. Сумма должна быть равна."
            ).format(parts=labels, sum=group(summed), whole=whole, total=group(total))
        return _(
            "Данные не сходятся: «{parts}» — {sum}, это больше, чем «{whole}» — {total}."
        ).format(parts=labels, sum=group(summed), whole=whole, total=group(total))

    def _show_rule(self, t: Turn) -> None:
        item = t.step.item
        broken = {r.code: (r, tot, s) for r, tot, s in self.violations(t.ctx.answers, item)}
        found = broken.get(t.state.draft.get("rule", ""))
        if found is None:
            t.state.mode = "field"
            self._advance(t)
            return
        _ = t._
        t.ask(
            self._rule_text(t, item, *found),
            [[(_("Исправить"), "fix"), (_("Данные верны, пояснить"), "explain")]],
        )

    def _btn_rule(self, t: Turn, action: str) -> bool:
        if action == "fix":
            t.state.mode = "field"
            t.state.draft.pop("rule", None)
            self._prompt(t, repeat=True)
        elif action == "explain":
            t.state.mode = "rule_explain"
            self._prompt(t)
        else:
            return False
        return True

    def _txt_rule_explain(self, t: Turn, text: str) -> None:
        explanation = self._clean(t, text, COMMENT_MAX)
        if explanation is None:
            return
        item = t.step.item
        broken = {r.code: (r, tot, s) for r, tot, s in self.violations(t.ctx.answers, item)}
        found = broken.get(t.state.draft.pop("rule", ""))
        t.state.mode = "field"
        if found is not None:
            rule, total, summed = found
            t.save(
                rule_code(item.code, rule), {"explanation": explanation, "values": [total, summed]}
            )
            t.say(t._("Пояснение сохранено."))
        self._advance(t)

    # --- menu, progress, review --------------------------------------------------------------

    def _menu(self, t: Turn) -> None:
        _ = t._
        t.state.mode = "menu"
        answered = set(t.ctx.answers)
        rows = []
        lines = [_("Выберите блок:")]
        for b in t.walk.blocks:
            codes = [s.code for s in t.walk.steps if s.block.number == b.number]
            done = sum(1 for c in codes if c in answered)
            lines.append(f"{b.number}. {shorten(_(b.title), 80)} — {done}/{len(codes)}")
            rows.append([(_("Блок {n}").format(n=b.number), f"blk:{b.number}")])
        rows.append([(_("Продолжить"), "resume"), (_("Отправить"), "cmd:submit")])
        t.ask("\n".join(lines), rows)

    def _btn_menu(self, t: Turn, action: str) -> bool:
        if action.startswith("blk:") and action[4:].isdigit():
            self._items(t, int(action[4:]))
        elif action == "resume":
            t.state.mode = "field"
            self._resume(t, repeat=True)
        else:
            return False
        return True

    def _items(self, t: Turn, number: int) -> None:
        _ = t._
        if t.walk.first_of_block(number) is None:
            self._menu(t)
            return
        t.state.mode = "items"
        t.state.draft["block"] = number
        block = self.q.block(number)
        lines = [
            _("Блок {n}. {title}").format(n=number, title=_(block.title)),
            _("Выберите пункт:"),
        ]
        buttons = []
        for item in block.items:
            codes = [self.q.field_code(item, f) for f in item.fields]
            done = sum(1 for c in codes if c in t.ctx.answers)
            lines.append(
                f"{number}.{item.number}. {shorten(_(item.question), 70)} — {done}/{len(codes)}"
            )
            buttons.append((f"{number}.{item.number}", f"itm:{item.code}"))
        rows = [buttons[i : i + 4] for i in range(0, len(buttons), 4)]
        rows.append([(_("Просмотр блока"), f"rev:{number}"), (_("Назад"), "cmd:menu")])
        t.ask("\n".join(lines), rows)

    def _btn_items(self, t: Turn, action: str) -> bool:
        if action.startswith("itm:"):
            pos = t.walk.first_of_item(action[4:])
            if pos is None:
                return False
            t.state.shown_item = None
            self._goto(t, pos)
            return True
        if action.startswith("rev:") and action[4:].isdigit():
            self._review(t, int(action[4:]))
            return True
        return False

    def _progress(self, t: Turn) -> None:
        _ = t._
        done, total = t.walk.progress(t.answered())
        step = t.step
        block_items = step.block.items
        percent = round(100 * done / total) if total else 100
        t.say(
            _(
                "Блок {block}, пункт {item} из {items} — заполнено {percent}% анкеты ({done} из {total})."
            ).format(
                block=step.block.number,
                item=step.item.number,
                items=len(block_items),
                percent=percent,
                done=done,
                total=total,
            )
        )

    def review_text(
        self, answers: dict[str, Answer], blocks: list[int], number: int, lang: str
    ) -> str:
        """A compact review of one block's answers (used by the engine and the web page)."""
        _ = i18n.translator(lang)
        block = self.q.block(number)
        lines = [_("Блок {n}. {title}").format(n=number, title=_(block.title))]
        for item in block.items:
            lines.append("")
            lines.append(f"{number}.{item.number}. {shorten(_(item.question), 120)}")
            for f in item.fields:
                answer = answers.get(self.q.field_code(item, f))
                lines.append(
                    f"  {shorten(_(f.label), 80)}: {format_value(self.q, f, answer, lang, 120)}"
                )
            comment = answers.get(comment_code(item.code))
            if comment is not None and comment.value:
                lines.append(
                    "  " + _("Комментарий: {text}").format(text=shorten(comment.value, 120))
                )
            for rule, total, summed in self.violations(answers, item):
                lines.append("  ⚠ " + self._rule_text_lang(lang, item, rule, total, summed))
        return "\n".join(lines)

    def _rule_text_lang(self, lang: str, item: Item, rule: Rule, total: int, summed: int) -> str:
        fake = Turn.__new__(Turn)
        fake.state = State(lang=lang)
        return self._rule_text(fake, item, rule, total, summed)

    def _review(self, t: Turn, number: int) -> None:
        _ = t._
        if t.walk.first_of_block(number) is None:
            number = t.walk.blocks[0].number
        t.state.mode = "review"
        t.state.draft["block"] = number
        text = self.review_text(t.ctx.answers, t.ctx.blocks, number, t.state.lang)
        block = self.q.block(number)
        rows: list[list[tuple[str, str]]] = []
        if t.ctx.status != "submitted":
            edit = [(f"✏️ {number}.{i.number}", f"edit:{i.code}") for i in block.items]
            rows.extend(edit[i : i + 4] for i in range(0, len(edit), 4))
        others = [
            (_("Блок {n}").format(n=b.number), f"rev:{b.number}")
            for b in t.walk.blocks
            if b.number != number
        ]
        rows.extend(others[i : i + 4] for i in range(0, len(others), 4))
        rows.append([(_("Продолжить"), "resume"), (_("Отправить"), "cmd:submit")])
        t.ask(text, rows, "summary")

    def _btn_review(self, t: Turn, action: str) -> bool:
        if action.startswith("edit:"):
            pos = t.walk.first_of_item(action[5:])
            if pos is None:
                return False
            t.state.shown_item = None
            self._goto(t, pos, after=f"review:{t.state.draft.get('block', 1)}")
            return True
        if action.startswith("rev:") and action[4:].isdigit():
            self._review(t, int(action[4:]))
            return True
        if action == "resume":
            t.state.mode = "field"
            t.state.after = None
            self._resume(t, repeat=True)
            return True
        return False

    _btn_submitted = _btn_review

    # --- submit ----------------------------------------------------------------------------

    def missing(self, answers: dict[str, Answer], blocks: list[int]) -> tuple[list[str], list[str]]:
        """(unanswered field codes, item codes with unconfirmed mismatches)."""
        walk = Walk(self.q, blocks)
        unanswered = [s.code for s in walk.steps if s.code not in answers]
        mismatched = [i.code for b in walk.blocks for i in b.items if self.violations(answers, i)]
        return unanswered, mismatched

    def _confirm_submit(self, t: Turn) -> None:
        _ = t._
        if t.ctx.status == "submitted":
            self._read_only(t)
            return
        unanswered, mismatched = self.missing(t.ctx.answers, t.ctx.blocks)
        done, total = t.walk.progress(t.answered())
        if unanswered or mismatched:
            lines = [_("Отправить пока нельзя.")]
            if unanswered:
                first = t.walk.steps[t.walk.index[unanswered[0]]]
                lines.append(
                    _(
                        "Без ответа: {n} (первый — пункт {item}). На каждый вопрос нужен ответ или «Нет данных» с причиной."
                    ).format(n=len(unanswered), item=f"{first.block.number}.{first.item.number}")
                )
            if mismatched:
                lines.append(
                    _("Не сходятся данные в пунктах: {items}. Исправьте или поясните.").format(
                        items=", ".join(self._item_number(c) for c in mismatched)
                    )
                )
            target = (
                unanswered[0]
                if unanswered
                else t.walk.steps[t.walk.first_of_item(mismatched[0])].code
            )
            t.say("\n".join(lines), "error")
            t.state.code = target
            t.state.mode = "field"
            t.state.draft = {}
            if mismatched and not unanswered:
                t.state.draft["rule"] = self.violations(t.ctx.answers, t.step.item)[0][0].code
                t.state.mode = "rule"
                self._show_rule(t)
                return
            self._prompt(t)
            return
        no_data = sum(1 for s in t.walk.steps if t.ctx.answers[s.code].is_no_data)
        t.state.mode = "confirm"
        t.state.draft = {"version": t.ctx.response_version}
        t.ask(
            _(
                "Все вопросы заполнены: {total}, из них «нет данных» — {nd}.\nПроверьте ответы (/review) и отправьте анкету. После отправки изменить ответы сможет только координатор, вернув анкету на доработку."
            ).format(total=total, nd=no_data),
            [[(_("Отправить анкету"), "submit")], [(_("Просмотр"), "cmd:review")]],
            "summary",
        )

    def _item_number(self, item_code: str) -> str:
        b, i = item_code.split(".")
        return f"{int(b[1:])}.{int(i[1:])}"

    def _btn_confirm(self, t: Turn, action: str) -> bool:
        if action != "submit":
            return False
        unanswered, mismatched = self.missing(t.ctx.answers, t.ctx.blocks)
        if unanswered or mismatched:
            self._confirm_submit(t)
            return True
        t.effects.append(Submit(t.state.draft.get("version")))
        t.ctx.status = "submitted"
        t.state.mode = "submitted"
        t.say(t._("Спасибо! Анкета отправлена. Координатор получит ваши ответы."), "summary")
        return True
