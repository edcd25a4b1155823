"""The progress report as a PDF a clinician would hand over, built with ReportLab.

ReportLab rather than WeasyPrint: it is pure Python with no system libraries to install, so
`make run` and CI need nothing beyond pip, and it draws straight to PDF quickly.
"""

import io
from pathlib import Path
from xml.sax.saxutils import escape

import matplotlib
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from api.vocabulary import Root, Strategy
from assessments.instruments import INSTRUMENTS
from assessments.reports.charts import instrument_chart, roots_timeline
from assessments.reports.data import ReportData
from sessions.notes import NOTE_SERIALIZERS

# DejaVu Sans ships with matplotlib and covers the characters clinicians type (accents, ≥, —).
FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
pdfmetrics.registerFont(TTFont("DejaVu", FONT_DIR / "DejaVuSans.ttf"))
pdfmetrics.registerFont(TTFont("DejaVu-Bold", FONT_DIR / "DejaVuSans-Bold.ttf"))

_styles = getSampleStyleSheet()
STYLES = {
    name: ParagraphStyle(name, parent=_styles[parent], fontName=font, **extra)
    for name, parent, font, extra in [
        ("title", "Title", "DejaVu-Bold", {}),
        ("h2", "Heading2", "DejaVu-Bold", {"spaceBefore": 10}),
        ("h3", "Heading3", "DejaVu-Bold", {}),
        ("body", "BodyText", "DejaVu", {}),
        ("small", "BodyText", "DejaVu", {"fontSize": 8, "leading": 10}),
    ]
}

OUTCOME_WORDS = {
    "improved": "Reliably improved",
    "deteriorated": "Reliably deteriorated",
    "no_reliable_change": "No reliable change",
    "insufficient_data": "Not enough administrations to judge change",
    "not_applicable": "Reliable change does not apply to this measure",
}


def _p(text: str, style: str = "body") -> Paragraph:
    return Paragraph(escape(str(text)), STYLES[style])


def _table(rows: list[list], widths: list[float] | None = None) -> Table:
    table = Table(
        [[_p(cell, "small") for cell in row] for row in rows], colWidths=widths, repeatRows=1
    )
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eceff1")),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#b0bec5")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _image(png: bytes, width: float = 16 * cm) -> Image:
    image = Image(io.BytesIO(png))
    image.drawHeight = width * image.imageHeight / image.imageWidth
    image.drawWidth = width
    return image


def _outcome_sentence(outcome: dict) -> str:
    instrument = INSTRUMENTS[outcome["instrument"]]
    sentence = OUTCOME_WORDS[outcome["reliable_change"]]
    if outcome["change"] is not None:
        sentence += (
            f": from {outcome['baseline']} to {outcome['latest']} ({outcome['change']:+d} points"
        )
        if instrument.reliable_change:
            sentence += f"; reliable change needs {instrument.reliable_change.threshold}"
        sentence += ")"
    sentence += "."
    if outcome["no_longer_a_case"] is not None:
        sentence += (
            " Recovered: no longer a case by the clinical cut-off"
            if outcome["no_longer_a_case"]
            else " Not recovered: still a case by the clinical cut-off"
        )
        if outcome["reliably_improved_and_no_longer_a_case"]:
            sentence += ", with reliable improvement (reliable recovery)"
        sentence += "."
    elif instrument.clinical_cutoff and outcome["change"] is not None:
        sentence += " Recovery does not apply: the client was not a case at baseline."
    return sentence


def _header(data: ReportData) -> list:
    client = data.client
    start, end = data.period
    rows = [
        ["Client", f"{client.given_name} {client.family_name}"],
        ["Date of birth", client.date_of_birth.isoformat() if client.date_of_birth else "—"],
        ["Client reference", client.external_id or "—"],
        ["Primary clinician", client.primary_clinician.full_name],
        ["Practice", client.practice.name],
        ["Period covered", f"{start} to {end}" if start else "No records yet"],
        ["Generated", data.generated_at.strftime("%d %B %Y %H:%M UTC")],
    ]
    return [_p("Progress report", "title"), _table(rows, [4.5 * cm, 11.5 * cm])]


def _instruments(data: ReportData) -> list:
    flow = [_p("Standardized measures", "h2")]
    if not data.progress["instruments"]:
        flow.append(_p("No assessments have been recorded."))
    for outcome in data.progress["instruments"]:
        instrument = INSTRUMENTS[outcome["instrument"]]
        chart = instrument_chart(instrument, outcome["points"], outcome["baseline"])
        flow.append(
            KeepTogether([_p(instrument.name, "h3"), _p(_outcome_sentence(outcome)), _image(chart)])
        )
        rows = [["Date", "Total", "Severity", "Change from baseline"]]
        rows += [
            [
                point["administered_on"].isoformat(),
                point["total_score"],
                (point["severity"] or "—").replace("_", " "),
                f"{point['total_score'] - outcome['baseline']:+d}",
            ]
            for point in outcome["points"]
        ]
        flow.append(_table(rows))
    return flow


def _roots(data: ReportData) -> list:
    flow = [_p("Roots of insecurity", "h2"), _p("Presenting", "h3")]
    # The clinician's notes on each root are clinical text: only with ?include=notes.
    with_notes = data.include_notes
    presenting = [["Root", "Severity (1-5)", "Primary", *(["Note"] if with_notes else [])]]
    presenting += [
        [
            Root(r.root).label,
            r.severity,
            "yes" if r.is_primary else "",
            *([r.note] if with_notes else []),
        ]
        for r in data.client.presenting_roots.all()
    ]
    flow.append(_table(presenting) if len(presenting) > 1 else _p("None recorded."))
    flow.append(_p("Addressed across sessions", "h3"))
    rows = [["Root", "Sessions", "First", "Last", "Latest index (0-10)"]]
    for root in data.progress["roots"]:
        rows.append(
            [
                Root(root["root"]).label,
                root["sessions_addressed"],
                root["first_addressed"] or "—",
                root["last_addressed"] or "—",
                "—" if root["latest_index"] is None else root["latest_index"],
            ]
        )
    flow.append(_table(rows))
    sessions_by_root: dict[str, list] = {}
    for session in data.sessions:
        if session.status == "completed":
            for root in session.roots_addressed:
                sessions_by_root.setdefault(root, []).append(session.starts_at.date())
    if sessions_by_root:
        flow.append(Spacer(1, 0.3 * cm))
        flow.append(_image(roots_timeline(sessions_by_root)))
    return flow


def _homework(data: ReportData) -> list:
    summary = data.progress["homework"]
    rows = [["Strategy", "Assigned", "Completed", "Partly", "Not done", "Completion", "Helpful"]]
    for line in [*summary["by_strategy"], {"strategy": None, **summary["overall"]}]:
        rate, helpful = line["completion_rate"], line["mean_helpfulness"]
        rows.append(
            [
                Strategy(line["strategy"]).label if line["strategy"] else "All strategies",
                line["assigned"],
                line["completed"],
                line["partially_completed"],
                line["not_completed"],
                "—" if rate is None else f"{rate:.0%}",
                "—" if helpful is None else f"{helpful:.1f} / 10",
            ]
        )
    return [_p("Homework adherence", "h2"), _table(rows)]


def _risk(data: ReportData) -> list:
    flags = data.progress["risk_flags"]
    if not flags:
        return [_p("Open risk flags", "h2"), _p("None.")]
    rows = [["Raised", "Flag"]] + [[f.raised_on.isoformat(), f.description] for f in flags]
    return [_p("Open risk flags", "h2"), _table(rows, [3 * cm, 13 * cm])]


def _notes(data: ReportData) -> list:
    flow = [_p("Session notes", "h2")]
    for session in data.sessions:
        if not session.note_format:
            continue
        flow.append(_p(f"{session.starts_at:%d %B %Y} — {session.clinician.full_name}", "h3"))
        for section in NOTE_SERIALIZERS[session.note_format]().fields:
            if section != "format":
                text = session.note_sections.get(section, "")
                flow.append(_p(f"{section.capitalize()}: {text}"))
        for addendum in session.addenda.all():
            flow.append(_p(f"Addendum ({addendum.created_at:%d %B %Y}): {addendum.text}"))
    return flow


def report_pdf(data: ReportData) -> bytes:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=f"Progress report: {data.client.given_name} {data.client.family_name}",
        author="Rootwise",
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=1.8 * cm,
        bottomMargin=1.8 * cm,
    )
    flow = _header(data) + _instruments(data) + _roots(data) + _homework(data) + _risk(data)
    if data.include_notes:
        flow += _notes(data)
    document.build(flow)
    return buffer.getvalue()
