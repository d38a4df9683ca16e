"""The gettext catalogs: complete, in step with the code, placeholders intact."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from dialogs import i18n

ROOT = Path(__file__).parents[1]
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def catalog(lang: str):
    path = ROOT / "locales" / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as f:
        return read_po(f, locale=lang)


def template_ids() -> set[str]:
    with (ROOT / "locales" / "messages.pot").open("rb") as f:
        return {m.id for m in read_po(f) if m.id}


def extracted_ids() -> set[str]:
    with (ROOT / "babel.cfg").open(encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f)
    found = extract_from_dir(
        str(ROOT),
        method_map,
        options_map,
        keywords={"_": None, "gettext": None, "N_": None},
    )
    return {msg for path, _, msg, *_ in found if not path.startswith(("tests", "build"))}


def test_every_text_in_the_code_is_in_the_template():
    missing = extracted_ids() - template_ids()
    assert not missing, f"run the extract and update steps (README): {sorted(missing)[:5]}"


@pytest.mark.parametrize("lang", ["kk", "en"])
def test_every_template_text_is_translated_with_its_placeholders(lang):
    translated = {m.id: m.string for m in catalog(lang) if m.id and not m.fuzzy}
    problems = []
    for msgid in template_ids():
        string = translated.get(msgid)
        if not string:
            problems.append(f"untranslated: {msgid[:60]}")
        elif set(PLACEHOLDER.findall(msgid)) != set(PLACEHOLDER.findall(string)):
            problems.append(f"placeholders differ: {msgid[:60]}")
    assert not problems, problems[:5]


def test_compiled_catalogs_are_built_from_the_po_files(tmp_path):
    target = tmp_path / "locales" / "kk" / "LC_MESSAGES"
    target.mkdir(parents=True)
    po = ROOT / "locales" / "kk" / "LC_MESSAGES" / "messages.po"
    (target / "messages.po").write_bytes(po.read_bytes())
    written = i18n.compile_catalogs(tmp_path / "locales")
    assert [p.name for p in written] == ["messages.mo"]
    assert i18n.compile_catalogs(tmp_path / "locales") == [], "an up-to-date .mo is kept"


def test_language_codes_are_normalised():
    assert i18n.normalise("kk-KZ") == "kk"
    assert i18n.normalise("en_US") == "en"
    assert i18n.normalise("de") == "ru"
    assert i18n.normalise(None) == "ru"
    assert i18n.gettext("kk", "Да") == "Иә"
