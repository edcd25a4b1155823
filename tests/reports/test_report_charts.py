"""The report's charts as a reader sees them: each drawn into a PDF as the report draws it,
rendered to pixels with PDFium, and read through its own axes (a date or a score is found
where the chart's tick marks and their labels put it)."""

import datetime
from dataclasses import dataclass
from datetime import date

import numpy as np
import pypdfium2
import pytest
from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import HexColor

from assessments.instruments import INSTRUMENTS
from progress.reports.charts import (
    RELIABLE_COLOUR,
    RISK_COLOUR,
    ROOT_MARK_COLOUR,
    SCORE_COLOUR,
    band_colours,
    instrument_chart,
    roots_timeline,
)
from progress.reports.data import RiskAnswer
from progress.reports.pdf import TEXT_WIDTH

START = date(2025, 1, 6)
SCALE = 4  # pixels per point: thin lines span several pixels
WHITE = np.array([255, 255, 255])


def points(*totals: int, start: date = START, every: int = 14) -> list[dict]:
    return [
        {
            "assessment": f"a{index}",
            "administered_on": start + datetime.timedelta(days=every * index),
            "total_score": total,
            "severity": None,
        }
        for index, total in enumerate(totals)
    ]


def rgb(colour: str) -> np.ndarray:
    return np.array(HexColor(colour).bitmap_rgb())


def close_to(seen: np.ndarray, colour: str, tolerance: int = 2) -> bool:
    return np.abs(seen - rgb(colour)).max() <= tolerance


def linear(pairs: list[tuple[float, float]]):
    """The line through the first and last (value, position) pairs."""
    (v0, p0), (v1, p1) = pairs[0], pairs[-1]
    return lambda value: p0 + (value - v0) * (p1 - p0) / (v1 - v0)


@dataclass
class Chart:
    """A drawn chart, its pixels (row 0 at the top), and the way to read it."""

    drawing: Drawing
    pixels: np.ndarray

    def texts(self, part: str) -> list[str]:
        """The text of every string in a named part of the chart."""
        group = getattr(self.drawing, part)
        return [string.text for string in _strings(group)]

    def dates(self) -> list[date]:
        return [datetime.datetime.strptime(t, "%d %b %Y").date() for t in self.texts("date_labels")]

    def x(self, day: date) -> float:
        ticks = [line.x1 for line in self.drawing.date_ticks.contents]
        to_x = linear([(d.toordinal(), x) for d, x in zip(self.dates(), ticks, strict=True)])
        return to_x(day.toordinal())

    def date_at(self, x: float) -> float:
        """The date, as an ordinal, under a horizontal position."""
        ticks = [line.x1 for line in self.drawing.date_ticks.contents]
        to_day = linear([(x, d.toordinal()) for d, x in zip(self.dates(), ticks, strict=True)])
        return to_day(x)

    def y(self, score: float) -> float:
        ticks = [line.y1 for line in self.drawing.score_ticks.contents]
        scores = [int(text) for text in self.texts("score_labels")]
        return linear(list(zip(scores, ticks, strict=True)))(score)

    def pixel(self, x: float, y: float) -> np.ndarray:
        return self.pixels[round((self.drawing.height - y) * SCALE), round(x * SCALE)]

    def at(self, day: date, score: float) -> np.ndarray:
        return self.pixel(self.x(day), self.y(score))


def _strings(node):
    if hasattr(node, "text"):
        yield node
    for child in getattr(node, "contents", []):
        yield from _strings(child)


def rendered(drawing: Drawing) -> Chart:
    document = pypdfium2.PdfDocument(renderPDF.drawToString(drawing))
    try:
        pixels = np.asarray(document[0].render(scale=SCALE).to_pil().convert("RGB"), int)
    finally:
        document.close()
    return Chart(drawing, pixels)


def draw(code, chart_points, risk_answers=None) -> Chart:
    """The instrument's chart as the report draws it; the baseline is the first total."""
    baseline = chart_points[0]["total_score"]
    return rendered(
        instrument_chart(INSTRUMENTS[code], chart_points, baseline, risk_answers or {}, TEXT_WIDTH)
    )


# --- Bands -------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["phq9", "gad7", "rses"])
def test_severity_bands_have_distinct_colours_and_are_labelled_with_their_ranges(code):
    instrument = INSTRUMENTS[code]
    chart = draw(code, points(instrument.min_score, instrument.min_score))
    # Sample each band halfway along, away from the score line at the bottom.
    inside = START + datetime.timedelta(days=7)
    seen = [chart.at(inside, (band.min_score + band.max_score) / 2) for band in instrument.bands]

    for colour, expected in zip(seen, band_colours(instrument), strict=True):
        assert close_to(colour, expected), (colour, expected)
    for index, colour in enumerate(seen):
        for other in seen[index + 1 :]:
            assert np.abs(colour - other).sum() >= 60, (colour, other)
    labels = set(chart.texts("band_labels"))
    for band in instrument.bands:
        assert f"{band.label} ({band.min_score}\N{EN DASH}{band.max_score})" in labels


def test_the_best_band_is_green_and_the_worst_red_whichever_way_better_points():
    assert band_colours(INSTRUMENTS["phq9"])[0] == band_colours(INSTRUMENTS["rses"])[-1]
    assert band_colours(INSTRUMENTS["phq9"])[-1] == band_colours(INSTRUMENTS["rses"])[0]


def test_the_reliable_change_zone_leaves_the_band_colours_and_edges_visible():
    """PHQ-9 baseline 12, threshold 6: the zone 7..17 spans the mild, moderate and moderately
    severe bands; inside it each band keeps its own colour on either side of their edges at 9.5
    and 14.5 (the second a white line, the first under the cut-off's), and the zone's bounds
    are dotted lines at 6.5 and 17.5."""
    instrument = INSTRUMENTS["phq9"]
    chart = draw("phq9", points(12, 12))
    inside = START + datetime.timedelta(days=7)
    colours = dict(zip([b.code for b in instrument.bands], band_colours(instrument), strict=True))

    for score, band in [(8, "mild"), (9, "mild"), (10, "moderate"), (14, "moderate")]:
        seen = chart.at(inside, score + 0.25)
        assert close_to(seen, colours[band]), (score, seen)
    assert close_to(chart.at(inside, 14.5), "#ffffff")
    area = chart.drawing.plot_area
    for bound in (6.5, 17.5):
        row = [chart.pixel(x, chart.y(bound)) for x in np.arange(area.x + 2, area.x + 100, 0.25)]
        dotted = sum(close_to(pixel, RELIABLE_COLOUR, tolerance=30) for pixel in row) / len(row)
        assert 0.2 < dotted < 0.8, (bound, dotted)
    assert "Reliable change: 6 points from the baseline (12)" in chart.texts("legend")


# --- A total on a cut-off ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "total", "side"),
    [("phq9", 10, "above"), ("phq9", 9, "below"), ("rses", 15, "above"), ("rses", 14, "below")],
)
def test_a_total_on_either_side_of_the_cut_off_is_drawn_clear_of_the_line(code, total, side):
    """Bands include their lower bound: PHQ-9 10 is a case (at or above the line at 9.5), RSES
    15 is not (a case is below 15). The marker, whole, lies on its side of the line."""
    chart = draw(code, points(total))
    cutoff = chart.drawing.cutoff
    (marker,) = chart.drawing.score_markers.contents
    clearance = marker.r + cutoff.strokeWidth / 2
    line_at = INSTRUMENTS[code].clinical_cutoff.threshold - 0.5

    assert marker.cy == pytest.approx(chart.y(total))
    assert close_to(chart.pixel(marker.cx, marker.cy), SCORE_COLOUR)
    assert cutoff.y1 == cutoff.y2 == pytest.approx(chart.y(line_at))
    if side == "above":
        assert marker.cy - cutoff.y1 > clearance
    else:
        assert cutoff.y1 - marker.cy > clearance


def test_the_cut_off_legend_says_which_side_is_a_case():
    assert "Clinical cut-off: a case at 10 or more" in draw("phq9", points(10)).texts("legend")
    assert "Clinical cut-off: a case below 15" in draw("rses", points(15)).texts("legend")


# --- Direction, dates, risk --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("phq9", "lower is better"),
        ("gad7", "lower is better"),
        ("rses", "higher is better"),
        ("roots5", "lower is better"),
    ],
)
def test_each_chart_says_which_direction_is_better(code, words):
    assert draw(code, points(5, 6)).texts("y_label") == [f"Total score ({words})"]


@pytest.mark.parametrize(
    "chart_points",
    [points(12), points(12, 14, every=0)],
    ids=["one administration", "two on one day"],
)
def test_one_day_of_data_gives_a_short_dated_axis(chart_points):
    chart = draw("phq9", chart_points)

    dates = chart.dates()
    assert len(dates) >= 2
    assert all(abs(tick - START) <= datetime.timedelta(days=8) for tick in dates), dates
    assert chart.texts("x_label") == ["Date administered"]


def test_the_date_axis_spans_the_data():
    chart_points = points(20, 15, 12, 8, every=60)  # 6 Jan to 4 Jul 2025
    chart = draw("phq9", chart_points)
    area = chart.drawing.plot_area

    left, right = chart.date_at(area.x), chart.date_at(area.x + area.width)
    assert left < START.toordinal() and right > chart_points[-1]["administered_on"].toordinal()
    assert right - left < 200
    dates = chart.dates()
    assert dates[0].toordinal() >= left and dates[-1].toordinal() <= right and len(dates) >= 3
    for point, marker in zip(chart_points, chart.drawing.score_markers.contents, strict=True):
        assert marker.cx == pytest.approx(chart.x(point["administered_on"]))


def test_an_administration_that_endorsed_the_risk_item_is_marked_with_its_answer():
    chart_points = points(18, 12, 8)
    answer = RiskAnswer(9, 2, "More than half the days", "PHQ-9 item 9 (...) answered 2")
    chart = draw("phq9", chart_points, {"a1": [answer]})

    (diamond,) = chart.drawing.risk_marks.contents
    xs, ys = diamond.points[0::2], diamond.points[1::2]
    centre_x, centre_y = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    assert centre_x == pytest.approx(chart.x(chart_points[1]["administered_on"]))
    assert centre_y == pytest.approx(chart.y(12))
    assert close_to(chart.pixel(centre_x, max(ys) - 0.4), RISK_COLOUR, tolerance=30)
    assert chart.texts("risk_labels") == ["item 9: 2"]
    assert "Risk item 9 endorsed (answer above)" in chart.texts("legend")


# --- Roots timeline ----------------------------------------------------------------------------


def test_a_single_session_gives_the_roots_timeline_a_short_axis():
    chart = rendered(roots_timeline({"perfectionism": [START]}, TEXT_WIDTH))

    assert all(abs(tick - START) <= datetime.timedelta(days=8) for tick in chart.dates())
    assert chart.texts("x_label") == ["Session date"]


def test_each_session_is_marked_on_the_row_of_the_root_it_addressed():
    later = START + datetime.timedelta(days=21)
    chart = rendered(roots_timeline({"perfectionism": [START], "past_failures": [later]}, 400))
    rows = dict(
        zip(
            chart.texts("root_labels"),
            [line.y1 for line in chart.drawing.root_ticks.contents],
            strict=True,
        )
    )

    assert close_to(chart.pixel(chart.x(START), rows["Perfectionism"]), ROOT_MARK_COLOUR, 30)
    assert close_to(chart.pixel(chart.x(later), rows["Past failures"]), ROOT_MARK_COLOUR, 30)
    for label, y in rows.items():
        if label != "Perfectionism":
            assert (chart.pixel(chart.x(START), y) == WHITE).all(), label
        if label != "Past failures":
            assert (chart.pixel(chart.x(later), y) == WHITE).all(), label
