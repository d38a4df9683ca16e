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


@dataclass
class DemoOrganisation:
    """An organisation of the demo and the plaintext token of its invitation."""

    organisation: Organisation
    token: str


async def seed_demo(
    store: Store, today: date | None = None
) -> tuple[Campaign, list[DemoOrganisation]]:
    """Create an open campaign for last year and one invited organisation per subject kind."""
    q = default()
    today = today or date.today()
    year = today.year - 1
    campaign = await store.create_campaign(
        title=f"Demo {year}",
        period_start=date(year, 1, 1),
        period_end=date(year, 12, 31),
        questionnaire_version=q.version,
        requested_on=today,
        actor=DEMO_ACTOR,
    )
    await store.set_campaign_status(campaign.id, "open", actor=DEMO_ACTOR)
    made = []
    for kind in q.subject_kinds:
        blocks = [b.number for b in q.blocks_for(kind.code)]
        org = await store.create_organisation(
            name_ru=f"Демо: {kind.label}"[:500],
            name_kk=f"Демо: {i18n.gettext('kk', kind.label)}"[:500],
            subject_kind=kind.code,
            blocks=blocks,
        )
        _, token = await store.create_invitation(org.id, campaign.id, actor=DEMO_ACTOR, max_uses=50)
        made.append(DemoOrganisation(org, token))
    return campaign, made
