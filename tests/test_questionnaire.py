"""The questionnaire data against the Appendix to the Rules, and its loader's errors."""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po

from admin.cli import main
from dialogs import i18n
from dialogs.questionnaire import DEFAULT_FILE, QuestionnaireError, default, load, parse
from dialogs.schema import (
    ANALYSES,
    BreakdownField,
    ChoiceField,
    ListField,
    OpenBreakdownField,
    YesNoField,
)

ROOT = Path(__file__).parents[1]
SEED = ROOT.parent / "shared" / "seeds" / "000_0cfc20ccc673e66c.txt"


@pytest.fixture(scope="module")
def q():
    return default()


@pytest.fixture()
def raw():
    return yaml.safe_load(DEFAULT_FILE.read_text(encoding="utf-8"))


def fields_of(q, block, item):
    return {f.key: f for f in q.block(block).items[item - 1].fields}


def test_sixteen_blocks_with_the_appendix_item_counts(q):
    assert [b.number for b in q.blocks] == list(range(1, 17))
    assert [len(b.items) for b in q.blocks] == [10, 13, 1, 2, 1, 1, 2, 1, 2, 2, 6, 5, 1, 5, 3, 5]
    assert sum(len(b.items) for b in q.blocks) == 60


def test_codes_are_stable_and_unique(q):
    codes = [q.field_code(i, f) for _, i, f in q.walk()]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"b\d\d\.i\d\d\.[a-z][a-z0-9_]*", c) for c in codes)
    assert q.field_code(q.block(2).items[7], q.block(2).items[7].field("victims_age")) == (
        "b02.i08.victims_age"
    )
    assert q.version == "2024.1"


def test_block_one_is_everyones_and_headers_assign_the_rest(q):
    assert q.blocks[0].subjects == ["all"]
    assert [b.number for b in q.blocks_for("mvd_unit")] == [1, 2]
    assert [b.number for b in q.blocks_for("labour_ministry")] == [1, 3, 4, 5]
    assert [b.number for b in q.blocks_for("local_executive_body")] == [1, 5, 14]
    assert [b.number for b in q.blocks_for("border_service")] == [1, 15]
    assert [b.number for b in q.blocks_for("ngo")] == [1, 16]
    for block in q.blocks[1:]:
        assert block.subjects, f"block {block.number} has no subject kind"


def test_yes_no_with_description_where_the_appendix_says_da_net(q):
    # Items 1.1–1.3: every "Да/Нет (Если да, опишите)" row, and the "Иные … (опишите)" row.
    kinds = {n: Counter(f.kind for f in q.block(1).items[n - 1].fields) for n in (1, 2, 3)}
    assert kinds == {1: {"yes_no": 9}, 2: {"yes_no": 3}, 3: {"yes_no": 9}}
    assert all(f.describe_on_yes for f in q.block(1).items[0].fields if isinstance(f, YesNoField))


def test_international_cooperation_is_a_choice_of_the_three_situations(q):
    (field,) = q.block(1).items[3].fields
    assert isinstance(field, ChoiceField)
    assert [o.code for o in field.options] == [
        "without_difficulties",
        "with_difficulties",
        "not_carried_out",
    ]
    assert all(o.describe for o in field.options)


def test_counts_amounts_text_and_period(q):
    b2 = fields_of(q, 2, 7)
    assert b2["laundering_cases"].kind == "count"
    assert b2["confiscated_amount"].kind == "amount"
    assert fields_of(q, 2, 12)["compensation_amount"].kind == "amount"
    assert fields_of(q, 12, 5)["social_orders_amount"].kind == "amount"
    assert fields_of(q, 1, 10)["problems"].kind == "text"
    # Every item that says "Отчетный период" starts with the period.
    periods = [(b.number, i.number) for b, i, f in q.walk() if f.kind == "period"]
    assert periods == [
        (2, 1), (3, 1), (4, 1), (5, 1), (6, 1), (9, 1), (11, 1), (12, 1), (14, 1), (15, 1), (16, 1),
    ]  # fmt: skip


def test_age_bands_exactly_as_each_block_gives_them(q):
    adult = ["a18_25", "a26_45", "a45_60", "a60_plus", "unknown"]
    labels = [c.label for c in q.category_set("age_adult").categories]
    assert labels == ["18-25", "26-45", "45-60", "60 и выше", "неизвестно"]
    for block in (3, 11, 15, 16):
        age = q.block(block).items[0].field("age")
        assert [c.code for c in q.category_set(age.categories).categories] == adult
    nine = q.block(9).items[0].field("age")
    assert [c.label for c in q.category_set(nine.categories).categories][:2] == ["до 18", "18-25"]


def test_fixed_breakdowns_each_with_unknown(q):
    used = {f.categories for _, _, f in q.walk() if isinstance(f, BreakdownField)}
    assert {"sex", "traffic", "training_place", "disability", "age_adult"} <= used
    for code in used:
        assert q.category_set(code).categories[-1].code == "unknown"
    assert fields_of(q, 2, 2)["channels_by_traffic"].categories == "traffic"
    assert fields_of(q, 1, 8)["trained_where"].categories == "training_place"
    assert fields_of(q, 3, 1)["disability"].categories == "disability"


def test_open_breakdowns_cover_the_appendix_dimensions(q):
    dims = Counter(f.dimension for _, _, f in q.walk() if isinstance(f, OpenBreakdownField))
    for dim in ("country", "nationality", "trafficking_form", "exploitation_type"):
        assert dims[dim] > 0, dim
    assert dims["referring_subject"] >= 5
    assert fields_of(q, 2, 1)["crimes_by_form"].dimension == "trafficking_form"


def test_lists_where_the_appendix_asks_for_entries(q):
    lists = {(b.number, i.number): f for b, i, f in q.walk() if isinstance(f, ListField)}
    assert [c.kind for c in lists[(1, 5)].columns] == ["country", "text"]
    assert [c.code for c in lists[(1, 7)].columns] == ["name"]
    assert [c.kind for c in lists[(1, 8)].columns] == ["text", "period"]
    assert (7, 2) in lists and (8, 1) in lists


def test_consistency_rules_name_existing_numeric_fields(q):
    rules = {(b.number, r.code): r for b in q.blocks for i in b.items for r in i.checks()}
    same = rules[(3, "identified_plus_not")]
    assert (same.check, same.total, same.parts) == (
        "equal",
        "received",
        ["identified", "not_identified"],
    )
    assert rules[(3, "age_sum")].total == "identified"
    assert rules[(9, "treated_within_received")].check == "at_most"
    for block in q.blocks:
        for item in block.items:
            keys = {f.key: f.kind for f in item.fields}
            for rule in item.checks():
                for name in [rule.total, *rule.parts]:
                    assert keys[name] in {"count", "amount", "breakdown", "open_breakdown"}


def all_texts(q):
    yield q.title
    yield q.source
    yield from (k.label for k in q.subject_kinds)
    yield from (c.label for s in q.category_sets for c in s.categories)
    for d in q.dimensions:
        yield d.label
        yield from (s.label for s in d.suggestions)
    for block in q.blocks:
        yield block.title
        for item in block.items:
            yield item.question
            if item.note:
                yield item.note
            for f in item.fields:
                yield f.label
                yield from (o.label for o in getattr(f, "options", []))
                yield from (c.label for c in getattr(f, "columns", []))


@pytest.mark.parametrize("lang", ["kk", "en"])
def test_every_text_is_actually_translated(q, lang):
    kazakh_letters = set("әғқңөұүһі")
    missing, same, foreign = [], [], []
    for text in set(all_texts(q)):
        if not i18n.has_translation(lang, text):
            missing.append(text)
            continue
        translated = i18n.gettext(lang, text)
        if not re.search(r"[^\W\d_]", text):
            continue  # "18-25": no words to translate
        if translated == text:
            same.append(text)
        if lang == "en" and re.search("[а-яёА-ЯЁ]", translated):
            foreign.append(translated)
        if (
            lang == "kk"
            and len(translated.split()) >= 3
            and not kazakh_letters & set(translated.lower())
        ):
            foreign.append(translated)
    assert not missing, f"{len(missing)} texts lack a {lang} translation, e.g. {missing[:3]}"
    assert not same, f"left untranslated in {lang}: {same[:3]}"
    assert not foreign, f"{lang} texts not in {lang}: {foreign[:3]}"


def test_the_russian_texts_are_the_wording_of_the_rules(q):
    """Spot-check the mended wording against the PDF extract where the seed is present."""
    if not SEED.exists():
        pytest.skip("the Rules' text (shared/seeds) is not beside this checkout")
    seed = re.sub(r"\s+", " ", SEED.read_text(encoding="utf-8"))
    for phrase in [
        "Пробелы в законодательстве в сфере противодействия торговле людьми",
        "Количество выявленных и пресеченных каналов вывоза, ввоза и транзита",
        "Количество оставленных новорожденных детей в медицинских организациях",
    ]:
        assert phrase in seed
        assert any(phrase in t for t in all_texts(q))


def test_the_cli_prints_the_whole_questionnaire_as_json():
    """``python -m admin`` itself (the entry point); the other CLI tests run in-process."""
    out = subprocess.run(
        [sys.executable, "-m", "admin", "questionnaire", "--json"],
        capture_output=True, text=True, check=True, cwd=ROOT,
    ).stdout  # fmt: skip
    data = json.loads(out)
    assert len(data["blocks"]) == 16
    b2 = data["blocks"][1]
    assert b2["number"] == 2 and b2["subject_kinds"] == ["mvd_unit"]
    item8 = b2["items"][7]
    age = next(f for f in item8["fields"] if f["code"] == "b02.i08.victims_age")
    assert age["kind"] == "breakdown"
    assert [c["code"] for c in age["categories"]][-1] == "unknown"
    assert set(age["label"]) == {"ru", "kk", "en"}
    assert {r["code"] for r in item8["rules"]} >= {"b02.i08.victims_age_sum"}
    assert age["label"]["kk"] != age["label"]["ru"]


def test_the_cli_prints_one_block_readably_in_kazakh(capsys):
    assert main(["questionnaire", "--lang", "kk", "--block", "2"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("2. ")
    assert "b02.i13.risks_minors" in out
    assert "Ішкі істер министрлігі" in out
    assert "3. " not in out.splitlines()[0]


def test_the_cli_names_the_place_of_a_broken_file(tmp_path, raw, capsys):
    raw["blocks"][1]["items"][7]["fields"][1]["categories"] = "ages"
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    assert main(["questionnaire", "--file", str(broken)]) == 2
    err = capsys.readouterr().err
    assert "block 2, item 8, field 'victims_age'" in err
    assert "unknown category set 'ages'" in err


BROKEN = [
    (
        lambda r: r["blocks"][1]["items"][7]["fields"][0].update(kind="number"),
        "block 2, item 8, field 'victims'",
        "kind",
    ),
    (
        lambda r: r["blocks"][2]["items"][0]["fields"][1].pop("label"),
        "block 3, item 1, field 'received', label",
        "Field required",
    ),
    (
        lambda r: r["blocks"][0]["items"][3]["fields"][0].update(colour="red"),
        "block 1, item 4, field 'cooperation', colour",
        "Extra inputs",
    ),
    (
        lambda r: r["blocks"][2]["items"][0]["rules"][0].update(total="recieved"),
        "block 3, item 1, rule 'identified_plus_not'",
        "'recieved'",
    ),
    (
        lambda r: r["blocks"][1]["items"][1]["fields"][1].update(of="nothing"),
        "block 2, item 2, field 'channels_by_traffic'",
        "'of' must name a count field",
    ),
    (
        lambda r: r["blocks"][3]["items"][1]["fields"].append(
            {"key": "minors", "kind": "count", "label": "x"}
        ),
        "block 4, item 2, field 'minors'",
        "used twice",
    ),
    (lambda r: r["blocks"][4].update(number=7), "block 7", "expected 5"),
    (lambda r: r["blocks"][5].update(subjects=["nobody"]), "block 6", "unknown subject kind"),
    (
        lambda r: r["blocks"][8]["items"][0]["rules"][0].update(total="period"),
        "block 9, item 1, rule 'minors_within_received'",
        "not a number",
    ),
    (
        lambda r: r["blocks"][1]["items"][7]["fields"][1].update(analysis=["victims"]),
        "block 2, item 8, field 'victims_age', analysis",
        "'vulnerable_groups'",
    ),
    (
        lambda r: r["blocks"][1]["items"][7]["fields"][1].update(
            analysis=["territory", "territory"]
        ),
        "block 2, item 8, field 'victims_age'",
        "named twice",
    ),
]


def test_every_field_but_the_period_informs_an_analysis_of_paragraph_14(q):
    untagged = [q.field_code(i, f) for _, i, f in q.walk() if not f.analysis]
    assert untagged and all(code.endswith(".period") for code in untagged)
    used = {a for *_, f in q.walk() for a in f.analysis}
    assert used == set(ANALYSES)


@pytest.mark.parametrize(("breakage", "where", "problem"), BROKEN)
def test_a_malformed_file_fails_naming_block_item_and_field(raw, breakage, where, problem):
    broken = copy.deepcopy(raw)
    breakage(broken)
    with pytest.raises(QuestionnaireError) as info:
        parse(broken)
    assert info.value.where.startswith(where), str(info.value)
    assert problem in str(info.value)


def test_invalid_yaml_is_reported_with_the_file(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("blocks: [\n", encoding="utf-8")
    with pytest.raises(QuestionnaireError, match="not valid YAML") as info:
        load(bad)
    assert str(bad) in str(info.value)


def test_extraction_finds_every_questionnaire_text(q):
    with DEFAULT_FILE.open("rb") as f:
        extracted = {msg for _, _, msg, _ in i18n.extract_questionnaire(f, None, None, None)}
    assert set(all_texts(q)) <= extracted
    with (ROOT / "locales" / "messages.pot").open("rb") as f:
        pot = {m.id for m in read_po(f)}
    missing = [t for t in set(all_texts(q)) if t not in pot]
    assert not missing, f"run the extract step (README): {missing[:3]}"
