"""What an instrument is, and how any instrument scores a response vector.

Each instrument is a data module beside this one; this module holds no numbers of its own.
"""

import math
from dataclasses import dataclass, field
from enum import StrEnum


class Direction(StrEnum):
    LOWER_IS_BETTER = "lower_is_better"
    HIGHER_IS_BETTER = "higher_is_better"


class CaseWhen(StrEnum):
    AT_OR_ABOVE = "at_or_above"
    BELOW = "below"


@dataclass(frozen=True)
class Option:
    value: int
    label: str


@dataclass(frozen=True)
class Item:
    number: int
    text: str
    root: str | None = None  # roots5: the root of insecurity the item asks about


@dataclass(frozen=True)
class Band:
    code: str
    label: str
    min_score: int
    max_score: int


@dataclass(frozen=True)
class ClinicalCutoff:
    threshold: int
    case_when: CaseWhen
    description: str

    def is_case(self, total: int) -> bool:
        if self.case_when is CaseWhen.AT_OR_ABOVE:
            return total >= self.threshold
        return total < self.threshold


def jacobson_truax_threshold(sd: float, reliability: float) -> int:
    """Smallest whole-point change that is reliable: 1.96 · √2 · SD · √(1 - r), rounded up."""
    return math.ceil(1.96 * math.sqrt(2) * sd * math.sqrt(1 - reliability))


@dataclass(frozen=True)
class ReliableChange:
    """The change in total score that counts as reliable, and where the number comes from."""

    threshold: int
    source: str
    sd: float | None = None
    reliability: float | None = None


@dataclass(frozen=True)
class RiskRule:
    """An item whose answer at or above `min_value` raises a risk flag whatever the total."""

    item: int
    min_value: int
    flag: str
    description: str


@dataclass(frozen=True)
class Loinc:
    panel: str | None = None
    total: str | None = None
    items: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Score:
    total: int
    severity: str | None
    subscores: dict[str, int]
    flags: list[str]


@dataclass(frozen=True)
class Instrument:
    code: str
    name: str
    version: str
    stem: str
    items: tuple[Item, ...]
    options: tuple[Option, ...]
    direction: Direction
    licence: str
    citation: str
    bands: tuple[Band, ...] = ()
    reverse_scored: frozenset[int] = frozenset()
    clinical_cutoff: ClinicalCutoff | None = None
    reliable_change: ReliableChange | None = None
    risk_rules: tuple[RiskRule, ...] = ()
    loinc: Loinc | None = None
    canonical_url: str = ""
    notes: str = ""
    subscores_by_root: bool = False
    validated: bool = True  # a published, psychometrically validated measure

    @property
    def option_values(self) -> tuple[int, ...]:
        return tuple(option.value for option in self.options)

    @property
    def min_score(self) -> int:
        return len(self.items) * min(self.option_values)

    @property
    def max_score(self) -> int:
        return len(self.items) * max(self.option_values)

    def item_score(self, number: int, value: int) -> int:
        if number in self.reverse_scored:
            return max(self.option_values) + min(self.option_values) - value
        return value

    def band_for(self, total: int) -> Band | None:
        return next((b for b in self.bands if b.min_score <= total <= b.max_score), None)

    def risk_flag_description(self, rule: RiskRule, value: int) -> str:
        """What a raised flag says: the item in its own words, and the answer given."""
        text = self.items[rule.item - 1].text
        return (
            f"{self.name} item {rule.item} ({text[0].lower()}{text[1:]}) "
            f"answered {value}: {self.option_label(value).lower()}"
        )

    def option_label(self, value: int) -> str:
        return next(option.label for option in self.options if option.value == value)

    def is_case(self, total: int) -> bool | None:
        return self.clinical_cutoff.is_case(total) if self.clinical_cutoff else None

    def validation_errors(self, responses: list[int]) -> dict[int | None, str]:
        """Problems with a response vector, by item index (None: the vector as a whole)."""
        if len(responses) != len(self.items):
            return {None: f"{self.name} has {len(self.items)} items; got {len(responses)} answers."}
        allowed = self.option_values
        return {
            index: f"{value} is not an option; choose from {min(allowed)} to {max(allowed)}."
            for index, value in enumerate(responses)
            if type(value) is not int or value not in allowed
        }

    def score(self, responses: list[int]) -> Score:
        """Total, severity band, subscores and flags of a valid response vector."""
        total = sum(
            self.item_score(item.number, value)
            for item, value in zip(self.items, responses, strict=True)
        )
        band = self.band_for(total)
        subscores = (
            {item.root: value for item, value in zip(self.items, responses, strict=True)}
            if self.subscores_by_root
            else {}
        )
        flags = sorted(
            {rule.flag for rule in self.risk_rules if responses[rule.item - 1] >= rule.min_value}
        )
        return Score(total, band.code if band else None, subscores, flags)
