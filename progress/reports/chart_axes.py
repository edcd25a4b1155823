"""What the report's charts share: where data falls (`Plot`), the axes and their ticks, and
text and line styles. Sizes are in points at the printed size.

Each axis is added to the drawing as named parts, in the same order, so that a chart can be
read back as a reader reads it: `date_ticks` and `date_labels`, `<name>_ticks` and
`<name>_labels` on the left, `x_label`, and `plot_area` (the frame the data is drawn in).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from matplotlib.dates import AutoDateLocator, num2date
from reportlab.graphics.shapes import Drawing, Group, Line, Rect, String
from reportlab.lib.colors import HexColor, black

from progress.reports.fonts import REGULAR

LABEL_SIZE, TICK_SIZE = 8, 7.5
TICK_LENGTH, AXIS_WIDTH = 3.5, 0.8
SHORTEST_AXIS = timedelta(days=14)
# matplotlib's choice of round dates, used for its arithmetic only: nothing is drawn with it.
DATE_TICKS = AutoDateLocator(minticks=3, maxticks=7)
SCORE_TICK_STEPS = (1, 2, 5, 10, 20, 25, 50)


def stroke(colour, width: float, dash: list[float] | None = None) -> dict:
    colour = HexColor(colour) if isinstance(colour, str) else colour
    return {"strokeColor": colour, "strokeWidth": width, "strokeDashArray": dash}


def fill(colour: str) -> dict:
    return {"fillColor": HexColor(colour), "strokeColor": None}


def text(x, y, words: str, size=TICK_SIZE, anchor="start", colour=black, font=REGULAR) -> String:
    colour = HexColor(colour) if isinstance(colour, str) else colour
    return String(x, y, words, fontName=font, fontSize=size, fillColor=colour, textAnchor=anchor)


def middle(y: float, size: float) -> float:
    """The baseline that centres a line of text of this size on y."""
    return y - 0.35 * size


def date_limits(days: list[date]) -> tuple[date, date]:
    """The data's dates with a margin; never narrower than two weeks, so one administration
    (or two on one day) gives a short axis."""
    first, last = min(days), max(days)
    margin = max((last - first) / 20, (SHORTEST_AXIS - (last - first)) / 2, timedelta(days=1))
    return first - margin, last + margin


def date_ticks(first: date, last: date) -> list[date]:
    """Three to seven round dates between the limits (the 1st and 15th of months, whole
    months or whole years, as the span needs)."""
    values = DATE_TICKS.tick_values(
        datetime.combine(first, datetime.min.time()), datetime.combine(last, datetime.min.time())
    )
    return [tick for tick in (num2date(v).date() for v in values) if first <= tick <= last]


def score_ticks(low: int, high: int) -> list[int]:
    """Round totals, at most seven of them, across the scale."""
    step = next(step for step in SCORE_TICK_STEPS if (high - low) / step <= 6)
    return list(range(-(-low // step) * step, high + 1, step))


@dataclass(frozen=True)
class Plot:
    """The area the data is drawn in, in points from the drawing's lower left, and the dates
    and values at its edges (`low` at the bottom, which may be the larger)."""

    left: float
    bottom: float
    width: float
    height: float
    first: date
    last: date
    low: float
    high: float

    @property
    def right(self) -> float:
        return self.left + self.width

    def x(self, day: date) -> float:
        return self.left + self.width * (day - self.first).days / (self.last - self.first).days

    def y(self, value: float) -> float:
        return self.bottom + self.height * (value - self.low) / (self.high - self.low)

    def across(self, value: float, style: dict) -> Line:
        """A line across the plot at a value."""
        y = self.y(value)
        return Line(self.left, y, self.right, y, **style)


def frame(drawing: Drawing, plot: Plot) -> None:
    rect = Rect(plot.left, plot.bottom, plot.width, plot.height, fillColor=None,
                **stroke(black, AXIS_WIDTH))  # fmt: skip
    drawing.add(rect, name="plot_area")


def date_axis(drawing: Drawing, plot: Plot, label: str) -> None:
    ticks, labels = Group(), Group()
    for day in date_ticks(plot.first, plot.last):
        x = plot.x(day)
        ticks.add(Line(x, plot.bottom, x, plot.bottom - TICK_LENGTH, strokeWidth=AXIS_WIDTH))
        # Slanted, ending under its tick, so that long dates never overlap.
        slanted = Group(text(0, -TICK_SIZE, day.strftime("%d %b %Y"), anchor="end"))
        slanted.translate(x + 2, plot.bottom - TICK_LENGTH - 2)
        slanted.rotate(25)
        labels.add(slanted)
    drawing.add(ticks, name="date_ticks")
    drawing.add(labels, name="date_labels")
    drawing.add(text(plot.left + plot.width / 2, 4, label, LABEL_SIZE, "middle"), name="x_label")


def left_ticks(drawing: Drawing, plot: Plot, ticks: list[tuple[float, str]], name: str) -> None:
    """Tick marks on the plot's left edge at these values, each with its label."""
    marks, labels = Group(), Group()
    for value, label in ticks:
        y = plot.y(value)
        marks.add(Line(plot.left - TICK_LENGTH, y, plot.left, y, strokeWidth=AXIS_WIDTH))
        labels.add(text(plot.left - TICK_LENGTH - 2, middle(y, TICK_SIZE), label, anchor="end"))
    drawing.add(marks, name=f"{name}_ticks")
    drawing.add(labels, name=f"{name}_labels")


def vertical_label(drawing: Drawing, plot: Plot, label: str) -> None:
    """The left axis's label, reading upwards beside its tick labels."""
    upright = Group(text(0, 0, label, LABEL_SIZE, "middle"))
    upright.translate(plot.left - 23, plot.bottom + plot.height / 2)
    upright.rotate(90)
    drawing.add(upright, name="y_label")
