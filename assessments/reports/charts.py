"""Charts for the PDF report, drawn with matplotlib (Agg backend, no display needed)."""

import io
from datetime import date

import matplotlib

matplotlib.use("Agg")

from matplotlib import dates as mdates
from matplotlib import pyplot as plt

from api.vocabulary import Root
from assessments.instruments.base import Instrument

BAND_COLOURS = ["#e8f5e9", "#fffde7", "#fff3e0", "#fbe9e7", "#ffebee"]
WIDTH_INCHES, HEIGHT_INCHES, DPI = 6.4, 2.6, 110


def _png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight")
    plt.close(figure)
    return buffer.getvalue()


def _band_colours(instrument: Instrument) -> list[str]:
    colours = BAND_COLOURS[: len(instrument.bands)]
    return colours if instrument.direction.value == "lower_is_better" else colours[::-1]


def instrument_chart(instrument: Instrument, points: list[dict], baseline: int) -> bytes:
    """Total scores over time, severity bands shaded, the reliable-change zone around the
    baseline and the clinical cut-off marked."""
    figure, axes = plt.subplots(figsize=(WIDTH_INCHES, HEIGHT_INCHES))
    for band, colour in zip(instrument.bands, _band_colours(instrument), strict=True):
        axes.axhspan(band.min_score - 0.5, band.max_score + 0.5, color=colour, zorder=0)
        axes.text(
            1.01, (band.min_score + band.max_score) / 2, band.label, va="center", fontsize=7,
            transform=axes.get_yaxis_transform(), color="#555555",
        )  # fmt: skip
    if instrument.reliable_change:
        threshold = instrument.reliable_change.threshold
        axes.axhspan(
            baseline - threshold + 0.5, baseline + threshold - 0.5, color="#90a4ae", alpha=0.25,
            zorder=1, label=f"No reliable change (< {threshold} points from baseline)",
        )  # fmt: skip
    if instrument.clinical_cutoff:
        axes.axhline(
            instrument.clinical_cutoff.threshold - 0.5, color="#c62828", linestyle="--",
            linewidth=1, label="Clinical cut-off",
        )  # fmt: skip
    days = [point["administered_on"] for point in points]
    totals = [point["total_score"] for point in points]
    axes.plot(days, totals, marker="o", color="#1565c0", linewidth=1.8, zorder=3, label="Total")
    axes.set_ylim(instrument.min_score - 0.5, instrument.max_score + 0.5)
    axes.set_ylabel("Total score")
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%d %b %Y"))
    axes.legend(loc="best", fontsize=7, framealpha=0.9)
    figure.autofmt_xdate()
    return _png(figure)


def roots_timeline(sessions_by_root: dict[str, list[date]]) -> bytes:
    """A mark for every completed session that addressed each root of insecurity."""
    figure, axes = plt.subplots(figsize=(WIDTH_INCHES, 1.9))
    for row, root in enumerate(Root):
        days = sessions_by_root.get(root.value, [])
        axes.scatter(days, [row] * len(days), marker="|", s=180, color="#6a1b9a")
    axes.set_yticks(range(len(Root)), [root.label for root in Root], fontsize=8)
    axes.set_ylim(-0.7, len(Root) - 0.3)
    axes.invert_yaxis()
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%d %b %Y"))
    figure.autofmt_xdate()
    return _png(figure)
