"""The OpenAPI schema is a contract: valid and unchanged unless on purpose. The clients
generated from it are tested in test_python_client.py and tests/typescript/."""

from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command

SNAPSHOT = Path(settings.BASE_DIR) / "docs" / "openapi.yaml"


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
