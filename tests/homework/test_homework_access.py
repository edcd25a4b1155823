"""Who may see and change which homework, endpoint by endpoint and action by action.

Homework is clinical content, scoped exactly as sessions. The client's primary clinician and care
team read and write. The supervisor of a clinician on the client reads everything but every write
is a 403. Everyone else (a clinician or an admin of another practice, a colleague not on the care
team, a supervisor who does not supervise anyone on it) and the practice's own admin (who reads
no clinical content) get 404, exactly as for an id that does not exist; lists leave the homework
out, and assigning homework to such a client is a 400 on `client` indistinguishable from a
nonexistent id. Every refused request leaves the stored homework as it was.
"""

import pytest

from sessions.homework.models import Homework
from tests.access import (
    CLINICAL_READERS,
    NO_CLINICAL_ACCESS,
    Create,
    CreateAccess,
    ListAccess,
    ReadAccess,
    Write,
    WriteAccess,
    own_record_keys,
)
from tests.factories import (
    ClientFactory,
    HomeworkFactory,
    SessionFactory,
    SupervisorFactory,
    UserFactory,
)
from tests.helpers import assert_problem, error_fields
from tests.homework.conftest import ACTIONS, HOMEWORK, close, homework_url, ids, stored

pytestmark = pytest.mark.django_db

ONE = "/api/v1/homework/{id}/"
WRITES = ["patch", "put", *ACTIONS]


def new_homework_body(client_id) -> dict:
    return {
        "client": str(client_id),
        "strategy": "realistic_goals",
        "title": "Assigned by someone else",
    }


def summary_url(client) -> str:
    return f"/api/v1/clients/{client.pk}/homework-summary/"


class TestHomeworkAccess(ListAccess, ReadAccess, WriteAccess, CreateAccess):
    models = (Homework,)
    no_access = NO_CLINICAL_ACCESS
    readers = CLINICAL_READERS
    lists = {HOMEWORK: "id", f"{HOMEWORK}?client={{client}}": "id"}
    reads = {"retrieve": ONE, "summary": "/api/v1/clients/{client}/homework-summary/"}
    writes = {
        "patch": Write("patch", ONE, {"title": "Overwritten"}),
        "put": Write("put", ONE, lambda keys: new_homework_body(keys["client"])),
        **{
            action: Write(
                "post", f"{ONE}{action}/", {"helpfulness": 1, "outcome_note": "Not mine."}
            )
            for action in ACTIONS
        },
    }
    create = Create(HOMEWORK, new_homework_body)
    may_write = {
        "clinician": {*WRITES, "create"},
        "care_team_member": {*WRITES, "create"},
    }

    @pytest.fixture
    def record(self, homework):
        return homework

    def own_keys(self, person):
        return own_record_keys(person, HomeworkFactory)


# --- What the declaration does not say ---------------------------------------------------------


@pytest.mark.parametrize("reader", ["clinician", "care_team_member", "supervisor"])
def test_care_team_and_supervisor_read_homework(reader, homework, request, as_user):
    api = as_user(request.getfixturevalue(reader))

    assert ids(api.get(HOMEWORK)) == [str(homework.pk)]
    response = api.get(homework_url(homework))
    assert response.status_code == 200
    assert response.json()["title"] == "Thought record"


def test_supervisor_of_a_care_team_member_reads_homework(
    practice, homework, client_record, as_user
):
    their_supervisor = SupervisorFactory(practice=practice)
    client_record.care_team.add(
        UserFactory(practice=practice, supervisor=their_supervisor),
        through_defaults={"practice_id": client_record.practice_id},
    )
    api = as_user(their_supervisor)

    assert ids(api.get(HOMEWORK)) == [str(homework.pk)]
    assert api.get(homework_url(homework)).status_code == 200


@pytest.mark.parametrize("action", list(ACTIONS))
def test_supervisor_action_on_closed_homework_is_403_and_changes_nothing(
    action, homework, supervisor, as_user
):
    close(homework, "completed")
    before = stored(homework)

    response = as_user(supervisor).post(homework_url(homework, action), {}, format="json")

    assert_problem(response, 403)
    assert stored(homework) == before


def test_supervisor_patch_of_status_is_403_not_409(homework, supervisor, as_user):
    before = stored(homework)

    response = as_user(supervisor).patch(
        homework_url(homework), {"status": "completed", "helpfulness": 9}, format="json"
    )

    assert_problem(response, 403)
    assert stored(homework) == before


@pytest.mark.parametrize("write", WRITES)
def test_care_team_member_writes_store_what_they_say(
    write, homework, client_record, care_team_member, as_user
):
    keys = {"id": str(homework.pk), "client": str(client_record.pk)}

    response = TestHomeworkAccess.writes[write].send(as_user(care_team_member), keys)

    assert response.status_code == 200, response.content
    homework.refresh_from_db()
    if write in ACTIONS:
        assert homework.status == ACTIONS[write]
    elif write == "patch":
        assert (homework.title, homework.status) == ("Overwritten", "assigned")
    else:
        assert (homework.strategy, homework.title) == (
            "realistic_goals",
            "Assigned by someone else",
        )


def test_session_of_a_client_not_visible_is_refused_like_a_missing_one(
    client_record, clinician, colleague, as_user
):
    their_session = SessionFactory(client=ClientFactory(primary_clinician=colleague))
    api = as_user(clinician)
    count = Homework.objects.count()

    response = api.post(
        HOMEWORK,
        {**new_homework_body(client_record.pk), "session": str(their_session.pk)},
        format="json",
    )

    assert_problem(response, 400)
    assert error_fields(response) == ["session"]
    assert "does not exist" in response.json()["errors"][0]["message"]
    assert Homework.objects.count() == count


def test_admin_sees_the_client_but_not_its_homework_summary(
    client_record, homework, admin, as_user
):
    api = as_user(admin)

    assert api.get(f"/api/v1/clients/{client_record.pk}/").status_code == 200
    assert_problem(api.get(summary_url(client_record)), 404)


@pytest.mark.parametrize("reader", ["clinician", "care_team_member", "supervisor"])
def test_care_team_and_supervisor_read_the_summary(
    reader, homework, client_record, request, as_user
):
    response = as_user(request.getfixturevalue(reader)).get(summary_url(client_record))

    assert response.status_code == 200, response.content
    assert response.json()["client"] == str(client_record.pk)
    assert response.json()["overall"]["outstanding"] == 1


def test_anonymous_caller_is_401_everywhere(homework, client_record, api_client):
    before = stored(homework)

    for response in (
        api_client.get(HOMEWORK),
        api_client.get(homework_url(homework)),
        api_client.post(HOMEWORK, new_homework_body(client_record.pk), format="json"),
        api_client.patch(homework_url(homework), {"title": "x"}, format="json"),
        *(api_client.post(homework_url(homework, action), {}) for action in ACTIONS),
        api_client.get(summary_url(client_record)),
        api_client.get("/api/v1/homework-templates/"),
    ):
        assert_problem(response, 401)
    assert stored(homework) == before


def test_supervisor_writes_homework_of_their_own_caseload(supervisor, as_user):
    own_client = ClientFactory(primary_clinician=supervisor)
    api = as_user(supervisor)

    created = api.post(HOMEWORK, new_homework_body(own_client.pk), format="json")
    assert created.status_code == 201, created.content
    done = api.post(f"{HOMEWORK}{created.json()['id']}/complete/", {}, format="json")

    assert done.status_code == 200, done.content
    assert Homework.objects.get(pk=created.json()["id"]).status == "completed"


def test_assigned_by_is_the_caller_whatever_the_body_says(
    client_record, care_team_member, clinician, as_user
):
    response = as_user(care_team_member).post(
        HOMEWORK,
        {**new_homework_body(client_record.pk), "assigned_by": str(clinician.pk)},
        format="json",
    )

    assert response.status_code == 201, response.content
    assert Homework.objects.get(pk=response.json()["id"]).assigned_by_id == care_team_member.pk


def test_summary_of_a_malformed_client_id_is_a_404(clinician, as_user):
    api = as_user(clinician)

    assert_problem(api.get("/api/v1/homework/not-a-uuid/"), 404)
    assert_problem(api.get("/api/v1/clients/not-a-uuid/homework-summary/"), 404)
