"""Quality, rankings by kind, trend, outliers and suppression on hand-made data, by hand."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from decimal import Decimal

from admin.export.aggregate import Totals
from admin.export.checks import Quality
from admin.export.data import Sheet, Stored
from admin.export.disclosure import Line, primary, secondary
from admin.export.masking import mask
from admin.export.options import Disclosure
from admin.export.outliers import Outliers, robust_z
from admin.export.ranking import competition_ranks, ranking_rows
from admin.export.tables import aggregate_mask
from admin.export.trend import Year, trend_rows
from dialogs.questionnaire import default
from storage.exports import CampaignRow

Q = default()
R = "b01.i01."
V = "b16.i01."
OFF = Disclosure(enabled=False)
K5 = Disclosure(k=5, enabled=True)


def yes() -> Stored:
    return Stored({"answer": "yes", "description": "есть"})


def no() -> Stored:
    return Stored({"answer": "no", "description": None})


def no_data(reason: str = "нет учёта") -> Stored:
    return Stored(None, reason)


def sheet(org: int, kind: str, region: str, blocks: list[int], answers: dict) -> Sheet:
    return Sheet(
        org,
        f"Орг {org}",
        kind,
        region,
        blocks,
        "submitted",
        org,
        answers,
        name_kk=f"Ұйым {org}",
        submitted_at=datetime(2026, 2, 10, 12, tzinfo=UTC),
    )


NGO1 = sheet(
    1,
    "ngo",
    "Алматы",
    [1, 16],
    {
        R + "legislation_gaps": yes(),
        R + "weak_regulation": yes(),
        R + "underfunding": yes(),
        V + "received": Stored(7),
        V + "identified": Stored(7),
        V + "not_identified": Stored(1),
        V + "citizenship": Stored({"UZ": 5, "KG": 2}),
        V + "sex": Stored({"male": 3, "female": 4, "unknown": 0}),
        "b16.i05.new_methods": no_data(),
    },
)
NGO2 = sheet(
    2,
    "ngo",
    "Алматы",
    [1, 16],
    {
        R + "legislation_gaps": yes(),
        R + "weak_regulation": no(),
        R + "underfunding": no_data("  НЕТ   учёта "),
        V + "identified": Stored(4),
        V + "citizenship": Stored({"UZ": 1, "KZ": 3}),
        V + "sex": Stored({"male": 0, "female": 4, "unknown": 0}),
    },
)
MVD = sheet(
    3,
    "mvd_unit",
    "Шымкент",
    [1, 2],
    {
        R + "legislation_gaps": no(),
        R + "weak_regulation": yes(),
        "b02.i08.victims": Stored(6),
        "b02.i08.victims_citizenship": Stored({"KG": 3, "KZ": 3}),
        "b02.i08.victims_sex": Stored({"male": 1, "female": 5, "unknown": 0}),
    },
)


def totals_of(*sheets: Sheet) -> Totals:
    totals = Totals(Q)
    for s in sheets:
        totals.add(s, set())
    return totals


def test_quality_counts_and_findings_of_one_organisation():
    quality = Quality(Q, "ru", date(2026, 2, 15), OFF)
    row = quality.summary_row(NGO1)
    # block 1 has 31 fields and block 16 21: 52; answered 3 yes/no + 5 of 16.1 + 1 "no data"
    assert row[:8] == [
        1,
        "Орг 1",
        "Ұйым 1",
        "ngo",
        "Алматы",
        "отправлена",
        "2026-02-10T12:00:00Z",
        "Да",
    ]
    assert row[8:] == [52, 9, 43, 1, 1, 0, Decimal("0.1731")]
    findings = list(quality.findings(NGO1))
    checks = [f[5] for f in findings]
    assert checks.count("нет ответа") == 43 and checks.count("нет данных") == 1
    (mismatch,) = [f for f in findings if f[5] == "несоответствие"]
    assert mismatch[8] == "b16.i01.identified_plus_not"
    assert mismatch[10] == "b16.i01.identified + b16.i01.not_identified = 8 ≠ b16.i01.received = 7"
    (reason,) = [f for f in findings if f[5] == "нет данных"]
    assert (reason[8], reason[10]) == ("b16.i05.new_methods", "нет учёта")
    list(quality.findings(NGO2))
    # grouped per field, spacing and case folded
    assert list(quality.reason_rows()) == [
        [R + "underfunding", quality_label(R + "underfunding"), "НЕТ учёта", 1],
        ["b16.i05.new_methods", quality_label("b16.i05.new_methods"), "нет учёта", 1],
    ]


def quality_label(code: str) -> str:
    item_code, key = code.rsplit(".", 1)
    item = next(i for b in Q.blocks for i in b.items if i.code == item_code)
    return item.field(key).label


def test_rankings_within_each_kind_by_share_of_reporting_subjects():
    rows = list(ranking_rows(totals_of(NGO1, NGO2, MVD), "ru", set(), "<5"))
    risks = [r for r in rows if r[0] == "risks"]
    ngo = [(r[2].removeprefix(R), r[5], r[6], r[7], r[10]) for r in risks if r[1] == "ngo"][:4]
    # underfunding: 1 yes of 1 answer (the other "no data") ties with 2 of 2
    assert ngo == [
        ("legislation_gaps", 2, 2, Decimal("1.0000"), 1),
        ("underfunding", 1, 1, Decimal("1.0000"), 1),
        ("weak_regulation", 1, 2, Decimal("0.5000"), 3),
        ("weak_cooperation", 0, 0, None, 4),
    ]
    mvd = [(r[2].removeprefix(R), r[7], r[10]) for r in risks if r[1] == "mvd_unit"][:2]
    assert mvd == [
        ("weak_regulation", Decimal("1.0000"), 1),
        ("legislation_gaps", Decimal("0.0000"), 2),
    ]
    citizenship = [r for r in rows if r[0] == "citizenship"]
    assert [(r[1], r[3], r[5], r[6], r[7], r[8], r[9], r[10]) for r in citizenship] == [
        ("mvd_unit", "KG", 1, 1, Decimal("1.0000"), 3, Decimal("0.5000"), 1),
        ("mvd_unit", "KZ", 1, 1, Decimal("1.0000"), 3, Decimal("0.5000"), 1),
        ("ngo", "UZ", 2, 2, Decimal("1.0000"), 6, Decimal("0.5455"), 1),
        ("ngo", "KZ", 1, 2, Decimal("0.5000"), 3, Decimal("0.2727"), 2),
        ("ngo", "KG", 1, 2, Decimal("0.5000"), 2, Decimal("0.1818"), 3),
        # all kinds together: sums of reports (the same people may be in both)
        (
            "все виды субъектов (сумма сообщений, не лиц)",
            "KZ",
            2,
            3,
            Decimal("0.6667"),
            6,
            Decimal("0.3529"),
            1,
        ),
        (
            "все виды субъектов (сумма сообщений, не лиц)",
            "UZ",
            2,
            3,
            Decimal("0.6667"),
            6,
            Decimal("0.3529"),
            1,
        ),
        (
            "все виды субъектов (сумма сообщений, не лиц)",
            "KG",
            2,
            3,
            Decimal("0.6667"),
            5,
            Decimal("0.2941"),
            3,
        ),
    ]
    sex = [(r[1], r[3], r[7], r[8], r[10]) for r in rows if r[0] == "sex" and r[1] == "ngo"]
    assert sex == [
        ("ngo", "female", Decimal("1.0000"), 8, 1),
        ("ngo", "male", Decimal("0.5000"), 3, 2),
        ("ngo", "unknown", Decimal("0.0000"), 0, 3),
    ]


def test_competition_ranks_share_ties_and_skip():
    assert competition_ranks([5, 5, 4, 0, 0]) == [1, 1, 3, 4, 4]
    assert competition_ranks([]) == []


def campaign(n: int, year: int) -> CampaignRow:
    start = date(year, 1, 1)
    return CampaignRow(n, str(year), "2024.1", start, date(year, 12, 31), start, start, "closed")


def test_trend_per_year_with_change():
    later = sheet(1, "ngo", "Алматы", [1, 16], {**NGO1.answers, V + "identified": Stored(10)})
    years = [
        Year(campaign(1, 2024), totals_of(NGO1, NGO2), set()),
        Year(campaign(2, 2025), totals_of(later), set()),
        Year(campaign(3, 2026), totals_of(), set()),
    ]
    rows = {(r[0], r[1], r[2]): r[5:] for r in trend_rows(years, "ru", "<5")}
    # 2024: 7 + 4 = 11 by 2 subjects; 2025: 10 by 1 (−1, −9.1 %); 2026: nothing reported
    assert rows["ngo", V + "identified", ""] == [
        11,
        2,
        10,
        1,
        None,
        0,
        -1,
        Decimal("-9.1"),
        None,
        None,
    ]
    # the share of "yes": 2/2 then 1/1
    assert rows["ngo", R + "legislation_gaps", "yes"][:4] == [
        Decimal("1.0000"),
        2,
        Decimal("1.0000"),
        1,
    ]


def test_a_hidden_value_hides_the_changes_made_from_it():
    hidden = {("ngo", None, V + "identified", "")}
    years = [
        Year(campaign(1, 2024), totals_of(NGO2), hidden),
        Year(campaign(2, 2025), totals_of(NGO1), set()),
    ]
    rows = {(r[0], r[1], r[2]): r[5:] for r in trend_rows(years, "ru", "<5")}
    assert rows["ngo", V + "identified", ""] == ["<5", 1, 7, 1, None, None]


def test_primary_and_secondary_suppression_of_a_table_with_totals():
    cells = {
        ("R1", "A"): 3,
        ("R1", "B"): 10,
        ("R2", "A"): 8,
        ("R2", "B"): 12,
        ("R3", "A"): 6,
        ("R3", "B"): 7,
    }
    values: dict = dict(cells)
    for r in ("R1", "R2", "R3"):
        values[(r, "*")] = cells[(r, "A")] + cells[(r, "B")]
    for c in ("A", "B"):
        values[("*", c)] = sum(v for (r, cc), v in cells.items() if cc == c)
    values[("*", "*")] = sum(cells.values())
    lines = [Line([(r, "A"), (r, "B")], (r, "*")) for r in ("R1", "R2", "R3")]
    lines += [Line([(r, c) for r in ("R1", "R2", "R3")], ("*", c)) for c in ("A", "B")]
    lines += [Line([("*", "A"), ("*", "B")], ("*", "*"))]
    lines += [Line([(r, "*") for r in ("R1", "R2", "R3")], ("*", "*"))]
    hidden = primary(values, K5)
    assert hidden == {("R1", "A")}
    added = secondary(values, hidden, lines)
    # R1's row needs a second cell (R1·B); columns A and B then each need one more: the
    # smallest, R3·A (6) and R3·B (7) — and R3's row then holds two hidden cells
    assert added == {("R1", "B"), ("R3", "A"), ("R3", "B")}
    for line in lines:
        members = [*line.cells, line.total]
        assert sum(m in hidden for m in members) != 1
    # and no hidden cell can be worked out: every one takes more than one value among the
    # solutions of the published totals
    unknown = sorted(hidden)
    solutions = []
    for guess in itertools.product(range(0, 30), repeat=len(unknown)):
        trial = {**values, **dict(zip(unknown, guess, strict=True))}
        if all(sum(trial[c] for c in line.cells) == trial[line.total] for line in lines):
            solutions.append(guess)
    assert all(len({s[n] for s in solutions}) > 1 for n in range(len(unknown)))


def test_an_organisations_small_counts_and_the_cell_that_would_give_one_away():
    first, second = mask(Q, NGO1, K5)
    # KG 2 is small; 7 identified − UZ 5 would give it away, so UZ is hidden too;
    # sex: male 3 and female 4 are both small, so the line already holds two
    assert first == {(V + "citizenship", "KG"), (V + "sex", "male"), (V + "sex", "female")}
    assert second == {(V + "citizenship", "UZ")}
    assert mask(Q, NGO1, OFF) == (set(), set())


def test_aggregates_with_one_hidden_organisation_cell_are_hidden():
    totals = Totals(Q)
    cit = V + "citizenship"
    a = sheet(
        1, "ngo", "R1", [1, 16], {V + "identified": Stored(9), cit: Stored({"UZ": 2, "KG": 7})}
    )
    b = sheet(
        2, "ngo", "R1", [1, 16], {V + "identified": Stored(20), cit: Stored({"UZ": 12, "KG": 8})}
    )
    c = sheet(
        3, "ngo", "R2", [1, 16], {V + "identified": Stored(30), cit: Stored({"UZ": 10, "KG": 20})}
    )
    totals.add(a, {(cit, "UZ"), (cit, "KG")})
    totals.add(b, set())
    totals.add(c, set())
    first, second = aggregate_mask(totals, K5)
    # R1 holds one hidden UZ (2) and one hidden KG (7): both R1 sums would give them away
    assert ("ngo", "R1", cit, "UZ") in first and ("ngo", "R1", cit, "KG") in first
    # and so would the kind's and all kinds' sums
    assert {("ngo", None, cit, "UZ"), (None, None, cit, "KG")} <= first
    # R1's row (UZ, KG hidden) and the columns (R1, kind hidden) each hold two: no more
    assert second == set()
    assert ("ngo", "R2", cit, "UZ") not in first | second


def test_outliers_against_last_year_and_against_peers_of_the_kind():
    previous = {(1, "b01.i08.trained"): 10.0, (2, "b01.i08.trained"): 10.0}
    found = Outliers(Q, previous)
    trained = [40, 4, 5, 5, 6, 7]  # org 1: 10 → 40; org 2: 10 → 4 (−60 %, 6 fewer)
    for n, x in enumerate(trained, start=1):
        found.add(sheet(n, "ngo", "R", [1, 16], {"b01.i08.trained": Stored(x)}))
    rows = list(found.rows({"b01.i08.trained": "обучено"}, OFF))
    changes = [(r[0], r[6], r[8], r[9]) for r in rows if r[7] == "изменение к прошлой кампании"]
    assert changes == [(1, 40, 10, Decimal("3.00")), (2, 4, 10, Decimal("-0.60"))]
    # median of 40, 4, 5, 5, 6, 7 is 5.5; MAD = median(34.5, 1.5, .5, .5, .5, 1.5) = 1;
    # z(40) = 0.6745 × 34.5 = 23.27; z(4) = −1.01; z(7) = 1.01
    z = [(r[0], r[8], r[9], r[10]) for r in rows if r[7].startswith("робастный z")]
    assert z == [(1, Decimal("5.5"), Decimal("23.27"), 6)]
    # with suppression, a score that would give a hidden value away is left out
    masked = Outliers(Q, {(1, "b01.i08.trained"): 3.0})
    masked.add(sheet(1, "ngo", "R", [1, 16], {"b01.i08.trained": Stored(40)}))
    (row,) = masked.rows({}, K5)
    assert (row[6], row[8], row[9]) == (40, "<5", None)
    assert robust_z([1, 1, 1]) == [None, None, None]
