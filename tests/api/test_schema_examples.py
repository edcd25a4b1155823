"""Every example in the schema is valid against its own schema, and every request example,
posted as written (its ids swapped for real ones), is accepted by a live server."""

import copy

import pytest
import requests
from jsonschema import Draft202012Validator

from api.examples import EXAMPLE_CLIENT_ID
from tests.api.test_schema import SNAPSHOT
from tests.factories import TEST_PASSWORD, ClientFactory, UserFactory

yaml = pytest.importorskip("yaml")
SCHEMA = yaml.safe_load(SNAPSHOT.read_text())


def as_json_schema(node):
    """OpenAPI 3.0's dialect as JSON Schema: `nullable` becomes a `null` alternative."""
    if isinstance(node, list):
        return [as_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: as_json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable"):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


COMPONENTS = as_json_schema(SCHEMA["components"])


def examples():
    """(where, the example's value, its schema) for every example in the schema."""
    for path, item in SCHEMA["paths"].items():
        for method, operation in item.items():
            bodies = [("request", operation.get("requestBody", {}).get("content", {}))]
            bodies += [
                (f"response {status}", response.get("content", {}))
                for status, response in operation.get("responses", {}).items()
            ]
            for side, content in bodies:
                for media_type, body in content.items():
                    schema = body.get("schema", {})
                    for name, example in body.get("examples", {}).items():
                        where = f"{method.upper()} {path} {side} {media_type} {name}"
                        yield where, example["value"], schema
    for name, component in SCHEMA["components"]["schemas"].items():
        for prop, node in component.get("properties", {}).items():
            if "example" in node:
                yield f"{name}.{prop}", node["example"], node


EXAMPLES = list(examples())


def test_the_schema_has_request_examples_for_the_main_creates():
    posted = {where.split(" ")[1] for where, _, _ in EXAMPLES if " request " in where}
    assert {
        "/api/v1/clients/",
        "/api/v1/sessions/",
        "/api/v1/assessments/",
        "/api/v1/homework/",
    } <= posted


@pytest.mark.parametrize(("where", "value", "schema"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_every_example_is_valid_against_its_own_schema(where, value, schema):
    validator = Draft202012Validator({**as_json_schema(schema), "components": COMPONENTS})
    errors = [error.message for error in validator.iter_errors(value)]
    assert errors == [], where


REQUEST_EXAMPLES = [(where, value) for where, value, _ in EXAMPLES if " request " in where]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("where", "value"), REQUEST_EXAMPLES, ids=[e[0] for e in REQUEST_EXAMPLES])
def test_every_request_example_is_accepted_by_a_live_server(where, value, live_server):
    clinician = UserFactory()
    client = ClientFactory(primary_clinician=clinician)
    sign_in = requests.post(
        f"{live_server.url}/api/v1/auth/token/",
        json={"email": clinician.email, "password": TEST_PASSWORD},
        timeout=10,
    )
    assert sign_in.status_code == 200, sign_in.text
    method, path = where.split(" ")[:2]
    body = copy.deepcopy(value)
    if body.get("client") == EXAMPLE_CLIENT_ID:
        body["client"] = str(client.pk)

    response = requests.request(
        method,
        live_server.url + path,
        json=body,
        headers={"Authorization": "Bearer " + sign_in.json()["access"]},
        timeout=10,
    )

    assert response.status_code in (200, 201), response.text
