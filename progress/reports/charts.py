"""Charts for the PDF report, drawn with matplotlib's Agg backend (no display needed).

Every chart is drawn under the same fixed style, size and resolution, whatever matplotlibrc
the machine has, so the same data always gives the same pixels. Charts are drawn at the size
they are printed (16 cm wide), so 8-point text prints at 8 points.
"""

import contextlib
import io
from datetime import date, timedelta

import matplotlib

matplotlib.use("Agg")

from matplotlib import dates as mdates
from matplotlib import pyplot as plt
from matplotlib.figure import Figure

from api.vocabulary import Root
from assessments.instruments.base import CaseWhen, Direction, Instrument

WIDTH_INCHES, DPI = 16 / 2.54, 120
CHART_HEIGHT_INCHES, TIMELINE_HEIGHT_INCHES = 3.2, 2.0
# Best to worst: light enough for the score line to stand out, distinct hues from green to red.
BAND_PALETTE = ["#b5dfa8", "#fff09a", "#ffc670", "#f4906c", "#dc6b6b"]
EN_DASH = "\N{EN DASH}"
SCORE_COLOUR, RISK_COLOUR, CUTOFF_COLOUR, RELIABLE_COLOUR = (
    "#0d47a1",
    "#b71c1c",
    "#880e4f",
    "#37474f",
)
STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "legend.fontsize": 7.5,
    "axes.labelsize": 8,
    "xtick.labelsize": 7.5,
    "ytick.labelsize": 7.5,
}
SHORTEST_AXIS = timedelta(days=14)
# Small enough that a total on a cut-off (half a point from the line) clears the line.
SCORE_MARKER_SIZE, CUTOFF_WIDTH = 3.2, 1.0


@contextlib.contextmanager
def chart_style():
    """matplotlib's defaults plus ours, ignoring any local matplotlibrc."""
    with plt.style.context("default"), matplotlib.rc_context(STYLE):
        yield


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    plt.close(figure)
    return buffer.getvalue()


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


def date_limits(days: list[date]) -> tuple[date, date]:
    """The data's dates with a margin; never narrower than two weeks, so one administration
    (or two on one day) gives a short axis, not matplotlib's default of several years."""
    first, last = min(days), max(days)
    margin = max((last - first) / 20, (SHORTEST_AXIS - (last - first)) / 2, timedelta(days=1))
    return first - margin, last + margin


def _date_axis(axes, days: list[date], label: str) -> None:
    locator = mdates.AutoDateLocator(minticks=3, maxticks=7)
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%d %b %Y"))
    if days:
        axes.set_xlim(*date_limits(days))
    axes.set_xlabel(label)
    for tick in axes.get_xticklabels():
        tick.set_rotation(25)
        tick.set_horizontalalignment("right")


def _bands(axes, instrument: Instrument) -> None:
    for band, colour in zip(instrument.bands, band_colours(instrument), strict=True):
        # Totals are whole numbers and a band holds both its bounds: the edge lies half a point
        # outside, so a total on a bound sits visibly inside its band.
        axes.axhspan(band.min_score - 0.5, band.max_score + 0.5, color=colour, zorder=0, lw=0)
        if band.min_score > instrument.min_score:
            axes.axhline(band.min_score - 0.5, color="white", lw=1, zorder=1)
        axes.text(
            1.01, (band.min_score + band.max_score) / 2,
            f"{band.label} ({band.min_score}{EN_DASH}{band.max_score})",
            va="center", transform=axes.get_yaxis_transform(), color="#212121",
        )  # fmt: skip


def _reliable_change(axes, instrument: Instrument, baseline: int) -> None:
    """Drawn as two lines rather than a shaded zone, so that the bands keep their colours."""
    threshold = instrument.reliable_change.threshold
    label = f"Reliable change: {threshold} points from the baseline ({baseline})"
    for bound in (baseline - threshold + 0.5, baseline + threshold - 0.5):
        if instrument.min_score <= bound <= instrument.max_score:
            axes.axhline(bound, color=RELIABLE_COLOUR, linestyle=":", lw=1.1, zorder=2, label=label)
            label = "_nolegend_"


def _cutoff(axes, instrument: Instrument) -> None:
    cutoff = instrument.clinical_cutoff
    if cutoff.case_when is CaseWhen.AT_OR_ABOVE:
        words = f"a case at {cutoff.threshold} or more"
    else:
        words = f"a case below {cutoff.threshold}"
    axes.axhline(
        cutoff.threshold - 0.5, color=CUTOFF_COLOUR, linestyle="--", lw=CUTOFF_WIDTH, zorder=2,
        label=f"Clinical cut-off: {words}",
    )  # fmt: skip


def _risk_marks(axes, points: list[dict], risk_answers: dict) -> None:
    marked = [point for point in points if point["assessment"] in risk_answers]
    if not marked:
        return
    items = ", ".join(str(answer.item) for answer in risk_answers[marked[0]["assessment"]])
    axes.plot(
        [point["administered_on"] for point in marked],
        [point["total_score"] for point in marked],
        linestyle="none", marker="D", markersize=8, markerfacecolor="none",
        markeredgecolor=RISK_COLOUR, markeredgewidth=1.6, zorder=5,
        label=f"Risk item {items} endorsed (answer above)",
    )  # fmt: skip
    first, last = points[0]["administered_on"], points[-1]["administered_on"]
    for point in marked:
        answers = ", ".join(f"item {a.item}: {a.value}" for a in risk_answers[point["assessment"]])
        # Kept inside the plot: a mark at either end is labelled towards the middle.
        on = point["administered_on"]
        align = "left" if on == first != last else "right" if on == last != first else "center"
        axes.annotate(
            answers, (on, point["total_score"]), xytext=(0, 8), textcoords="offset points",
            ha=align, va="bottom", color=RISK_COLOUR, fontsize=7.5, fontweight="bold", zorder=6,
        )  # fmt: skip


def instrument_figure(
    instrument: Instrument, points: list[dict], baseline: int, risk_answers: dict
) -> Figure:
    """Total scores over time on the severity bands, with the reliable-change lines around
    the baseline, the clinical cut-off, and the administrations that endorsed a risk item.
    Draw it under `chart_style()`."""
    figure, axes = plt.subplots(figsize=(WIDTH_INCHES, CHART_HEIGHT_INCHES))
    figure.subplots_adjust(left=0.09, right=0.76, bottom=0.21, top=0.83)
    _bands(axes, instrument)
    if instrument.reliable_change:
        _reliable_change(axes, instrument, baseline)
    if instrument.clinical_cutoff:
        _cutoff(axes, instrument)
    days = [point["administered_on"] for point in points]
    axes.plot(
        days, [point["total_score"] for point in points], marker="o",
        markersize=SCORE_MARKER_SIZE, markeredgewidth=0, color=SCORE_COLOUR, lw=1.4, zorder=4,
        label="Total score",
    )  # fmt: skip
    _risk_marks(axes, points, risk_answers)
    axes.set_ylim(instrument.min_score - 0.5, instrument.max_score + 0.5)
    axes.set_ylabel(f"Total score ({better_words(instrument)})")
    _date_axis(axes, days, "Date administered")
    figure.legend(
        loc="upper left", bbox_to_anchor=(0.02, 0.99), ncol=2, frameon=False,
        handlelength=2.4, columnspacing=1.5,
    )  # fmt: skip
    return figure


def instrument_chart(
    instrument: Instrument, points: list[dict], baseline: int, risk_answers: dict
) -> bytes:
    with chart_style():
        return _png(instrument_figure(instrument, points, baseline, risk_answers))


def roots_figure(sessions_by_root: dict[str, list[date]]) -> Figure:
    """A mark for every completed session that addressed each root of insecurity."""
    figure, axes = plt.subplots(figsize=(WIDTH_INCHES, TIMELINE_HEIGHT_INCHES))
    figure.subplots_adjust(left=0.27, right=0.97, bottom=0.32, top=0.95)
    for row, root in enumerate(Root):
        days = sessions_by_root.get(root.value, [])
        axes.scatter(days, [row] * len(days), marker="|", s=180, color="#6a1b9a")
    axes.set_yticks(range(len(Root)), [root.label for root in Root])
    axes.set_ylim(-0.7, len(Root) - 0.3)
    axes.invert_yaxis()
    _date_axis(axes, [day for days in sessions_by_root.values() for day in days], "Session date")
    return figure


def roots_timeline(sessions_by_root: dict[str, list[date]]) -> bytes:
    with chart_style():
        return _png(roots_figure(sessions_by_root))
