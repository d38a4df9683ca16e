"""The questionnaire of the Appendix to the Rules, as typed data.

The Appendix is a table of 16 blocks (one per kind of subject), each with
numbered items ("показатели"); an item asks one question and expects one or
more answers.  Here every answer the Appendix asks for is a *field* with a
stable code (``b02.i08.victims_age``) and a kind that says how it is answered
and stored.  Texts are Russian, the wording of the Rules; they are gettext
message ids, translated to Kazakh and English by the catalogs in ``locales/``.

Codes, not texts, are what answers and exports refer to, so a later order
that rewords the Appendix keeps last year's data comparable.  ``version``
names the edition of the questionnaire a campaign was collected with.

Every model forbids unknown keys: a typo in the YAML file is an error naming
its place, never a silently ignored setting.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

CODE = r"^[a-z][a-z0-9_]*$"
UNKNOWN = "unknown"

#: Open dimensions of a breakdown: categories are not fixed by the Appendix.
Dimension = Literal[
    "country",
    "nationality",
    "trafficking_form",
    "exploitation_type",
    "referring_subject",
    "social_status",
    "marital_status",
    "region",
    "work_type",
    "website",
    "direction",
]


#: What the expert group's analysis must bring out (§14 of the Rules, sub-points 1–9, in order):
#: sources of the risks, their nature, the territories (from abroad too), consequences,
#: vulnerable groups, schemes and ways, recruitment and control methods (minors too),
#: causes and conditions, effective prevention (demand reduction too).  A field names the
#: ones it informs (``analysis`` in the YAML); the exports group numbers and texts by them.
Analysis = Literal[
    "sources",
    "nature",
    "territory",
    "consequences",
    "vulnerable_groups",
    "schemes",
    "recruitment",
    "causes",
    "prevention",
]
ANALYSES: tuple[str, ...] = get_args(Analysis)


class Strict(BaseModel):
    """Base of every questionnaire model: immutable, unknown keys refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Category(Strict):
    """One fixed category of a breakdown (an age band, a sex …)."""

    code: Annotated[str, Field(pattern=CODE)]
    label: str


class CategorySet(Strict):
    """A named list of categories, shared by every breakdown that uses it.

    Every set ends with an ``unknown`` category: officials often know a total
    but not, say, the age of each victim, and the sum must still add up.
    """

    code: Annotated[str, Field(pattern=CODE)]
    categories: list[Category]

    @model_validator(mode="after")
    def _has_unknown(self) -> CategorySet:
        codes = [c.code for c in self.categories]
        if UNKNOWN not in codes:
            raise ValueError(f"category set {self.code!r} must include the category 'unknown'")
        if len(set(codes)) != len(codes):
            raise ValueError(f"category set {self.code!r} repeats a category code")
        return self


class Suggestion(Strict):
    """A ready answer offered for an open dimension (the person may type another).

    ``aliases``: what people type for it besides its label in ru, kk and en — article
    numbers (``128``, ``ст. 128``), abbreviations (``ОВД``, ``ІІО``, ``МОМ``) — matched
    whole, case and punctuation ignored; they are not texts shown, so not translated.
    """

    code: Annotated[str, Field(pattern=CODE)]
    label: str
    aliases: list[str] = []


class OpenDimension(Strict):
    """The categories of an open breakdown: typed by the person, with suggestions.

    A ``closed`` dimension takes only its suggestions (the forms of trafficking of the
    Criminal Code, the subjects of countering trafficking): anything else typed is asked
    again, with the closest suggestion, or, where ``other`` is allowed, kept as "other"
    with the text typed (key ``other:<text>``).
    """

    code: Dimension
    label: str
    suggestions: list[Suggestion] = []
    closed: bool = False
    other: bool = False


class Option(Strict):
    """An option of a choice; ``describe`` asks for a description when chosen."""

    code: Annotated[str, Field(pattern=CODE)]
    label: str
    describe: bool = False


class Column(Strict):
    """A column of a list entry (a foreign state, a training topic, its period …)."""

    code: Annotated[str, Field(pattern=CODE)]
    label: str
    kind: Literal["text", "country", "count", "period"]
    required: bool = True


class BaseField(Strict):
    """What every field has: a code unique in its item, a label, an optional hint, and the
    §14 analyses its answers inform (:data:`ANALYSES`; none for the reporting period)."""

    key: Annotated[str, Field(pattern=CODE)]
    #: How it is answered; each kind of field narrows it to its own literal.
    kind: str
    label: str
    hint: str | None = None
    analysis: list[Analysis] = []


class YesNoField(BaseField):
    """ "Да/Нет (Если да, опишите)": a yes answer needs its description."""

    kind: Literal["yes_no"]
    describe_on_yes: bool = True


class ChoiceField(BaseField):
    """One (or several, if ``multiple``) of the given options."""

    kind: Literal["choice"]
    options: list[Option]
    multiple: bool = False

    @model_validator(mode="after")
    def _two_options(self) -> ChoiceField:
        if len(self.options) < 2:
            raise ValueError("a choice needs at least two options")
        return self


class TextField(BaseField):
    """Free text, never empty, at most ``max_length`` characters."""

    kind: Literal["text"]
    max_length: Annotated[int, Field(gt=0, le=10_000)] = 4000


class CountField(BaseField):
    """A whole number of cases, persons, events: 0 ≤ n ≤ ``max_value``."""

    kind: Literal["count"]
    max_value: Annotated[int, Field(gt=0)] = 10_000_000


class AmountField(BaseField):
    """A sum in tenge, two decimals at most."""

    kind: Literal["amount"]
    max_value: Annotated[int, Field(gt=0)] = 10**13


class PeriodField(BaseField):
    """The reporting period: pre-filled from the campaign, only confirmed."""

    kind: Literal["period"]


class BreakdownField(BaseField):
    """Counts over a fixed category set; ``of`` names the count it breaks down."""

    kind: Literal["breakdown"]
    categories: Annotated[str, Field(pattern=CODE)]
    of: str | None = None


class OpenBreakdownField(BaseField):
    """Counts over open categories (countries, forms of exploitation …)."""

    kind: Literal["open_breakdown"]
    dimension: Dimension
    of: str | None = None


class ListField(BaseField):
    """A list of entries, each a few columns; added one by one."""

    kind: Literal["list"]
    columns: list[Column]
    max_entries: Annotated[int, Field(gt=0)] = 200


AnyField = Annotated[
    YesNoField
    | ChoiceField
    | TextField
    | CountField
    | AmountField
    | PeriodField
    | BreakdownField
    | OpenBreakdownField
    | ListField,
    Field(discriminator="kind"),
]

NUMERIC_KINDS = frozenset({"count", "amount", "breakdown", "open_breakdown"})


class Rule(Strict):
    """A consistency rule between numeric fields of one item.

    ``equal``: the parts add up to the total (identified + not identified =
    received).  ``at_most``: the parts together never exceed the total (a
    part never exceeds its whole).  A breakdown's value is the sum of its
    categories, so "a breakdown sums to its count" is an ``equal`` rule, made
    automatically from the breakdown's ``of``.
    """

    code: Annotated[str, Field(pattern=CODE)]
    check: Literal["equal", "at_most"]
    total: str
    parts: list[str]


class Item(Strict):
    """A numbered row of the Appendix: a question, its note, its fields, its rules."""

    number: Annotated[int, Field(gt=0)]
    question: str
    note: str | None = None
    fields: list[AnyField]
    rules: list[Rule] = []
    code: str = ""

    def checks(self) -> list[Rule]:
        """The item's rules plus one per breakdown that names the count it breaks down."""
        made = [
            Rule(code=f"{f.key}_sum", check="equal", total=f.of, parts=[f.key])
            for f in self.fields
            if isinstance(f, BreakdownField | OpenBreakdownField) and f.of
        ]
        return [*self.rules, *made]

    def field(self, key: str) -> BaseField:
        """The field with local key ``key`` (KeyError if absent)."""
        for f in self.fields:
            if f.key == key:
                return f
        raise KeyError(key)


class Block(Strict):
    """One block of the Appendix: its title, the subjects that answer it, its items."""

    number: Annotated[int, Field(gt=0)]
    title: str
    subjects: list[str]
    items: list[Item]
    code: str = ""


class SubjectKind(Strict):
    """A kind of subject named in the block headers (an MVD unit, an NGO …)."""

    code: Annotated[str, Field(pattern=CODE)]
    label: str


class Questionnaire(Strict):
    """The whole Appendix; ``version`` is stored with every campaign."""

    version: str
    title: str
    source: str
    subject_kinds: list[SubjectKind]
    category_sets: list[CategorySet]
    dimensions: list[OpenDimension]
    blocks: list[Block]

    def walk(self) -> Iterator[tuple[Block, Item, BaseField]]:
        """Every field, in the Appendix's order, with its block and item."""
        for block in self.blocks:
            for item in block.items:
                for field in item.fields:
                    yield block, item, field

    def field_code(self, item: Item, field: BaseField) -> str:
        """The stable code of a field: ``b02.i08.victims_age``."""
        return f"{item.code}.{field.key}"

    def blocks_for(self, subject_kind: str) -> list[Block]:
        """The blocks a kind of subject answers (block 1 is everyone's)."""
        return [b for b in self.blocks if "all" in b.subjects or subject_kind in b.subjects]

    def category_set(self, code: str) -> CategorySet:
        """The category set named ``code``."""
        return next(s for s in self.category_sets if s.code == code)

    def block(self, number: int) -> Block:
        """Block by its number in the Appendix."""
        return next(b for b in self.blocks if b.number == number)


def item_code(block_number: int, item_number: int) -> str:
    """``b02.i08``: zero-padded so codes sort in the Appendix's order."""
    return f"b{block_number:02d}.i{item_number:02d}"
