"""The report's charts as a reader sees them: rendered to pixels (Agg, the report's own style
and resolution) and measured where the data puts them."""

import datetime
from datetime import date

import numpy as np
import pytest
from matplotlib import pyplot as plt
from matplotlib.colors import to_rgb
from matplotlib.dates import num2date

from assessments.instruments import INSTRUMENTS
from progress.reports.charts import (
    DPI,
    band_colours,
    chart_style,
    instrument_figure,
    roots_figure,
)
from progress.reports.data import RiskAnswer

START = date(2025, 1, 6)


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


@pytest.fixture
def draw():
    """`draw(code, points, risk_answers={})`: the instrument's chart, drawn; returns (figure,
    axes, pixels as an RGB array with row 0 at the top). Baseline: the first total."""
    figures = []

    def render(code, chart_points, risk_answers=None):
        with chart_style():
            figure = instrument_figure(
                INSTRUMENTS[code], chart_points, chart_points[0]["total_score"], risk_answers or {}
            )
            figure.set_dpi(DPI)
            figure.canvas.draw()
        figures.append(figure)
        pixels = np.asarray(figure.canvas.buffer_rgba())[..., :3].astype(int)
        return figure, figure.axes[0], pixels

    yield render
    for figure in figures:
        plt.close(figure)


def pixel_at(axes, pixels, x, y) -> np.ndarray:
    """The colour at data coordinates (x a date, y a score)."""
    px, py = axes.transData.transform((axes.xaxis.convert_units(x), y))
    return pixels[pixels.shape[0] - round(py), round(px)]


def line_labelled(axes, prefix: str):
    (line,) = [line for line in axes.get_lines() if line.get_label().startswith(prefix)]
    return line


def tick_dates(axes) -> list[date]:
    return [
        datetime.datetime.strptime(label.get_text(), "%d %b %Y").date()
        for label in axes.get_xticklabels()
        if label.get_text()
    ]


# --- Bands -------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["phq9", "gad7", "rses"])
def test_severity_bands_have_distinct_colours_and_are_labelled_with_their_ranges(code, draw):
    instrument = INSTRUMENTS[code]
    _, axes, pixels = draw(code, points(instrument.min_score, instrument.min_score))
    # Sample each band halfway along, away from the score line at the bottom.
    inside = START + datetime.timedelta(days=7)
    seen = [
        pixel_at(axes, pixels, inside, (band.min_score + band.max_score) / 2)
        for band in instrument.bands
    ]

    for colour, expected in zip(seen, band_colours(instrument), strict=True):
        assert np.abs(colour - np.array(to_rgb(expected)) * 255).max() <= 2
    for index, colour in enumerate(seen):
        for other in seen[index + 1 :]:
            assert np.abs(colour - other).sum() >= 60, (colour, other)
    labels = {text.get_text() for text in axes.texts}
    for band in instrument.bands:
        assert f"{band.label} ({band.min_score}\N{EN DASH}{band.max_score})" in labels


def test_the_best_band_is_green_and_the_worst_red_whichever_way_better_points(draw):
    assert band_colours(INSTRUMENTS["phq9"])[0] == band_colours(INSTRUMENTS["rses"])[-1]
    assert band_colours(INSTRUMENTS["phq9"])[-1] == band_colours(INSTRUMENTS["rses"])[0]


def test_the_reliable_change_zone_leaves_the_band_colours_and_edges_visible(draw):
    """PHQ-9 baseline 12, threshold 6: the zone 7..17 spans the mild, moderate and moderately
    severe bands; inside it each band keeps its own colour, so their edges at 9.5 and 14.5
    still show."""
    instrument = INSTRUMENTS["phq9"]
    _, axes, pixels = draw("phq9", points(12, 12))
    inside = START + datetime.timedelta(days=7)
    colours = dict(zip([b.code for b in instrument.bands], band_colours(instrument), strict=True))

    for score, band in [(8, "mild"), (9, "mild"), (10, "moderate"), (14, "moderate")]:
        seen = pixel_at(axes, pixels, inside, score + 0.25)
        assert np.abs(seen - np.array(to_rgb(colours[band])) * 255).max() <= 2, (score, seen)
    assert line_labelled(axes, "Reliable change: 6 points from the baseline (12)")


# --- A total on a cut-off ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "total", "side"),
    [("phq9", 10, "above"), ("phq9", 9, "below"), ("rses", 15, "above"), ("rses", 14, "below")],
)
def test_a_total_on_either_side_of_the_cut_off_is_drawn_clear_of_the_line(code, total, side, draw):
    """Bands include their lower bound: PHQ-9 10 is a case (at or above the line at 9.5), RSES
    15 is not (a case is below 15). The marker, whole, lies on its side of the line."""
    figure, axes, _ = draw(code, points(total))
    cutoff = line_labelled(axes, "Clinical cut-off")
    score = line_labelled(axes, "Total score")
    to_pixels = figure.dpi / 72
    (x,) = axes.xaxis.convert_units([START])
    _, marker_y = axes.transData.transform((x, total))
    _, line_y = axes.transData.transform((x, cutoff.get_ydata()[0]))
    clearance = score.get_markersize() / 2 * to_pixels + cutoff.get_linewidth() / 2 * to_pixels

    if side == "above":
        assert marker_y - line_y > clearance
    else:
        assert line_y - marker_y > clearance


def test_the_cut_off_legend_says_which_side_is_a_case(draw):
    _, phq9, _ = draw("phq9", points(10))
    _, rses, _ = draw("rses", points(15))

    assert line_labelled(phq9, "Clinical cut-off").get_label().endswith("a case at 10 or more")
    assert line_labelled(rses, "Clinical cut-off").get_label().endswith("a case below 15")


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
def test_each_chart_says_which_direction_is_better(code, words, draw):
    _, axes, _ = draw(code, points(5, 6))

    assert axes.get_ylabel() == f"Total score ({words})"


@pytest.mark.parametrize(
    "chart_points",
    [points(12), points(12, 14, every=0)],
    ids=["one administration", "two on one day"],
)
def test_one_day_of_data_gives_a_short_dated_axis(chart_points, draw):
    _, axes, _ = draw("phq9", chart_points)

    dates = tick_dates(axes)
    assert len(dates) >= 2
    assert all(abs(tick - START) <= datetime.timedelta(days=8) for tick in dates), dates
    assert axes.get_xlabel() == "Date administered"


def test_the_date_axis_spans_the_data(draw):
    chart_points = points(20, 15, 12, 8, every=60)  # 6 Jan to 4 Jul 2025
    _, axes, _ = draw("phq9", chart_points)

    left, right = (num2date(x).date() for x in axes.get_xlim())
    assert left < START and right > chart_points[-1]["administered_on"]
    assert right - left < datetime.timedelta(days=200)
    dates = tick_dates(axes)
    assert dates[0] >= left and dates[-1] <= right and len(dates) >= 3


def test_a_single_session_gives_the_roots_timeline_a_short_axis():
    with chart_style():
        figure = roots_figure({"perfectionism": [START]})
        figure.canvas.draw()
    axes = figure.axes[0]
    plt.close(figure)

    assert all(abs(tick - START) <= datetime.timedelta(days=8) for tick in tick_dates(axes))
    assert axes.get_xlabel() == "Session date"


def test_an_administration_that_endorsed_the_risk_item_is_marked_with_its_answer(draw):
    chart_points = points(18, 12, 8)
    answer = RiskAnswer(9, 2, "More than half the days", "PHQ-9 item 9 (...) answered 2")
    _, axes, _ = draw("phq9", chart_points, {"a1": [answer]})

    marks = line_labelled(axes, "Risk item 9 endorsed")
    assert list(marks.get_ydata()) == [12]
    assert list(marks.get_xdata()) == [chart_points[1]["administered_on"]]
    assert [text.get_text() for text in axes.texts if text.get_text().startswith("item")] == [
        "item 9: 2"
    ]
