"""The stable key of an organisation in the master list.

A master file is re-imported every year, typed by different people: ``ФОНД ПРОБЕЛЫ``,
``Фонд «Пробелы»`` and ``Фонд  пробелы`` are one organisation.  The key is therefore

* ``bin:<12 digits>`` where the БИН (business identification number) is known — it
  survives renamings;
* else ``<subject kind>:<normalised Russian name>``: case folded, ``ё`` read as ``е``,
  quotes (``«»“”„"'``) dropped, runs of whitespace made one space.

The database holds the key in a unique column, so no two rows of the master list can
be the same organisation, whichever process writes them.
"""

from __future__ import annotations

import re
import unicodedata

BIN_RE = re.compile(r"^\d{12}$")
#: Quotes people type around names (Russian, English, Kazakh typography, straight ones).
_QUOTES = re.compile(r"[«»“”„‟\"'‘’‚`]")


def normalise_name(name: str) -> str:
    """``' ОФ  «Сана» '`` → ``'оф сана'``: the name as compared, not as shown."""
    text = unicodedata.normalize("NFC", name).casefold().replace("ё", "е")
    return " ".join(_QUOTES.sub(" ", text).split())


def clean_bin(value: str | None) -> str | None:
    """A БИН as stored: 12 digits (spaces removed), ``None`` if empty; ``ValueError`` if not."""
    if value is None:
        return None
    text = "".join(str(value).split())
    if not text:
        return None
    if not BIN_RE.match(text):
        raise ValueError(f"БИН {value!r} is not 12 digits")
    return text


def name_key(subject_kind: str, name_ru: str) -> str:
    """The key by kind and name (also used to find a row that has no БИН yet)."""
    return f"{subject_kind}:{normalise_name(name_ru)}"


def organisation_key(subject_kind: str, name_ru: str, bin_: str | None) -> str:
    """``bin:…`` when the БИН is known, else :func:`name_key`."""
    return f"bin:{bin_}" if bin_ else name_key(subject_kind, name_ru)
