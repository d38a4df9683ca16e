"""The master list: one row per organisation (БИН or kind + normalised name), upsert, removal."""

from __future__ import annotations

import asyncio

import pytest

from storage import errors
from storage.org_keys import clean_bin, normalise_name, organisation_key
from storage.repository import ImportConflict, OrganisationRow, Store
from tests.storage.conftest import World

ACTOR = "coordinator:test"


def test_names_are_compared_without_case_yo_quotes_and_extra_spaces() -> None:
    same = ["ФОНД ПРОБЕЛЫ", "Фонд пробелы", " фонд  «Пробелы» ", 'Фонд "ПРОБЕЛЫ"', "Фонд\tпробелы"]
    assert {normalise_name(n) for n in same} == {"фонд пробелы"}
    assert normalise_name("Объединённый") == normalise_name("ОБЪЕДИНЕННЫЙ")
    assert normalise_name("Фонд Пробелы-2") != normalise_name("Фонд Пробелы")
    assert organisation_key("ngo", "Фонд «Пробелы»", None) == "ngo:фонд пробелы"
    assert organisation_key("ngo", "Фонд", "123456789012") == "bin:123456789012"
    assert clean_bin(" 1234 5678 9012 ") == "123456789012"
    assert clean_bin("") is None
    for bad in ("12345678901", "12345678901a", "1234567890123"):
        with pytest.raises(ValueError, match="not 12 digits"):
            clean_bin(bad)


async def test_one_organisation_whatever_the_spelling(store: Store) -> None:
    first = await store.create_organisation(
        name_ru="ФОНД ПРОБЕЛЫ", name_kk="ПРОБЕЛЫ ҚОРЫ", subject_kind="ngo"
    )
    assert first.key == "ngo:фонд пробелы"
    with pytest.raises(errors.DuplicateOrganisation) as info:
        await store.create_organisation(name_ru="Фонд пробелы", name_kk="x", subject_kind="ngo")
    assert (info.value.organisation_id, info.value.removed) == (first.id, False)
    # the same name under another kind is another organisation
    await store.create_organisation(name_ru="Фонд пробелы", name_kk="x", subject_kind="akimat")
    with_bin = await store.create_organisation(
        name_ru="Фонд «Сана»", name_kk="Сана", subject_kind="ngo", bin="123456789012"
    )
    with pytest.raises(errors.DuplicateOrganisation):
        await store.create_organisation(
            name_ru="Совсем другое имя", name_kk="y", subject_kind="ngo", bin="123456789012"
        )
    assert (with_bin.key, with_bin.bin) == ("bin:123456789012", "123456789012")
    assert len(await store.list_organisations()) == 3


async def test_concurrent_adds_of_one_organisation_leave_one_row(store: Store) -> None:
    results = await asyncio.gather(
        *(
            store.create_organisation(name_ru=name, name_kk="k", subject_kind="ngo")
            for name in ("ОФ Сана", "ОФ «Сана»", "оф сана", "ОФ  САНА")
        ),
        return_exceptions=True,
    )
    made = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, BaseException)]
    assert len(made) == 1 and len(refused) == 3
    assert all(isinstance(r, errors.DuplicateOrganisation) for r in refused)
    assert len(await store.list_organisations()) == 1


async def test_update_follows_the_key_and_refuses_to_become_another(store: Store) -> None:
    sana = await store.create_organisation(name_ru="ОФ Сана", name_kk="Сана", subject_kind="ngo")
    other = await store.create_organisation(name_ru="ОФ Жол", name_kk="Жол", subject_kind="ngo")
    renamed = await store.update_organisation(
        sana.id, name_ru="ОФ «Сана плюс»", region="Алматы", actor=ACTOR
    )
    assert (renamed.key, renamed.region) == ("ngo:оф сана плюс", "Алматы")
    with pytest.raises(errors.DuplicateOrganisation) as info:
        await store.update_organisation(sana.id, name_ru="оф жол")
    assert info.value.organisation_id == other.id
    assert (await store.get_organisation(sana.id)).name_ru == "ОФ «Сана плюс»"
    with_bin = await store.update_organisation(sana.id, bin="123456789012", region="")
    assert (with_bin.key, with_bin.region) == ("bin:123456789012", None)
    (event,) = await store.list_audit_events(action="organisation.updated")
    assert event.details == {
        "name_ru": ["ОФ Сана", "ОФ «Сана плюс»"],
        "region": [None, "Алматы"],
    }


async def test_removal_is_soft_and_leaves_only_running_campaigns(
    store: Store, world: World
) -> None:
    cid = world.campaign.id
    removed = await store.remove_organisation(world.org_b.id, actor=ACTOR)
    assert removed.left_campaigns == [cid] and removed.kept_in_closed == []
    assert removed.organisation.removed_at is not None
    assert [o.id for o in await store.list_organisations()] == [world.org_a.id]
    assert [o.id for o in await store.list_organisations(include_removed=True)] == [
        world.org_a.id,
        world.org_b.id,
    ]
    assert [o.id for o in await store.campaign_organisations(cid)] == [world.org_a.id]
    with pytest.raises(errors.OrganisationRemoved):
        await store.add_campaign_members(cid, [world.org_b.id], actor=ACTOR)
    with pytest.raises(errors.DuplicateOrganisation) as info:
        await store.create_organisation(
            name_ru=world.org_b.name_ru, name_kk="x", subject_kind=world.org_b.subject_kind
        )
    assert info.value.removed and "org restore" in str(info.value)
    await store.restore_organisation(world.org_b.id, actor=ACTOR)
    assert len(await store.list_organisations()) == 2

    # a closed campaign keeps the organisations it had
    await store.set_campaign_status(cid, "closed", actor=ACTOR)
    again = await store.remove_organisation(world.org_a.id, actor=ACTOR)
    assert (again.left_campaigns, again.kept_in_closed) == ([], [cid])
    assert [o.id for o in await store.campaign_organisations(cid)] == [world.org_a.id]


def row(kind: str, name: str, line: int, *, kk: str = "kk", region: str | None = None, bin_: str | None = None) -> OrganisationRow:  # fmt: skip
    return OrganisationRow(kind, name, kk, region, (1, 16), bin_, line)


async def test_import_adds_new_rows_updates_changed_ones_and_says_which(store: Store) -> None:
    first = await store.import_organisations(
        [row("ngo", "ФОНД ПРОБЕЛЫ", 2), row("akimat", "Акимат", 3), row("ngo", "Сана", 4)],
        actor=ACTOR,
        source="master.csv",
    )
    assert [r.line for r in first.added] == [2, 3, 4]
    ids = [r.organisation_id for r in first.added]
    assert all(isinstance(i, int) for i in ids)
    second = await store.import_organisations(
        [
            row("ngo", "Фонд «Пробелы»", 2),  # same organisation, new spelling
            row("akimat", "Акимат", 3, region="Астана"),  # changed
            row("ngo", "Сана", 4),  # unchanged
            row("ngo", "Новый", 5),  # new
        ],
        actor=ACTOR,
    )
    assert [(r.line, r.organisation_id) for r in second.added][0][0] == 5
    assert [(r.organisation_id, r.changes) for r in second.updated] == [
        (ids[0], {"name_ru": ("ФОНД ПРОБЕЛЫ", "Фонд «Пробелы»")}),
        (ids[1], {"region": (None, "Астана")}),
    ]
    assert [r.organisation_id for r in second.unchanged] == [ids[2]]
    assert len(await store.list_organisations()) == 4
    events = await store.list_audit_events(action="organisation.imported")
    assert events[0].details["source"] == "master.csv"
    assert events[1].details["updated"] == ids[:2]


async def test_a_dry_run_reports_and_changes_nothing(store: Store) -> None:
    await store.import_organisations([row("ngo", "Сана", 2)], actor=ACTOR)
    outcome = await store.import_organisations(
        [row("ngo", "САНА", 2, kk="Сана ҚҚ"), row("ngo", "Жол", 3)], actor=ACTOR, dry_run=True
    )
    assert outcome.dry_run
    assert [(r.line, r.organisation_id) for r in outcome.added] == [(3, None)]
    assert [r.changes for r in outcome.updated] == [
        {"name_ru": ("Сана", "САНА"), "name_kk": ("kk", "Сана ҚҚ")}
    ]
    (only,) = await store.list_organisations()
    assert (only.name_ru, only.name_kk) == ("Сана", "kk")
    assert len(await store.list_audit_events(action="organisation.imported")) == 1


async def test_import_matches_by_bin_first_and_restores_removed_rows(store: Store) -> None:
    await store.import_organisations([row("ngo", "Сана", 2)], actor=ACTOR)
    # the БИН is learnt: the row without one is matched by name and gets it
    got_bin = await store.import_organisations(
        [row("ngo", "Сана", 2, bin_="123456789012")], actor=ACTOR
    )
    (updated,) = got_bin.updated
    assert updated.changes == {"bin": (None, "123456789012")}
    org = await store.get_organisation(updated.organisation_id)  # type: ignore[arg-type]
    assert org.key == "bin:123456789012"
    # renamed in the master file, same БИН: the same organisation
    renamed = await store.import_organisations(
        [row("ngo", "Общественный фонд Сана", 2, bin_="123456789012")], actor=ACTOR
    )
    assert [r.organisation_id for r in renamed.updated] == [org.id]
    # a row without the БИН still finds it by name
    again = await store.import_organisations([row("ngo", "общественный фонд сана", 2)], actor=ACTOR)
    assert [r.organisation_id for r in again.updated] == [org.id]
    assert (await store.get_organisation(org.id)).bin == "123456789012"
    await store.remove_organisation(org.id, actor=ACTOR)
    back = await store.import_organisations([row("ngo", "общественный фонд сана", 2)], actor=ACTOR)
    assert [r.organisation_id for r in back.restored] == [org.id]
    assert (await store.get_organisation(org.id)).removed_at is None


async def test_import_conflicts_change_nothing(store: Store) -> None:
    await store.import_organisations(
        [row("ngo", "Сана", 2, bin_="111111111111"), row("ngo", "Сана", 3, bin_="222222222222")],
        actor=ACTOR,
    )
    with pytest.raises(ImportConflict) as info:
        await store.import_organisations(
            [
                row("ngo", "Жол", 2),
                row("ngo", "САНА", 3),
                row("ngo", "«жол»", 4),
                row("ngo", "Сана", 5, bin_="111111111111"),
                row("ngo", "Другое имя", 6, bin_="111111111111"),
            ],
            actor=ACTOR,
        )
    assert info.value.problems == [
        (3, "matches organisations 1, 2 (same kind and name); give its БИН"),
        (4, "is the same organisation as line 2"),
        (6, "is organisation 1 again (line 5)"),
    ]
    assert len(await store.list_organisations()) == 2
    assert await store.list_audit_events(action="organisation.imported") != []
