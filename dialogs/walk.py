"""The order in which one organisation walks its part of the Appendix.

Block 1 is everyone's; then the organisation's own blocks in the Appendix's
order, item by item, field by field.  Positions are indexes into that list;
the dialog state stores the *field code* too, so a questionnaire edition that
inserts a field cannot silently shift a person onto another question.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from dialogs.schema import AnyField, Block, Item, Questionnaire


@dataclass(frozen=True)
class Step:
    """One field to answer, with the block and item it belongs to."""

    block: Block
    item: Item
    field: AnyField
    code: str


class Walk:
    """The fields of the given blocks, in order, with lookups both ways."""

    def __init__(self, questionnaire: Questionnaire, blocks: list[int]) -> None:
        self.questionnaire = questionnaire
        wanted = set(blocks) | {1}
        self.blocks = [b for b in questionnaire.blocks if b.number in wanted]
        self.steps = [
            Step(b, i, f, questionnaire.field_code(i, f))
            for b in self.blocks
            for i in b.items
            for f in i.fields
        ]

    @cached_property
    def index(self) -> dict[str, int]:
        """Field code → position."""
        return {s.code: n for n, s in enumerate(self.steps)}

    def __len__(self) -> int:
        return len(self.steps)

    def position_of(self, code: str | None, fallback: int = 0) -> int:
        """Position of a field code; ``fallback`` if the code is not in this walk."""
        return self.index.get(code or "", min(max(fallback, 0), len(self.steps) - 1))

    def first_of_item(self, item_code: str) -> int | None:
        """Position of the first field of an item, or None if not in this walk."""
        for n, step in enumerate(self.steps):
            if step.item.code == item_code:
                return n
        return None

    def first_of_block(self, number: int) -> int | None:
        """Position of the first field of a block, or None."""
        for n, step in enumerate(self.steps):
            if step.block.number == number:
                return n
        return None

    def item_codes(self) -> list[str]:
        """Every item code of the walk, in order."""
        return [i.code for b in self.blocks for i in b.items]

    def next_open(self, answered: set[str], start: int) -> int | None:
        """The first unanswered position at or after ``start``, wrapping round once."""
        order = list(range(start, len(self.steps))) + list(range(0, start))
        return next((n for n in order if self.steps[n].code not in answered), None)

    def progress(self, answered: set[str]) -> tuple[int, int]:
        """(answered fields, all fields) of this walk."""
        done = sum(1 for s in self.steps if s.code in answered)
        return done, len(self.steps)
