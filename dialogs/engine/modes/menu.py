"""The menu of blocks (``MENU``) and of a block's items (``ITEMS``): jump anywhere."""

from __future__ import annotations

from dialogs.contract import Mode
from dialogs.engine import flow
from dialogs.engine.turn import Turn
from dialogs.engine.views import Screen
from dialogs.render import shorten


def menu(t: Turn) -> None:
    t.enter(Mode.MENU)
    t.show()


def open_block(t: Turn, number: int) -> None:
    """The items of block ``number``; the menu if the organisation does not answer it."""
    if t.walk.first_of_block(number) is None:
        menu(t)
        return
    t.enter(Mode.ITEMS)
    t.state.draft["block"] = number
    t.show()


class Menu(Screen):
    def show(self, t: Turn) -> None:
        _ = t._
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

    def on_button(self, t: Turn, action: str) -> bool:
        if action.startswith("blk:") and action[4:].isdigit():
            open_block(t, int(action[4:]))
        elif action == "resume":
            t.enter(Mode.FIELD)
            flow.resume(t)
        else:
            return False
        return True


class Items(Screen):
    def show(self, t: Turn) -> None:
        _ = t._
        number = int(t.state.draft.get("block", 1))
        if t.walk.first_of_block(number) is None:
            menu(t)
            return
        block = t.q.block(number)
        lines = [
            _("Блок {n}. {title}").format(n=number, title=_(block.title)),
            _("Выберите пункт:"),
        ]
        buttons = []
        for item in block.items:
            codes = [t.q.field_code(item, f) for f in item.fields]
            done = sum(1 for c in codes if c in t.ctx.answers)
            lines.append(
                f"{number}.{item.number}. {shorten(_(item.question), 70)} — {done}/{len(codes)}"
            )
            buttons.append((f"{number}.{item.number}", f"itm:{item.code}"))
        rows = [buttons[i : i + 4] for i in range(0, len(buttons), 4)]
        rows.append([(_("Просмотр блока"), f"rev:{number}"), (_("Назад"), "cmd:menu")])
        t.ask("\n".join(lines), rows)

    def on_button(self, t: Turn, action: str) -> bool:
        if action.startswith("itm:"):
            pos = t.walk.first_of_item(action[4:])
            if pos is None:
                return False
            t.state.shown_item = None
            flow.goto(t, pos)
            return True
        if action.startswith("rev:") and action[4:].isdigit():
            flow.review(t, int(action[4:]))
            return True
        return False
