"""Listing homework: filters by client, status, strategy and due dates (overdue included), that
combine; invalid filters refused; cursor pages and a fixed query count."""

from datetime import timedelta

import pytest

from tests.factories import HomeworkFactory
from tests.helpers import assert_problem, error_fields
from tests.homework.conftest import (
    HOMEWORK,
    builtin,
    close,
    days_ago,
    ids,
    today,
)

pytestmark = pytest.mark.django_db


def listed_ids(api, **params) -> set[str]:
    return set(ids(api.get(HOMEWORK, {"page_size": 200, **params})))


def test_list_filters_by_client(client_record, other_client, clinician, as_user):
    mine = HomeworkFactory.create_batch(2, client=client_record)
    theirs = HomeworkFactory(client=other_client)
    api = as_user(clinician)

    assert listed_ids(api, client=str(client_record.pk)) == {str(h.pk) for h in mine}
    assert listed_ids(api, client=str(other_client.pk)) == {str(theirs.pk)}
    assert listed_ids(api) == {str(h.pk) for h in [*mine, theirs]}


@pytest.fixture
def one_of_each_status(client_record):
    """One homework of `client_record` in each status, by status."""
    return {
        status: close(HomeworkFactory(client=client_record), status)
        if status != "assigned"
        else HomeworkFactory(client=client_record)
        for status in [
            "assigned",
            "completed",
            "partially_completed",
            "not_completed",
            "cancelled",
        ]
    }


@pytest.mark.parametrize(
    "status", ["assigned", "completed", "partially_completed", "not_completed", "cancelled"]
)
def test_list_filters_by_status(status, one_of_each_status, clinician, as_user):
    assert listed_ids(as_user(clinician), status=status) == {str(one_of_each_status[status].pk)}


@pytest.mark.parametrize(
    "strategy",
    ["self_reflection", "professional_help", "supportive_relationships", "realistic_goals"],
)
def test_list_filters_by_strategy(strategy, client_record, clinician, as_user):
    by_strategy = {
        code: HomeworkFactory(client=client_record, strategy=code)
        for code in [
            "self_reflection",
            "professional_help",
            "supportive_relationships",
            "realistic_goals",
        ]
    }

    assert listed_ids(as_user(clinician), strategy=strategy) == {str(by_strategy[strategy].pk)}


@pytest.fixture
def due_dates(client_record):
    """Homework around today's date, by name."""
    yesterday, tomorrow = days_ago(1), today() + timedelta(days=1)
    return {
        "assigned, due yesterday": HomeworkFactory(client=client_record, due_on=yesterday),
        "assigned, due last week": HomeworkFactory(
            client=client_record, assigned_on=days_ago(20), due_on=days_ago(7)
        ),
        "assigned, due today": HomeworkFactory(client=client_record, due_on=today()),
        "assigned, due tomorrow": HomeworkFactory(client=client_record, due_on=tomorrow),
        "assigned, no due date": HomeworkFactory(client=client_record, due_on=None),
        "completed, due yesterday": close(
            HomeworkFactory(client=client_record, due_on=yesterday), "completed"
        ),
        "cancelled, due yesterday": close(
            HomeworkFactory(client=client_record, due_on=yesterday), "cancelled"
        ),
        "not completed, no due date": close(
            HomeworkFactory(client=client_record, due_on=None), "not_completed"
        ),
    }


def named(due_dates, *names) -> set[str]:
    return {str(due_dates[name].pk) for name in names}


def test_overdue_is_due_before_today_and_still_assigned(due_dates, clinician, as_user):
    assert listed_ids(as_user(clinician), overdue="true") == named(
        due_dates, "assigned, due yesterday", "assigned, due last week"
    )


def test_not_overdue_is_everything_else_including_no_due_date(due_dates, clinician, as_user):
    assert listed_ids(as_user(clinician), overdue="false") == named(
        due_dates,
        "assigned, due today",
        "assigned, due tomorrow",
        "assigned, no due date",
        "completed, due yesterday",
        "cancelled, due yesterday",
        "not completed, no due date",
    )


def test_due_before_and_due_after_are_strict_and_skip_undated(due_dates, clinician, as_user):
    api = as_user(clinician)

    assert listed_ids(api, due_before=today().isoformat()) == named(
        due_dates,
        "assigned, due yesterday",
        "assigned, due last week",
        "completed, due yesterday",
        "cancelled, due yesterday",
    )
    assert listed_ids(api, due_after=today().isoformat()) == named(
        due_dates, "assigned, due tomorrow"
    )
    assert listed_ids(
        api, due_after=days_ago(2).isoformat(), due_before=(today() + timedelta(1)).isoformat()
    ) == named(
        due_dates,
        "assigned, due yesterday",
        "assigned, due today",
        "completed, due yesterday",
        "cancelled, due yesterday",
    )


def test_filters_combine(due_dates, clinician, as_user):
    assert listed_ids(
        as_user(clinician), status="assigned", due_before=today().isoformat()
    ) == named(due_dates, "assigned, due yesterday", "assigned, due last week")


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("status", "done"),
        ("strategy", "mindfulness"),
        ("due_before", "soon"),
        ("client", "not-a-uuid"),
    ],
)
def test_invalid_filter_value_is_a_400_naming_it(param, value, clinician, as_user):
    response = as_user(clinician).get(HOMEWORK, {param: value})

    assert_problem(response, 400)
    assert error_fields(response) == [param]


def test_list_is_cursor_paginated_and_visits_each_homework_once(client_record, clinician, as_user):
    created = {str(h.pk) for h in HomeworkFactory.create_batch(7, client=client_record)}
    api = as_user(clinician)

    first = api.get(HOMEWORK, {"page_size": 3}).json()
    assert set(first) == {"next", "previous", "results"}
    assert first["previous"] is None
    seen, page = [], first
    while True:
        seen.extend(row["id"] for row in page["results"])
        if not page["next"]:
            break
        page = api.get(page["next"]).json()

    assert len(seen) == 7
    assert set(seen) == created


# Cost


@pytest.mark.parametrize("rows", [1, 25])
@pytest.mark.parametrize("role", ["clinician", "care_team_member", "supervisor"])
def test_homework_list_query_count_is_fixed(
    role, rows, client_record, session_record, request, as_user, django_assert_num_queries
):
    template = builtin("comparison-diary")
    for _ in range(rows):
        close(
            HomeworkFactory(
                client=client_record,
                session=session_record,
                template=template,
                due_on=today(),
            ),
            "completed",
        )
    api = as_user(request.getfixturevalue(role))

    with django_assert_num_queries(2):  # the page, and the audit event
        response = api.get(HOMEWORK, {"page_size": 200})

    assert len(ids(response)) == rows
