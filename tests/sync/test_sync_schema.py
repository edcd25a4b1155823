"""The schema says what the sync parameters take: `client` an array of ids, comma-separated
(form style, not exploded); `updated_since` a date-time on every synced list; `client_name`
on their records; and the deletions endpoint. It stays valid, with no warning."""

import pytest
import yaml
from django.core.management import call_command

SYNCED = [
    "/api/v1/homework/",
    "/api/v1/assessments/",
    "/api/v1/risk-flags/",
    "/api/v1/measure-schedules/",
    "/api/v1/measure-invitations/",
]
NAMED = ["Homework", "Assessment", "RiskFlag", "MeasureSchedule", "MeasureInvitation"]


@pytest.fixture(scope="module")
def schema(tmp_path_factory) -> dict:
    path = tmp_path_factory.mktemp("schema") / "openapi.yaml"
    call_command("spectacular", file=str(path), validate=True, fail_on_warn=True)
    return yaml.safe_load(path.read_text())


def parameters(schema, path: str) -> dict:
    return {p["name"]: p for p in schema["paths"][path]["get"]["parameters"]}


@pytest.mark.parametrize("path", SYNCED)
def test_client_is_a_comma_separated_array_of_ids(schema, path):
    client = parameters(schema, path)["client"]

    assert client["schema"] == {
        "type": "array",
        "items": {"type": "string", "format": "uuid"},
        "minItems": 1,  # an empty `?client=` says nothing: a 400
    }
    assert (client["style"], client["explode"]) == ("form", False)


@pytest.mark.parametrize("path", [*SYNCED, "/api/v1/clients/"])
def test_updated_since_is_a_date_time(schema, path):
    assert parameters(schema, path)["updated_since"]["schema"] == {
        "type": "string",
        "format": "date-time",
    }


@pytest.mark.parametrize("name", NAMED)
def test_records_carry_their_clients_name_read_only(schema, name):
    field = schema["components"]["schemas"][name]["properties"]["client_name"]

    assert (field["type"], field["readOnly"]) == ("string", True)


def test_deletions_take_an_optional_moment(schema):
    since = parameters(schema, "/api/v1/clients/deleted/")["since"]

    assert since.get("required", False) is False
    assert since["schema"] == {"type": "string", "format": "date-time"}
