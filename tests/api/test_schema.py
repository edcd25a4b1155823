"""The OpenAPI schema is a contract: valid, unchanged unless on purpose, and usable by a
generated client."""

import importlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command

from tests.factories import TEST_PASSWORD, UserFactory

SNAPSHOT = Path(settings.BASE_DIR) / "docs" / "openapi.yaml"
CLIENT_CONFIG = Path(settings.BASE_DIR) / "docs" / "openapi-client-config.yaml"


@pytest.fixture(scope="module")
def schema_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("schema") / "openapi.yaml"
    call_command("spectacular", file=str(path), validate=True, fail_on_warn=True)
    return path


def test_schema_is_valid_and_matches_the_committed_snapshot(schema_file):
    generated = schema_file.read_text()
    assert generated == SNAPSHOT.read_text(), (
        "docs/openapi.yaml is out of date: if the change to the contract is intended, "
        "run `make schema` and commit the result."
    )


def test_every_operation_has_a_stable_id_and_documents_problem_responses(schema_file):
    schema = yaml.safe_load(schema_file.read_text())
    operation_ids = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            operation_ids.append(operation["operationId"])
            errors = {code: r for code, r in operation["responses"].items() if code >= "400"}
            assert "401" in errors, f"{method.upper()} {path} documents no 401"
            for code, response in errors.items():
                assert list(response["content"]) == ["application/problem+json"], (path, code)
                schema_ref = response["content"]["application/problem+json"]["schema"]["$ref"]
                assert schema_ref == "#/components/schemas/Problem"
    assert len(operation_ids) == len(set(operation_ids))
    assert "users_deactivate" in operation_ids


def test_vocabulary_codes_are_named_enums(schema_file):
    components = yaml.safe_load(schema_file.read_text())["components"]["schemas"]
    assert components["RootCodeEnum"]["enum"] == [
        "early_childhood",
        "social_comparison",
        "past_failures",
        "relationship_dynamics",
        "perfectionism",
    ]
    assert components["StrategyCodeEnum"]["enum"] == [
        "self_reflection",
        "professional_help",
        "supportive_relationships",
        "realistic_goals",
    ]
    assert components["RoleEnum"]["enum"] == ["clinician", "supervisor", "admin"]


def test_instruments_severities_and_outcome_labels_are_named_enums(schema_file):
    components = yaml.safe_load(schema_file.read_text())["components"]["schemas"]
    assert components["InstrumentCodeEnum"]["enum"] == ["phq9", "gad7", "rses", "roots5"]
    assert set(components["SeverityEnum"]["enum"]) == {
        "minimal", "mild", "moderate", "moderately_severe", "severe", "low", "normal", "high",
    }  # fmt: skip
    assert components["ReliableChangeLabelEnum"]["enum"] == [
        "improved", "deteriorated", "no_reliable_change", "insufficient_data", "not_applicable",
    ]  # fmt: skip
    progress = components["InstrumentProgress"]["properties"]
    assert progress["reliable_change"]["$ref"].endswith("/ReliableChangeLabelEnum")
    assert progress["instrument"]["$ref"].endswith("/InstrumentCodeEnum")


def test_schema_and_docs_are_public_and_load_nothing_from_outside(api_client, db):
    schema = api_client.get("/api/v1/schema/")
    assert schema.status_code == 200
    assert b"openapi: 3" in schema.content
    for page in ("/api/v1/docs/", "/api/v1/redoc/"):
        response = api_client.get(page)
        assert response.status_code == 200
        html = response.content.decode()
        assert "https://" not in html and "http://" not in html.replace('"http"', "")
        assert "/static/drf_spectacular_sidecar/" in html


@pytest.fixture(scope="module")
def generated_client(schema_file, tmp_path_factory):
    generator = shutil.which("openapi-python-client", path=os.path.dirname(sys.executable))
    if generator is None:
        pytest.skip("openapi-python-client is not installed: `pip install -e '.[dev]'`")
    out = tmp_path_factory.mktemp("client")
    env = {**os.environ, "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"]}
    result = subprocess.run(  # noqa: S603
        [
            generator,
            "generate",
            *("--path", str(schema_file), "--meta", "none", "--fail-on-warning"),
            *("--config", str(CLIENT_CONFIG)),
            *("--output-path", str(out / "rootwise_client")),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "warning" not in output.lower(), output
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module("rootwise_client")
    finally:
        sys.path.remove(str(out))


@pytest.mark.django_db(transaction=True)
def test_generated_client_signs_in_and_reads_the_current_user(generated_client, live_server):
    from rootwise_client.api.auth import auth_login, auth_me
    from rootwise_client.api.vocabulary import roots_list
    from rootwise_client.models import CurrentUser, Problem, TokenObtainPairRequest

    user = UserFactory()
    anonymous = generated_client.Client(base_url=live_server.url)

    refused = auth_login.sync(
        client=anonymous, body=TokenObtainPairRequest(email=user.email, password="wrong")
    )
    assert isinstance(refused, Problem) and refused.status == 401

    tokens = auth_login.sync(
        client=anonymous, body=TokenObtainPairRequest(email=user.email, password=TEST_PASSWORD)
    )
    signed_in = generated_client.AuthenticatedClient(base_url=live_server.url, token=tokens.access)
    me = auth_me.sync(client=signed_in)
    assert isinstance(me, CurrentUser)
    assert (str(me.id), me.email, me.role.value) == (str(user.id), user.email, "clinician")
    roots = roots_list.sync(client=signed_in)
    assert [root.code.value for root in roots][:2] == ["early_childhood", "social_comparison"]
