"""Homework adherence at /clients/{id}/homework-summary/, checked against a hand-counted set of
homework: counts by status, completion rate (completed over reviewed), mean helpfulness, overall
and for each strategy in vocabulary order; cancelled homework is not counted as assigned."""

import pytest

from tests.factories import ClientFactory, HomeworkFactory
from tests.homework.conftest import (
    HOMEWORK,
    close,
)

pytestmark = pytest.mark.django_db

STRATEGIES = ["self_reflection", "professional_help", "supportive_relationships", "realistic_goals"]

# (strategy, status, helpfulness) for each homework of the client; counted by hand below.
HOMEWORK_SET = [
    ("self_reflection", "completed", 8),
    ("self_reflection", "completed", 6),
    ("self_reflection", "partially_completed", 3),
    ("self_reflection", "not_completed", None),
    ("self_reflection", "assigned", None),
    ("self_reflection", "cancelled", None),
    # professional_help: none
    ("supportive_relationships", "completed", None),
    ("supportive_relationships", "not_completed", None),
    ("supportive_relationships", "not_completed", None),
    ("supportive_relationships", "not_completed", None),
    ("supportive_relationships", "assigned", None),
    ("supportive_relationships", "assigned", None),
    ("supportive_relationships", "cancelled", None),
    ("realistic_goals", "partially_completed", 0),
    ("realistic_goals", "completed", 10),
    ("realistic_goals", "completed", 8),
    ("realistic_goals", "cancelled", None),
]


def summary_url(client) -> str:
    return f"/api/v1/clients/{client.pk}/homework-summary/"


def nothing(strategy=None) -> dict:
    counts = {
        "assigned": 0,
        "completed": 0,
        "partially_completed": 0,
        "not_completed": 0,
        "outstanding": 0,
        "cancelled": 0,
        "completion_rate": None,
        "mean_helpfulness": None,
    }
    return {"strategy": strategy, **counts} if strategy else counts


def make(client, strategy: str, status: str, helpfulness: int | None):
    homework = HomeworkFactory(client=client, strategy=strategy)
    if status == "assigned":
        return homework
    if status in ("completed", "partially_completed"):
        return close(homework, status, helpfulness=helpfulness)
    return close(homework, status)


@pytest.fixture
def homework_set(client_record, clinician):
    for row in HOMEWORK_SET:
        make(client_record, *row)
    # Another client's homework, of the same clinician: it must not count.
    other = ClientFactory(primary_clinician=clinician)
    for row in [
        ("professional_help", "completed", 1),
        ("professional_help", "assigned", None),
        ("self_reflection", "not_completed", None),
        ("realistic_goals", "cancelled", None),
    ]:
        make(other, *row)


def test_summary_matches_the_hand_count(homework_set, client_record, clinician, as_user):
    response = as_user(clinician).get(summary_url(client_record))

    assert response.status_code == 200, response.content
    assert response.json() == {
        "client": str(client_record.pk),
        "overall": {
            "assigned": 14,  # 17 - 3 cancelled
            "completed": 5,
            "partially_completed": 2,
            "not_completed": 4,
            "outstanding": 3,
            "cancelled": 3,
            "completion_rate": 0.4545,  # 5 / 11
            "mean_helpfulness": 5.83,  # (8 + 6 + 3 + 0 + 10 + 8) / 6
        },
        "by_strategy": [
            {
                "strategy": "self_reflection",
                "assigned": 5,
                "completed": 2,
                "partially_completed": 1,
                "not_completed": 1,
                "outstanding": 1,
                "cancelled": 1,
                "completion_rate": 0.5,  # 2 / 4
                "mean_helpfulness": 5.67,  # 17 / 3
            },
            nothing("professional_help"),
            {
                "strategy": "supportive_relationships",
                "assigned": 6,
                "completed": 1,
                "partially_completed": 0,
                "not_completed": 3,
                "outstanding": 2,
                "cancelled": 1,
                "completion_rate": 0.25,  # 1 / 4
                "mean_helpfulness": None,  # reviewed, never rated
            },
            {
                "strategy": "realistic_goals",
                "assigned": 3,
                "completed": 2,
                "partially_completed": 1,
                "not_completed": 0,
                "outstanding": 0,
                "cancelled": 1,
                "completion_rate": 0.6667,  # 2 / 3
                "mean_helpfulness": 6.0,  # 18 / 3, a rating of 0 included
            },
        ],
    }


def test_summary_of_a_client_without_homework(client_record, clinician, as_user):
    response = as_user(clinician).get(summary_url(client_record))

    assert response.status_code == 200
    assert response.json() == {
        "client": str(client_record.pk),
        "overall": nothing(),
        "by_strategy": [nothing(strategy) for strategy in STRATEGIES],
    }


def test_only_outstanding_and_cancelled_homework_has_no_rate(client_record, clinician, as_user):
    make(client_record, "professional_help", "assigned", None)
    make(client_record, "professional_help", "cancelled", None)

    overall = as_user(clinician).get(summary_url(client_record)).json()["overall"]

    assert overall == {**nothing(), "assigned": 1, "outstanding": 1, "cancelled": 1}


def test_a_single_zero_rating_is_a_mean_of_zero(client_record, clinician, as_user):
    make(client_record, "realistic_goals", "partially_completed", 0)

    body = as_user(clinician).get(summary_url(client_record)).json()

    assert body["overall"] == {
        **nothing(),
        "assigned": 1,
        "partially_completed": 1,
        "completion_rate": 0.0,
        "mean_helpfulness": 0.0,
    }
    assert body["by_strategy"][3] == {"strategy": "realistic_goals", **body["overall"]}


def test_another_clients_homework_does_not_count(homework_set, clinician, as_user):
    untouched = ClientFactory(primary_clinician=clinician)

    body = as_user(clinician).get(summary_url(untouched)).json()

    assert body["overall"] == nothing()


def test_summary_follows_the_api_lifecycle(client_record, clinician, as_user):
    api = as_user(clinician)
    created = [
        api.post(
            HOMEWORK,
            {"client": str(client_record.pk), "strategy": strategy, "title": title},
            format="json",
        ).json()
        for strategy, title in [
            ("self_reflection", "Diary"),
            ("self_reflection", "Letter"),
            ("supportive_relationships", "Call"),
        ]
    ]
    diary, letter, call = (f"{HOMEWORK}{row['id']}/" for row in created)
    assert api.post(f"{diary}complete/", {"helpfulness": 9}, format="json").status_code == 200
    assert api.post(f"{letter}not-completed/", {}, format="json").status_code == 200
    assert api.post(f"{call}cancel/", {}, format="json").status_code == 200

    body = api.get(summary_url(client_record)).json()

    assert body["overall"] == {
        **nothing(),
        "assigned": 2,
        "completed": 1,
        "not_completed": 1,
        "cancelled": 1,
        "completion_rate": 0.5,
        "mean_helpfulness": 9.0,
    }
    assert [row["assigned"] for row in body["by_strategy"]] == [2, 0, 0, 0]
    assert body["by_strategy"][2]["cancelled"] == 1


def test_progress_report_carries_the_same_adherence(
    homework_set, client_record, clinician, as_user
):
    api = as_user(clinician)

    progress = api.get(f"/api/v1/clients/{client_record.pk}/progress/")

    assert progress.status_code == 200, progress.content
    assert progress.json()["homework"] == api.get(summary_url(client_record)).json()


def test_summary_runs_in_one_query_after_finding_the_client(
    homework_set, client_record, clinician, as_user, django_assert_num_queries
):
    api = as_user(clinician)

    with django_assert_num_queries(3):  # the client (access-checked), the adherence, the audit
        response = api.get(summary_url(client_record))

    assert response.json()["overall"]["assigned"] == 14


def test_summary_of_a_missing_client_is_a_404(clinician, as_user):
    response = as_user(clinician).get(
        summary_url(ClientFactory.build(pk="00000000-0000-4000-8000-000000000000"))
    )

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
