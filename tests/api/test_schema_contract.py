"""The schema says exactly what the server does: typed unions, the headers each operation
honours and sends, and which response fields are always there. Checked against real responses
of the demo practice, as a front-end developer's generated client would meet them."""

import re

import pytest
import yaml
from django.core.management import call_command
from django.core.validators import validate_email
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from api.auth.models import User
from api.schema import EMAIL, NO_NUL_CHARACTERS, NOT_BLANK
from demo.measures import DEMO_MEASURE_TOKEN
from tests.api.test_schema import SNAPSHOT

DEMO = "@demo.rootwise.test"
# Two-factor codes declare their own patterns, which admit no NUL either.
CODES = ("^[0-9]{6}$", "^[0-9A-Za-z]{4}(-?[0-9A-Za-z]{4}){3}$")
WRITES = ("put", "patch", "delete", "post")


@pytest.fixture(scope="module")
def schema() -> dict:
    return yaml.safe_load(SNAPSHOT.read_text())


def operations(schema: dict):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def header_parameters(operation: dict) -> set[str]:
    return {p["name"] for p in operation.get("parameters", ()) if p["in"] == "header"}


def resolve(schema: dict, node: dict) -> tuple[str | None, dict]:
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        return name, schema["components"]["schemas"][name]
    if len(node.get("allOf", ())) == 1:
        return resolve(schema, node["allOf"][0])
    return None, node


# ---- The demo practice, read and written through the API ----------------------------------


@pytest.fixture
def demo(db):
    call_command("load_demo", even_without_debug=True, verbosity=0)


def signed_in(role: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(User.objects.get(email=role + DEMO))
    return client


def first_id(client: APIClient, list_path: str) -> str:
    return client.get(list_path).json()["results"][0]["id"]


def concrete(client: APIClient, path: str) -> str:
    """`path` with `{id}` (or `{code}`, or a measure link's `{token}`) replaced by a record the
    caller sees."""
    if "{code}" in path:
        return path.replace("{code}", "phq9")
    if "{token}" in path:
        return path.replace("{token}", DEMO_MEASURE_TOKEN)
    if "{id}" not in path:
        return path
    return path.replace("{id}", first_id(client, path.split("{id}")[0]))


# ---- Item 2: the note and every other union field --------------------------------------------


def test_the_session_note_is_a_nullable_union_tagged_by_format(schema):
    components = schema["components"]["schemas"]
    for name in ("Session", "SessionRequest", "PatchedSessionRequest"):
        note = components[name]["properties"]["note"]
        members = [member["$ref"].rsplit("/", 1)[-1] for member in note["oneOf"]]
        suffix = name.removeprefix("Patched").removeprefix("Session")
        assert members == [f"{kind}Note{suffix}" for kind in ("Dap", "Soap", "Birp", "Narrative")]
        assert note["nullable"] is True
        assert note["discriminator"]["propertyName"] == "format"
        assert set(note["discriminator"]["mapping"]) == {"dap", "soap", "birp", "narrative"}
        assert "allOf" not in note


def test_no_field_wraps_a_union_in_allof(schema):
    """openapi-typescript turns `allOf: [Union]` into `Omit<Union, tag>`: untyped."""
    components = schema["components"]["schemas"]
    unions = {name for name, component in components.items() if "oneOf" in component}
    for name, component in components.items():
        for field_name, field in component.get("properties", {}).items():
            wrapped = [
                member.get("$ref", "").rsplit("/", 1)[-1] for member in field.get("allOf", ())
            ]
            assert not unions & set(wrapped), f"{name}.{field_name} wraps a union"


# ---- Item 3: headers, from what the server really does ---------------------------------------


ADMIN_PATHS = ("/api/v1/users/", "/api/v1/webhook-")


def acting_role(path: str) -> str:
    return "admin" if path.startswith(ADMIN_PATHS) else "clinician"


def test_every_write_that_honours_if_match_declares_it_with_its_412(schema, demo):
    """A stale If-Match is refused with 412 exactly where the schema declares If-Match."""
    checked = 0
    for path, method, operation in operations(schema):
        if method not in WRITES or "{id}" not in path:
            continue
        client = signed_in(acting_role(path))
        url = concrete(client, path)
        response = getattr(client, method)(url, {}, format="json", HTTP_IF_MATCH='"stale"')
        declared = "If-Match" in header_parameters(operation)
        assert (response.status_code == 412) == declared, (method, path, response.status_code)
        if declared:
            assert "412" in operation["responses"]
            checked += 1
    assert checked >= 20


def test_every_post_that_honours_idempotency_key_declares_it_with_its_problems(schema, demo):
    """A malformed Idempotency-Key is a 400 naming it exactly where the schema declares it."""
    checked = 0
    for path, method, operation in operations(schema):
        if method != "post":
            continue
        client = signed_in(acting_role(path))
        url = concrete(client, path)
        response = client.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="x" * 300)
        fields = {error["field"] for error in response.json().get("errors", ())}
        declared = "Idempotency-Key" in header_parameters(operation)
        assert ("Idempotency-Key" in fields) == declared, (path, response.status_code)
        if declared:
            assert {"409", "422"} <= set(operation["responses"]), path
            for code, response_doc in operation["responses"].items():
                assert "Idempotent-Replayed" in response_doc.get("headers", {}), (path, code)
            checked += 1
    assert checked >= 15


def test_etag_is_declared_on_exactly_the_responses_that_carry_one(schema, demo):
    for path, method, operation in operations(schema):
        if method != "get" or path.startswith("/api/v1/audit-events/") or "report" in path:
            continue
        client = signed_in(acting_role(path))
        response = client.get(concrete(client, path))
        assert response.status_code == 200, path
        declared = "ETag" in operation["responses"]["200"].get("headers", {})
        assert response.has_header("ETag") == declared, path


def test_every_response_declares_its_request_id_and_throttles_their_retry_after(schema):
    for path, method, operation in operations(schema):
        for code, response in operation["responses"].items():
            assert "X-Request-ID" in response.get("headers", {}), (method, path, code)
        if "429" in operation["responses"]:
            assert "Retry-After" in operation["responses"]["429"]["headers"], path
        if method in ("post", "put", "patch"):
            assert "413" in operation["responses"], (method, path)


# ---- Item 4: required means always present ---------------------------------------------------


def record_keys(schema: dict, node: dict, value, seen: dict) -> None:
    """Walk `value` along its schema, noting the keys of each component object met."""
    name, node = resolve(schema, node)
    if value is None:
        return
    if "discriminator" in node:
        tag = node["discriminator"]["propertyName"]
        record_keys(schema, {"$ref": node["discriminator"]["mapping"][value[tag]]}, value, seen)
        return
    if node.get("type") == "array":
        for item in value:
            record_keys(schema, node["items"], item, seen)
        return
    if "properties" in node and isinstance(value, dict):
        if name is not None:
            seen.setdefault(name, []).append(set(value))
        for key, item in value.items():
            if key in node["properties"]:
                record_keys(schema, node["properties"][key], item, seen)


def json_schema_of(operation: dict, status: int) -> dict | None:
    content = operation["responses"].get(str(status), {}).get("content", {})
    return content.get("application/json", {}).get("schema")


def test_required_response_fields_are_exactly_those_always_present(schema, demo):
    seen: dict[str, list[set]] = {}
    for role in ("clinician", "supervisor", "admin"):
        client = signed_in(role)
        for path, method, operation in operations(schema):
            if method != "get":
                continue
            try:
                url = concrete(client, path)
            except (IndexError, KeyError):
                continue  # nothing of that kind visible to this role
            # A client's report as JSON (PDF by default); exports without JSON are passed over.
            response = client.get(url, {"format": "json"} if path.endswith("/report/") else {})
            body_schema = json_schema_of(operation, response.status_code)
            if body_schema is not None and response.status_code == 200:
                record_keys(schema, body_schema, response.json(), seen)
    components = schema["components"]["schemas"]
    assert {"Session", "Client", "Homework", "Assessment", "RiskFlag", "User"} <= set(seen)
    for name, payloads in seen.items():
        always = set.intersection(*payloads)
        assert always == set(components[name].get("required", ())), name


def test_request_fields_with_server_defaults_stay_optional(schema):
    components = schema["components"]["schemas"]
    completion = components["HomeworkCompletionRequest"]
    assert "outcome_note" not in completion.get("required", ())
    for name, component in components.items():
        if name.endswith("Request"):
            for field_name, field in component.get("properties", {}).items():
                assert "default" not in field, f"{name}.{field_name}"


# ---- Item 9: summaries ------------------------------------------------------------------------


def test_every_operation_has_a_one_line_summary(schema):
    for path, method, operation in operations(schema):
        summary = operation.get("summary", "")
        assert summary, (method, path)
        assert len(summary) <= 80 and not re.search(r"\s{2,}|\n", summary), summary


def test_each_instruments_own_severities_are_named_where_the_enum_is_shared(schema):
    """One `SeverityEnum` serves every instrument (a union on `instrument` would make every
    list row need narrowing); its description names each instrument's own bands instead."""
    from assessments.instruments import INSTRUMENTS

    severity = schema["components"]["schemas"]["Assessment"]["properties"]["severity"]
    description = severity["description"]
    for code, instrument in INSTRUMENTS.items():
        named = re.search(rf"\b{code}: ([a-z_, ()]+?)(;|\.)", description)
        assert named, (code, description)
        bands = [band.code for band in instrument.bands] or ["none (null)"]
        assert named.group(1).split(", ") == bands, (code, named.group(1))


def test_text_in_requests_declares_that_nul_characters_are_refused(schema, demo):
    components = schema["components"]["schemas"]
    for name, component in components.items():
        if not name.endswith("Request"):
            continue
        for prop, node in component.get("properties", {}).items():
            if node.get("type") == "string" and not {"format", "enum"} & set(node):
                assert node.get("pattern") in (NO_NUL_CHARACTERS, NOT_BLANK, *CODES), (name, prop)
    api = signed_in("clinician")
    client = first_id(api, "/api/v1/clients/")
    body = {"client": client, "strategy": "self_reflection", "title": "Thought\x00record"}
    response = api.post("/api/v1/homework/", body, format="json")
    assert response.status_code == 400
    assert {error["field"] for error in response.json()["errors"]} == {"title"}


def test_free_text_query_parameters_declare_that_nul_characters_are_refused(schema, demo):
    for path, method, operation in operations(schema):
        for parameter in operation.get("parameters", ()):
            node = parameter.get("schema", {})
            free_text = node.get("type") == "string" and not {"format", "enum"} & set(node)
            if parameter["in"] == "query" and free_text and parameter["name"] != "cursor":
                assert node.get("pattern") == NO_NUL_CHARACTERS, (path, method, parameter)
    response = signed_in("clinician").get("/api/v1/clients/", {"search": "Ta\x00ss"})
    assert response.status_code == 400
    assert {error["field"] for error in response.json()["errors"]} == {"search"}


def test_lists_that_take_each_value_once_declare_unique_items(schema, demo):
    components = schema["components"]["schemas"]
    for name in ("HomeworkRequest", "HomeworkTemplateRequest", "SessionRequest"):
        properties = components[name]["properties"]
        roots = properties.get("target_roots") or properties["roots_addressed"]
        assert roots["uniqueItems"] is True, name
    api = signed_in("clinician")
    client = first_id(api, "/api/v1/clients/")
    body = {"client": client, "strategy": "self_reflection", "title": "Twice"}
    response = api.post(
        "/api/v1/homework/", {**body, "target_roots": ["perfectionism"] * 2}, format="json"
    )
    assert response.status_code == 400
    assert {error["field"] for error in response.json()["errors"]} == {"target_roots.1"}


def test_required_text_declares_that_blank_once_trimmed_is_refused(schema, demo):
    reason = schema["components"]["schemas"]["VoidRequest"]["properties"]["reason"]
    assert reason["pattern"] == NOT_BLANK
    assert re.match(NOT_BLANK, " entered twice ")
    for blank in ("   ", "\t\n", "\x1c", "\u3000"):
        assert not re.match(NOT_BLANK, blank), repr(blank)
    api = signed_in("clinician")
    assessment = first_id(api, "/api/v1/assessments/")
    response = api.post(
        f"/api/v1/assessments/{assessment}/void/", {"reason": "\u3000 "}, format="json"
    )
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["reason"]


# Drawing from a regular expression this size is slow on a loaded machine; the health check
# that times the drawing says nothing about the server.
@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.from_regex(EMAIL, fullmatch=True).filter(lambda address: len(address) <= 254))
def test_every_address_the_email_pattern_admits_is_one_the_server_accepts(address):
    validate_email(address)  # raises ValidationError for an address the server refuses


def test_request_emails_declare_the_pattern(schema):
    for name in ("ClientRequest", "PatchedClientRequest", "NewUserRequest"):
        email = schema["components"]["schemas"][name]["properties"]["email"]
        patterns = [email.get("pattern")] + [part.get("pattern") for part in email.get("oneOf", ())]
        assert EMAIL in patterns, name
