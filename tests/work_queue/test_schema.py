"""The work queue's contract: both operations under the `work-queue` tag, their documents
typed, reasons and record types as named enums, and the schema valid without warnings."""

import pytest
import yaml
from django.core.management import call_command

from progress.work_queue.selectors import Reason


@pytest.fixture(scope="module")
def schema(tmp_path_factory) -> dict:
    path = tmp_path_factory.mktemp("schema") / "openapi.yaml"
    call_command("spectacular", file=str(path), validate=True, fail_on_warn=True)
    return yaml.safe_load(path.read_text())


def test_both_operations_are_read_only_and_tagged(schema):
    queue = schema["paths"]["/api/v1/work-queue/"]
    summary = schema["paths"]["/api/v1/work-queue/summary/"]

    assert list(queue) == list(summary) == ["get"]
    assert (queue["get"]["operationId"], summary["get"]["operationId"]) == (
        "work_queue_list",
        "work_queue_summary",
    )
    assert queue["get"]["tags"] == summary["get"]["tags"] == ["work-queue"]
    for operation, document in ((queue, "WorkQueue"), (summary, "WorkQueueSummary")):
        content = operation["get"]["responses"]["200"]["content"]["application/json"]
        assert content["schema"] == {"$ref": f"#/components/schemas/{document}"}


def test_the_reasons_and_record_types_are_named_enums(schema):
    components = schema["components"]["schemas"]

    assert (
        components["WorkQueueReasonEnum"]["enum"]
        == Reason.values
        == [
            "risk_flag_open",
            "appointment_today",
            "note_unsigned",
            "cosign_awaited",
            "homework_overdue",
            "reassessment_due",
        ]
    )
    assert components["WorkQueueRecordTypeEnum"]["enum"] == [
        "session",
        "assessment",
        "measure_schedule",
        "risk_flag",
        "homework",
    ]
    item = components["WorkItem"]["properties"]
    assert item["reason"] == {"$ref": "#/components/schemas/WorkQueueReasonEnum"}
    truncated = components["WorkQueue"]["properties"]["truncated"]["items"]
    assert truncated == {"$ref": "#/components/schemas/WorkQueueReasonEnum"}


def test_the_summary_counts_every_reason_and_the_total(schema):
    summary = schema["components"]["schemas"]["WorkQueueSummary"]

    assert set(summary["properties"]) == {*Reason.values, "total"}
    assert set(summary["required"]) == {*Reason.values, "total"}
