"""The coordinator's CLI in-process, on a fresh SQLite file per test.

The commands run ``asyncio.run`` themselves, so the tests that call them are plain
(sync) tests; data is put in place beforehand with :func:`with_store`.  Async tests
call the CLI through ``asyncio.to_thread``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TypeVar

import pytest
from sqlalchemy import update

from admin.cli import main
from dialogs.questionnaire import default
from storage.db import upgrade
from storage.models import Answer
from storage.repository import Store

T = TypeVar("T")
ACTOR = "coordinator:test"


@pytest.fixture(autouse=True)
def _settings_env(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    """Links are built from the settings: fix them, and keep a developer's .env out."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PUBLIC_URL", "https://saualnama.example.kz")
    monkeypatch.setenv("BOT_USERNAME", "saualnama_bot")
    monkeypatch.delenv("DATABASE_URL", raising=False)


@pytest.fixture
def db_url(tmp_path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'admin.db'}"
    asyncio.run(upgrade(url))
    return url


def with_store(url: str, work: Callable[[Store], Awaitable[T]]) -> T:
    """Run ``work`` on a store of ``url`` (from a sync test)."""

    async def go() -> T:
        store = Store.from_url(url)
        try:
            return await work(store)
        finally:
            await store.close()

    return asyncio.run(go())


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(db_url: str, capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """``cli("campaign", "list")`` runs the command on the test database as ACTOR."""

    def run(*args: str) -> Result:
        capsys.readouterr()
        try:
            code = main([*args, "--url", db_url, "--actor", ACTOR])
        except SystemExit as exc:  # argparse errors
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


# --- a small hand-built campaign: two organisations, every kind of answer --------------------

ORG1_AT = datetime(2026, 1, 20, 9, 30, tzinfo=UTC)
ORG2_AT = datetime(2026, 1, 21, 10, 0, tzinfo=UTC)

ORG1_ANSWERS: dict[str, Any] = {
    "b01.i01.legislation_gaps": {
        "answer": "yes",
        "description": '=HYPERLINK("http://evil.example","click")',
    },
    "b01.i01.weak_regulation": {"answer": "no", "description": None},
    "b01.i01.comment": "Комментарий, с запятой",
    "b01.i04.cooperation": {
        "option": "with_difficulties",
        "description": "<script>alert(1)</script>",
    },
    "b01.i05.partner_states": [{"state": "UZ", "results": "-обмен опытом"}],
    "b01.i08.trained": 10,
    "b01.i08.trained_where": {"in_country": 6, "abroad": 3, "unknown": 0},
    "rule:b01.i08.trained_where_sum": {
        "explanation": "один сотрудник учился дважды",
        "values": [10, 9],
    },
    "b01.i10.problems": None,  # no data
    "b13.i01.reports_referred": 3,
}
ORG1_NO_DATA = {"b01.i10.problems": "нет учёта"}

ORG2_ANSWERS: dict[str, Any] = {
    "b01.i01.legislation_gaps": {"answer": "yes", "description": "Пробелы"},
    "b01.i01.weak_regulation": {"answer": "yes", "description": "+7 701 000 00 00"},
    "b12.i01.period": {"start": "2025-01-01", "end": "2025-12-31"},
    "b12.i03.platforms": 'Две строки:\n"кавычки"',
    "b12.i04.resources": 3,
    "b12.i04.resources_by_subject": {"police": 2, "Акимат": 1},
    "b12.i05.social_orders_amount": "1234567.50",
}


@dataclass
class Fixture:
    campaign_id: int
    org_ids: list[int]
    response_ids: list[int]


async def build_fixture(store: Store, *, submit: tuple[bool, bool] = (True, True)) -> Fixture:
    q = default()
    campaign = await store.create_campaign(
        title="Оценка рисков 2025",
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
        questionnaire_version=q.version,
        requested_on=date(2026, 1, 15),
        actor=ACTOR,
    )
    await store.set_campaign_status(campaign.id, "open", actor=ACTOR)
    specs = [
        (
            "tourism_ministry",
            "Министерство туризма и спорта",
            "Астана",
            ORG1_ANSWERS,
            ORG1_AT,
            "web",
        ),
        (
            "culture_ministry",
            "Министерство культуры и информации",
            None,
            ORG2_ANSWERS,
            ORG2_AT,
            "telegram",
        ),
    ]
    org_ids, response_ids = [], []
    for n, (kind, name, region, answers, at, channel) in enumerate(specs):
        org = await store.create_organisation(
            name_ru=name,
            name_kk=f"{name} (kk)",
            subject_kind=kind,
            region=region,
            blocks=[b.number for b in q.blocks_for(kind)],
        )
        await store.add_campaign_members(campaign.id, [org.id], actor=ACTOR)
        contact = await store.create_contact(
            org.id, web_login=f"person{n}", display_name=f"Person {n}", actor=ACTOR
        )
        response = await store.get_or_create_response(org.id, campaign.id)
        for code, value in answers.items():
            reason = ORG1_NO_DATA.get(code) if n == 0 else None
            await store.save_answer(
                response.id,
                code,
                value=None if reason else value,
                no_data_reason=reason,
                contact_id=contact.id,
                channel=channel,
            )
        async with store.sessions() as s, s.begin():
            await s.execute(
                update(Answer).where(Answer.response_id == response.id).values(answered_at=at)
            )
        if submit[n]:
            current = await store.get_response(response.id)
            await store.submit_response(
                response.id, expected_version=current.version, contact_id=contact.id
            )
        org_ids.append(org.id)
        response_ids.append(response.id)
    return Fixture(campaign.id, org_ids, response_ids)


@pytest.fixture
def fixture(db_url: str) -> Fixture:
    return with_store(db_url, build_fixture)
