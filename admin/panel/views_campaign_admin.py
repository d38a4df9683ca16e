"""Opening, closing and moving the deadline of a campaign from its page.

Each form calls the function ``python -m admin campaign …`` calls (:mod:`admin.ops`):
:func:`~admin.ops.campaigns.open_campaign`, :func:`~admin.ops.campaigns.move_deadline`,
:func:`~admin.ops.progress.close_with_check` (closing with organisations missing needs
the second, confirming press, as the CLI's ``--yes``).  The answer is a redirect to the
campaign page saying what happened (or why not), so a reload repeats nothing.
"""

from __future__ import annotations

from datetime import date

from aiohttp import web
from yarl import URL

from admin.ops.campaigns import move_deadline, open_campaign
from admin.ops.errors import OpsError
from admin.ops.progress import close_with_check
from admin.panel.views_campaigns import campaign_id
from admin.panel.web import PREFIX, form_value, panel_of, see_other, visitor
from storage import errors


def _back(request: web.Request, **query: str) -> web.Response:
    url = URL(f"{PREFIX}/campaigns/{campaign_id(request)}").with_query(query)
    return see_other(url.with_fragment("manage"))


async def open_(request: web.Request) -> web.StreamResponse:
    try:
        await open_campaign(
            panel_of(request).store, campaign_id(request), actor=visitor(request).actor
        )
    except errors.NotFound:
        raise web.HTTPNotFound() from None
    except (errors.StorageError, OpsError, ValueError):
        return _back(request, problem="transition")
    return _back(request, done="opened")


async def deadline(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    try:
        moved = date.fromisoformat(form_value(form, "deadline", 20))
    except ValueError:
        return _back(request, problem="date")
    try:
        await move_deadline(panel_of(request).store, campaign_id(request), moved,
                            actor=visitor(request).actor)  # fmt: skip
    except errors.NotFound:
        raise web.HTTPNotFound() from None
    except (errors.StorageError, OpsError, ValueError):
        return _back(request, problem="deadline_bad")
    return _back(request, done="deadline")


async def close(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    confirmed = form_value(form, "confirm", 5) == "1"
    try:
        result = await close_with_check(panel_of(request).store, campaign_id(request),
                                        confirmed=confirmed, actor=visitor(request).actor)  # fmt: skip
    except errors.NotFound:
        raise web.HTTPNotFound() from None
    except (errors.StorageError, OpsError, ValueError):
        return _back(request, problem="transition")
    if not result.closed:
        return _back(request, confirm_close=str(len(result.not_submitted)))
    return _back(request, done="closed")
