"""Entry point, dispatch of inputs, language and help, the walk from field to field."""

from __future__ import annotations

from dialogs import i18n
from dialogs.contract import (
    Answer,
    Context,
    Input,
    Outcome,
    SetLanguage,
    State,
)
from dialogs.engine.turn import LANG_NAMES, Turn
from dialogs.i18n import N_
from dialogs.render import format_value, group
from dialogs.schema import Questionnaire
from dialogs.walk import Step, Walk


class EngineCore:
    """Entry point, dispatch of inputs, language and help, the walk from field to field."""

    def __init__(self, questionnaire: Questionnaire) -> None:
        self.q = questionnaire
        self._walks: dict[tuple[int, ...], Walk] = {}

    def walk(self, blocks: list[int]) -> Walk:
        """The walk of an organisation's blocks, built once per set of blocks, not per step."""
        key = tuple(sorted(set(blocks)))
        if key not in self._walks:
            self._walks[key] = Walk(self.q, list(key))
        return self._walks[key]

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
        if t.ctx.read_only and not action.startswith(("blk:", "rev:")):
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
        if t.ctx.read_only:
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
        if t.ctx.status == "closed":
            text = t._(
                "Сбор данных завершён, анкета доступна только для просмотра. Если нужно "
                "что-то добавить, обратитесь к координатору."
            )
        else:
            text = t._(
                "Анкета отправлена и доступна только для просмотра. Если нужно что-то "
                "исправить, обратитесь к координатору: он может вернуть анкету на доработку."
            )
        t.ask(
            text,
            [[(t._("Просмотр"), "cmd:review"), (t._("Прогресс"), "cmd:progress")]],
        )
        t.state.mode = "submitted"

    # --- walking -------------------------------------------------------------------------

    def _resume(self, t: Turn, repeat: bool = False) -> None:
        """Show what the person should do now: the current question, menu or summary."""
        if t.ctx.read_only:
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
