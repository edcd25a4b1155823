"""What the API says about outcomes and instruments: roots5 labelled as Rootwise's own index
(not a validated measure) at /instruments/ and in the progress schema, and the paired outcomes
typed and required in the schema snapshot (kept equal to the generated schema by
tests/api/test_schema.py)."""

from pathlib import Path

import pytest
import yaml
from django.conf import settings

from tests.assessments.conftest import (
    INSTRUMENTS_URL,
)

SNAPSHOT = Path(settings.BASE_DIR) / "docs" / "openapi.yaml"


@pytest.fixture(scope="module")
def schema() -> dict:
    return yaml.safe_load(SNAPSHOT.read_text())


@pytest.mark.django_db
def test_only_roots5_is_served_as_not_validated(as_user, clinician):
    listed = as_user(clinician).get(INSTRUMENTS_URL).json()

    assert {row["code"]: row["validated"] for row in listed} == {
        "phq9": True,
        "gad7": True,
        "rses": True,
        "roots5": False,
    }
    (roots5,) = [row for row in listed if row["code"] == "roots5"]
    assert "not a validated measure" in roots5["notes"]


def test_the_schema_says_roots5_is_not_a_validated_measure(schema):
    components = schema["components"]["schemas"]
    assert "validated" in components["Instrument"]["required"]
    assert components["Instrument"]["properties"]["validated"]["type"] == "boolean"
    assert (
        "not a validated measure"
        in components["RootProgress"]["properties"]["latest_index"]["description"]
    )
    assert "not a validated measure" in components["Progress"]["properties"]["roots"]["description"]


def test_paired_outcomes_are_typed_required_and_nullable_in_progress(schema):
    components = schema["components"]["schemas"]
    progress = components["Progress"]
    assert "paired_outcomes" in progress["required"]
    paired = progress["properties"]["paired_outcomes"]
    assert paired["nullable"] is True
    assert paired["allOf"] == [{"$ref": "#/components/schemas/PairedOutcome"}]

    outcome = components["PairedOutcome"]
    assert (
        set(outcome["required"])
        == set(outcome["properties"])
        == {
            "status",
            "pairing_window_days",
            "pair_count",
            "baseline_pair",
            "latest_pair",
            "caseness_at_baseline",
            "recovery",
            "reliable_improvement",
            "reliable_deterioration",
            "reliable_recovery",
        }
    )
    assert components["PairedOutcomeStatusEnum"]["enum"] == ["assessed", "insufficient_data"]
    assert components["PairedAdministration"]["properties"]["phq9"] == {
        "$ref": "#/components/schemas/ProgressPoint"
    }


def test_per_instrument_outcomes_no_longer_speak_of_recovery(schema):
    properties = schema["components"]["schemas"]["InstrumentProgress"]["properties"]
    assert {"recovered", "reliable_recovery"}.isdisjoint(properties)
    assert {"no_longer_a_case", "reliably_improved_and_no_longer_a_case"} <= set(properties)
    assert {"baseline_assessment", "latest_assessment"} <= set(properties)
    assert "created_at" in properties["baseline_assessment"]["description"]


def test_the_outcomes_csv_declares_its_bom_parameter(schema):
    operation = schema["paths"]["/api/v1/reports/outcomes/"]["get"]
    (bom,) = [p for p in operation["parameters"] if p["name"] == "bom"]
    assert (bom["in"], bom["schema"]) == ("query", {"type": "boolean"})
