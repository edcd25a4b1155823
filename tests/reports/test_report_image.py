"""Visual regression: a report of fixed data (client, dates, generation time) rendered to PNG
with PDFium and compared page by page with the reference images beside this module.

The comparison allows a small mean difference (anti-aliasing may differ slightly between
library builds); a moved block, a changed colour or a lost chart exceeds it. After a deliberate
change to the report, regenerate the references and the documentation's example with

    make report-images

(which runs `ROOTWISE_UPDATE_REPORT_IMAGES=1 pytest tests/reports/test_report_image.py`)

and look at the new images before committing them. Stable by construction: the data and the
generation time are fixed, the fonts ship with the packages (DejaVu Sans from matplotlib,
embedded in the PDF), and charts are vector graphics drawn at a fixed size, with no
randomness.
"""

import dataclasses
import datetime
import os
from pathlib import Path

import numpy as np
import pypdfium2
import pytest
from PIL import Image

from assessments.models import RiskFlag
from assessments.services import assessment_record, assessment_void, risk_flag_acknowledge
from progress.reports.data import report_data
from progress.reports.pdf import report_pdf
from sessions.homework.services import homework_assign, homework_close
from tests.factories import ClientFactory, PracticeFactory, SessionFactory, UserFactory
from tests.reports.conftest import at, day, responses_for

pytestmark = pytest.mark.django_db

REFERENCE_DIR = Path(__file__).parent / "reference"
DOCS_EXAMPLE = Path(__file__).parents[2] / "docs" / "report-example.png"
UPDATE = os.environ.get("ROOTWISE_UPDATE_REPORT_IMAGES") == "1"
SCALE = 1.0  # 72 pixels to the inch: an A4 page is 595 x 842
# Mean absolute difference per channel (0-255) allowed between a page and its reference.
TOLERANCE = 1.0
GENERATED_AT = datetime.datetime(2025, 4, 1, 9, 30, tzinfo=datetime.UTC)


def fixed_report() -> bytes:
    """Eleanor Whitfield's report: four instruments, a risk answer acknowledged and one on a
    voided administration, sessions across the roots, homework in every state."""
    practice = PracticeFactory(name="Riverside Therapy")
    clinician = UserFactory(practice=practice, full_name="Amara Okafor")
    colleague = UserFactory(practice=practice, full_name="Tomas Lindqvist")
    client = ClientFactory(
        primary_clinician=clinician,
        care_team=[colleague],
        given_name="Eleanor",
        family_name="Whitfield",
        date_of_birth=datetime.date(1990, 4, 12),
        external_id="RW-0042",
        intake_date=day(1, 2),
        roots=[("perfectionism", 4), ("social_comparison", 3), ("past_failures", 2)],
    )
    for week, roots in enumerate(
        [
            ["perfectionism", "social_comparison"],
            ["perfectionism"],
            ["past_failures"],
            ["perfectionism", "past_failures"],
            ["social_comparison"],
            ["perfectionism"],
        ]
    ):
        SessionFactory(client=client, starts_at=at(1, 6) + datetime.timedelta(weeks=2 * week),
                       roots_addressed=roots)  # fmt: skip
    SessionFactory(client=client, starts_at=at(4, 14), status="scheduled", note_format="",
                   note_sections={})  # fmt: skip

    def administer(code, on, total, item9=0):
        responses = responses_for(code, total - item9)
        if item9:
            responses[8] = item9
        return assessment_record(
            by=clinician, client=client, instrument=code, administered_on=on, responses=responses
        )

    endorsed = administer("phq9", day(1, 6), 19, item9=2)
    administer("phq9", day(2, 3), 14)
    mistaken = administer("phq9", day(2, 10), 16, item9=1)
    administer("phq9", day(3, 3), 10)
    administer("phq9", day(3, 24), 7)
    for on, total in [(day(1, 6), 13), (day(2, 3), 11), (day(3, 24), 7)]:
        administer("gad7", on, total)
    for on, total in [(day(1, 7), 12), (day(3, 24), 17)]:
        administer("rses", on, total)
    for on, total in [(day(1, 7), 28), (day(3, 24), 19)]:
        administer("roots5", on, total)

    risk_flag_acknowledge(
        flag=RiskFlag.objects.get(assessment=endorsed), by=colleague, note="Safety plan agreed."
    )
    RiskFlag.objects.filter(assessment=endorsed).update(acknowledged_at=at(1, 7, 9))
    assessment_void(assessment=mistaken, by=clinician, reason="Entered for the wrong client.")
    type(mistaken).objects.filter(pk=mistaken.pk).update(voided_at=at(2, 11, 9))

    for strategy, title, assigned, outcome, helpfulness in [
        ("self_reflection", "Thought record", day(1, 6), "completed", 4),
        ("self_reflection", "Self-compassion letter", day(1, 20), "completed", 3),
        ("realistic_goals", "One small step", day(2, 3), "partially_completed", 3),
        ("supportive_relationships", "Call a friend", day(2, 17), "not_completed", None),
        ("professional_help", "Look up a support group", day(3, 3), "cancelled", None),
        ("realistic_goals", "Plan the week", day(3, 24), None, None),
    ]:
        homework = homework_assign(
            by=clinician, client=client, strategy=strategy, title=title, assigned_on=assigned
        )
        if outcome:
            done = {"completed_on": assigned + datetime.timedelta(days=6)}
            homework_close(
                homework=homework, by=clinician, status=outcome, helpfulness=helpfulness,
                **(done if outcome in ("completed", "partially_completed") else {}),
            )  # fmt: skip

    data = dataclasses.replace(report_data(client.pk), generated_at=GENERATED_AT)
    return report_pdf(data)


def rendered_pages(pdf: bytes) -> list[Image.Image]:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return [page.render(scale=SCALE).to_pil().convert("RGB") for page in document]
    finally:
        document.close()


def write_references(pages: list[Image.Image]) -> None:
    REFERENCE_DIR.mkdir(exist_ok=True)
    for stale in REFERENCE_DIR.glob("report-page-*.png"):
        stale.unlink()
    for number, page in enumerate(pages, 1):
        page.save(REFERENCE_DIR / f"report-page-{number}.png", optimize=True)
    # The documentation's example: the first two pages side by side.
    first, second = pages[0], pages[1]
    montage = Image.new("RGB", (first.width + second.width + 12, first.height), "#9e9e9e")
    montage.paste(first, (0, 0))
    montage.paste(second, (first.width + 12, 0))
    montage.save(DOCS_EXAMPLE, optimize=True)


def test_the_report_looks_as_its_reference_images(tmp_path):
    pages = rendered_pages(fixed_report())
    if UPDATE:
        write_references(pages)
    references = sorted(REFERENCE_DIR.glob("report-page-*.png"))

    assert len(pages) == len(references), (
        f"{len(pages)} pages rendered, {len(references)} reference images"
    )
    differences = []
    for number, page in enumerate(pages, 1):
        expected = Image.open(REFERENCE_DIR / f"report-page-{number}.png").convert("RGB")
        assert page.size == expected.size, number
        delta = np.abs(np.asarray(page, int) - np.asarray(expected, int))
        differences.append(delta.mean())
        if delta.mean() >= TOLERANCE:
            page.save(tmp_path / f"actual-page-{number}.png")
            Image.fromarray((255 - delta.max(axis=2)).astype("uint8")).save(
                tmp_path / f"difference-page-{number}.png"
            )

    assert max(differences) < TOLERANCE, (
        f"Mean pixel difference per page: {[round(d, 3) for d in differences]} (tolerance "
        f"{TOLERANCE}); the rendered pages and their differences are in {tmp_path}. If the change "
        "is intended, regenerate with `make report-images`."
    )
