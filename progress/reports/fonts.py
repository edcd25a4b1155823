"""The report's fonts, registered once at import for its text and its charts.

DejaVu Sans ships with matplotlib, covers the characters clinicians type (accents, ≥, —) and
is embedded in the PDF, so the report prints the same on every machine.
"""

from pathlib import Path

import matplotlib
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

REGULAR, BOLD = "DejaVu", "DejaVu-Bold"
FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
pdfmetrics.registerFont(TTFont(REGULAR, FONT_DIR / "DejaVuSans.ttf"))
pdfmetrics.registerFont(TTFont(BOLD, FONT_DIR / "DejaVuSans-Bold.ttf"))
