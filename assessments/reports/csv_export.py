"""CSV exports: a client's administrations, and practice outcomes for service evaluation."""

import csv
from collections.abc import Iterable, Iterator

from assessments.models import Assessment


class _Echo:
    """A file-like object whose write returns the line, for streaming csv rows."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: list[str], rows: Iterable[list]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow(row)


ADMINISTRATION_COLUMNS = [
    "client_id",
    "instrument",
    "administered_on",
    "total_score",
    "severity",
    "change_from_baseline",
    "flags",
]


def administration_rows(administrations: list[Assessment]) -> Iterator[list]:
    """One row per non-void administration; change is from the instrument's first one."""
    baselines: dict[str, int] = {}
    for assessment in administrations:
        baseline = baselines.setdefault(assessment.instrument, assessment.total_score)
        yield [
            assessment.client_id,
            assessment.instrument,
            assessment.administered_on.isoformat(),
            assessment.total_score,
            assessment.severity,
            assessment.total_score - baseline,
            " ".join(assessment.flags),
        ]


OUTCOME_COLUMNS = [
    "client_id",
    "client_name",
    "instrument",
    "administrations",
    "baseline",
    "latest",
    "change",
    "reliable_change",
    "no_longer_a_case",
]


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """Free text that a spreadsheet will not run as a formula (CSV injection)."""
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def _blank_if_none(value):
    return "" if value is None else value


def outcome_rows(clients_outcomes: Iterable[tuple]) -> Iterator[list]:
    for client, outcomes in clients_outcomes:
        for outcome in outcomes:
            yield [
                client.pk,
                spreadsheet_safe(f"{client.given_name} {client.family_name}"),
                outcome["instrument"],
                len(outcome["points"]),
                outcome["baseline"],
                outcome["latest"],
                _blank_if_none(outcome["change"]),
                outcome["reliable_change"],
                _blank_if_none(outcome["no_longer_a_case"]),
            ]
