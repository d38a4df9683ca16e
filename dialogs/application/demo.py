"""A demo campaign: one organisation of each subject kind, each with a web invitation.

Used by ``python -m bot --demo`` so anyone can try the product in a minute,
and by the tests, which walk every subject kind's questionnaire.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dialogs import i18n
from dialogs.questionnaire import default
from storage.models import Campaign, Organisation
from storage.repository import Store

DEMO_ACTOR = "coordinator:demo"
DEMO_PREFIX = "Демо: "


@dataclass
class DemoOrganisation:
    """An organisation of the demo and the plaintext token of its invitation."""

    organisation: Organisation
    token: str


def describe_kind(kind: str, lang: str) -> tuple[str, list[tuple[int, str]]]:
    """A subject kind in words: its label and its blocks' (number, title) in ``lang``."""
    q = default()
    label = next(k.label for k in q.subject_kinds if k.code == kind)
    blocks = [(b.number, i18n.gettext(lang, b.title)) for b in q.blocks_for(kind)]
    return i18n.gettext(lang, label), blocks


async def seed_demo(
    store: Store, today: date | None = None
) -> tuple[Campaign, list[DemoOrganisation]]:
    """An open campaign for last year and one invited organisation per subject kind
    (inviting an organisation makes it a member of the campaign).

    Run again on the same database, it keeps the demo campaign, its organisations and
    their answers, and only makes fresh invitations (tokens are shown once, so the old
    links cannot be printed again).
    """
    q = default()
    today = today or date.today()
    year = today.year - 1
    title = f"Demo {year}"
    campaign = next((c for c in await store.list_campaigns() if c.title == title), None)
    if campaign is None:
        campaign = await store.create_campaign(
            title=title,
            period_start=date(year, 1, 1),
            period_end=date(year, 12, 31),
            questionnaire_version=q.version,
            # a request made in December would be due after the plausible range (at most
            # a year after the period's end), so the demo's request is at latest 30 November
            requested_on=min(today, date(today.year, 11, 30)),
            actor=DEMO_ACTOR,
        )
    if campaign.status != "open":
        campaign = await store.set_campaign_status(campaign.id, "open", actor=DEMO_ACTOR)
    existing = {
        o.subject_kind: o
        for o in await store.list_organisations(include_removed=True)
        if o.name_ru.startswith(DEMO_PREFIX)
    }
    for org in existing.values():
        if org.removed_at is not None:  # the demo brings its organisations back
            await store.restore_organisation(org.id, actor=DEMO_ACTOR)
    made = []
    for kind in q.subject_kinds:
        org = existing.get(kind.code) or await store.create_organisation(
            name_ru=f"{DEMO_PREFIX}{kind.label}"[:500],
            name_kk=f"{DEMO_PREFIX}{i18n.gettext('kk', kind.label)}"[:500],
            subject_kind=kind.code,
            blocks=[b.number for b in q.blocks_for(kind.code)],
        )
        _, token = await store.create_invitation(org.id, campaign.id, actor=DEMO_ACTOR, max_uses=50)
        made.append(DemoOrganisation(org, token))
    return campaign, made
