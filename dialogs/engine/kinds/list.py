"""A list of entries (foreign states, training topics …), added one by one, column by column
(mode ``LIST_CELL``); after each entry, another or done (mode ``LIST_MORE``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dialogs import i18n
from dialogs.contract import Answer, Expects, ListColumn, Mode
from dialogs.countries import AmbiguousCountry
from dialogs.engine import flow
from dialogs.engine.kinds import multi
from dialogs.engine.kinds.base import FieldKind, narrow
from dialogs.engine.turn import Rows, Turn
from dialogs.engine.views import Screen, SubQuestion
from dialogs.i18n import N_
from dialogs.parsing import Msgids, ParseError, clean_text, parse_count
from dialogs.render import countries, cut
from dialogs.schema import AnyField, Column, ListField, Questionnaire
from dialogs.walk import Step


class List(FieldKind):
    name = "list"
    shows_current = False

    def prompt(self, t: Turn, step: Step, answer: Answer | None) -> tuple[str, Rows]:
        _ = t._
        entries = answer.value if answer is not None and not answer.is_no_data else []
        lines = [_(step.field.label)]
        if entries:
            lines.append(self.render(t.q, step.field, entries, t.state.lang, 200))
        lines.append(
            _("Записей: {n}. Добавьте запись или нажмите «Готово».").format(n=len(entries))
        )
        return "\n".join(lines), [[(_("Добавить запись"), "add"), (_("Готово"), "done")]]

    def on_button(self, t: Turn, action: str) -> bool:
        if action == "add":
            start_entry(t)
        elif action == "done":
            multi.finish(t)
        else:
            return False
        return True

    def on_text(self, t: Turn, text: str) -> None:
        start_entry(t, text)

    def expects(self, t: Turn, step: Step) -> Expects:
        columns = narrow(step.field, ListField).columns
        rows = tuple(
            tuple((c.code, cell_text(c, e.get(c.code), t.state.lang)) for c in columns)
            for e in entries(t)
        )
        return Expects(
            text=True,
            field=step.code,
            kind=self.name,
            columns=tuple(ListColumn(c.code, t._(c.label), c.kind) for c in columns),
            rows=rows,
            form=f"{t.state.nonce}|form",
        )

    def on_form(self, t: Turn, values: Mapping[str, str]) -> None:
        """The whole list as a table (``"1.state"`` → cell): replaces the saved one."""
        field = narrow(t.step.field, ListField)
        rows = form_rows(field, values)
        if len(rows) > field.max_entries:
            raise ParseError(N_("В списке уже {n} записей — это наибольшее число."), n=len(rows))
        t.save(t.code, rows)
        t.say(t._("Сохранено. Записей: {n}.").format(n=len(rows)))
        flow.advance(t)

    def render(self, q: Questionnaire, field: AnyField, value: Any, lang: str, limit: int) -> str:
        _ = i18n.translator(lang)
        if not value:
            return _("нет записей")
        columns = narrow(field, ListField).columns
        lines = []
        for n, entry in enumerate(value, start=1):
            cells = []
            for col in columns:
                cell = entry.get(col.code)
                if cell is None:
                    continue
                cells.append(cut(cell_text(col, cell, lang), limit))
            lines.append(f"{n}) " + " — ".join(cells))
        return "; ".join(lines) if limit else "\n".join(lines)


def cell_text(col: Column, cell: Any, lang: str) -> str:
    """A stored cell as text (a country by its name in ``lang``); empty if not given."""
    if cell is None:
        return ""
    return countries().name(cell, lang) if col.kind == "country" else str(cell)


def form_rows(field: ListField, values: Mapping[str, str]) -> list[dict[str, Any]]:
    """A list table's cells (``"<row>.<column>"``) as entries, parsed as typed cells are;
    rows left wholly empty are dropped, a missing required cell is refused."""
    by_row: dict[int, dict[str, str]] = {}
    for key, raw in values.items():
        row, _, code = key.partition(".")
        if row.isdigit() and raw.strip():
            by_row.setdefault(int(row), {})[code] = raw
    result = []
    for _row, cells in sorted(by_row.items()):
        entry: dict[str, Any] = {}
        for col in field.columns:
            raw = cells.get(col.code, "")
            if not raw.strip():
                if col.required:
                    raise ParseError(
                        N_("Заполните «{column}» в каждой строке."), column=Msgids([col.label])
                    )
                continue
            try:
                entry[col.code] = parse_cell(col, raw)
            except AmbiguousCountry as exc:
                names = ", ".join(countries().name(c, "ru") for c in exc.candidates[:5])
                raise ParseError(N_("Уточните страну: {names}?"), names=names) from exc
        result.append(entry)
    return result


def start_entry(t: Turn, text: str | None = None) -> None:
    """A new entry: ask its first column, or take ``text`` as the first column's value."""
    t.enter(Mode.LIST_CELL)
    t.state.draft["entry"] = {}
    t.state.draft["col"] = 0
    if text is None:
        t.show()
    else:
        take_cell(t, text)


def entries(t: Turn) -> list[dict[str, Any]]:
    """The entries saved so far (a copy)."""
    answer = t.ctx.answers.get(t.code)
    return list(answer.value) if answer is not None and isinstance(answer.value, list) else []


def column(t: Turn) -> Column:
    """The column of the entry being asked."""
    return narrow(t.step.field, ListField).columns[int(t.state.draft.get("col", 0))]


def take_cell(t: Turn, text: str) -> None:
    """One column's value typed: the next column, or the entry is added."""
    col = column(t)
    try:
        cell = parse_cell(col, text)
    except AmbiguousCountry as exc:
        names = ", ".join(countries().name(c, t.state.lang) for c in exc.candidates[:5])
        t.error(N_("Уточните страну: {names}?"), names=names)
        t.show()
        return
    except ParseError as exc:
        t.say(exc.render(t.state.lang), "error")
        t.show()
        return
    t.state.draft["entry"][col.code] = cell
    nxt = int(t.state.draft["col"]) + 1
    if nxt < len(narrow(t.step.field, ListField).columns):
        t.state.draft["col"] = nxt
        t.show()
        return
    add(t, t.state.draft.pop("entry"))


def parse_cell(col: Column, text: str) -> Any:
    if col.kind == "country":
        return countries().resolve(text)
    if col.kind == "count":
        return parse_count(text)
    return clean_text(text, 1000 if col.kind == "text" else 100)


def add(t: Turn, entry: dict[str, Any]) -> None:
    """Save the list with ``entry`` (unless it is full), then: another, or done?"""
    limit = narrow(t.step.field, ListField).max_entries
    saved = entries(t)
    if len(saved) >= limit:
        t.error(N_("В списке уже {n} записей — это наибольшее число."), n=limit)
    else:
        t.save(t.code, [*saved, entry])
    t.state.draft.pop("col", None)
    t.enter(Mode.LIST_MORE)
    ask_more(t, t._("Запись добавлена."))


class ListCell(SubQuestion):
    """Mode ``LIST_CELL``: «Новая запись. Иностранное государство (страна):»."""

    def question(self, t: Turn) -> str:
        _ = t._
        col = column(t)
        hint = _("страна") if col.kind == "country" else ""
        return _("Новая запись. {column}{hint}:").format(
            column=_(col.label), hint=f" ({hint})" if hint else ""
        )

    def on_text(self, t: Turn, text: str) -> None:
        take_cell(t, text)


def ask_more(t: Turn, lead: str) -> None:
    """«Записей: 2. Добавить ещё?» under ``lead`` (the item's header, or "entry added")."""
    _ = t._
    text = _("Записей: {n}. Добавить ещё?").format(n=len(entries(t)))
    t.ask(
        "\n".join(p for p in (lead, text) if p),
        [[(_("Добавить ещё"), "add"), (_("Готово"), "done")]],
    )


class ListMore(Screen):
    """Mode ``LIST_MORE``: an entry was added; another, or done."""

    def show(self, t: Turn) -> None:
        ask_more(t, flow.item_header(t))

    def on_text(self, t: Turn, text: str) -> None:
        start_entry(t, text)

    def on_button(self, t: Turn, action: str) -> bool:
        if action == "add":
            start_entry(t)
        elif action == "done":
            t.enter(Mode.FIELD)
            multi.finish(t)
        else:
            return flow.field_buttons(t, action)
        return True
