"""Generated campaigns for benchmarks and report tests: every field of the questionnaire.

Organisations of every kind answer their whole walk with valid values — breakdowns that
add up to the count they break down, country codes, typed and suggested categories,
lists, texts (some of them formulas and phone numbers), about 5 % "no data" with one of a
few reasons — and submit.  Rows are inserted in bulk (this is set-up, not the app).
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import insert

from dialogs.questionnaire import default
from dialogs.schema import BaseField, Questionnaire
from dialogs.walk import Walk
from storage.db import create_engine
from storage.models import Answer, Campaign, CampaignOrganisation, Organisation, Response
from storage.org_keys import organisation_key

REGIONS = [
    "Астана",
    "Алматы",
    "Шымкент",
    "Абайская область",
    "Акмолинская область",
    "Актюбинская область",
    "Алматинская область",
    "Атырауская область",
    "Карагандинская область",
    "Мангистауская область",
    "Туркестанская область",
]
COUNTRIES = ["KZ", "UZ", "KG", "TJ", "RU", "CN", "TR", "AE", "unknown"]
REASONS = ["нет учёта", "данные не ведутся", "не относится к компетенции", "нет данных"]
TEXTS = [
    "Проблемы межведомственного взаимодействия",
    "Вербовка через социальные сети",
    '=HYPERLINK("http://example.kz","x")',
    "+7 701 000 00 00",
    "Обучение сотрудников",
    "Трудовая миграция в соседние страны",
]
BATCH = 5000


def value(q: Questionnaire, rng: random.Random, f: BaseField, counts: dict[str, int]) -> Any:
    """A valid value of ``f``; breakdowns split the count they break down."""
    kind = f.kind
    if kind == "yes_no":
        yes = rng.random() < 0.5
        return {"answer": "yes" if yes else "no", "description": rng.choice(TEXTS) if yes else None}
    if kind == "choice":
        return {"option": rng.choice(f.options).code, "description": rng.choice(TEXTS)}  # type: ignore[attr-defined]
    if kind == "text":
        return rng.choice(TEXTS)
    if kind == "count":
        n = (
            rng.choice([0, 1, 2, 3, 5, 8, 12, 20, 40])
            if rng.random() < 0.97
            else rng.randint(100, 900)
        )
        counts[f.key] = n
        return n
    if kind == "amount":
        return f"{rng.randint(0, 50_000_000)}.{rng.randint(0, 99):02d}"
    if kind == "period":
        return {"start": "2025-01-01", "end": "2025-12-31"}
    if kind in ("breakdown", "open_breakdown"):
        if kind == "breakdown":
            keys = [c.code for c in q.category_set(f.categories).categories]  # type: ignore[attr-defined]
        elif f.dimension == "country":  # type: ignore[attr-defined]
            keys = rng.sample(COUNTRIES, 3)
        else:
            dim = next(d for d in q.dimensions if d.code == f.dimension)  # type: ignore[attr-defined]
            keys = [s.code for s in dim.suggestions][:3] or ["другое"]
        total = counts.get(getattr(f, "of", None) or "", rng.randint(0, 20))
        split = dict.fromkeys(keys, 0)
        for _ in range(total):
            split[rng.choice(keys)] += 1
        return split
    if kind == "list":
        entries = []
        for _ in range(rng.randint(1, 3)):
            entry: dict[str, Any] = {}
            for col in f.columns:  # type: ignore[attr-defined]
                entry[col.code] = {
                    "country": rng.choice(COUNTRIES[:-1]),
                    "count": rng.randint(0, 9),
                    "period": "2025-03-01 — 2025-03-05",
                }.get(col.kind, rng.choice(TEXTS))
            entries.append(entry)
        return entries
    raise ValueError(kind)


def answers_of(
    q: Questionnaire, rng: random.Random, blocks: list[int]
) -> list[tuple[str, Any, str | None]]:
    """(code, value, no-data reason) for a whole walk."""
    out: list[tuple[str, Any, str | None]] = []
    counts: dict[str, int] = {}
    item = ""
    for step in Walk(q, blocks).steps:
        if step.item.code != item:
            item, counts = step.item.code, {}
        if rng.random() < 0.05 and step.field.kind not in ("count",):
            out.append((step.code, None, rng.choice(REASONS)))
        else:
            out.append((step.code, value(q, rng, step.field, counts), None))
    return out


async def generate(url: str, *, organisations: int, years: list[int], seed: int = 1) -> list[int]:
    """Campaigns for ``years`` (one per year), each answered by every organisation."""
    q = default()
    rng = random.Random(seed)
    kinds = [k.code for k in q.subject_kinds]
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            orgs: list[dict[str, Any]] = []
            for n in range(organisations):
                kind = kinds[n % len(kinds)]
                orgs.append(
                    {
                        "name_ru": f"Организация {n + 1}",
                        "name_kk": f"Ұйым {n + 1}",
                        "subject_kind": kind,
                        "region": REGIONS[n % len(REGIONS)],
                        "blocks": [b.number for b in q.blocks_for(kind)],
                        "key": organisation_key(kind, f"Организация {n + 1}", None),
                    }
                )
            result = await conn.execute(insert(Organisation).returning(Organisation.id), orgs)
            org_ids = [row[0] for row in result]
            campaign_ids = []
            for year in years:
                deadline = date(year + 1, 2, 15)
                c = await conn.execute(
                    insert(Campaign).returning(Campaign.id),
                    [
                        {
                            "title": f"Оценка рисков {year}",
                            "period_start": date(year, 1, 1),
                            "period_end": date(year, 12, 31),
                            "questionnaire_version": q.version,
                            "requested_on": date(year + 1, 1, 15),
                            "deadline": deadline,
                            "status": "closed",
                        }
                    ],
                )
                campaign_id = c.scalar_one()
                campaign_ids.append(campaign_id)
                members = [
                    {"campaign_id": campaign_id, "organisation_id": o, "added_by": "bench"}
                    for o in org_ids
                ]
                await conn.execute(insert(CampaignOrganisation), members)
                at = datetime(year + 1, 2, 1, tzinfo=UTC)
                responses = [
                    {
                        "organisation_id": o,
                        "campaign_id": campaign_id,
                        "status": "submitted",
                        "submitted_at": at + timedelta(days=rng.randint(0, 25)),
                        "version": 2,
                    }
                    for o in org_ids
                ]
                ids = [
                    r[0]
                    for r in await conn.execute(insert(Response).returning(Response.id), responses)
                ]
                rows: list[dict[str, Any]] = []
                for response_id, org in zip(ids, orgs, strict=True):
                    for code, v, reason in answers_of(q, rng, org["blocks"]):
                        rows.append(
                            {
                                "response_id": response_id,
                                "field_code": code,
                                "status": "no_data" if reason else "answered",
                                "value": v,
                                "no_data_reason": reason,
                                "channel": "web",
                                "answered_at": at,
                                "version": 1,
                            }
                        )
                    if len(rows) >= BATCH:
                        await conn.execute(insert(Answer), rows)
                        rows = []
                if rows:
                    await conn.execute(insert(Answer), rows)
            return campaign_ids
    finally:
        await engine.dispose()
