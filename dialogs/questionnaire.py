"""Loading the questionnaire from its YAML file, with errors that name their place.

A coordinator who edits the questionnaire file for a new order must learn at
once, and precisely, what is wrong: "block 2, item 8, field 'victims_age':
unknown category set 'age'" rather than a pydantic location tuple.  So the
loader checks the structure (pydantic), then what pydantic cannot see alone:
numbering, unique codes, references between fields, rules, subject kinds.
"""

from __future__ import annotations

from collections.abc import Set
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from dialogs.schema import (
    NUMERIC_KINDS,
    BreakdownField,
    ChoiceField,
    Item,
    ListField,
    OpenBreakdownField,
    Questionnaire,
    item_code,
)

DATA_DIR = Path(__file__).with_name("data")
DEFAULT_FILE = DATA_DIR / "appendix_2024.yaml"


class QuestionnaireError(ValueError):
    """The questionnaire file is malformed; ``where`` names the block, item and field."""

    def __init__(self, where: str, problem: str, path: Path | None = None) -> None:
        self.where = where
        self.problem = problem
        self.path = path
        place = f"{path}: " if path else ""
        super().__init__(f"{place}{where}: {problem}" if where else f"{place}{problem}")


def load(path: Path | str = DEFAULT_FILE) -> Questionnaire:
    """Read, validate and cross-check a questionnaire file."""
    path = Path(path)
    try:
        # libyaml's loader when PyYAML has it: the same result, ten times faster
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 - safe loader
    except yaml.YAMLError as exc:
        raise QuestionnaireError("", f"not valid YAML: {exc}", path) from exc
    return parse(raw, path)


@cache
def default() -> Questionnaire:
    """The questionnaire of the 2024 Rules, loaded once per process."""
    return load(DEFAULT_FILE)


def parse(raw: Any, path: Path | None = None) -> Questionnaire:
    """Validate an already-read mapping (used by ``load`` and by tests)."""
    if not isinstance(raw, dict):
        raise QuestionnaireError("", "the file must hold a mapping with 'blocks'", path)
    _assign_codes(raw)
    try:
        questionnaire = Questionnaire.model_validate(raw)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = describe_location(raw, error["loc"])
        raise QuestionnaireError(where, error["msg"], path) from exc
    _cross_check(questionnaire, path)
    return questionnaire


def _assign_codes(raw: dict[str, Any]) -> None:
    """Give blocks and items their codes (``b02``, ``b02.i08``) from their numbers."""
    for block in raw.get("blocks") or []:
        if not isinstance(block, dict) or not isinstance(block.get("number"), int):
            continue
        block.setdefault("code", f"b{block['number']:02d}")
        for item in block.get("items") or []:
            if isinstance(item, dict) and isinstance(item.get("number"), int):
                item.setdefault("code", item_code(block["number"], item["number"]))


def describe_location(raw: Any, loc: tuple[Any, ...]) -> str:
    """Turn a pydantic location into words: ``block 2, item 8, field 'age'``."""
    names = {"blocks": "block", "items": "item", "fields": "field"}
    parts: list[str] = []
    node = raw
    i = 0
    while i < len(loc):
        key = loc[i]
        nxt = loc[i + 1] if i + 1 < len(loc) else None
        if key in names and isinstance(nxt, int) and isinstance(node, dict):
            entry = (node.get(key) or [None] * (nxt + 1))[nxt]
            parts.append(_name(names[key], entry, nxt))
            node, i = entry, i + 2
            continue
        if isinstance(node, dict):
            node = node.get(key)
        elif isinstance(node, list) and isinstance(key, int) and key < len(node):
            node = node[key]
        else:
            node = None
        if not isinstance(key, int) and key not in {"yes_no", "choice", "text", "count"} | {
            "amount",
            "period",
            "breakdown",
            "open_breakdown",
            "list",
        }:
            parts.append(str(key))
        i += 1
    return ", ".join(parts)


def _name(kind: str, entry: Any, index: int) -> str:
    """``block 2`` by number, ``field 'age'`` by key; by position when those are missing."""
    if isinstance(entry, dict):
        if kind == "field" and entry.get("key"):
            return f"field {entry['key']!r}"
        if kind != "field" and entry.get("number") is not None:
            return f"{kind} {entry['number']}"
    return f"{kind} #{index + 1}"


def _cross_check(q: Questionnaire, path: Path | None) -> None:
    """What the models cannot check alone: numbering, uniqueness, references."""

    def fail(where: str, problem: str) -> None:
        raise QuestionnaireError(where, problem, path)

    kinds = {k.code for k in q.subject_kinds} | {"all"}
    sets = {s.code for s in q.category_sets}
    dims: set[str] = {d.code for d in q.dimensions}
    for expected, block in enumerate(q.blocks, start=1):
        where_b = f"block {block.number}"
        if block.number != expected:
            fail(where_b, f"blocks must be numbered 1, 2, 3 … in order; expected {expected}")
        for subject in block.subjects:
            if subject not in kinds:
                fail(where_b, f"unknown subject kind {subject!r}")
        for expected_item, item in enumerate(block.items, start=1):
            where_i = f"{where_b}, item {item.number}"
            if item.number != expected_item:
                fail(
                    where_i, f"items must be numbered 1, 2, 3 … in order; expected {expected_item}"
                )
            _check_item(item, where_i, sets, dims, fail)
    used = {s for b in q.blocks for s in b.subjects}
    for kind in q.subject_kinds:
        if kind.code not in used:
            fail("subject_kinds", f"subject kind {kind.code!r} answers no block")


def _check_item(item: Item, where: str, sets: set[str], dims: Set[str], fail: Any) -> None:
    """Field keys unique, references resolvable, rules on numeric fields only."""
    keys: dict[str, str] = {}
    for field in item.fields:
        where_f = f"{where}, field {field.key!r}"
        if field.key in keys:
            fail(where_f, "the same field key is used twice in this item")
        keys[field.key] = field.kind
        if len(set(field.analysis)) != len(field.analysis):
            fail(where_f, "an analysis of §14 is named twice in 'analysis'")
        if isinstance(field, BreakdownField) and field.categories not in sets:
            fail(where_f, f"unknown category set {field.categories!r}")
        if isinstance(field, OpenBreakdownField) and field.dimension not in dims:
            fail(where_f, f"dimension {field.dimension!r} is not described under 'dimensions'")
        if isinstance(field, ChoiceField):
            codes = [o.code for o in field.options]
            if len(set(codes)) != len(codes):
                fail(where_f, "two options share a code")
        if isinstance(field, ListField) and len({c.code for c in field.columns}) != len(
            field.columns
        ):
            fail(where_f, "two columns share a code")
    for field in item.fields:
        of = getattr(field, "of", None)
        if of is not None and keys.get(of) != "count":
            fail(
                f"{where}, field {field.key!r}",
                f"'of' must name a count field of this item, not {of!r}",
            )
    for rule in item.rules:
        where_r = f"{where}, rule {rule.code!r}"
        for name in [rule.total, *rule.parts]:
            if name not in keys:
                fail(where_r, f"names field {name!r}, which this item does not have")
            if keys[name] not in NUMERIC_KINDS:
                fail(where_r, f"field {name!r} is {keys[name]}, not a number")
