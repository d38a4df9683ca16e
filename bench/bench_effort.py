"""Actions per value: how many taps and messages a person spends per field answered.

Run: ``python bench/bench_effort.py [--kinds ngo,mvd_unit] [--channels web,telegram]``.

A scripted person walks the questionnaire of every subject kind in both channels, the way
a person would: the web chat through its JSON API exactly as the page calls it (open the
invitation, ``/api/state``, ``/api/input``), Telegram through a fake Bot API driven by the
real aiogram bot (the tests' harness).  It answers some yes/no fields "yes" with a
description (typing the description straight away when the dialog takes that, else "Да"
and then the description), taps "Нет" on others, gives breakdowns in one message (or one
table on the web when the page shows one), says "no data" with a reason now and then,
gives one pair of numbers that does not add up and explains it, and submits.  In the
yes/no lists of block 1, after naming two risks it taps «Нет — на все оставшиеся пункты»
when the dialog offers it.

It counts every tap and every message sent as one action and prints, per kind and
channel and overall: actions per field answered (target ≤ 1.3; the floor is 1.0, one
input per value as in a spreadsheet cell) and the actions from opening the invitation to
the first question (target ≤ 3).  The person learns: a shortcut the dialog refuses once
(text at a yes/no prompt, say) costs that one action and is not tried again, so the
figure is what a person who knows the bot would spend.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.effort_channels import Channel, TelegramChannel, WebChannel  # noqa: E402
from dialogs.application.demo import seed_demo  # noqa: E402
from dialogs.contract import Input, Reply  # noqa: E402
from dialogs.questionnaire import default  # noqa: E402
from dialogs.schema import AnyField, Item  # noqa: E402
from storage.db import upgrade  # noqa: E402
from storage.repository import Store  # noqa: E402
from tests.engine.scripted import COUNTRY_WORDS, TOTAL, planned_counts  # noqa: E402

NO_DATA_EVERY = 11  # every 11th field: "no data" with a reason (two actions)
YES_EVERY = 3  # every 3rd yes/no field: "yes" with a description


def find_button(replies: list[Reply], *actions: str) -> Input | None:
    """The last reply's button whose action is one of ``actions`` (or starts with ``x*``)."""
    for reply in reversed(replies):
        for row in reply.buttons:
            for b in row:
                action = b.data.split("|", 1)[-1]
                for wanted in actions:
                    if action == wanted or (
                        wanted.endswith("*") and action.startswith(wanted[:-1])
                    ):
                        return Input.button(b.data)
    return None


@dataclass
class Person:
    """One person answering one organisation's questionnaire through one channel."""

    channel: Channel
    lang: str = "ru"
    index: int = 0
    mismatch_done: bool = False
    quick_yes: bool | None = None  # does typed text at a yes/no prompt answer "yes"?
    counts: dict[str, Any] = field(default_factory=dict)
    yeses: dict[str, int] = field(default_factory=dict)  # "yes" answers per item

    async def act(self, inp: Input | dict[str, Any]) -> list[Reply]:
        return await self.channel.send(inp)

    async def where(self) -> dict[str, Any]:
        return await self.channel.where()

    def form(self) -> dict[str, Any] | None:
        """The table of inputs the last question offers (web, with the engine's forms)."""
        for reply in reversed(self.channel.replies):
            form = self.channel.forms.get(id(reply))
            if form is not None:
                return form
        return None

    async def walk(self, limit: int = 3000) -> None:
        """Answer until the summary, then submit."""
        while True:
            state = await self.where()
            mode, code = state["mode"], state.get("code")
            assert self.channel.actions < limit, "the walk does not end"
            if mode == "confirm":
                submit = find_button(self.channel.replies, "submit")
                assert submit is not None, [r.text for r in self.channel.replies]
                await self.act(submit)
                return
            if mode == "field":
                await self.answer(code)
            else:
                await self.follow_up(mode, code)

    async def follow_up(self, mode: str, code: str | None) -> None:
        """A step inside a field: a description, a reason, a rule, a list entry …"""
        replies = self.channel.replies
        if mode == "describe":
            await self.act(Input.text(f"Описание: меры приняты, {code}"))
        elif mode == "no_data":
            await self.act(Input.text("Учёт не ведётся"))
        elif mode == "rule":
            explain = find_button(replies, "explain")
            assert explain is not None, [r.text for r in replies]
            await self.act(explain)
        elif mode == "rule_explain":
            await self.act(Input.text("Часть лиц учтена в двух категориях"))
        elif mode == "pick":
            pick = find_button(replies, "pick:*", "country:*")
            assert pick is not None, [r.text for r in replies]
            await self.act(pick)
        elif mode == "list_more":
            done = find_button(replies, "done")
            assert done is not None, [r.text for r in replies]
            await self.act(done)
        elif mode == "list_col":
            await self.act(Input.text(COUNTRY_WORDS[self.lang][0]))
        elif mode == "bd_value":
            await self.act(Input.text("1"))
        else:
            raise AssertionError(f"unexpected mode {mode}: {[r.text for r in replies]}")

    async def answer(self, code: str) -> None:
        q = default()
        _, item, fld = next(s for s in q.walk() if q.field_code(s[1], s[2]) == code)
        self.index += 1
        if self.index % NO_DATA_EVERY == 0 and fld.kind != "period":
            nd = find_button(self.channel.replies, "nd")
            if nd is not None:
                await self.act(nd)
                return  # the reason is asked next (mode no_data)
        await getattr(self, f"_{fld.kind}")(code, item, fld)

    async def _period(self, code: str, item: Item, fld: AnyField) -> None:
        ok = find_button(self.channel.replies, "ok")
        assert ok is not None
        await self.act(ok)

    async def _yes_no(self, code: str, item: Item, fld: AnyField) -> None:
        rest = find_button(self.channel.replies, "no_rest")
        if rest is not None and self.yeses.get(item.code, 0) >= 2:
            await self.act(rest)  # two risks named: "no" to every other point of the list
            return
        if self.index % YES_EVERY:
            no = find_button(self.channel.replies, "no")
            assert no is not None
            await self.act(no)
            return
        self.yeses[item.code] = self.yeses.get(item.code, 0) + 1
        text = f"Да, проводились проверки ({code})"
        if self.quick_yes is not False:
            await self.act(Input.text(text))
            state = await self.where()
            moved = state.get("code") != code or state["mode"] != "field"
            if self.quick_yes is None:
                self.quick_yes = moved
            if moved:
                return
        yes = find_button(self.channel.replies, "yes")
        assert yes is not None
        await self.act(yes)  # then the description (mode describe)

    async def _choice(self, code: str, item: Item, fld: AnyField) -> None:
        option = find_button(self.channel.replies, "opt:*")
        assert option is not None
        await self.act(option)  # a description may follow (mode describe)

    async def _multi_choice(self, code: str, item: Item, fld: AnyField) -> None:
        await self._choice(code, item, fld)

    async def _text(self, code: str, item: Item, fld: AnyField) -> None:
        await self.act(Input.text(f"Проведено 4 семинара для сотрудников ({code})"))

    async def _count(self, code: str, item: Item, fld: AnyField) -> None:
        counts = planned_counts(item)
        n = counts[fld.key]
        equal = [r for r in item.rules if r.check == "equal" and len(r.parts) == 2]
        if not self.mismatch_done and equal and fld.key == equal[0].parts[1]:
            n += 1  # one pair that does not add up: the dialog asks, the person explains
            self.mismatch_done = True
        self.counts[code] = n
        await self.act(Input.text(str(n)))

    async def _amount(self, code: str, item: Item, fld: AnyField) -> None:
        await self.act(Input.text("1 250 000 тг"))

    def _whole(self, item: Item, fld: AnyField) -> int:
        of = getattr(fld, "of", None)
        return int(self.counts.get(f"{item.code}.{of}", TOTAL)) if of else TOTAL

    async def _breakdown(self, code: str, item: Item, fld: AnyField) -> None:
        whole = self._whole(item, fld)
        cats = default().category_set(fld.categories).categories
        form = self.form()
        if form is not None:
            values = {cats[0].code: str(whole - 1), cats[-1].code: "1"}
            await self.act({"form": form["form"], "values": values})
            return
        _ = self.channel.translate
        text = f"{_(cats[0].label)} {whole - 1}, {_(cats[-1].label)} 1"
        await self.typed_breakdown(code, text)

    async def _open_breakdown(self, code: str, item: Item, fld: AnyField) -> None:
        whole = self._whole(item, fld)
        dim = next(d for d in default().dimensions if d.code == fld.dimension)
        _ = self.channel.translate
        if dim.code == "country":
            a, b = COUNTRY_WORDS[self.lang]
            text, values = f"{a} {whole - 2}, {b} 2", {"UZ": whole - 2, "KG": 2}
        elif dim.suggestions:
            label = _(dim.suggestions[0].label)
            text, values = f"{label} {whole}", {dim.suggestions[0].code: whole}
        else:
            text, values = f"казахи {whole}", {"казахи": whole}
        form = self.form()
        if form is not None:
            cells = {k: str(v) for k, v in values.items()}
            await self.act({"form": form["form"], "values": cells})
            return
        await self.typed_breakdown(code, text)

    async def typed_breakdown(self, code: str, text: str) -> None:
        await self.act(Input.text(text))
        state = await self.where()
        if state.get("code") == code and state["mode"] == "field":
            done = find_button(self.channel.replies, "done")
            if done is not None:  # the dialog waits for "Готово" though the sum matches
                await self.act(done)

    async def _list(self, code: str, item: Item, fld: AnyField) -> None:
        columns = fld.columns
        entry = {c.code: ("UZ" if c.kind == "country" else f"{c.code}: сведения") for c in columns}
        form = self.form()
        if form is not None:
            cells = {
                f"1.{c.code}": COUNTRY_WORDS[self.lang][0] if c.kind == "country" else entry[c.code]
                for c in columns
            }
            await self.act({"form": form["form"], "values": cells})
            return
        add = find_button(self.channel.replies, "add")
        if add is None:
            await self.act(Input.text("; ".join(str(v) for v in entry.values())))
            return
        await self.act(add)
        for c in columns:
            word = COUNTRY_WORDS[self.lang][0] if c.kind == "country" else entry[c.code]
            await self.act(Input.text(word))
        # then "another entry?" (mode list_more): done


@dataclass
class Walked:
    """One walk's figures."""

    kind: str
    channel: str
    to_first: int
    actions: int
    fields: int

    @property
    def per_field(self) -> float:
        return self.actions / self.fields if self.fields else 0.0


async def seeded(folder: Path, name: str) -> tuple[str, int, dict[str, tuple[int, str]]]:
    """A fresh demo database: its URL, the campaign, each kind's (organisation, token)."""
    url = f"sqlite+aiosqlite:///{folder / name}.db"
    await upgrade(url)
    store = Store.from_url(url)
    campaign, orgs = await seed_demo(store, today=date(2026, 2, 1))
    await store.close()
    return (
        url,
        campaign.id,
        {o.organisation.subject_kind: (o.organisation.id, o.token) for o in orgs},
    )


async def walk_one(channel: Channel, kind: str) -> Walked:
    to_first = await channel.open()
    before = channel.actions
    person = Person(channel)
    await person.walk()
    fields = await channel.answered()
    return Walked(kind, channel.name, to_first, channel.actions - before, fields)


async def run(kinds: list[str], channels: list[str]) -> list[Walked]:
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name in channels:
            url, campaign_id, orgs = await seeded(folder, name)
            for n, kind in enumerate(kinds):
                cls = WebChannel if name == "web" else TelegramChannel
                org_id, token = orgs[kind]
                async with cls(url, org_id, campaign_id, token, user_id=7000 + n) as channel:
                    results.append(await walk_one(channel, kind))
                    print(_row(results[-1]), flush=True)
    return results


def _row(w: Walked) -> str:
    return (
        f"{w.channel:<9} {w.kind:<26} to first question {w.to_first}  "
        f"{w.actions:>4} actions / {w.fields:>3} fields = {w.per_field:.2f}"
    )


def report(results: list[Walked]) -> None:
    print()
    for name in sorted({w.channel for w in results}):
        mine = [w for w in results if w.channel == name]
        actions, fields = sum(w.actions for w in mine), sum(w.fields for w in mine)
        print(
            f"{name:<9} overall {actions} / {fields} = {actions / fields:.2f} actions per field"
            f" (target ≤ 1.3); to first question max {max(w.to_first for w in mine)}"
            " (target ≤ 3)"
        )
    actions, fields = sum(w.actions for w in results), sum(w.fields for w in results)
    print(f"both      overall {actions} / {fields} = {actions / fields:.2f} actions per field")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kinds", help="subject kinds, comma-separated (default: all)")
    parser.add_argument("--channels", default="web,telegram")
    args = parser.parse_args()
    kinds = args.kinds.split(",") if args.kinds else [k.code for k in default().subject_kinds]
    report(asyncio.run(run(kinds, args.channels.split(","))))


if __name__ == "__main__":
    main()
