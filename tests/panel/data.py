"""An organisation with everything the organisation page shows, and markup where people type.

Its name, its contact's name, a description, a text answer, a "no data" reason, a
comment and a mismatch's explanation hold markup: every page must show it as text.
Some answers were changed (history), one mismatch is explained, one is not, one field
is left unanswered; the questionnaire is submitted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dialogs.questionnaire import default
from storage.models import Campaign, Contact, Organisation, Response
from storage.repository import Store

XSS_NAME = "<script>alert(1)</script>"
XSS_ANSWER = "<img src=x onerror=alert(1)>"
ESCAPED_NAME = "&lt;script&gt;alert(1)&lt;/script&gt;"
ESCAPED_ANSWER = "&lt;img src=x onerror=alert(1)&gt;"


@dataclass
class Filled:
    organisation: Organisation
    contact: Contact
    response: Response


async def filled_organisation(
    store: Store, campaign: Campaign, *, name: str = XSS_NAME, submit: bool = True
) -> Filled:
    """A new NGO in ``campaign`` with a full, partly corrected, submitted questionnaire."""
    q = default()
    org = await store.create_organisation(
        name_ru=f"ОФ «{name}»", name_kk=f"«{name}» ҚҚ", subject_kind="ngo", region="Алматы",
        blocks=[b.number for b in q.blocks_for("ngo")],
    )  # fmt: skip
    await store.add_campaign_members(campaign.id, [org.id], actor="test")
    contact = await store.create_contact(
        org.id, web_login=f"web:{org.id}", display_name=f"Ирина {XSS_ANSWER}", actor="test"
    )
    response = await store.get_or_create_response(org.id, campaign.id)

    async def save(code: str, value: Any = None, reason: str | None = None,
                   channel: str = "web") -> None:  # fmt: skip
        await store.save_answer(response.id, code, value=value, no_data_reason=reason,
                                contact_id=contact.id, channel=channel)  # fmt: skip

    for item in q.block(1).items[:3]:
        for f in item.fields:
            await save(f"{item.code}.{f.key}", {"answer": "no", "description": None})
    await save("b01.i01.legislation_gaps", {"answer": "yes", "description": "Пробелы в законе"},
               channel="telegram")  # fmt: skip
    await save("b01.i01.legislation_gaps", {"answer": "yes", "description": XSS_ANSWER})
    await save("b01.i01.comment", f"Комментарий {XSS_ANSWER}")
    await save("b01.i04.cooperation", {"option": "with_difficulties", "description": XSS_ANSWER})
    await save("b01.i05.partner_states", [{"state": "UZ", "results": "обмен опытом"}])
    await save("b01.i06.effective_measures", "Совместные рейды", channel="telegram")
    await save("b01.i06.effective_measures", f"Совместные рейды\n{XSS_ANSWER}")
    await save("b01.i07.partner_organisations", None, "нет соглашений")
    await save("b01.i08.trained", 10)
    await save("b01.i08.trained_where", {"in_country": 6, "abroad": 3, "unknown": 0})
    await save("rule:b01.i08.trained_where_sum", {"explanation": XSS_ANSWER, "values": [10, 9]})
    await save("b01.i08.training_topics", [])
    await save("b01.i09.publications", 4)
    await save("b01.i09.programmes", 0)
    await save("b01.i10.problems", None, f"нет учёта {XSS_ANSWER}")
    await save("b16.i01.period", {"start": "2025-01-01", "end": "2025-12-31"})
    await save("b16.i01.received", 5)
    await save("b16.i01.identified", 3)
    await save("b16.i01.not_identified", 1)  # 3 + 1 ≠ 5, not explained
    await save("b16.i01.sex", {"female": 2, "male": 1, "unknown": 0})
    if submit:
        current = await store.get_response(response.id)
        response = await store.submit_response(
            response.id, expected_version=current.version, contact_id=contact.id
        )
    return Filled(org, contact, response)
