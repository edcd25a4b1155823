"""The Insecurity Roots Index: Rootwise's own five-item index, one item per root. Not a validated
measure: it has no published psychometrics."""

from api.vocabulary import Root
from assessments.instruments.base import Direction, Instrument, Item, Option

ROOTS5 = Instrument(
    code="roots5",
    name="Insecurity Roots Index",
    version="1.0",
    stem=(
        "Over the last 2 weeks, how much has each of these affected how you feel about yourself?"
    ),
    items=(
        Item(1, "Memories or patterns from early childhood", Root.EARLY_CHILDHOOD.value),
        Item(
            2,
            "Comparing yourself with others, including on social media",
            Root.SOCIAL_COMPARISON.value,
        ),
        Item(3, "Past failures or rejections", Root.PAST_FAILURES.value),
        Item(4, "How you are treated in close relationships", Root.RELATIONSHIP_DYNAMICS.value),
        Item(5, "Holding yourself to standards you cannot meet", Root.PERFECTIONISM.value),
    ),
    options=tuple(
        Option(value, {0: "Not at all", 10: "Completely"}.get(value, str(value)))
        for value in range(11)
    ),
    direction=Direction.LOWER_IS_BETTER,
    subscores_by_root=True,
    validated=False,
    canonical_url="urn:rootwise:questionnaire:roots5",
    licence="Part of Rootwise; free to use under the project's licence.",
    citation="Rootwise Insecurity Roots Index, version 1.0.",
    notes=(
        "A Rootwise index, not a validated measure: a prompt for talking about the roots of "
        "insecurity, with no published psychometrics. "
        "No bands, norms or clinical cut-off: reliable change and caseness are not applicable. "
        "Subscores are the five item values keyed by root code; progress reports the raw change "
        "per root."
    ),
)
