"""Delivering planned reminders: claimed a second's worth at a time, each sent the moment
its place in the send budget comes, the outcomes recorded in batches.

Why this shape: at Telegram's 30 messages a second a send has 33 ms, and two commits
per message (claim, outcome) with the claim's commit between the budget's slot and the
request made the database the pace and bunched the requests (429s).  So, per channel:

1. :data:`BATCH` deliveries (about a second of the budget) are claimed in ONE
   transaction (``Store.claim_reminders``), the next batch while this one is sent; a
   delivery another run has (or has sent) is left out;
2. each claimed one waits for its place in the channel's send budget (the sender's
   ``reserve``, if it has one) and its request leaves right after, nothing in between;
3. outcomes (``sent``, ``failed`` with the error) go to a :class:`_Recorder` that writes
   whatever has come in, one transaction at a time, off the senders' path.

When the channel says to wait (:class:`~dialogs.application.outgoing.Throttled`,
Telegram's 429), that delivery's claim is given back (recorded ``failed``), the sends in
flight finish, every claim not yet sent is given back (``Store.release_reminders``: the
log as before the claim) *before* waiting, then the rest is claimed again: a sender
killed while it waits leaves nothing that blocks another.  Claims are held for about a
second of sends; one older than :data:`FRESH_FOR` when its turn comes is given back and
claimed again, so a claim never outlives
:attr:`~storage.repository.Store.REMINDER_CLAIM_TIMEOUT` (one minute), after which a
dead sender's claims are taken over; a sender stopped (cancelled) gives back the claims
it has not started sending.  :class:`~dialogs.application.outgoing.Undeliverable`
(Telegram's 403) records the contact once as undeliverable on that channel; it is not
tried again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from dialogs.application.outgoing import Sender, Throttled, Undeliverable
from dialogs.application.reminder_recorder import Recorder, key_of

if TYPE_CHECKING:
    from dialogs.application.reminders import Delivery, Reminders
    from storage.repository import ReminderClaim

log = logging.getLogger(__name__)

#: Length of a send error kept in storage.
MAX_ERROR = 500
#: How many times one reminder waits out the channel's flood control before giving up
#: for this run (it stays ``failed`` and the next run tries again).
THROTTLE_TRIES = 5
#: The longest wait asked by the channel that is honoured (Telegram asks seconds).
MAX_WAIT = 120.0
#: Deliveries claimed in one transaction: about a second of Telegram's budget.
BATCH = 30
#: Seconds a claim may wait for its turn before it is given back and claimed afresh
#: (half the claim timeout: a claim is never taken over while it is about to be sent).
FRESH_FOR = 30.0


def _error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:MAX_ERROR]


@dataclass(slots=True)
class _Job:
    """One planned delivery on its way: where its result goes, its tries, its claim."""

    index: int
    item: Delivery
    attempt: int = 1
    claim: ReminderClaim | None = None
    claimed: float = 0.0  # time.monotonic() of the claim


async def deliver_all(
    reminders: Reminders,
    senders: Mapping[str, Sender],
    planned: list[Delivery],
    *,
    concurrency: int = 8,
) -> list[Delivery]:
    """Deliver every ``due`` one of ``planned``; the others are returned as they are.

    In the order planned, each channel on its own (``concurrency``: requests in flight
    at once per channel); a reminder another run has (or has sent) is left out.
    """
    results: list[Delivery | None] = [None if p.status == "due" else p for p in planned]
    jobs: dict[str, list[_Job]] = {}
    for n, item in enumerate(planned):
        if item.status == "due":
            assert item.channel is not None
            jobs.setdefault(item.channel, []).append(_Job(n, item))
    if not jobs:
        return [r for r in results if r is not None]
    recorder = Recorder(reminders.store, reminders.clock)
    runs = [
        asyncio.create_task(
            _Channel(reminders, senders[channel], queue, results, recorder).run(concurrency)
        )
        for channel, queue in jobs.items()
    ]
    try:
        await asyncio.gather(*runs)  # a channel that fails (or is stopped) stops the others
    finally:
        for run in runs:
            run.cancel()
        await asyncio.gather(*runs, return_exceptions=True)  # each gives its claims back
        await recorder.close()
    return [r for r in results if r is not None]


class _Channel:
    """The deliveries of one channel: claim ahead, send on the budget's beat, record."""

    def __init__(
        self,
        reminders: Reminders,
        sender: Sender,
        jobs: list[_Job],
        results: list[Delivery | None],
        recorder: Recorder,
    ) -> None:
        self.reminders, self.sender, self.results, self.recorder = (
            reminders, sender, results, recorder,
        )  # fmt: skip
        self.pending: deque[_Job] = deque(jobs)
        self.held: deque[_Job] = deque()  # claimed, not sent yet
        self.inflight: set[asyncio.Task[None]] = set()
        self.waits: list[float] = []  # what 429s asked since the last pause
        self.stopped = False  # a send was cancelled: the process is stopping

    async def run(self, concurrency: int) -> None:
        slots = asyncio.Semaphore(max(1, concurrency))
        ahead: asyncio.Task[list[_Job]] | None = None
        try:
            while True:
                if not self.held:
                    ahead = ahead or self._claim_next()
                    if ahead is None:  # nothing left to claim: the last sends, a 429?
                        await asyncio.gather(*self.inflight)
                        if self.stopped:
                            raise asyncio.CancelledError
                        if self.waits:
                            await self._pause()
                        if not self.pending:
                            break
                        continue
                    claiming, ahead = ahead, None
                    self.held.extend(await claiming)
                    ahead = self._claim_next()  # the next second's, while this one goes
                    continue
                await slots.acquire()
                if self.stopped:
                    raise asyncio.CancelledError
                if self.waits:
                    slots.release()
                    if ahead is not None:
                        claiming, ahead = ahead, None
                        self.held.extend(await claiming)
                    await self._pause()
                    continue
                await self._dispatch(self.held.popleft(), slots)
        finally:
            await self._give_back(ahead)

    def _claim_next(self) -> asyncio.Task[list[_Job]] | None:
        """Claim the next :data:`BATCH` pending deliveries (a task), or ``None``: all done."""
        if not self.pending:
            return None
        batch = [self.pending.popleft() for _ in range(min(BATCH, len(self.pending)))]
        return asyncio.create_task(self._claim(batch))

    async def _claim(self, batch: list[_Job]) -> list[_Job]:
        wanted = [(key_of(j.item), j.item.channel or "") for j in batch]
        claims = await self.reminders.store.claim_reminders(wanted, now=self.reminders.clock())
        at = time.monotonic()
        got = []
        for job in batch:
            job.claim, job.claimed = claims.get(key_of(job.item)), at
            if job.claim is not None:
                got.append(job)
        return got

    async def _dispatch(self, job: _Job, slots: asyncio.Semaphore) -> None:
        """Wait for the job's place in the budget, then start its send at once."""
        if time.monotonic() - job.claimed > FRESH_FOR:
            slots.release()
            await self._release([job])
            self.pending.appendleft(job)
            return
        message = job.item.outgoing()
        reserve = getattr(self.sender, "reserve", None)
        try:
            if reserve is not None:
                await reserve(message)
        except BaseException:
            slots.release()
            self.held.appendleft(job)  # not sent: given back with the others
            raise
        task = asyncio.create_task(self._send(job))
        self.inflight.add(task)
        task.add_done_callback(lambda t: self._done(t, slots))

    def _done(self, task: asyncio.Task[None], slots: asyncio.Semaphore) -> None:
        self.inflight.discard(task)
        slots.release()
        if task.cancelled():
            self.stopped = True

    async def _send(self, job: _Job) -> None:
        item, store, clock = job.item, self.reminders.store, self.reminders.clock
        key = key_of(item)
        try:
            await self.sender.send(item.outgoing())
        except Throttled as exc:
            error = _error(exc)
            await store.finish_reminder(
                *key[:3], status="failed", error=error, deadline=item.deadline, now=clock()
            )  # the claim given back before any wait
            if job.attempt == THROTTLE_TRIES:
                self.results[job.index] = replace(item, status="failed", error=error)
            else:
                job.attempt, job.claim = job.attempt + 1, None
                self.pending.appendleft(job)
            self.waits.append(min(exc.retry_after, MAX_WAIT))
        except Undeliverable as exc:
            self.results[job.index] = await _undeliverable(self.reminders, item, exc)
        except Exception as exc:
            error = _error(exc)
            log.warning(
                "reminder %s of campaign %s to contact %s failed (retried next run): %s",
                item.kind, item.campaign_id, item.contact_id, error,
            )  # fmt: skip
            self.recorder.add(key, "failed", error)
            self.results[job.index] = replace(item, status="failed", error=error)
        else:
            self.recorder.add(key, "sent")
            self.results[job.index] = replace(item, status="sent", error=None)

    async def _pause(self) -> None:
        """Flood control: let the sends in flight end, give every claim back, then wait."""
        await asyncio.gather(*self.inflight)
        unsent = list(self.held)
        self.held.clear()
        await self._release(unsent)
        self.pending = deque(sorted([*self.pending, *unsent], key=lambda j: j.index))
        wait = max(self.waits)
        self.waits.clear()
        log.warning("reminders throttled: waiting %ss with every claim given back", wait)
        await self.reminders.sleep(wait)

    async def _release(self, jobs: list[_Job]) -> None:
        claims = [j.claim for j in jobs if j.claim is not None]
        for job in jobs:
            job.claim = None
        if claims:
            await self.reminders.store.release_reminders(claims)

    async def _give_back(self, ahead: asyncio.Task[list[_Job]] | None) -> None:
        """On the way out (done, failed or cancelled): give back what was not sent; a
        send cut off mid-way keeps its claim (it may have arrived) until it times out."""
        for task in list(self.inflight):
            task.cancel()
        unsent = list(self.held)
        if ahead is not None:
            with contextlib.suppress(asyncio.CancelledError):
                unsent.extend(await ahead)
        try:
            await self._release(unsent)
        except Exception:
            log.exception("reminders: claims not given back (they time out in a minute)")


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
