"""Recording a PHQ-9 whose item 9 is above 0: an assessment that raises a risk flag, the
event the outbox and webhook tests start from (tests/webhooks shares it)."""

import pytest
from django.utils import timezone

PHQ9_AT_RISK = [1, 1, 1, 1, 1, 1, 1, 1, 2]


@pytest.fixture
def record_phq9_at_risk(client_record, clinician, as_user):
    def record():
        response = as_user(clinician).post(
            "/api/v1/assessments/",
            {
                "client": str(client_record.pk),
                "instrument": "phq9",
                "administered_on": timezone.localdate().isoformat(),
                "responses": PHQ9_AT_RISK,
            },
            format="json",
        )
        assert response.status_code == 201, response.content
        return response.json()

    return record
