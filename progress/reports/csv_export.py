"""CSV exports: a client's administrations, and practice outcomes for service evaluation."""

import csv
from collections.abc import Iterable, Iterator

from assessments.models import Assessment

BYTE_ORDER_MARK = "\ufeff"


class _Echo:
    """A file-like object whose write returns the line, for streaming csv rows."""

    def write(self, value: str) -> str:
        return value


def csv_lines(
    header: list[str], rows: Iterable[list], *, byte_order_mark: bool = False
) -> Iterator[str]:
    """The lines of a CSV file; with `byte_order_mark`, led by U+FEFF, which spreadsheet
    programs read as "this file is UTF-8" (without it some take accented names for Latin-1)."""
    if byte_order_mark:
        yield BYTE_ORDER_MARK
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
    # The client's paired PHQ-9/GAD-7 outcomes, the same on each of the client's rows; a
    # pair is dated by the earlier of its two administrations.
    "paired_status",
    "paired_baseline_on",
    "paired_baseline_phq9",
    "paired_baseline_gad7",
    "paired_latest_on",
    "paired_latest_phq9",
    "paired_latest_gad7",
    "caseness_at_baseline",
    "recovery",
    "reliable_improvement",
    "reliable_deterioration",
    "reliable_recovery",
]
PAIRED_COLUMN_COUNT = len(OUTCOME_COLUMNS) - OUTCOME_COLUMNS.index("paired_status")


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """Free text that a spreadsheet will not run as a formula (CSV injection)."""
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def cell(value):
    """A CSV cell: booleans as `true`/`false`, None as empty, anything else as it is."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _pair_cells(pair: dict | None) -> list:
    if pair is None:
        return ["", "", ""]
    phq9, gad7 = pair["phq9"], pair["gad7"]
    on = min(phq9["administered_on"], gad7["administered_on"])
    return [on.isoformat(), phq9["total_score"], gad7["total_score"]]


def paired_cells(paired: dict | None) -> list:
    """The paired outcome columns; all empty when the client has not taken both instruments."""
    if paired is None:
        return [""] * PAIRED_COLUMN_COUNT
    return [
        paired["status"],
        *_pair_cells(paired["baseline_pair"]),
        *_pair_cells(paired["latest_pair"]),
        *(
            cell(paired[key])
            for key in (
                "caseness_at_baseline",
                "recovery",
                "reliable_improvement",
                "reliable_deterioration",
                "reliable_recovery",
            )
        ),
    ]


def outcome_rows(clients_outcomes: Iterable[tuple]) -> Iterator[list]:
    """One row per client and instrument, from (client, instrument outcomes, paired outcome)."""
    for client, outcomes, paired in clients_outcomes:
        paired_row = paired_cells(paired)
        for outcome in outcomes:
            yield [
                client.pk,
                spreadsheet_safe(f"{client.given_name} {client.family_name}"),
                outcome["instrument"],
                len(outcome["points"]),
                outcome["baseline"],
                outcome["latest"],
                cell(outcome["change"]),
                outcome["reliable_change"],
                cell(outcome["no_longer_a_case"]),
                *paired_row,
            ]
