"""Charts for the PDF report, drawn as ReportLab vector graphics straight into the PDF.

No raster: lines and text print sharp at any size, and a chart costs a few hundred PDF
operators instead of a rendered, encoded and re-compressed image. Sizes are in points at the
printed size, so 8-point text prints at 8 points. What a reader would name is a named part of
the drawing (`drawing.cutoff`, `drawing.score_markers`, `drawing.legend`…; the axes' parts
are in `chart_axes`).
"""

from datetime import date

from reportlab.graphics import renderPDF  # noqa: F401  (once here, not by the first report)
from reportlab.graphics.shapes import Circle, Drawing, Group, Line, Polygon, PolyLine, Rect
from reportlab.lib.colors import white

from api.vocabulary import Root
from assessments.instruments.base import CaseWhen, Direction, Instrument
from progress.reports.chart_axes import (
    LABEL_SIZE,
    TICK_SIZE,
    Plot,
    date_axis,
    date_limits,
    fill,
    frame,
    left_ticks,
    middle,
    score_ticks,
    stroke,
    text,
    vertical_label,
)
from progress.reports.fonts import BOLD

CHART_HEIGHT, TIMELINE_HEIGHT = 245, 153  # points, for a chart as wide as the text
# Best to worst: light enough for the score line to stand out, distinct hues from green to red.
BAND_PALETTE = ["#b5dfa8", "#fff09a", "#ffc670", "#f4906c", "#dc6b6b"]
EN_DASH = "\N{EN DASH}"
SCORE_COLOUR, RISK_COLOUR, CUTOFF_COLOUR, RELIABLE_COLOUR = (
    "#0d47a1",
    "#b71c1c",
    "#880e4f",
    "#37474f",
)
ROOT_MARK_COLOUR, BAND_LABEL_COLOUR = "#6a1b9a", "#212121"
# Small enough that a total on a cut-off (half a point from the line) clears the line.
SCORE_MARKER_SIZE, CUTOFF_WIDTH = 3.2, 1.0
SCORE_LINE = {**stroke(SCORE_COLOUR, 1.4), "strokeLineJoin": 1, "strokeLineCap": 1}
CUTOFF_LINE = stroke(CUTOFF_COLOUR, CUTOFF_WIDTH, [3.7, 1.6])
RELIABLE_LINE = stroke(RELIABLE_COLOUR, 1.1, [1.1, 1.8])
RISK_MARKER_SIZE, ROOT_MARK_HALF_HEIGHT = 8, 6.7
LEGEND_SAMPLE = 2.4 * TICK_SIZE


def band_colours(instrument: Instrument) -> list[str]:
    """One colour per band, green for the best band and red for the worst."""
    count = len(instrument.bands)
    if count == 0:
        return []
    step = (len(BAND_PALETTE) - 1) / max(count - 1, 1)
    best_first = [BAND_PALETTE[round(index * step)] for index in range(count)]
    return best_first if instrument.direction is Direction.LOWER_IS_BETTER else best_first[::-1]


def better_words(instrument: Instrument) -> str:
    if instrument.direction is Direction.LOWER_IS_BETTER:
        return "lower is better"
    return "higher is better"


def _line_sample(style: dict) -> list:
    return [Line(0, 0, LEGEND_SAMPLE, 0, **style)]


def _score_marker(x: float, y: float) -> Circle:
    return Circle(x, y, SCORE_MARKER_SIZE / 2, **fill(SCORE_COLOUR))


def _risk_marker(x: float, y: float) -> Polygon:
    half = RISK_MARKER_SIZE / 2
    return Polygon([x - half, y, x, y + half, x + half, y, x, y - half], fillColor=None,
                   **stroke(RISK_COLOUR, 1.6))  # fmt: skip


def _legend(drawing: Drawing, entries: list[tuple[str, list]], top: float) -> None:
    """Each entry's sample (shapes drawn from (0, 0) to (LEGEND_SAMPLE, 0)) and its words, in
    two columns filled down the first, above the plot."""
    legend, rows = Group(), -(-len(entries) // 2)
    row_height = 1.7 * TICK_SIZE
    x = 0.02 * drawing.width
    for column in (entries[:rows], entries[rows:]):
        widest = 0.0
        for row, (words, shapes) in enumerate(column):
            y = top - (row + 0.5) * row_height
            sample = Group(*shapes)
            sample.translate(x, y)
            legend.add(sample)
            label = text(x + LEGEND_SAMPLE + 0.8 * TICK_SIZE, middle(y, TICK_SIZE), words)
            legend.add(label)
            widest = max(widest, label.getBounds()[2] - x)
        x += widest + 1.5 * TICK_SIZE
    drawing.add(legend, name="legend")


def _bands(drawing: Drawing, plot: Plot, instrument: Instrument) -> None:
    fills, edges, labels = Group(), Group(), Group()
    for band, colour in zip(instrument.bands, band_colours(instrument), strict=True):
        # Totals are whole numbers and a band holds both its bounds: the edge lies half a point
        # outside, so a total on a bound sits visibly inside its band.
        bottom, top = plot.y(band.min_score - 0.5), plot.y(band.max_score + 0.5)
        fills.add(Rect(plot.left, bottom, plot.width, top - bottom, **fill(colour)))
        if band.min_score > instrument.min_score:
            edges.add(plot.across(band.min_score - 0.5, stroke(white, 1)))
        centre = middle(plot.y((band.min_score + band.max_score) / 2), LABEL_SIZE)
        words = f"{band.label} ({band.min_score}{EN_DASH}{band.max_score})"
        labels.add(text(plot.right + 0.01 * plot.width, centre, words, LABEL_SIZE,
                        colour=BAND_LABEL_COLOUR))  # fmt: skip
    drawing.add(fills, name="bands")
    drawing.add(edges)
    drawing.add(labels, name="band_labels")


def _reliable_change(drawing: Drawing, plot: Plot, instrument: Instrument, baseline: int):
    """Drawn as two lines rather than a shaded zone, so that the bands keep their colours.
    Returns its legend entry, or None when neither line falls on the scale."""
    threshold = instrument.reliable_change.threshold
    lines = Group()
    for bound in (baseline - threshold + 0.5, baseline + threshold - 0.5):
        if instrument.min_score <= bound <= instrument.max_score:
            lines.add(plot.across(bound, RELIABLE_LINE))
    if not lines.contents:
        return None
    drawing.add(lines, name="reliable_change")
    words = f"Reliable change: {threshold} points from the baseline ({baseline})"
    return words, _line_sample(RELIABLE_LINE)


def _cutoff(drawing: Drawing, plot: Plot, instrument: Instrument) -> tuple[str, list]:
    cutoff = instrument.clinical_cutoff
    drawing.add(plot.across(cutoff.threshold - 0.5, CUTOFF_LINE), name="cutoff")
    if cutoff.case_when is CaseWhen.AT_OR_ABOVE:
        words = f"a case at {cutoff.threshold} or more"
    else:
        words = f"a case below {cutoff.threshold}"
    return f"Clinical cut-off: {words}", _line_sample(CUTOFF_LINE)


def _scores(drawing: Drawing, plot: Plot, points: list[dict]) -> tuple[str, list]:
    xy = [(plot.x(p["administered_on"]), plot.y(p["total_score"])) for p in points]
    drawing.add(PolyLine([v for pair in xy for v in pair], **SCORE_LINE), name="score_line")
    drawing.add(Group(*[_score_marker(x, y) for x, y in xy]), name="score_markers")
    sample = [*_line_sample(SCORE_LINE), _score_marker(LEGEND_SAMPLE / 2, 0)]
    return "Total score", sample


def _risk_marks(drawing: Drawing, plot: Plot, points: list[dict], risk_answers: dict):
    """A diamond on each administration that endorsed a risk item, with the answers above
    it. Returns its legend entry, or None when none did."""
    marked = [point for point in points if point["assessment"] in risk_answers]
    if not marked:
        return None
    marks, labels = Group(), Group()
    first, last = points[0]["administered_on"], points[-1]["administered_on"]
    for point in marked:
        on = point["administered_on"]
        x, y = plot.x(on), plot.y(point["total_score"])
        marks.add(_risk_marker(x, y))
        answers = ", ".join(f"item {a.item}: {a.value}" for a in risk_answers[point["assessment"]])
        # Kept inside the plot: a mark at either end is labelled towards the middle.
        anchor = "start" if on == first != last else "end" if on == last != first else "middle"
        labels.add(text(x, y + 8, answers, anchor=anchor, colour=RISK_COLOUR, font=BOLD))
    drawing.add(marks, name="risk_marks")
    drawing.add(labels, name="risk_labels")
    items = ", ".join(str(answer.item) for answer in risk_answers[marked[0]["assessment"]])
    return f"Risk item {items} endorsed (answer above)", [_risk_marker(LEGEND_SAMPLE / 2, 0)]


def instrument_chart(
    instrument: Instrument, points: list[dict], baseline: int, risk_answers: dict, width: float
) -> Drawing:
    """Total scores over time on the severity bands, with the reliable-change lines around
    the baseline, the clinical cut-off, and the administrations that endorsed a risk item."""
    drawing = Drawing(width, CHART_HEIGHT)
    first, last = date_limits([point["administered_on"] for point in points])
    plot = Plot(0.09 * width, 0.21 * CHART_HEIGHT, 0.67 * width, 0.62 * CHART_HEIGHT,
                first, last, instrument.min_score - 0.5, instrument.max_score + 0.5)  # fmt: skip
    _bands(drawing, plot, instrument)
    legend = []
    if instrument.reliable_change:
        legend.append(_reliable_change(drawing, plot, instrument, baseline))
    if instrument.clinical_cutoff:
        legend.append(_cutoff(drawing, plot, instrument))
    frame(drawing, plot)
    legend.append(_scores(drawing, plot, points))
    legend.append(_risk_marks(drawing, plot, points, risk_answers))
    ticks = score_ticks(instrument.min_score, instrument.max_score)
    left_ticks(drawing, plot, [(score, str(score)) for score in ticks], "score")
    vertical_label(drawing, plot, f"Total score ({better_words(instrument)})")
    date_axis(drawing, plot, "Date administered")
    _legend(drawing, [entry for entry in legend if entry], top=CHART_HEIGHT - 4)
    return drawing


def roots_timeline(sessions_by_root: dict[str, list[date]], width: float) -> Drawing:
    """A mark for every completed session that addressed each root of insecurity, a row per
    root, the first on top."""
    drawing = Drawing(width, TIMELINE_HEIGHT)
    first, last = date_limits([day for days in sessions_by_root.values() for day in days])
    plot = Plot(0.27 * width, 0.32 * TIMELINE_HEIGHT, 0.70 * width, 0.63 * TIMELINE_HEIGHT,
                first, last, len(Root) - 0.3, -0.7)  # fmt: skip
    frame(drawing, plot)
    left_ticks(drawing, plot, [(row, root.label) for row, root in enumerate(Root)], "root")
    marks, style = Group(), stroke(ROOT_MARK_COLOUR, 1.5)
    for row, root in enumerate(Root):
        top, bottom = plot.y(row) + ROOT_MARK_HALF_HEIGHT, plot.y(row) - ROOT_MARK_HALF_HEIGHT
        for day in sessions_by_root.get(root.value, []):
            marks.add(Line(plot.x(day), bottom, plot.x(day), top, **style))
    drawing.add(marks, name="session_marks")
    date_axis(drawing, plot, "Session date")
    return drawing
