"""Assigning homework: what a template fills in, every refusal (a 400 naming the field, with
nothing stored), edits while assigned, the list's filters and its fixed cost."""

from datetime import timedelta

import pytest

from sessions.models import Homework
from tests.factories import ClientFactory, HomeworkFactory, HomeworkTemplateFactory, SessionFactory
from tests.helpers import assert_problem, error_fields
from tests.homework.conftest import (
    HOMEWORK,
    TEMPLATES,
    builtin,
    close,
    days_ago,
    homework_url,
    ids,
    stored,
    today,
)

pytestmark = pytest.mark.django_db


def new_homework_body(client, **overrides) -> dict:
    return {
        "client": str(client.pk),
        "strategy": "self_reflection",
        "title": "Evening thought record",
        "instructions": "Write down one thought a day.",
        **overrides,
    }


# Creating


def test_clinician_assigns_homework(client_record, clinician, as_user):
    response = as_user(clinician).post(
        HOMEWORK,
        new_homework_body(client_record, target_roots=["perfectionism"]),
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body == {
        **body,
        "client": str(client_record.pk),
        "session": None,
        "strategy": "self_reflection",
        "template": None,
        "title": "Evening thought record",
        "instructions": "Write down one thought a day.",
        "target_roots": ["perfectionism"],
        "assigned_on": today().isoformat(),
        "due_on": None,
        "status": "assigned",
        "completed_on": None,
        "helpfulness": None,
        "outcome_note": "",
        "assigned_by": str(clinician.pk),
    }
    homework = Homework.objects.get(pk=body["id"])
    assert (homework.client_id, homework.assigned_by_id, homework.status) == (
        client_record.pk,
        clinician.pk,
        "assigned",
    )
    assert homework.assigned_on == today()


def test_care_team_member_assigns_homework_in_a_session(
    client_record, session_record, care_team_member, as_user
):
    due = today() + timedelta(days=7)
    response = as_user(care_team_member).post(
        HOMEWORK,
        new_homework_body(
            client_record,
            session=str(session_record.pk),
            strategy="realistic_goals",
            assigned_on=days_ago(2).isoformat(),
            due_on=due.isoformat(),
        ),
        format="json",
    )

    assert response.status_code == 201, response.content
    homework = Homework.objects.get(pk=response.json()["id"])
    assert homework.session_id == session_record.pk
    assert homework.assigned_by_id == care_team_member.pk
    assert (homework.assigned_on, homework.due_on) == (days_ago(2), due)


def test_due_date_may_be_the_assignment_date(client_record, clinician, as_user):
    response = as_user(clinician).post(
        HOMEWORK, new_homework_body(client_record, due_on=today().isoformat()), format="json"
    )

    assert response.status_code == 201, response.content
    assert Homework.objects.get(pk=response.json()["id"]).due_on == today()


def test_template_fills_title_instructions_and_roots(client_record, clinician, as_user):
    template = builtin("thought-record-perfectionism")

    response = as_user(clinician).post(
        HOMEWORK,
        {
            "client": str(client_record.pk),
            "strategy": "self_reflection",
            "template": str(template.pk),
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    homework = Homework.objects.get(pk=response.json()["id"])
    assert homework.template_id == template.pk
    assert homework.title == template.title == "Thought record for perfectionist moments"
    assert homework.instructions == template.instructions
    assert homework.target_roots == template.target_roots == ["perfectionism"]


def test_given_fields_win_over_the_template(client_record, clinician, as_user):
    template = builtin("coping-card")  # targets past_failures and perfectionism

    response = as_user(clinician).post(
        HOMEWORK,
        {
            "client": str(client_record.pk),
            "strategy": "professional_help",
            "template": str(template.pk),
            "title": "Coping card for exams",
            "target_roots": [],
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    homework = Homework.objects.get(pk=response.json()["id"])
    assert homework.title == "Coping card for exams"
    assert homework.instructions == template.instructions
    assert homework.target_roots == []


def test_practice_template_can_be_assigned(client_record, clinician, colleague, as_user):
    template = HomeworkTemplateFactory(author=colleague, strategy="realistic_goals")

    response = as_user(clinician).post(
        HOMEWORK,
        {
            "client": str(client_record.pk),
            "strategy": "realistic_goals",
            "template": str(template.pk),
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    homework = Homework.objects.get(pk=response.json()["id"])
    assert (homework.template_id, homework.title) == (template.pk, template.title)


@pytest.fixture
def other_client(clinician):
    """Another client of the same clinician."""
    return ClientFactory(primary_clinician=clinician)


REFUSALS = {
    "unknown strategy": (lambda ctx: {"strategy": "positive_thinking"}, "strategy"),
    "no strategy": (lambda ctx: {"strategy": None}, "strategy"),
    "template of another strategy": (
        lambda ctx: {
            "strategy": "realistic_goals",
            "template": str(builtin("comparison-diary").pk),
        },
        "template",
    ),
    "unknown template": (
        lambda ctx: {"template": "00000000-0000-0000-0000-000000000000"},
        "template",
    ),
    "session of another client": (
        lambda ctx: {"session": str(SessionFactory(client=ctx["other_client"]).pk)},
        "session",
    ),
    "due before assigned": (
        lambda ctx: {
            "assigned_on": days_ago(3).isoformat(),
            "due_on": days_ago(4).isoformat(),
        },
        "due_on",
    ),
    "due before today, assigned today by default": (
        lambda ctx: {"due_on": days_ago(1).isoformat()},
        "due_on",
    ),
    "no title and no template": (lambda ctx: {"title": None}, "title"),
    "blank title": (lambda ctx: {"title": ""}, "title"),
    "duplicate target root": (
        lambda ctx: {"target_roots": ["perfectionism", "past_failures", "perfectionism"]},
        "target_roots.2",
    ),
    "unknown target root": (lambda ctx: {"target_roots": ["imposter"]}, "target_roots.0"),
    "bad due date": (lambda ctx: {"due_on": "next tuesday"}, "due_on"),
}


# Refused for what is stored (whose session it is, a template's strategy, whose homework it
# is): a conflict, 409. The rest are malformed requests, 400.
CONFLICTS = {
    "template of another strategy",
    "session of another client",
    "another client",
    "strategy away from its template",
}


def assert_refusal(response, case: str) -> dict:
    if case in CONFLICTS:
        problem = assert_problem(response, 409)
        assert problem["type"] == "urn:rootwise:problem:conflict"
    else:
        problem = assert_problem(response, 400)
        assert problem["type"] == "urn:rootwise:problem:validation-error"
    return problem


@pytest.mark.parametrize("case", REFUSALS)
def test_invalid_homework_is_refused_naming_the_field_and_nothing_is_stored(
    case, client_record, other_client, clinician, as_user
):
    make_overrides, field = REFUSALS[case]
    body = {
        key: value
        for key, value in new_homework_body(
            client_record, **make_overrides({"other_client": other_client})
        ).items()
        if value is not None
    }
    count = Homework.objects.count()

    response = as_user(clinician).post(HOMEWORK, body, format="json")

    assert_refusal(response, case)
    assert error_fields(response) == [field]
    assert Homework.objects.count() == count


# Editing while assigned


def test_assigned_homework_is_edited_with_patch(homework, clinician, as_user):
    due = today() + timedelta(days=10)

    response = as_user(clinician).patch(
        homework_url(homework),
        {"title": "Thought record, mornings", "due_on": due.isoformat()},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Thought record, mornings"
    homework.refresh_from_db()
    assert (homework.title, homework.due_on, homework.status) == (
        "Thought record, mornings",
        due,
        "assigned",
    )


def test_assigned_homework_is_replaced_with_put(homework, client_record, care_team_member, as_user):
    response = as_user(care_team_member).put(
        homework_url(homework),
        new_homework_body(client_record, strategy="supportive_relationships", title="Call Sam"),
        format="json",
    )

    assert response.status_code == 200, response.content
    homework.refresh_from_db()
    assert (homework.strategy, homework.title, homework.status) == (
        "supportive_relationships",
        "Call Sam",
        "assigned",
    )


EDIT_REFUSALS = {
    "another client": (lambda ctx: {"client": str(ctx["other_client"].pk)}, "client"),
    "session of another client": (
        lambda ctx: {"session": str(SessionFactory(client=ctx["other_client"]).pk)},
        "session",
    ),
    "template of another strategy": (
        lambda ctx: {"template": str(builtin("good-enough-goal").pk)},
        "template",
    ),
    "strategy away from its template": (
        lambda ctx: {"strategy": "realistic_goals"},
        "template",
    ),
    "due before assigned": (lambda ctx: {"due_on": days_ago(8).isoformat()}, "due_on"),
    "assigned after due": (
        lambda ctx: {"assigned_on": (today() + timedelta(days=8)).isoformat()},
        "due_on",
    ),
    "unknown strategy": (lambda ctx: {"strategy": "journalling"}, "strategy"),
    "blank title": (lambda ctx: {"title": ""}, "title"),
    "duplicate target root": (
        lambda ctx: {"target_roots": ["past_failures", "past_failures"]},
        "target_roots.1",
    ),
}


@pytest.mark.parametrize("case", EDIT_REFUSALS)
def test_invalid_edit_is_refused_naming_the_field_and_nothing_changes(
    case, client_record, other_client, clinician, as_user
):
    homework = HomeworkFactory(
        client=client_record,
        template=builtin("comparison-diary"),
        due_on=today() + timedelta(days=7),
    )
    make_overrides, field = EDIT_REFUSALS[case]
    before = stored(homework)

    response = as_user(clinician).patch(
        homework_url(homework), make_overrides({"other_client": other_client}), format="json"
    )

    assert_refusal(response, case)
    assert error_fields(response) == [field]
    assert stored(homework) == before


# Filters


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


def test_homework_stays_editable_after_its_template_changes_strategy(
    client_record, clinician, as_user
):
    template = HomeworkTemplateFactory(author=clinician, strategy="realistic_goals")
    api = as_user(clinician)
    created = api.post(
        HOMEWORK,
        {
            "client": str(client_record.pk),
            "strategy": "realistic_goals",
            "template": str(template.pk),
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    moved = api.patch(f"{TEMPLATES}{template.pk}/", {"strategy": "self_reflection"}, format="json")
    assert moved.status_code == 200, moved.content

    retitled = api.patch(f"{HOMEWORK}{created.json()['id']}/", {"title": "Renamed"}, format="json")

    assert retitled.status_code == 200, retitled.content
    assert Homework.objects.get(pk=created.json()["id"]).title == "Renamed"
    repaired = api.patch(
        f"{HOMEWORK}{created.json()['id']}/", {"strategy": "realistic_goals"}, format="json"
    )
    assert repaired.status_code == 409  # the template's strategy is what is stored now
    assert repaired.json()["errors"][0]["field"] == "template"
