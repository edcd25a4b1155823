"""The LOINC forms the FHIR export answers: for PHQ-9 and GAD-7, the questionnaire LOINC
publishes, each item's linkId and LOINC code in Rootwise item order, the total-score item, and
the LOINC answer code of each answer value.

Checked against the questionnaires Regenstrief publishes, not written from memory:

- PHQ-9, http://loinc.org/q/44249-1: LOINC's FHIR server's copy as republished in
  https://packages2.fhir.org/xig/resource/fhir.paciosampledata%7Ccurrent/Questionnaire/44249-1
  and in HL7's PCO guide, https://github.com/HL7/pco-ig (Questionnaire-44249-1.json). Item codes
  and order also in https://loinc.org/69729-2 and in US Core's PHQ-9 example,
  https://hl7.org/fhir/us/core/Questionnaire-phq-9-example.html.
- GAD-7, http://loinc.org/q/69737-5: the same server's copy in HL7's PCO guide,
  https://github.com/HL7/pco-ig (Questionnaire-69737-5.json). Item codes and order also in
  https://loinc.org/69729-2.

LOINC's questionnaires key their items by LOINC form-item numbers, not by the item codes, so
both are kept. GAD-7 item 2 is 68509-9, whose answer list has "More days than not" (LA18938-3)
where the other items have "More than half the days" (LA6570-1); the value is 2 either way.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Answer:
    code: str
    display: str


NOT_AT_ALL = Answer("LA6568-5", "Not at all")
SEVERAL_DAYS = Answer("LA6569-3", "Several days")
MORE_THAN_HALF = Answer("LA6570-1", "More than half the days")
MORE_DAYS_THAN_NOT = Answer("LA18938-3", "More days than not")
NEARLY_EVERY_DAY = Answer("LA6571-9", "Nearly every day")

FREQUENCY = {0: NOT_AT_ALL, 1: SEVERAL_DAYS, 2: MORE_THAN_HALF, 3: NEARLY_EVERY_DAY}


@dataclass(frozen=True)
class FormItem:
    link_id: str
    code: str
    answers: dict[int, Answer]


@dataclass(frozen=True)
class LoincForm:
    questionnaire: str
    items: tuple[FormItem, ...]
    total_link_id: str


LOINC_FORMS = {
    "phq9": LoincForm(
        questionnaire="http://loinc.org/q/44249-1",
        items=(
            FormItem("14363", "44250-9", FREQUENCY),
            FormItem("14364", "44255-8", FREQUENCY),
            FormItem("14365", "44259-0", FREQUENCY),
            FormItem("14366", "44254-1", FREQUENCY),
            FormItem("14367", "44251-7", FREQUENCY),
            FormItem("14368", "44258-2", FREQUENCY),
            FormItem("14369", "44252-5", FREQUENCY),
            FormItem("14370", "44253-3", FREQUENCY),
            FormItem("14371", "44260-8", FREQUENCY),
        ),
        total_link_id="14372",
    ),
    "gad7": LoincForm(
        questionnaire="http://loinc.org/q/69737-5",
        items=(
            FormItem("57541", "69725-0", FREQUENCY),
            FormItem("57542", "68509-9", {**FREQUENCY, 2: MORE_DAYS_THAN_NOT}),
            FormItem("57543", "69733-4", FREQUENCY),
            FormItem("57544", "69734-2", FREQUENCY),
            FormItem("57545", "69735-9", FREQUENCY),
            FormItem("57546", "69689-8", FREQUENCY),
            FormItem("57547", "69736-7", FREQUENCY),
        ),
        total_link_id="58628",
    ),
}
