"""The calendar feed's endpoints are in the OpenAPI document, valid and without warnings, under
the `calendar` tag, with their problem responses; the address, outside /api/, is not."""

import pytest
import yaml
from django.core.management import call_command


@pytest.fixture(scope="module")
def schema(tmp_path_factory) -> dict:
    path = tmp_path_factory.mktemp("schema") / "openapi.yaml"
    call_command("spectacular", file=str(path), validate=True, fail_on_warn=True)
    return yaml.safe_load(path.read_text())


def test_the_feeds_operations_are_documented_with_their_refusals(schema):
    feed = schema["paths"]["/api/v1/calendar-feed/"]
    rotate = schema["paths"]["/api/v1/calendar-feed/rotate/"]["post"]
    operations = {**feed, "rotate": rotate}

    assert {op["operationId"] for op in operations.values()} == {
        "calendar_feed_retrieve",
        "calendar_feed_create",
        "calendar_feed_partial_update",
        "calendar_feed_destroy",
        "calendar_feed_rotate",
    }
    for op in operations.values():
        assert op["tags"] == ["calendar"]
        assert {"401", "403"} <= set(op["responses"])
    for name in ("get", "patch", "delete", "rotate"):
        assert "404" in operations[name]["responses"]
    assert "409" in operations["post"]["responses"]
    assert "Idempotency-Key" not in str(operations)  # a replay would show the address again


def test_the_address_is_only_in_what_issues_it(schema):
    components = schema["components"]["schemas"]

    assert "url" in components["IssuedCalendarFeed"]["properties"]
    assert "url" not in components["CalendarFeed"]["properties"]
    assert components["EventTitleEnum"]["enum"] == ["label", "initials"]
    assert not [path for path in schema["paths"] if path.startswith("/calendar/")]
