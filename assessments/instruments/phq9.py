"""PHQ-9, the Patient Health Questionnaire depression module."""

from assessments.instruments.base import (
    Band,
    CaseWhen,
    ClinicalCutoff,
    Direction,
    Instrument,
    Item,
    Loinc,
    Option,
    ReliableChange,
    RiskRule,
)

FREQUENCY_OPTIONS = (
    Option(0, "Not at all"),
    Option(1, "Several days"),
    Option(2, "More than half the days"),
    Option(3, "Nearly every day"),
)

PHQ9 = Instrument(
    code="phq9",
    name="PHQ-9",
    version="1999",
    stem=(
        "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
    ),
    items=(
        Item(1, "Little interest or pleasure in doing things"),
        Item(2, "Feeling down, depressed, or hopeless"),
        Item(3, "Trouble falling or staying asleep, or sleeping too much"),
        Item(4, "Feeling tired or having little energy"),
        Item(5, "Poor appetite or overeating"),
        Item(
            6,
            "Feeling bad about yourself — or that you are a failure or have let yourself or "
            "your family down",
        ),
        Item(
            7,
            "Trouble concentrating on things, such as reading the newspaper or watching television",
        ),
        Item(
            8,
            "Moving or speaking so slowly that other people could have noticed? Or the "
            "opposite — being so fidgety or restless that you have been moving around a lot "
            "more than usual",
        ),
        Item(9, "Thoughts that you would be better off dead or of hurting yourself in some way"),
    ),
    options=FREQUENCY_OPTIONS,
    direction=Direction.LOWER_IS_BETTER,
    bands=(
        Band("minimal", "Minimal", 0, 4),
        Band("mild", "Mild", 5, 9),
        Band("moderate", "Moderate", 10, 14),
        Band("moderately_severe", "Moderately severe", 15, 19),
        Band("severe", "Severe", 20, 27),
    ),
    clinical_cutoff=ClinicalCutoff(10, CaseWhen.AT_OR_ABOVE, "Caseness: total of 10 or more."),
    reliable_change=ReliableChange(
        threshold=6,
        sd=5.5,
        reliability=0.89,
        source=(
            "NHS Talking Therapies reliable change threshold for PHQ-9 (6 points); consistent "
            "with Jacobson & Truax (1991) from SD 5.5 and r = .89."
        ),
    ),
    risk_rules=(
        RiskRule(
            item=9,
            min_value=1,
            flag="risk",
            description=(
                "Item 9 (thoughts that you would be better off dead or of hurting yourself in "
                "some way) answered 1, 2 or 3: several days or more."
            ),
        ),
    ),
    loinc=Loinc(panel="44249-1", total="44261-6", items={9: "44260-8"}),
    licence="Free to reproduce, translate, display and distribute (Pfizer; no permission needed).",
    citation=(
        "Kroenke K, Spitzer RL, Williams JB. The PHQ-9: validity of a brief depression severity "
        "measure. J Gen Intern Med. 2001;16(9):606-613."
    ),
)
