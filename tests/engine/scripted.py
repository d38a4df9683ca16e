"""A scripted person who answers a whole questionnaire through the dialog service.

It reads where the dialog stands (the stored dialog state), types or presses
what a person would for that field, in Russian or Kazakh, and records the
value it expects storage to hold.  Numbers are chosen so every consistency
rule holds: identified + not identified = received, breakdowns add up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dialogs import i18n
from dialogs.application.dialog import DialogService
from dialogs.contract import Input, Reply
from dialogs.questionnaire import default
from dialogs.schema import Item

COUNTRY_WORDS = {
    "ru": ("Узбекистан", "Кыргызстан"),
    "kk": ("Өзбекстан", "Қырғызстан"),
    "en": ("Uzbekistan", "Kyrgyzstan"),
}
TOTAL = 10


def button(replies: list[Reply], action: str) -> Input:
    """The button of the last reply whose action is ``action`` (fails loudly if absent)."""
    for reply in reversed(replies):
        for row in reply.buttons:
            for b in row:
                if b.data.partition("|")[2] == action:  # a channel's own buttons have no "|"
                    return Input.button(b.data)
    raise AssertionError(f"no button {action!r} in {[r.text[:80] for r in replies]}")


def planned_counts(item: Item) -> dict[str, int]:
    """Counts for an item's count fields that satisfy all its rules.

    Two-part sums get 6 + 4 of 10; every other part of an "at most" rule gets 1, which
    stays under any total the sums leave (6 at the least).
    """
    counts = {f.key: TOTAL for f in item.fields if f.kind == "count"}
    for rule in item.rules:
        if rule.check == "at_most":
            for part in rule.parts:
                counts[part] = 1
    for rule in item.rules:
        if rule.check == "equal" and len(rule.parts) == 2:
            counts[rule.parts[0]], counts[rule.parts[1]] = 6, 4
    return counts


@dataclass
class ScriptedPerson:
    """Answers every field it is asked; every ``no_data_every``-th field gets "no data"."""

    service: DialogService
    contact_id: int
    lang: str = "ru"
    channel: str = "web"
    no_data_every: int = 7
    expected: dict[str, Any] = field(default_factory=dict)
    replies: list[Reply] = field(default_factory=list)
    steps: int = 0

    @property
    def _(self):
        return i18n.translator(self.lang)

    async def send(self, inp: Input) -> list[Reply]:
        self.steps += 1
        self.replies = await self.service.handle(self.contact_id, inp, channel=self.channel)
        return self.replies

    async def where(self) -> dict[str, Any]:
        row = await self.service.store.get_dialog_state(self.contact_id)
        return row.state["engine"]

    async def begin(self) -> None:
        self.replies = await self.service.start(self.contact_id, channel=self.channel)
        await self.send(button(self.replies, f"lang:{self.lang}"))

    async def answer_current(self) -> bool:
        """Answer the field the dialog is on; False when the dialog shows the summary."""
        state = await self.where()
        if state["mode"] == "confirm":
            return False
        assert state["mode"] == "field", (state, [r.text for r in self.replies])
        q = default()
        code = state["code"]
        block, item, fld = next(s for s in q.walk() if q.field_code(s[1], s[2]) == code)
        self.index = getattr(self, "index", 0) + 1
        if self.index % self.no_data_every == 0 and fld.kind != "period":
            await self.send(button(self.replies, "nd"))
            reason = f"нет учёта {code}" if self.lang == "ru" else f"есеп жүргізілмейді {code}"
            await self.send(Input.text(reason))
            self.expected[code] = ("no_data", reason)
            return True
        await getattr(self, f"_{fld.kind}")(code, item, fld)
        return True

    async def _period(self, code, item, fld) -> None:
        await self.send(button(self.replies, "ok"))
        self.expected[code] = ("value", "period")

    async def _yes_no(self, code, item, fld) -> None:
        if self.index % 2:
            await self.send(button(self.replies, "yes"))
            text = f"Описание <b>{code}</b>" if self.lang == "ru" else f"Сипаттама {code}"
            await self.send(Input.text(text))
            self.expected[code] = ("value", {"answer": "yes", "description": text})
        else:
            await self.send(Input.text(self._("Нет")))
            self.expected[code] = ("value", {"answer": "no", "description": None})

    async def _choice(self, code, item, fld) -> None:
        await self.send(button(self.replies, "opt:with_difficulties"))
        text = "Сложности с обменом информацией" if self.lang == "ru" else "Ақпарат алмасу қиын"
        await self.send(Input.text(text))
        self.expected[code] = ("value", {"option": "with_difficulties", "description": text})

    async def _text(self, code, item, fld) -> None:
        text = f'=HYPERLINK("x") ответ {code}' if self.lang == "ru" else f"Жауап {code} ✓"
        await self.send(Input.text(text))
        self.expected[code] = ("value", text)

    async def _count(self, code, item, fld) -> None:
        n = planned_counts(item)[fld.key]
        await self.send(Input.text(f" {n} "))
        self.expected[code] = ("value", n)

    async def _amount(self, code, item, fld) -> None:
        await self.send(Input.text("1 234 567,5 тг"))
        self.expected[code] = ("value", "1234567.50")

    def _total(self, item, fld) -> int | None:
        if not fld.of:
            return TOTAL
        of_code = f"{item.code}.{fld.of}"
        if self.expected.get(of_code, ("", None))[0] != "value":
            return None
        return self.expected[of_code][1]

    async def _breakdown(self, code, item, fld) -> None:
        total = self._total(item, fld)
        cats = default().category_set(fld.categories).categories
        first, unknown = cats[0], cats[-1]
        total = TOTAL if total is None else total
        text = f"{self._(first.label)}: {total - 1}; {self._(unknown.label)}: 1"
        await self.send(Input.text(text))
        await self.done_unless_complete(code)
        value = {c.code: 0 for c in cats}
        value[first.code] = total - 1
        value[unknown.code] = 1
        self.expected[code] = ("value", value)

    async def _open_breakdown(self, code, item, fld) -> None:
        total = self._total(item, fld)
        total = TOTAL if total is None else total
        q = default()
        dim = next(d for d in q.dimensions if d.code == fld.dimension)
        if fld.dimension == "country":
            a, b = COUNTRY_WORDS[self.lang]
            text, value = f"{a}: {total - 2}; {b} - 2", {"UZ": total - 2, "KG": 2}
        elif dim.suggestions:
            label = self._(dim.suggestions[0].label)
            text, value = f"{label}: {total}", {dim.suggestions[0].code: total}
        else:
            word = "казахи" if self.lang == "ru" else "қазақтар"
            text, value = f"{word}: {total}", {word: total}
        await self.send(Input.text(text))
        await self.done_unless_complete(code)
        self.expected[code] = ("value", value)

    async def done_unless_complete(self, code: str) -> None:
        """«Готово», unless the breakdown added up to its count and completed itself."""
        state = await self.where()
        if state["code"] == code and state["mode"] == "field":
            await self.send(button(self.replies, "done"))

    async def _list(self, code, item, fld) -> None:
        entry = {}
        await self.send(button(self.replies, "add"))
        for col in fld.columns:
            if col.kind == "country":
                await self.send(Input.text(COUNTRY_WORDS[self.lang][0]))
                entry[col.code] = "UZ"
            else:
                text = f"{col.code} {self.lang}"
                await self.send(Input.text(text))
                entry[col.code] = text
        await self.send(button(self.replies, "done"))
        self.expected[code] = ("value", [entry])

    async def walk_all(self, limit: int = 2000) -> None:
        """Answer until the summary appears."""
        while await self.answer_current():
            assert self.steps < limit, "the walk does not end"

    async def submit(self) -> None:
        await self.send(button(self.replies, "submit"))
