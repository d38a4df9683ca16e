"""Lists of entries, added one by one, column by column."""

from __future__ import annotations

from typing import Any

from dialogs.contract import (
    Answer,
)
from dialogs.countries import AmbiguousCountry
from dialogs.engine.turn import Turn
from dialogs.i18n import N_
from dialogs.parsing import (
    ParseError,
    clean_text,
    parse_count,
)
from dialogs.render import countries, format_value
from dialogs.walk import Step


class Lists:
    """Lists of entries, added one by one, column by column."""

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
