"""The access contract every resource keeps, declared once per resource.

A resource's test class names its routes (URL templates whose `{id}`, `{client}`, ...
placeholders `keys()` fills from the record), its writes, and who may do what; the mixins below
turn that declaration into the attacker tests:

- everyone in `no_access` gets, on every route and for every method, exactly the answer an id
  that does not exist gets (a 404, or the 405 any id gets; never a 403, never data); lists leave
  the record out; creating for the record's client is the 400 a nonexistent client gets;
- every one of `readers` reads every route (200) and finds the record in every list;
- a reader makes the writes `may_write` gives them (the write's status, and something stored
  changes) and is refused every other write with a 403;
- nobody signed out gets anything but a 401;
- every refusal leaves every row of `models` exactly as it was.

A test class mixes in the parts it declares (`ListAccess`, `ReadAccess`, `WriteAccess`,
`CreateAccess`) and defines the `record` fixture; tests the declaration cannot express follow it
in the same module.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from rest_framework.test import APIClient

from tests.factories import ClientFactory
from tests.helpers import assert_problem, error_fields

MISSING = "00000000-0000-4000-8000-000000000000"
METHODS = ("get", "post", "put", "patch", "delete")

# People with no access to `client_record`: a clinician and an admin of another practice, a
# colleague not on its care team, a supervisor who supervises no one on it, and a clinician of
# another practice who signs in with a second factor (with real tokens, through both steps).
NO_CLIENT_ACCESS = ("outsider", "stranger", "colleague", "other_supervisor", "mfa_outsider")
# ... and to its clinical records, the practice's own admin too: admins read no clinical content.
NO_CLINICAL_ACCESS = (*NO_CLIENT_ACCESS, "admin")
# Who reads a client's clinical records: its caseload and the primary clinician's supervisor.
CLINICAL_READERS = ("clinician", "care_team_member", "supervisor")


@dataclass(frozen=True)
class Write:
    """One write to the record, as someone allowed to make it would send it."""

    method: str
    route: str
    body: dict | Callable[[dict], dict] | None = None  # or built from the record's keys
    status: int = 200  # the answer to someone who may make it
    prepare: Callable | None = None  # puts the record where the write is otherwise allowed

    def send(self, api: APIClient, keys: dict):
        body = self.body(keys) if callable(self.body) else self.body
        return getattr(api, self.method)(fill(self.route, keys), body, format="json")


@dataclass(frozen=True)
class Create:
    """A POST that creates a record for a client named in its body."""

    route: str
    body: Callable[[str], dict]  # the body, for a client id

    def send(self, api: APIClient, client_id: str):
        return api.post(self.route, self.body(client_id), format="json")


def fill(route: str, keys: dict) -> str:
    return route.format(**keys)


def missing(keys: dict) -> dict:
    """The same keys, every one naming a record that does not exist."""
    return dict.fromkeys(keys, MISSING)


def content(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def listed(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def stored_rows(models) -> dict:
    """Every row of `models`, every column, read afresh."""
    return {
        model._meta.label: list(
            model.objects.order_by("pk").values(
                *(field.attname for field in model._meta.concrete_fields)
            )
        )
        for model in models
    }


def assert_same_refusal(response, for_missing, real_id: str):
    """`response` is the problem `for_missing` got, with the real id where that named the
    missing one."""

    def swap(text: str) -> str:
        return text.replace(MISSING, real_id)

    expected = for_missing.json()
    assert response.json() == {
        **expected,
        "detail": swap(expected["detail"]),
        "errors": [{**error, "message": swap(error["message"])} for error in expected["errors"]],
    }


class AccessContract:
    """The declaration and the tests every resource shares: every method of every route, and
    no credentials at all."""

    models: tuple = ()  # whose rows every refused request leaves as they were
    no_access: tuple[str, ...] = ()
    readers: tuple[str, ...] = ()
    lists: dict[str, str] = {}  # list URL -> the key its rows' ids are
    reads: dict[str, str] = {}  # name -> URL of a GET of the record
    writes: dict[str, Write] = {}
    create: Create | None = None
    may_write: dict[str, set[str]] = {}  # reader -> the writes (and "create") they may make

    @pytest.fixture
    def record(self):
        raise NotImplementedError("each resource declares its record")

    def keys(self, record) -> dict[str, str]:
        """The values of the routes' placeholders for `record`."""
        return {"id": str(record.pk), "client": str(record.client_id)}

    def stored(self) -> dict:
        return stored_rows(self.models)

    def routes(self) -> list[str]:
        """Every URL of the record, once each."""
        return list(dict.fromkeys([*self.reads.values(), *(w.route for w in self.writes.values())]))

    def pytest_generate_tests(self, metafunc):
        """Each test runs once per person (and per route or write) its name is about."""
        names = set(metafunc.fixturenames)
        test = metafunc.function.__name__
        creating = test.startswith("test_create_")
        everything = [*self.writes, *(["create"] if self.create else [])]
        allowed = [
            (who, name)
            for who in self.readers
            for name in everything
            if name in self.may_write.get(who, ())
        ]
        refused = [
            (who, name)
            for who in self.readers
            for name in everything
            if name not in self.may_write.get(who, ())
        ]
        if "nobody" in names:
            metafunc.parametrize("nobody", self.no_access, indirect=True)
        if "route" in names:
            metafunc.parametrize("route", self.routes())
        if "list_url" in names:
            metafunc.parametrize("list_url", list(self.lists))
        if "read" in names:
            metafunc.parametrize("read", list(self.reads))
        if test.endswith("_refused_to_a_reader_is_403"):
            pairs = [pair for pair in refused if (pair[1] == "create") == creating]
            metafunc.parametrize(("reader", "write"), pairs, indirect=["reader"])
        elif test.endswith("_by_a_writer"):
            pairs = [pair for pair in allowed if (pair[1] == "create") == creating]
            metafunc.parametrize(("reader", "write"), pairs, indirect=["reader"])
        else:
            if "reader" in names:
                metafunc.parametrize("reader", self.readers, indirect=True)
            if "write" in names:
                metafunc.parametrize("write", list(self.writes))

    @pytest.fixture
    def nobody(self, request):
        """Someone in `no_access`, by fixture name."""
        return request.getfixturevalue(request.param)

    @pytest.fixture
    def reader(self, request):
        """Someone in `readers`, by fixture name."""
        return request.getfixturevalue(request.param)

    def test_every_method_on_every_route_answers_as_for_a_missing_record(
        self, nobody, route, record, as_user
    ):
        api = as_user(nobody)
        keys = self.keys(record)
        before = self.stored()

        for method in METHODS:
            response = getattr(api, method)(fill(route, keys), {}, format="json")
            for_missing = getattr(api, method)(fill(route, missing(keys)), {}, format="json")

            assert response.status_code in (404, 405), (method, response.content)
            assert response.status_code == for_missing.status_code, method
            assert content(response) == content(for_missing), method
        assert self.stored() == before

    def test_every_route_without_credentials_is_401_and_changes_nothing(self, record):
        anonymous = APIClient()
        keys = self.keys(record)
        before = self.stored()
        calls = [(url, "get") for url in self.lists]
        calls += [(url, "get") for url in self.reads.values()]
        calls += [(write.route, write.method) for write in self.writes.values()]
        calls += [(self.create.route, "post")] if self.create else []

        for route, method in calls:
            response = getattr(anonymous, method)(fill(route, keys), {}, format="json")

            assert assert_problem(response, 401)["errors"] == [], route
            assert response["WWW-Authenticate"].startswith("Bearer"), route
        assert self.stored() == before


def own_record_keys(person, factory) -> dict | None:
    """For `ListAccess.own_keys`: the id of a record made by `factory` for a new client of
    `person`'s own; None for an admin, who sees no clinical records."""
    if person.is_admin:
        return None
    return {"id": str(factory(client=ClientFactory(primary_clinician=person)).pk)}


class ListAccess(AccessContract):
    """`lists`: each list URL and the key its rows' ids are. A list with a query string is
    filtered to the record's client."""

    def own_keys(self, person) -> dict | None:
        """A record `person` does see, so that a list without the record is not empty for
        some other reason; None for someone who sees no such records at all."""
        return None

    def test_list_leaves_the_record_out(self, nobody, list_url, record, as_user):
        keys = self.keys(record)
        own = self.own_keys(nobody)

        ids = listed(as_user(nobody).get(fill(list_url, keys)))

        if "?" in list_url or own is None:
            assert ids == []
        else:
            assert ids == [own[self.lists[list_url]]]

    def test_list_holds_the_record_for_a_reader(self, reader, list_url, record, as_user):
        keys = self.keys(record)

        assert listed(as_user(reader).get(fill(list_url, keys))) == [keys[self.lists[list_url]]]


class ReadAccess(AccessContract):
    """`reads`: each GET route of the record."""

    def assert_read(self, response, route: str, keys: dict):
        """What a reader must find in a read: by default, the id the route names."""
        placeholder = re.search(r"{(\w+)}", route).group(1)
        assert keys[placeholder].encode() in content(response)

    def test_read_is_404_as_for_a_missing_record(self, nobody, read, record, as_user):
        api = as_user(nobody)
        keys = self.keys(record)

        response = api.get(fill(self.reads[read], keys))

        assert assert_problem(response, 404)["errors"] == []
        assert response.json() == api.get(fill(self.reads[read], missing(keys))).json()

    def test_read_by_a_reader_is_200(self, reader, read, record, as_user):
        keys = self.keys(record)

        response = as_user(reader).get(fill(self.reads[read], keys))

        assert response.status_code == 200, content(response)
        self.assert_read(response, self.reads[read], keys)


class WriteAccess(AccessContract):
    """`writes`: each write to the record; `may_write`: which readers may make which."""

    def prepared(self, record, write: Write) -> dict:
        if write.prepare:
            write.prepare(record)
        return self.keys(record)

    def test_write_is_404_and_changes_nothing(self, nobody, write, record, as_user):
        api = as_user(nobody)
        keys = self.prepared(record, self.writes[write])
        before = self.stored()

        response = self.writes[write].send(api, keys)

        assert assert_problem(response, 404)["errors"] == []
        assert response.json() == self.writes[write].send(api, missing(keys)).json()
        assert self.stored() == before

    def test_write_refused_to_a_reader_is_403(self, reader, write, record, as_user):
        keys = self.prepared(record, self.writes[write])
        before = self.stored()

        response = self.writes[write].send(as_user(reader), keys)

        problem = assert_problem(response, 403)
        assert problem["type"] == "urn:rootwise:problem:permission-denied"
        assert problem["errors"] == []
        assert self.stored() == before

    def test_write_by_a_writer(self, reader, write, record, as_user):
        keys = self.prepared(record, self.writes[write])
        before = self.stored()

        response = self.writes[write].send(as_user(reader), keys)

        assert response.status_code == self.writes[write].status, response.content
        assert self.stored() != before


class CreateAccess(AccessContract):
    """`create`: a POST naming the record's client; "create" in `may_write` for who may."""

    def test_create_for_a_client_out_of_sight_is_400_as_for_a_missing_one(
        self, nobody, record, as_user
    ):
        api = as_user(nobody)
        client_id = self.keys(record)["client"]
        before = self.stored()

        response = self.create.send(api, client_id)

        assert_problem(response, 400, "client")
        assert error_fields(response) == ["client"]
        assert_same_refusal(response, self.create.send(api, MISSING), client_id)
        assert self.stored() == before

    def test_create_refused_to_a_reader_is_403(self, reader, write, record, as_user):
        before = self.stored()

        response = self.create.send(as_user(reader), self.keys(record)["client"])

        problem = assert_problem(response, 403)
        assert problem["type"] == "urn:rootwise:problem:permission-denied"
        assert problem["errors"] == []
        assert self.stored() == before

    def test_create_by_a_writer(self, reader, write, record, as_user):
        before = self.stored()

        response = self.create.send(as_user(reader), self.keys(record)["client"])

        assert response.status_code == 201, response.content
        assert self.stored() != before
