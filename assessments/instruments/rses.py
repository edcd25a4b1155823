"""The Rosenberg Self-Esteem Scale, in the University of Maryland's published item order."""

from assessments.instruments.base import (
    Band,
    CaseWhen,
    ClinicalCutoff,
    Direction,
    Instrument,
    Item,
    Option,
    ReliableChange,
    jacobson_truax_threshold,
)

SD = 5.0
TEST_RETEST_R = 0.85

RSES = Instrument(
    code="rses",
    name="Rosenberg Self-Esteem Scale",
    version="1989",
    stem="Below is a list of statements dealing with your general feelings about yourself.",
    items=(
        Item(1, "On the whole, I am satisfied with myself."),
        Item(2, "At times I think I am no good at all."),
        Item(3, "I feel that I have a number of good qualities."),
        Item(4, "I am able to do things as well as most other people."),
        Item(5, "I feel I do not have much to be proud of."),
        Item(6, "I certainly feel useless at times."),
        Item(7, "I feel that I'm a person of worth, at least on an equal plane with others."),
        Item(8, "I wish I could have more respect for myself."),
        Item(9, "All in all, I am inclined to feel that I am a failure."),
        Item(10, "I take a positive attitude toward myself."),
    ),
    options=(
        Option(0, "Strongly disagree"),
        Option(1, "Disagree"),
        Option(2, "Agree"),
        Option(3, "Strongly agree"),
    ),
    reverse_scored=frozenset({2, 5, 6, 8, 9}),
    direction=Direction.HIGHER_IS_BETTER,
    bands=(
        Band("low", "Low", 0, 14),
        Band("normal", "Normal", 15, 25),
        Band("high", "High", 26, 30),
    ),
    clinical_cutoff=ClinicalCutoff(15, CaseWhen.BELOW, "A total below 15 counts as a case."),
    reliable_change=ReliableChange(
        threshold=jacobson_truax_threshold(SD, TEST_RETEST_R),
        sd=SD,
        reliability=TEST_RETEST_R,
        source=(
            "Jacobson & Truax (1991) from test-retest r = .85 and SD = 5.0: "
            "1.96 · √2 · 5.0 · √.15 = 5.37, rounded up to 6 points."
        ),
    ),
    canonical_url="urn:rootwise:questionnaire:rses",
    licence="Free for educational and professional use with citation.",
    citation=(
        "Rosenberg M. Society and the Adolescent Self-Image, revised edition. Middletown, CT: "
        "Wesleyan University Press; 1989. Item order as published by the University of Maryland."
    ),
    notes=(
        "The bands (0-14 low, 15-25 normal, 26-30 high) are widely used but not official. "
        "Items 2, 5, 6, 8 and 9 are reverse-scored (3 minus the answer). No LOINC code exists."
    ),
)
