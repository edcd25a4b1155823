"""The progress report as a PDF a clinician would hand over, built with ReportLab.

ReportLab rather than WeasyPrint: it is pure Python with no system libraries to install, so
`make run` and CI need nothing beyond pip, and it draws straight to PDF quickly.

The report is a list of sections, each a function of the report data returning flowables;
a new section is one more function in `SECTIONS`.
"""

import io
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from api.vocabulary import Root, Strategy
from assessments.instruments import INSTRUMENTS
from assessments.instruments.base import CaseWhen, Instrument
from assessments.outcomes import ReliableChangeLabel
from progress.reports.charts import better_words, instrument_chart, roots_timeline
from progress.reports.data import ReportData, flag_answer
from progress.reports.fonts import BOLD, REGULAR
from sessions.notes import NOTE_SERIALIZERS

# Compressed streams go into the PDF as binary rather than ASCII85 text: ReportLab's ASCII85
# encoder is pure Python and a sizeable share of the build, and readers see no difference.
rl_config.useA85 = 0

_styles = getSampleStyleSheet()
STYLES = {
    name: ParagraphStyle(name, parent=_styles[parent], fontName=font, **extra)
    for name, parent, font, extra in [
        ("title", "Title", BOLD, {}),
        # A heading never ends a page: it moves to the next with what it introduces.
        ("h2", "Heading2", BOLD, {"spaceBefore": 10, "keepWithNext": 1}),
        ("h3", "Heading3", BOLD, {"keepWithNext": 1}),
        ("body", "BodyText", REGULAR, {}),
        ("outcome", "BodyText", REGULAR, {"spaceBefore": 2, "spaceAfter": 2}),
        (
            "lead",
            "BodyText",
            REGULAR,
            {"keepWithNext": 1, "spaceAfter": 6},
        ),  # introduces what follows
        ("small", "BodyText", REGULAR, {"fontSize": 8, "leading": 10}),
    ]
}
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 2 * cm
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN
HIGHLIGHT = colors.HexColor("#fde0dc")  # rows of a risk answer and of an open flag

RELIABLE_CHANGE_LABELS = dict(ReliableChangeLabel.choices)


def _p(text: str, style: str = "body") -> Paragraph:
    return Paragraph(escape(str(text)), STYLES[style])


CELL = STYLES["small"]


def _cell(value, room: float) -> str | Paragraph:
    """A cell's text as a plain string when it already stands on one line as a paragraph would
    set it (drawn by the table itself, far cheaper to lay out than a Paragraph); otherwise a
    paragraph, which wraps and normalises spacing."""
    text = str(value)
    if " ".join(text.split()) == text and stringWidth(text, REGULAR, CELL.fontSize) < room:
        return text
    return _p(text, "small")


def _table(
    rows: list[list], widths: list[float] | None = None, highlight=(), padding: float = 6
) -> Table:
    """Cells in the small style, the header row repeated on each page; rows whose index (in
    `rows`, header included) is in `highlight` are shaded."""
    widths = widths or [TEXT_WIDTH / len(rows[0])] * len(rows[0])
    rooms = [width - 2 * padding for width in widths]
    table = Table(
        [[_cell(cell, room) for cell, room in zip(row, rooms, strict=True)] for row in rows],
        colWidths=widths,
        repeatRows=1,
    )
    style = [
        # Plain-string cells are set as the small style's paragraphs are: same baseline, same
        # row height.
        ("FONT", (0, 0), (-1, -1), REGULAR, CELL.fontSize, CELL.leading),
        ("TEXTCOLOR", (0, 0), (-1, -1), CELL.textColor),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eceff1")),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#b0bec5")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), padding),
        ("RIGHTPADDING", (0, 0), (-1, -1), padding),
    ]
    style += [("BACKGROUND", (0, row), (-1, row), HIGHLIGHT) for row in highlight]
    table.setStyle(TableStyle(style))
    return table


def signed(number: int) -> str:
    """+3, 0, and a true minus sign for a fall, as print uses."""
    if number > 0:
        return f"+{number}"
    return f"\N{MINUS SIGN}{-number}" if number < 0 else "0"


def _day(value) -> str:
    return value.isoformat() if value else "—"


def _full_name(client) -> str:
    return f"{client.given_name} {client.family_name}"


# --- Header --------------------------------------------------------------------------------


def _flag_counts(data: ReportData) -> str:
    open_count = sum(flag.is_open for flag in data.risk_flags)
    return f"{open_count} open, {len(data.risk_flags) - open_count} acknowledged"


def _header(data: ReportData) -> list:
    client = data.client
    start, end = data.period
    rows = [
        ["Client", _full_name(client)],
        ["Date of birth", _day(client.date_of_birth)],
        ["Client reference", client.external_id or "—"],
        ["Primary clinician", client.primary_clinician.full_name],
        ["Practice", client.practice.name],
        ["Period covered", f"{start} to {end}" if start else "No records yet"],
        ["Risk flags", _flag_counts(data) + (" (listed below)" if data.risk_flags else "")],
        [
            "Generated",
            f"{data.local(data.generated_at):%d %B %Y %H:%M} ({client.practice.time_zone})",
        ],
    ]
    return [_p("Progress report", "title"), _table(rows, [4.5 * cm, TEXT_WIDTH - 4.5 * cm])]


# --- Standardized measures: one sentence per question a reader asks of an outcome ----------


def _instrument_heading(instrument: Instrument) -> str:
    return (
        f"{instrument.name} (total {instrument.min_score}\N{EN DASH}{instrument.max_score}, "
        f"{better_words(instrument)})"
    )


def _change_sentence(outcome: dict, instrument: Instrument) -> str:
    if outcome["change"] is None:
        return (
            f"One administration so far: {outcome['baseline']} ({better_words(instrument)}); "
            "change needs a second."
        )
    sentence = (
        f"Change from {outcome['baseline']} to {outcome['latest']}: "
        f"{signed(outcome['change'])} points ({better_words(instrument)})."
    )
    if instrument.reliable_change is None:
        return sentence + " Reliable change does not apply: there is no reliable change threshold."
    return (
        f"{sentence} {_reliable_change_words(outcome['reliable_change'])} the reliable change "
        f"threshold of {instrument.reliable_change.threshold} points."
    )


def _reliable_change_words(label: str) -> str:
    reach = "is under" if label == ReliableChangeLabel.NO_RELIABLE_CHANGE else "reaches"
    return f"{RELIABLE_CHANGE_LABELS[label]}: the change {reach}"


def _cutoff_words(instrument: Instrument) -> str:
    cutoff = instrument.clinical_cutoff
    if cutoff.case_when is CaseWhen.AT_OR_ABOVE:
        return f"a case at {cutoff.threshold} or more"
    return f"a case below {cutoff.threshold}"


def _cutoff_sentence(outcome: dict, instrument: Instrument) -> str:
    """Per instrument: was a case at baseline, is not at the latest (the cut-off outcome)."""
    sentence = f"Clinical cut-off: {_cutoff_words(instrument)}."
    baseline, latest = outcome["baseline"], outcome["latest"]
    if outcome["change"] is None:
        state = "a case" if instrument.is_case(latest) else "not a case"
        return f"{sentence} The one score ({latest}) is {state}."
    if outcome["no_longer_a_case"] is None:
        return (
            f"{sentence} Not a case at baseline ({baseline}): the cut-off outcome does not apply."
        )
    if not outcome["no_longer_a_case"]:
        return f"{sentence} A case at baseline ({baseline}) and still at the latest ({latest})."
    improved = (
        ", with reliable improvement" if outcome["reliably_improved_and_no_longer_a_case"] else ""
    )
    return f"{sentence} A case at baseline ({baseline}), not at the latest ({latest}){improved}."


def _outcome_lines(outcome: dict) -> list[str]:
    instrument = INSTRUMENTS[outcome["instrument"]]
    lines = [_change_sentence(outcome, instrument)]
    if instrument.clinical_cutoff:
        lines.append(_cutoff_sentence(outcome, instrument))
    if not instrument.validated:
        lines.append(
            f"The {instrument.name} is a Rootwise index, not a validated measure: it has no "
            "norms, bands or cut-off, and its change is the client's own ratings, not a "
            "clinical outcome."
        )
    return lines


def _administration_rows(outcome: dict, instrument: Instrument, data: ReportData) -> tuple:
    """The table of one instrument's administrations, with the answer to each risk item, and
    the rows that endorsed one."""
    risk_items = [rule.item for rule in instrument.risk_rules]
    responses = {a.pk: a.responses for a in data.administrations}
    endorsed = data.risk_answers_by_administration()
    header = ["Date", "Total", "Severity", "Change from baseline"]
    rows = [header + [f"Item {item} (risk item)" for item in risk_items]]
    highlight = []
    for index, point in enumerate(outcome["points"]):
        answers = {a.item: a for a in endorsed.get(point["assessment"], [])}
        row = [
            point["administered_on"].isoformat(),
            point["total_score"],
            (point["severity"] or "—").replace("_", " "),
            "baseline" if index == 0 else signed(point["total_score"] - outcome["baseline"]),
        ]
        for item in risk_items:
            answer = answers.get(item)
            row.append(
                f"{answer.value}: {answer.label.lower()}, risk flag"
                if answer
                else responses[point["assessment"]][item - 1]
            )
        if answers:
            highlight.append(len(rows))
        rows.append(row)
    return rows, highlight


def _instrument_block(outcome: dict, data: ReportData) -> list:
    instrument = INSTRUMENTS[outcome["instrument"]]
    risk_answers = data.risk_answers_by_administration()
    chart = instrument_chart(
        instrument, outcome["points"], outcome["baseline"], risk_answers, TEXT_WIDTH
    )
    rows, highlight = _administration_rows(outcome, instrument, data)
    return [
        _p(_instrument_heading(instrument), "h3"),
        *[_p(line, "outcome") for line in _outcome_lines(outcome)],
        chart,
        Spacer(1, 0.15 * cm),
        _table(rows, highlight=highlight),
    ]


def _measure_completion(data: ReportData) -> list:
    """How the client kept up with measures sent between sessions, if any were."""
    measures = data.progress["measures"]
    if not measures["sent"]:
        return []
    return [
        _p(
            f"Measures sent to complete between sessions: {measures['sent']} sent, "
            f"{measures['completed']} completed, {measures['expired']} expired unanswered."
        )
    ]


def _instruments(data: ReportData) -> list:
    heading = _p("Standardized measures", "h2")
    if not data.progress["instruments"]:
        return [heading, _p("No assessments have been recorded.")]
    introduction = _p(
        "Baseline is the first administration and latest the last; voided administrations "
        "are left out. Severity bands include both their bounds."
    )
    blocks = [_instrument_block(outcome, data) for outcome in data.progress["instruments"]]
    # Each chart with its outcome and table on one page (a table longer than a page still
    # splits), and the section's heading with the first of them.
    blocks[0] = [heading, introduction, *_measure_completion(data), *blocks[0]]
    return [KeepTogether(block) for block in blocks]


# --- Paired outcomes (NHS Talking Therapies) ------------------------------------------------

PAIRED_DEFINITIONS = [
    ("Caseness at baseline", "caseness_at_baseline", "PHQ-9 10 or more, or GAD-7 8 or more"),
    ("Recovery", "recovery", "a case at baseline, below caseness on both at the end"),
    (
        "Reliable improvement",
        "reliable_improvement",
        "PHQ-9 down 6 or more or GAD-7 down 4 or more, and neither reliably worse",
    ),
    (
        "Reliable deterioration",
        "reliable_deterioration",
        "PHQ-9 up 6 or more or GAD-7 up 4 or more",
    ),
    ("Reliable recovery", "reliable_recovery", "both recovery and reliable improvement"),
]


def _pair_words(pair: dict) -> str:
    phq9, gad7 = pair["phq9"], pair["gad7"]
    return (
        f"PHQ-9 {phq9['total_score']} on {_day(phq9['administered_on'])}, "
        f"GAD-7 {gad7['total_score']} on {_day(gad7['administered_on'])}"
    )


def _yes_no(value) -> str:
    return "not applicable" if value is None else ("yes" if value else "no")


def _paired(data: ReportData) -> list:
    """PHQ-9 with GAD-7 as NHS Talking Therapies reads them: the first and the last pair."""
    paired = data.progress["paired_outcomes"]
    if paired is None:
        return []
    flow = [_p("PHQ-9 with GAD-7: NHS Talking Therapies outcomes", "h2")]
    window = paired["pairing_window_days"]
    if paired["status"] != "assessed":
        flow.append(
            _p(
                f"Fewer than two paired administrations (a PHQ-9 and a GAD-7 at most {window} "
                f"days apart; {paired['pair_count']} so far): nothing to compare yet."
            )
        )
        return flow
    flow.append(
        _p(
            f"First pair: {_pair_words(paired['baseline_pair'])}. Last pair: "
            f"{_pair_words(paired['latest_pair'])}. {paired['pair_count']} pairs, each a PHQ-9 "
            f"and a GAD-7 at most {window} days apart. Lower scores are better on both."
        )
    )
    rows = [["Outcome", "Result", "Definition"]]
    rows += [
        [label, _yes_no(paired[key]), definition] for label, key, definition in PAIRED_DEFINITIONS
    ]
    flow.append(_table(rows, widths=[TEXT_WIDTH * 0.28, TEXT_WIDTH * 0.17, TEXT_WIDTH * 0.55]))
    return [KeepTogether(flow)]


# --- Roots of insecurity -------------------------------------------------------------------


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
    rows = [["Root", "Sessions", "First", "Last", "Index, latest (0-10)", "Index change"]]
    for root in data.progress["roots"]:
        latest, change = root["latest_index"], root["index_change"]
        rows.append(
            [
                Root(root["root"]).label,
                root["sessions_addressed"],
                _day(root["first_addressed"]),
                _day(root["last_addressed"]),
                "—" if latest is None else latest,
                "—" if change is None else signed(change),
            ]
        )
    flow.append(_table(rows))
    flow.append(
        _p(
            "Index: the client's ratings on the Insecurity Roots Index, a Rootwise index (not a "
            "validated measure), one item per root from 0 (not at all) to 10 (completely); lower "
            "is better. Change is the latest rating minus the first.",
            "small",
        )
    )
    sessions_by_root: dict[str, list] = {}
    for session in data.sessions:
        if session.status == "completed":
            for root in session.roots_addressed:
                sessions_by_root.setdefault(root, []).append(data.local_date(session.starts_at))
    if sessions_by_root:
        flow.append(
            KeepTogether(
                [
                    _p("Completed sessions by root", "h3"),
                    roots_timeline(sessions_by_root, TEXT_WIDTH),
                ]
            )
        )
    return flow


# --- Homework ------------------------------------------------------------------------------


def _helpfulness(mean, ratings: int) -> str:
    if not ratings:
        return "no ratings"
    return f"{mean:.1f} from {ratings} rating{'' if ratings == 1 else 's'}"


def _homework(data: ReportData) -> list:
    summary = data.progress["homework"]
    ratings: dict[str, int] = {}
    for homework in data.homework:
        if homework.helpfulness is not None:
            ratings[homework.strategy] = ratings.get(homework.strategy, 0) + 1
    rows = [
        [
            "Strategy", "Assigned", "Completed", "Partly", "Not done", "Outstanding",
            "Cancelled", "Completion", "Mean helpfulness (0-10)",
        ]
    ]  # fmt: skip
    for line in [*summary["by_strategy"], {"strategy": None, **summary["overall"]}]:
        rate, strategy = line["completion_rate"], line["strategy"]
        rows.append(
            [
                Strategy(strategy).label if strategy else "All strategies",
                line["assigned"],
                line["completed"],
                line["partially_completed"],
                line["not_completed"],
                line["outstanding"],
                line["cancelled"],
                "—" if rate is None else f"{rate:.0%}",
                _helpfulness(
                    line["mean_helpfulness"],
                    ratings.get(strategy, 0) if strategy else sum(ratings.values()),
                ),
            ]
        )
    counts = [1.55, 1.8, 1.1, 1.55, 2.0, 1.65, 1.9]  # each fits its heading on one line
    widths = [2.55 * cm, *[width * cm for width in counts], 2.9 * cm]
    return [
        _p("Homework adherence", "h2"),
        _table(rows, widths, padding=3),
        _p(
            "Assigned excludes cancelled homework. Outstanding: assigned and not yet reviewed. "
            "Completion: completed out of those reviewed (completed, partly or not done). "
            "Helpfulness is the client's rating from 0 to 10.",
            "small",
        ),
    ]


# --- Risk flags ----------------------------------------------------------------------------


def _flag_administration(flag, data: ReportData) -> str:
    assessment = flag.assessment
    if not assessment.is_void:
        return "Recorded"
    return (
        f"VOIDED {data.local_date(assessment.voided_at).isoformat()} "
        f"by {assessment.voided_by.full_name}; "
        "the flag stays on record"
    )


def _flag_status(flag, data: ReportData) -> str:
    if flag.is_open:
        return "OPEN: not yet acknowledged"
    status = (
        f"Acknowledged {data.local_date(flag.acknowledged_at).isoformat()} "
        f"by {flag.acknowledged_by.full_name}"
    )
    return f"{status}: {flag.acknowledgement_note}" if data.include_notes else status


def _risk(data: ReportData) -> list:
    flags = data.risk_flags
    heading = _p("Risk flags", "h2")
    if not flags:
        return [heading, _p("No risk flags have been raised.")]
    summary = (
        f"{_flag_counts(data)}. A flag is raised by the answer shown and stays on record when "
        "its administration is voided."
    )
    rows = [["Raised", "Answer that raised it", "Administration", "Status"]]
    highlight = []
    for flag in flags:
        answer = flag_answer(flag)
        if flag.is_open:
            highlight.append(len(rows))
        rows.append(
            [
                flag.raised_on.isoformat(),
                answer.description if answer else flag.description,
                _flag_administration(flag, data),
                _flag_status(flag, data),
            ]
        )
    widths = [2.2 * cm, 7 * cm, 3.8 * cm, TEXT_WIDTH - 13 * cm]
    return [heading, _p(summary, "lead"), _table(rows, widths, highlight)]


# --- Notes ---------------------------------------------------------------------------------


def _notes(data: ReportData) -> list:
    if not data.include_notes:
        return []
    flow = [_p("Session notes", "h2")]
    for session in data.sessions:
        if not session.note_format:
            continue
        started = data.local(session.starts_at)
        flow.append(_p(f"{started:%d %B %Y} — {session.clinician.full_name}", "h3"))
        for section in NOTE_SERIALIZERS[session.note_format]().fields:
            if section != "format":
                text = session.note_sections.get(section, "")
                flow.append(_p(f"{section.capitalize()}: {text}"))
        for addendum in session.addenda.all():
            written = data.local(addendum.created_at)
            flow.append(_p(f"Addendum ({written:%d %B %Y}): {addendum.text}"))
    return flow


SECTIONS = [_header, _instruments, _paired, _risk, _roots, _homework, _notes]


# --- Pages ---------------------------------------------------------------------------------


def _page_canvas(running_head: str):
    """A canvas that holds its pages until the end, then stamps each with the running head
    and "Page i of n" (the number of pages is only known once all are laid out)."""

    class PageNumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._held_pages: list[dict] = []

        def showPage(self):
            self._held_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            for number, page in enumerate(self._held_pages, 1):
                self.__dict__.update(page)
                self._stamp(number, len(self._held_pages))
                super().showPage()
            super().save()

        def _stamp(self, number: int, total: int) -> None:
            self.saveState()
            self.setFont(REGULAR, 8)
            self.setFillColor(colors.HexColor("#455a64"))
            self.drawString(MARGIN, PAGE_HEIGHT - 1.2 * cm, running_head)
            self.drawRightString(PAGE_WIDTH - MARGIN, 1.1 * cm, f"Page {number} of {total}")
            self.restoreState()

    return PageNumberedCanvas


def report_pdf(data: ReportData) -> bytes:
    buffer = io.BytesIO()
    name = _full_name(data.client)
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=f"Progress report: {name}",
        author="Rootwise",
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=1.8 * cm,
        bottomMargin=1.8 * cm,
    )
    flow = [flowable for section in SECTIONS for flowable in section(data)]
    document.build(flow, canvasmaker=_page_canvas(f"Progress report: {name}"))
    return buffer.getvalue()
