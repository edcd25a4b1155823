"""Reads of homework: adherence for a client, in one query."""

from django.db.models import Count, Sum

from api.vocabulary import Strategy
from clients.models import Client
from sessions.homework.models import Homework, HomeworkStatus

REVIEWED = (
    HomeworkStatus.COMPLETED,
    HomeworkStatus.PARTIALLY_COMPLETED,
    HomeworkStatus.NOT_COMPLETED,
)


def _adherence(counts: dict[str, int], ratings: int, rating_sum: int) -> dict:
    reviewed = sum(counts.get(status, 0) for status in REVIEWED)
    completed = counts.get(HomeworkStatus.COMPLETED, 0)
    return {
        "assigned": sum(counts.values()) - counts.get(HomeworkStatus.CANCELLED, 0),
        "completed": completed,
        "partially_completed": counts.get(HomeworkStatus.PARTIALLY_COMPLETED, 0),
        "not_completed": counts.get(HomeworkStatus.NOT_COMPLETED, 0),
        "outstanding": counts.get(HomeworkStatus.ASSIGNED, 0),
        "cancelled": counts.get(HomeworkStatus.CANCELLED, 0),
        "completion_rate": round(completed / reviewed, 4) if reviewed else None,
        "mean_helpfulness": round(rating_sum / ratings, 2) if ratings else None,
    }


def homework_adherence(client: Client) -> dict:
    """Counts by status, completion rate and mean helpfulness, overall and for each of the
    four strategies (always all four, in vocabulary order)."""
    rows = (
        Homework.objects.filter(client=client)
        .values("strategy", "status")
        .annotate(n=Count("pk"), ratings=Count("helpfulness"), rating_sum=Sum("helpfulness"))
        .order_by()
    )
    by_strategy = {strategy: ({}, [0, 0]) for strategy in Strategy.values}
    overall: tuple[dict, list] = ({}, [0, 0])
    for row in rows:
        for counts, rating in (by_strategy[row["strategy"]], overall):
            counts[row["status"]] = counts.get(row["status"], 0) + row["n"]
            rating[0] += row["ratings"]
            rating[1] += row["rating_sum"] or 0
    return {
        "client": client.pk,
        "overall": _adherence(overall[0], *overall[1]),
        "by_strategy": [
            {"strategy": strategy, **_adherence(counts, *rating)}
            for strategy, (counts, rating) in by_strategy.items()
        ],
    }
