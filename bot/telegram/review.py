"""A block's review as Telegram messages a phone reads: drawn from the engine's entries
(``Reply.review``), one line per field, long answers shortened behind a button.

Why not the review's text: it is one long block of text, which Telegram cuts at 4096
characters wherever a line ends, and an answer of a thousand characters buries the rest.
Here every field is one line with its item's number and its full label; an answer (or an
explanation) over :data:`FOLD_CHARS` is shortened, marked ``[1]``, ``[2]`` … and the button
«Показать полностью [1]» under the message sends it whole (a read, not a dialog step: it
works on an old review too and changes nothing).  A block is one message; a block too long
for one is split between items (between entries inside an item too long itself), never
inside an entry, each part with the buttons of the answers it shortened.  The engine's
buttons (one «Изменить» per item, the other blocks, continue, submit) go under the last.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.telegram.limits import MESSAGE_LIMIT, utf16_len
from dialogs import i18n
from dialogs.contract import Button, Reply, ReviewEntry
from dialogs.i18n import N_

#: An answer longer than this is shortened in the review (a phone screen holds ~600).
FOLD_CHARS = 300
#: An item's question heads its lines this short (the dialog asked it in full; here it
#: only says which item the lines answer, and block 2's thirteen questions in full fill a
#: message by themselves).
QUESTION_CHARS = 90
#: Callback data of «Показать полностью»: this prefix and the entry's code (no nonce:
#: reading an answer is allowed from any review, however old).
FULL = "full:"

SHOW_FULL = N_("Показать полностью [{n}]")
EXPLAINED = N_("Пояснение: {text}")
GONE = N_(
    "Этого ответа в анкете уже нет (его изменили или анкета сменилась). "
    "Откройте просмотр заново: /review."
)

Rows = list[list[Button]]


@dataclass
class Part:
    """One message of a review: its text and the «Показать полностью» buttons of its lines."""

    lines: list[str] = field(default_factory=list)
    rows: Rows = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def short(text: str, limit: int) -> str:
    """``text`` cut at a word before ``limit`` characters, with «…» (whole if it fits)."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.—-") + "…"


def shorten(text: str, marker: str) -> str:
    """``text`` cut at a word before :data:`FOLD_CHARS`, ending with ``… [n]``."""
    return f"{short(text, FOLD_CHARS)} {marker}"


def entry_line(e: ReviewEntry, lang: str, folded: int) -> tuple[str, bool]:
    """One entry as one line (``2.4 Label: answer``); True if it had to be shortened
    (it is then footnote number ``folded``)."""
    _ = i18n.translator(lang)
    marker = f"[{folded}]"
    long = len(e.answer) > FOLD_CHARS or len(e.note or "") > FOLD_CHARS
    answer = shorten(e.answer, marker) if len(e.answer) > FOLD_CHARS else e.answer
    if e.kind == "mismatch":
        line = f"{e.item} {'⚠' if e.note is None else '✓'} {answer}"
        if e.note is not None:
            note = shorten(e.note, marker) if len(e.note) > FOLD_CHARS else e.note
            line += " " + _(EXPLAINED).format(text=note)
        return line, long
    return f"{e.item} {labelled(e.label, answer)}", long


def labelled(label: str, answer: str) -> str:
    """``Label: answer``; a label that asks («…преступлений?») gets a dash, not «?:»."""
    return f"{label} — {answer}" if label.endswith(("?", ":")) else f"{label}: {answer}"


Line = tuple[str, Button | None]


def item_lines(reply: Reply, lang: str) -> list[list[Line]]:
    """Each item of the review: its question, then one line per entry, each with the
    button of its whole answer if it had to be shortened (numbered through the block)."""
    _ = i18n.translator(lang)
    items: list[list[Line]] = []
    folded = 0
    for e in reply.review:
        heading = f"{e.item}. {short(e.question, QUESTION_CHARS)}"
        if not items or items[-1][0][0] != heading:
            items.append([(heading, None)])
        line, long = entry_line(e, lang, folded + 1)
        button = None
        if long and e.code:
            folded += 1
            button = Button(_(SHOW_FULL).format(n=folded), FULL + e.code)
        items[-1].append((line, button))
    return items


def review_parts(reply: Reply, lang: str, limit: int = MESSAGE_LIMIT) -> list[Part]:
    """The review as messages of at most ``limit`` characters, split between items (or
    between an item's entries), the engine's buttons under the last."""
    title = reply.text.split("\n", 1)[0]  # "Блок 2. …": the review text opens with it
    parts = [Part([title])]
    for lines in item_lines(reply, lang):
        chunk = "\n".join(text for text, _ in lines)
        if utf16_len(f"{parts[-1].text}\n\n{chunk}") > limit:
            parts.append(Part())
        elif parts[-1].lines:
            parts[-1].lines.append("")
        for text, button in lines:  # an item longer than a message goes on by entries
            if parts[-1].lines and utf16_len(f"{parts[-1].text}\n{text}") > limit:
                parts.append(Part())
            parts[-1].lines.append(text)
            if button is not None:
                parts[-1].rows.append([button])
    parts[-1].rows.extend(list(row) for row in reply.buttons)
    return [p for p in parts if p.text.strip()]


def full_text(e: ReviewEntry, lang: str) -> str:
    """An entry whole, for «Показать полностью»: the item and label, then the answer."""
    _ = i18n.translator(lang)
    if e.kind == "mismatch":
        head = f"{e.item} {'⚠' if e.note is None else '✓'} {e.answer}"
        return head if e.note is None else head + "\n\n" + _(EXPLAINED).format(text=e.note)
    return f"{e.item}. {e.question}\n{e.label}\n\n{e.answer}"
