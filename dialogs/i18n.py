"""Texts for people, through Babel gettext catalogs in ``locales/``.

Russian is the source language (the Rules are Russian): message ids are the
Russian texts, and ``locales/kk`` and ``locales/en`` translate them.  The
questionnaire's texts live in its YAML file; ``extract_questionnaire`` lets
``pybabel extract`` collect them beside the ``_()`` calls of the code.

Compiled ``.mo`` files are build products, not kept in git: ``translations``
compiles a catalog whose ``.po`` is newer than its ``.mo`` on first use, so a
fresh clone works after a plain install.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import IO, Any

import yaml
from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LANGUAGES: tuple[str, ...] = ("ru", "kk", "en")
#: Each language by its own name, as the language buttons show it.
NAMES: dict[str, str] = {"ru": "Русский", "kk": "Қазақша", "en": "English"}
SOURCE_LANGUAGE = "ru"
DOMAIN = "messages"
LOCALES_DIR = Path(os.environ.get("SAUALNAMA_LOCALES_DIR", Path(__file__).parents[1] / "locales"))

#: YAML keys whose values are texts for people.
TEXT_KEYS = frozenset({"title", "source", "label", "question", "note", "hint"})


def N_(message: str) -> str:  # noqa: N802 - the gettext convention
    """Mark a text for extraction where it is defined; translate it where it is shown."""
    return message


def normalise(lang: str | None) -> str:
    """Map a language code (``kk-KZ``, ``en_US``, ``ru``) to a supported one; ru by default."""
    if not lang:
        return SOURCE_LANGUAGE
    base = lang.replace("_", "-").split("-")[0].lower()
    return base if base in LANGUAGES else SOURCE_LANGUAGE


def compile_catalogs(locales_dir: Path = LOCALES_DIR, force: bool = False) -> list[Path]:
    """Compile every stale ``.po`` into its ``.mo``; returns the files written."""
    written = []
    for po_path in sorted(locales_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        mo_path = po_path.with_suffix(".mo")
        if not force and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parts[-3])
        tmp = mo_path.with_suffix(".mo.tmp")
        with tmp.open("wb") as mo_file:
            write_mo(mo_file, catalog, use_fuzzy=False)
        tmp.replace(mo_path)
        written.append(mo_path)
    return written


@cache
def translations(lang: str) -> NullTranslations:
    """The catalog of ``lang`` (compiled on first use); Russian is the identity."""
    lang = normalise(lang)
    if lang == SOURCE_LANGUAGE:
        return NullTranslations()
    compile_catalogs()
    found = Translations.load(str(LOCALES_DIR), [lang], DOMAIN)
    return found


def gettext(lang: str, message: str) -> str:
    """``message`` (a Russian text) in ``lang``."""
    return translations(lang).gettext(message)


def translator(lang: str) -> Callable[[str], str]:
    """A ``_`` bound to one language: ``_ = translator("kk"); _("Да")``."""
    return translations(lang).gettext


def has_translation(lang: str, message: str) -> bool:
    """True if ``lang``'s catalog holds a non-empty translation of ``message``."""
    trans = translations(lang)
    catalog = getattr(trans, "_catalog", {})
    return bool(catalog.get(message))


@cache
def country_names(lang: str) -> dict[str, str]:
    """ISO 3166 alpha-2 code → country name in ``lang``, from Babel's CLDR data."""
    territories = Locale.parse(normalise(lang)).territories
    return {
        code: name
        for code, name in territories.items()
        if len(code) == 2
        and code.isalpha()
        and code not in {"ZZ", "EU", "EZ", "UN", "QO", "XA", "XB"}
    }


def extract_questionnaire(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any
) -> Iterator[tuple[int, str | None, str, list[str]]]:
    """Babel extractor: every text of a questionnaire YAML file, with its line number."""
    root = yaml.compose(fileobj.read().decode("utf-8"))
    yield from _texts(root)


def _texts(node: Any) -> Iterator[tuple[int, str | None, str, list[str]]]:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if (
                isinstance(value, yaml.ScalarNode)
                and key.value in TEXT_KEYS
                and value.value.strip()
            ):
                yield value.start_mark.line + 1, None, value.value, []
            else:
                yield from _texts(value)
    elif isinstance(node, yaml.SequenceNode):
        for child in node.value:
            yield from _texts(child)
