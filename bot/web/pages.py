"""The HTML of the web chat: the chat page and the polite error pages.

Everything variable is escaped with :func:`html.escape`; the pages carry no
inline script or style (the Content-Security-Policy forbids them).
"""

from __future__ import annotations

from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from bot.web.texts import LANG_LABELS, LANG_NAMES, page_text, returned_labels, ui_labels
from dialogs.application.returns import ReturnNotice

KZ = ZoneInfo("Asia/Almaty")


def _e(text: str) -> str:
    return escape(text, quote=True)


def error_page(lang: str, situation: str) -> str:
    """A small page that says what happened and what to do next."""
    title, body = page_text(lang, situation)
    brand = ui_labels(lang)["brand"]
    return f"""<!doctype html>
<html lang="{_e(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{_e(title)} — {_e(brand)}</title>
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/static/chat.css">
</head>
<body class="notice-page">
<main class="notice" aria-labelledby="notice-title">
<p class="brand-mark" aria-hidden="true">{_e(brand)}</p>
<h1 id="notice-title">{_e(title)}</h1>
<p>{_e(body)}</p>
</main>
</body>
</html>
"""


def returned_data(lang: str, notice: ReturnNotice | None) -> dict[str, Any] | None:
    """The banner's texts in ``lang`` (``None`` when not returned): the page draws them on
    load, ``chat.js`` again after a language switch (with ``textContent``)."""
    if notice is None:
        return None
    t = returned_labels(lang)
    when = ""
    if notice.returned_at is not None:
        when = t["when"].format(day=notice.returned_at.astimezone(KZ).strftime("%d.%m.%Y"))
    return {
        "title": t["title"],
        "when": when,
        "note": t["note"].format(note=notice.reason) if notice.reason else "",
        "lead": t["items"] if notice.items else t["whole"],
        "items": [
            {
                "item": f"{i.number}. {i.question}",
                "note": t["note"].format(note=i.note) if i.note else "",
            }
            for i in notice.items
        ],
    }


def returned_banner(lang: str, notice: ReturnNotice | None) -> str:
    """The banner above the chat of a returned questionnaire: the items to correct with
    the coordinator's note on each, and the general note (empty when not returned)."""
    d = returned_data(lang, notice)
    if d is None:
        return ""
    when = f' <span class="returned-when">{_e(d["when"])}</span>' if d["when"] else ""
    parts = [f'<h2 id="returned-title">{_e(d["title"])}{when}</h2>']
    if d["note"]:
        parts.append(f'<p class="returned-note">{_e(d["note"])}</p>')
    parts.append(f'<p class="returned-lead">{_e(d["lead"])}</p>')
    if d["items"]:
        rows = "".join(
            f'<li><span class="returned-item">{_e(i["item"])}</span>'
            + (f'<span class="returned-note">{_e(i["note"])}</span>' if i["note"] else "")
            + "</li>"
            for i in d["items"]
        )
        parts.append(f'<ul class="returned-items">{rows}</ul>')
    body = "\n".join(parts)
    return (
        '<section class="returned" id="returned" role="region"'
        f' aria-labelledby="returned-title" tabindex="0">\n{body}\n</section>'
    )


def chat_page(
    lang: str,
    csrf: str,
    *,
    mode: str = "web",
    organisation: str = "",
    returned: ReturnNotice | None = None,
) -> str:
    """The chat page; ``mode`` "tg" signs in from the Mini App's initData first;
    ``returned``: the return the questionnaire is under, shown above the chat."""
    t = ui_labels(lang)
    langs = "\n".join(
        f'<button type="button" class="lang" data-lang="{code}" lang="{code}" '
        f'aria-pressed="{"true" if code == lang else "false"}" '
        f'title="{_e(LANG_NAMES[code])}">{_e(label)}</button>'
        for code, label in LANG_LABELS.items()
    )
    data = " ".join(
        f'data-t-{key}="{_e(value)}"' for key, value in t.items() if key in _SCRIPT_TEXTS
    )
    return f"""<!doctype html>
<html lang="{_e(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="referrer" content="no-referrer">
<meta name="csrf-token" content="{_e(csrf)}">
<meta name="theme-color" content="#1d4f91">
<title data-ui="title">{_e(t["title"])}</title>
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/static/chat.css">
<script src="/static/sheet.js" defer></script>
<script src="/static/chat.js" defer></script>
</head>
<body class="chat-page" data-mode="{_e(mode)}" {data}>
<div class="app">
<header class="top">
  <div class="top-row">
    <div class="brand">
      <span class="logo" aria-hidden="true">С</span>
      <div class="brand-text">
        <span class="brand-name" data-ui="brand">{_e(t["brand"])}</span>
        <span class="org" id="org">{_e(organisation)}</span>
      </div>
    </div>
    <div class="langs" role="group" aria-label="{_e(t["language"])}" data-ui-label="language">
{langs}
    </div>
  </div>
  <div class="progress-row">
    <label for="progress" class="progress-label" id="progress-text">{_e(t["progress"])}</label>
    <progress id="progress" max="1" value="0"></progress>
  </div>
  <nav class="actions" aria-label="{_e(t["actions"])}" data-ui-label="actions">
    <button type="button" data-cmd="menu" data-ui="menu">{_e(t["menu"])}</button>
    <button type="button" data-cmd="review" data-ui="review">{_e(t["review"])}</button>
    <button type="button" data-cmd="submit" class="primary-outline" data-ui="submit">{_e(t["submit"])}</button>
    <button type="button" data-cmd="help" class="icon" aria-label="{_e(t["help"])}" title="{_e(t["help"])}" data-ui-label="help">?</button>
  </nav>
</header>
<main id="main" class="main" aria-labelledby="page-title">
  <h1 id="page-title" class="visually-hidden" data-ui="heading">{_e(t["heading"])}</h1>
  {returned_banner(lang, returned)}
  <div id="transcript" class="transcript" role="log" aria-live="polite" aria-relevant="additions" aria-label="{_e(t["transcript"])}" data-ui-label="transcript" tabindex="-1">
    <p class="hint" id="tagline" data-ui="tagline">{_e(t["tagline"])}</p>
  </div>
  <form id="composer" class="composer" autocomplete="off" aria-label="{_e(t["message"])}" data-ui-label="message">
    <label for="message" class="visually-hidden" data-ui="message">{_e(t["message"])}</label>
    <textarea id="message" name="message" rows="1" maxlength="4000" enterkeyhint="send" placeholder="{_e(t["placeholder"])}" data-ui-placeholder="placeholder"></textarea>
    <button type="submit" id="send" class="send" data-ui="send">{_e(t["send"])}</button>
  </form>
</main>
</div>
</body>
</html>
"""


#: Labels the script needs as data (it writes them with textContent).
_SCRIPT_TEXTS = {
    "you",
    "bot",
    "done",
    "loading",
    "offline",
    "ended",
    "failed",
    "more",
    "less",
    "not_ready",
    "total",
    "add_row",
    "remove_row",
    "send_form",
    "total_plain",
    "category",
    "count",
    "table",
    "edit",
    "explained",
}
