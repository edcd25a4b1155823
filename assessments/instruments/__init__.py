"""The instrument registry. Adding an instrument means adding one module and one line here."""

from assessments.instruments.base import Instrument
from assessments.instruments.gad7 import GAD7
from assessments.instruments.phq9 import PHQ9
from assessments.instruments.roots5 import ROOTS5
from assessments.instruments.rses import RSES

INSTRUMENTS: dict[str, Instrument] = {
    instrument.code: instrument for instrument in (PHQ9, GAD7, RSES, ROOTS5)
}

INSTRUMENT_CHOICES = [(code, instrument.name) for code, instrument in INSTRUMENTS.items()]
