"""Delivering planned reminders: claim just before the send, never across a wait.

For each reminder due, a worker (several run at once, so a slow answer from one chat
does not hold the others; the channel's send budget keeps the pace):

1. asks the channel's sender to ``reserve`` a place in its send budget (may wait);
2. claims the delivery in storage (a committed ``pending`` row; another run that holds
   or has sent it wins, and this one moves on);
3. sends, and records ``sent``, or ``failed`` with the error.

When the channel says to wait (:class:`~dialogs.application.outgoing.Throttled`,
Telegram's 429), the claim is given back (recorded ``failed``, which anyone may claim
again) *before* waiting, then the worker tries again: a sender killed while it waits
leaves nothing that blocks another.  A claim is held only during one send, so a claim
left by a sender that died mid-send is taken over after
:attr:`~storage.repository.Store.REMINDER_CLAIM_TIMEOUT` (one minute).
:class:`~dialogs.application.outgoing.Undeliverable` (Telegram's 403) records the
contact once as undeliverable on that channel; it is not tried again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

from dialogs.application.outgoing import Sender, Throttled, Undeliverable

if TYPE_CHECKING:
    from dialogs.application.reminders import Delivery, Reminders

log = logging.getLogger(__name__)

#: Length of a send error kept in storage.
MAX_ERROR = 500
#: How many times one reminder waits out the channel's flood control before giving up
#: for this run (it stays ``failed`` and the next run tries again).
THROTTLE_TRIES = 5
#: The longest wait asked by the channel that is honoured (Telegram asks seconds).
MAX_WAIT = 120.0


def _error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:MAX_ERROR]


async def deliver_all(
    reminders: Reminders,
    senders: Mapping[str, Sender],
    planned: list[Delivery],
    *,
    concurrency: int = 8,
) -> list[Delivery]:
    """Deliver every ``due`` one of ``planned``; the others are returned as they are.

    In the order planned; a reminder another run has (or has sent) is left out.
    """
    results: list[Delivery | None] = [None] * len(planned)
    queue: asyncio.Queue[int] = asyncio.Queue()
    for n, item in enumerate(planned):
        if item.status == "due":
            queue.put_nowait(n)
        else:
            results[n] = item

    async def worker() -> None:
        while not queue.empty():
            n = queue.get_nowait()
            item = planned[n]
            assert item.channel is not None
            results[n] = await deliver(reminders, senders[item.channel], item)

    workers = [
        asyncio.create_task(worker()) for _ in range(max(1, min(concurrency, queue.qsize())))
    ]
    try:
        await asyncio.gather(*workers)
    finally:
        for task in workers:
            task.cancel()
    return [r for r in results if r is not None]


async def deliver(reminders: Reminders, sender: Sender, item: Delivery) -> Delivery | None:
    """Claim, send, record one reminder; ``None`` if another run has it already."""
    store, clock = reminders.store, reminders.clock
    key = (item.campaign_id, item.contact_id, item.kind)
    assert item.channel is not None
    message = item.outgoing()
    for attempt in range(1, THROTTLE_TRIES + 1):
        reserve = getattr(sender, "reserve", None)
        if reserve is not None:
            await reserve(message)
        claimed = await store.claim_reminder(
            *key, channel=item.channel, deadline=item.deadline, now=clock()
        )
        if not claimed:
            return None  # sent already, or being sent by another run
        try:
            await sender.send(message)
        except Throttled as exc:
            error = _error(exc)
            await store.finish_reminder(
                *key, status="failed", error=error, deadline=item.deadline, now=clock()
            )
            if attempt == THROTTLE_TRIES:
                return replace(item, status="failed", error=error)
            wait = min(exc.retry_after, MAX_WAIT)
            log.warning("reminder to contact %s throttled: waiting %ss", item.contact_id, wait)
            await reminders.sleep(wait)  # with the claim given back
            continue
        except Undeliverable as exc:
            return await _undeliverable(reminders, item, exc)
        except Exception as exc:
            error = _error(exc)
            log.warning(
                "reminder %s of campaign %s to contact %s failed (retried next run): %s",
                item.kind, item.campaign_id, item.contact_id, error,
            )  # fmt: skip
            await store.finish_reminder(
                *key, status="failed", error=error, deadline=item.deadline, now=clock()
            )
            return replace(item, status="failed", error=error)
        await store.finish_reminder(*key, status="sent", deadline=item.deadline, now=clock())
        return replace(item, status="sent", error=None)
    raise AssertionError("unreachable")  # pragma: no cover


async def _undeliverable(reminders: Reminders, item: Delivery, exc: Exception) -> Delivery:
    """Record the contact once as unreachable on this channel; the delivery as failed."""
    store = reminders.store
    assert item.channel is not None
    error = _error(exc)
    await store.finish_reminder(
        item.campaign_id, item.contact_id, item.kind,
        status="failed", error=f"undeliverable: {error}", deadline=item.deadline,
        now=reminders.clock(),
    )  # fmt: skip
    new = await store.mark_undeliverable(
        item.contact_id, item.channel, str(exc) or type(exc).__name__, campaign_id=item.campaign_id
    )
    if new:
        log.warning(
            "contact %s is undeliverable on %s (%s): not tried again",
            item.contact_id, item.channel, error,
        )  # fmt: skip
    return replace(item, status="undeliverable", error=str(exc) or type(exc).__name__)
