"""Which prompt an input answers, and what the last step answered (issue 10).

Why: typed text used to carry nothing tying it to the question shown, so with two tabs
(or web and Telegram at once) a number typed for one question was stored in the next.
Now every input names a prompt: the web client sends the nonce of the prompt it showed,
a button carries it, Telegram text is bound to the last prompt shown in that chat.  The
service remembers, in the stored dialog state (beside the engine's own state):

* ``prompts``: the last few prompt numbers with where the dialog stood (mode, field,
  draft) — an input for an older prompt is still taken if the dialog stands exactly there
  (a prompt shown again, e.g. by a second tab), else it is refused, never replayed on
  another question;
* ``last``: the prompt, a digest of the input and the replies of the last step, so a
  resend of the same input after a crash (the reply never arrived) is answered as the
  original was, and stored once;
* ``shown``: per channel, the last prompt delivered there (Telegram has no prompt id).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from dialogs import i18n
from dialogs.contract import (
    Button,
    Category,
    Chosen,
    Expects,
    Input,
    ListColumn,
    Reply,
    ReviewEntry,
    State,
)
from dialogs.i18n import N_
from dialogs.schema import Questionnaire

#: How many recent prompts are remembered (a second tab, a slow channel, a few steps back).
KEPT_PROMPTS = 8

TYPED_FOR_ANSWERED = N_(
    "Это сообщение было набрано для вопроса {old}, на который уже ответили; "
    "вот вопрос {new}. Ответ не записан — если нужно, ответьте ещё раз."
)
TYPED_FOR_EARLIER = N_(
    "Это сообщение было набрано для прошлого вопроса, а диалог уже ушёл дальше; "
    "вот текущий вопрос. Ответ не записан — если нужно, ответьте ещё раз."
)


def prompt_of(inp: Input) -> int | None:
    """The prompt an input was given for: a text's named prompt, a button's nonce."""
    if inp.kind == "text":
        return inp.prompt
    if inp.kind == "button":
        nonce = inp.value.partition("|")[0]
        return int(nonce) if nonce.isdigit() and len(nonce) < 12 else None
    return None


def where(state: State) -> str:
    """Where the dialog stands, independent of the prompt counter (same place, same key)."""
    draft = {k: v for k, v in state.draft.items() if k not in ("seen_version", "version")}
    return json.dumps([state.mode.value, state.code, draft], sort_keys=True, default=str)


def digest(inp: Input) -> str:
    """A short fingerprint of what was sent (never the text itself)."""
    raw = f"{inp.kind}\x00{inp.value}".encode()
    return hashlib.sha256(raw).hexdigest()[:24]


def remember_prompt(stored: dict[str, Any], state: State) -> None:
    """Note the prompt now on screen with where the dialog stands."""
    prompts: dict[str, Any] = dict(stored.get("prompts") or {})
    prompts[str(state.nonce)] = {"at": where(state), "code": state.code}
    for old in sorted(prompts, key=int)[:-KEPT_PROMPTS]:
        del prompts[old]
    stored["prompts"] = prompts


def still_here(stored: dict[str, Any], prompt: int, state: State) -> bool:
    """Was ``prompt`` shown where the dialog stands now (so an answer to it is for here)?"""
    seen = (stored.get("prompts") or {}).get(str(prompt))
    return seen is not None and seen.get("at") == where(state)


def shown_code(stored: dict[str, Any], prompt: int) -> str | None:
    seen = (stored.get("prompts") or {}).get(str(prompt))
    return seen.get("code") if seen else None


def item_label(q: Questionnaire, code: str | None) -> str | None:
    """``"2.5"``: the block and item of a field code (``b02.i05.victims``), as people read it."""
    if not code or not code.startswith("b"):
        return None
    parts = code.split(".")
    try:
        block, item = int(parts[0][1:]), int(parts[1][1:])
    except (IndexError, ValueError):
        return None
    return f"{block}.{item}"


def refusal(q: Questionnaire, lang: str, old_code: str | None, new_code: str | None) -> Reply:
    """ "This was typed for 2.5, which has since been answered; here is 2.6"."""
    _ = i18n.translator(lang)
    old, new = item_label(q, old_code), item_label(q, new_code)
    if old and new and old != new:
        return Reply(_(TYPED_FOR_ANSWERED).format(old=old, new=new), (), "error")
    return Reply(_(TYPED_FOR_EARLIER), (), "error")


def record_last(
    stored: dict[str, Any],
    inp: Input,
    prompt: int | None,
    replies: list[Reply],
    progress: tuple[int, int] | None,
    updates: Sequence[int] = (),
) -> None:
    """Keep what this step answered, for a resend of the same input (or update)."""
    stored["last"] = {
        "prompt": prompt,
        "input": digest(inp),
        "replies": [_reply_json(r) for r in replies],
        "progress": list(progress) if progress else None,
        "updates": list(updates),
    }


def resent(stored: dict[str, Any], inp: Input, prompt: int | None) -> dict[str, Any] | None:
    """The last step's record if ``inp`` is that step's input sent again, else ``None``."""
    last = stored.get("last")
    if not last or prompt is None or last.get("prompt") != prompt:
        return None
    return dict(last) if last.get("input") == digest(inp) else None


def replies_of(last: dict[str, Any]) -> list[Reply]:
    return [_reply(r) for r in last.get("replies") or []]


def _reply_json(reply: Reply) -> dict[str, Any]:
    """The whole reply (what it expects, the button it follows, a review's entries too):
    a resend is answered exactly as the original was."""
    rows = [[[b.label, b.data] for b in row] for row in reply.buttons]
    data: dict[str, Any] = {"text": reply.text, "kind": reply.kind, "buttons": rows}
    if reply.expects is not None:
        e = reply.expects
        data["expects"] = {
            "text": e.text,
            "field": e.field,
            "kind": e.kind,
            "categories": [[c.code, c.label, c.value] for c in e.categories],
            "open": e.open,
            "total": e.total,
            "total_label": e.total_label,
            "columns": [[c.code, c.label, c.kind] for c in e.columns],
            "rows": [[[k, v] for k, v in row] for row in e.rows],
            "form": e.form,
        }
    if reply.chosen is not None:
        data["chosen"] = [reply.chosen.nonce, reply.chosen.label]
    if reply.review:
        data["review"] = [
            [r.item, r.question, r.label, r.answer, r.kind, r.note, r.edit, r.code]
            for r in reply.review
        ]
    return data


def _expects(data: dict[str, Any]) -> Expects:
    return Expects(
        text=data["text"],
        field=data["field"],
        kind=data["kind"],
        categories=tuple(Category(code, label, value) for code, label, value in data["categories"]),
        open=data["open"],
        total=data["total"],
        total_label=data["total_label"],
        columns=tuple(ListColumn(code, label, kind) for code, label, kind in data["columns"]),
        rows=tuple(tuple((k, v) for k, v in row) for row in data["rows"]),
        form=data["form"],
    )


def _reply(data: dict[str, Any]) -> Reply:
    rows = tuple(tuple(Button(label, value) for label, value in row) for row in data["buttons"])
    expects = _expects(data["expects"]) if data.get("expects") else None
    chosen = Chosen(*data["chosen"]) if data.get("chosen") else None
    review = tuple(ReviewEntry(*entry) for entry in data.get("review") or ())
    return Reply(data["text"], rows, data["kind"], expects, chosen, review)
