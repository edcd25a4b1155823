"""GAD-7, the Generalized Anxiety Disorder scale."""

from assessments.instruments.base import (
    Band,
    CaseWhen,
    ClinicalCutoff,
    Direction,
    Instrument,
    Item,
    Loinc,
    ReliableChange,
)
from assessments.instruments.phq9 import FREQUENCY_OPTIONS

GAD7 = Instrument(
    code="gad7",
    name="GAD-7",
    version="2006",
    stem="Over the last 2 weeks, how often have you been bothered by the following problems?",
    items=(
        Item(1, "Feeling nervous, anxious, or on edge"),
        Item(2, "Not being able to stop or control worrying"),
        Item(3, "Worrying too much about different things"),
        Item(4, "Trouble relaxing"),
        Item(5, "Being so restless that it is hard to sit still"),
        Item(6, "Becoming easily annoyed or irritable"),
        Item(7, "Feeling afraid, as if something awful might happen"),
    ),
    options=FREQUENCY_OPTIONS,
    direction=Direction.LOWER_IS_BETTER,
    bands=(
        Band("minimal", "Minimal", 0, 4),
        Band("mild", "Mild", 5, 9),
        Band("moderate", "Moderate", 10, 14),
        Band("severe", "Severe", 15, 21),
    ),
    clinical_cutoff=ClinicalCutoff(8, CaseWhen.AT_OR_ABOVE, "Caseness: total of 8 or more."),
    reliable_change=ReliableChange(
        threshold=4,
        sd=4.5,
        source="NHS Talking Therapies reliable change threshold for GAD-7 (4 points; SD 4.5).",
    ),
    loinc=Loinc(panel="69737-5", total="70274-6"),
    licence="Free to reproduce, translate, display and distribute (Pfizer; no permission needed).",
    citation=(
        "Spitzer RL, Kroenke K, Williams JB, Löwe B. A brief measure for assessing generalized "
        "anxiety disorder: the GAD-7. Arch Intern Med. 2006;166(10):1092-1097."
    ),
)
