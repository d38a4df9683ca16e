"""Everything the channels need, built from the settings over one database.

``python -m bot`` calls :func:`open_application` and hands the result to the web chat
and the Telegram bot; they see these services and never the :class:`~storage.repository.Store`
under them.  Tests build one over a store of their own with :meth:`Application.over`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from dialogs.application.demo import DemoOrganisation, seed_demo
from dialogs.application.dialog import DialogService
from dialogs.application.housekeeping import Housekeeping
from dialogs.application.jobs import Jobs
from dialogs.application.onboarding import Onboarding
from dialogs.application.people import People
from dialogs.application.reminders import Reminders
from dialogs.application.returns import Returns
from dialogs.application.settings import Settings
from dialogs.application.updates import UpdateLog
from dialogs.application.web_sessions import WebSessions
from storage import db
from storage.models import Campaign
from storage.repository import Store


@dataclass
class Application:
    """The application layer's services over one store, shared by every channel."""

    dialog: DialogService
    onboarding: Onboarding
    people: People
    web_sessions: WebSessions
    reminders: Reminders
    updates: UpdateLog
    jobs: Jobs
    returns: Returns
    housekeeping: Housekeeping
    _store: Store = field(repr=False)

    @classmethod
    def over(
        cls, store: Store, *, dialog: DialogService | None = None, web_url: str | None = None
    ) -> Application:
        """The services over ``store`` (``dialog`` replaces the dialog service, for tests;
        ``web_url``: the web chat's public address, which e-mail reminders link to)."""
        dialog = dialog or DialogService(store)
        return cls(
            dialog=dialog,
            onboarding=Onboarding(store, dialog),
            people=People(store),
            web_sessions=WebSessions(store),
            reminders=Reminders(store, dialog.q, web_url=web_url),
            updates=UpdateLog(store),
            jobs=Jobs(store),
            returns=Returns(store, dialog.q),
            housekeeping=Housekeeping(store),
            _store=store,
        )

    async def seed_demo(self, today: date | None = None) -> tuple[Campaign, list[DemoOrganisation]]:
        """The demo campaign of ``python -m bot --demo`` (see :mod:`dialogs.application.demo`)."""
        return await seed_demo(self._store, today)

    @property
    def store(self) -> Store:
        """The store under these services, for the coordinator's panel served by the same
        process (``bot.app`` mounts it); channels never use it."""
        return self._store

    async def close(self) -> None:
        """Close the database connections."""
        await self._store.close()


async def migrate(settings: Settings) -> None:
    """Bring the database at ``DATABASE_URL`` up to date (once, before several workers start)."""
    await db.upgrade(settings.database_url)


async def open_application(settings: Settings) -> Application:
    """Bring the database at ``DATABASE_URL`` up to date and build the services over it."""
    await db.upgrade(settings.database_url)
    return Application.over(Store.from_url(settings.database_url), web_url=settings.public_url)
