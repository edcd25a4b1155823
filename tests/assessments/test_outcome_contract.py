"""What the API says about outcomes and instruments: roots5 labelled as Rootwise's own index
(not a validated measure) at /instruments/ and in the schema snapshot (kept equal to the
generated schema by tests/api/test_schema.py)."""

from pathlib import Path

import pytest
import yaml
from django.conf import settings

from tests.assessments.conftest import INSTRUMENTS_URL

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
    assert "roots5" in components["Instrument"]["properties"]["validated"]["description"]
