"""§13.3 ranking on a hand-built campaign whose answer is known."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from admin.export.data import CampaignData, Sheet, Stored
from admin.export.ranking import competition_ranks, count_fields, ranking


def yes(description: str = "есть") -> Stored:
    return Stored({"answer": "yes", "description": description})


def no() -> Stored:
    return Stored({"answer": "no", "description": None})


def no_data() -> Stored:
    return Stored(None, "нет учёта")


def sheet(org_id: int, kind: str, blocks: list[int], answers: dict[str, Stored]) -> Sheet:
    return Sheet(org_id, f"Орг {org_id}", kind, None, blocks, "submitted", org_id, answers)


def campaign(*sheets: Sheet) -> CampaignData:
    return CampaignData(
        1,
        "T",
        "2024.1",
        date(2025, 1, 1),
        date(2025, 12, 31),
        date(2026, 2, 15),
        "open",
        list(sheets),
    )


R = "b01.i01."
DATA = campaign(
    sheet(
        1,
        "ngo",
        [1, 16],
        {
            R + "legislation_gaps": yes(),
            R + "weak_regulation": yes(),
            R + "underfunding": yes(),
            "b01.i02.economic": yes(),
            "b16.i01.citizenship": Stored({"UZ": 5, "KG": 2}),
            "b16.i01.exploitation": Stored({"labour": 3, "sexual": 1, "Попрошайничество": 1}),
        },
    ),
    sheet(
        2,
        "mvd_unit",
        [1, 2],
        {
            R + "legislation_gaps": yes(),
            R + "weak_regulation": yes(),
            R + "underfunding": no(),
            "b01.i02.economic": no_data(),
            "b02.i08.victims_citizenship": Stored({"KG": 3, "KZ": 4}),
            # a subset of 2.8's victims: left out, or they would be counted twice
            "b02.i09.referred_ssu_citizenship": Stored({"TJ": 100}),
            "b02.i01.crimes_by_form": Stored({"art128": 2, "art135": 2, "art116": 0}),
        },
    ),
    sheet(
        3,
        "ngo",
        [1, 16],
        {
            R + "legislation_gaps": yes(),
            R + "weak_regulation": yes(),
            R + "underfunding": no_data(),
            "b01.i02.economic": yes(),
            "b01.i02.social_demographic": yes(),
            "b16.i01.citizenship": no_data(),
            "b16.i01.exploitation": Stored({"labour": 1, "  попрошайничество ": 1, "sexual": 0}),
        },
    ),
)


def brief(rows, *keys):
    return [tuple(r[k] for k in keys) for r in rows]


def test_competition_ranks_share_ties_and_skip():
    assert competition_ranks([5, 5, 4, 0, 0]) == [1, 1, 3, 4, 4]
    assert competition_ranks([]) == []


def test_risks_ranked_by_yes_with_ties_and_no_data_left_out():
    risks = ranking(DATA)["risks"]
    assert brief(risks[:3], "code", "count", "base", "share", "rank") == [
        (R + "legislation_gaps", 3, 3, Decimal("1.0000"), 1),
        (R + "weak_regulation", 3, 3, Decimal("1.0000"), 1),
        (R + "underfunding", 1, 2, Decimal("0.5000"), 3),
    ]
    assert {r["rank"] for r in risks[3:]} == {4}
    assert all(r["count"] == 0 and r["share"] is None for r in risks[3:])
    assert [r["code"] for r in risks[3:]] == [
        R + k
        for k in (
            "weak_cooperation",
            "no_monitoring",
            "weak_training",
            "weak_outreach",
            "no_transparency",
            "other_risks",
        )
    ]


def test_factors_share_is_of_those_who_answered():
    factors = ranking(DATA)["factors"]
    assert brief(factors, "code", "count", "base", "share", "organisations", "rank") == [
        ("b01.i02.economic", 2, 2, Decimal("1.0000"), 2, 1),
        ("b01.i02.social_demographic", 1, 1, Decimal("1.0000"), 1, 2),
        ("b01.i02.other_factors", 0, 0, None, 0, 3),
    ]
    assert len(ranking(DATA)["measures"]) == 9


def test_victims_by_citizenship_sum_the_victim_items_across_organisations():
    rows = ranking(DATA)["citizenship"]
    assert brief(rows, "code", "label_ru", "count", "base", "share", "organisations", "rank") == [
        ("KG", "Киргизия", 5, 14, Decimal("0.3571"), 2, 1),
        ("UZ", "Узбекистан", 5, 14, Decimal("0.3571"), 1, 1),
        ("KZ", "Казахстан", 4, 14, Decimal("0.2857"), 1, 3),
    ]


def test_victim_items_are_the_victim_profiles():
    codes = [f"{i.code}.{f.key}" for i, f in count_fields(DATA.questionnaire, "citizenship")]
    assert codes == [
        "b02.i08.victims_citizenship",
        "b03.i01.citizenship",
        "b06.i01.citizenship",
        "b09.i01.citizenship",
        "b11.i01.citizenship",
        "b15.i01.citizenship",
        "b16.i01.citizenship",
    ]


def test_victims_by_exploitation_merge_typed_text():
    rows = ranking(DATA)["exploitation"]
    assert brief(rows, "code", "label_ru", "count", "organisations", "rank") == [
        ("labour", "трудовая эксплуатация", 4, 2, 1),
        ("попрошайничество", "Попрошайничество", 2, 2, 2),
        ("sexual", "сексуальная эксплуатация", 1, 1, 3),
    ]


def test_crimes_by_form_of_trafficking_tie():
    rows = ranking(DATA)["trafficking_form"]
    assert brief(rows, "code", "count", "share", "rank") == [
        ("art128", 2, Decimal("0.5000"), 1),
        ("art135", 2, Decimal("0.5000"), 1),
        ("art116", 0, Decimal("0.0000"), 3),
    ]


def test_an_empty_campaign_ranks_nothing_but_lists_every_risk():
    ranked = ranking(campaign())
    assert ranked["citizenship"] == [] and ranked["exploitation"] == []
    assert len(ranked["risks"]) == 9 and {r["rank"] for r in ranked["risks"]} == {1}
