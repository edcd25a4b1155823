"""A front end's TypeScript client: tests/typescript/run types openapi-fetch from the
committed schema, compiles a clinician's day under `tsc --strict` with no type escapes, and
runs it here against a live server."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from sessions.homework.models import Homework
from sessions.models import Session
from tests.factories import TEST_PASSWORD, UserFactory

RUN = Path(__file__).with_name("run")


@pytest.mark.django_db(transaction=True)
def test_a_clinicians_day_through_openapi_fetch(live_server):
    if shutil.which("node") is None:
        pytest.skip("node is not installed: the TypeScript client (tests/typescript/) is unchecked")
    clinician = UserFactory()

    result = subprocess.run(  # noqa: S603
        [str(RUN)],
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "ROOTWISE_URL": live_server.url,
            "ROOTWISE_EMAIL": clinician.email,
            "ROOTWISE_PASSWORD": TEST_PASSWORD,
        },
        timeout=300,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    summary = json.loads(result.stdout)
    assert summary["refused_status"] == 401
    assert summary["note_format"] == "dap"
    assert summary["signed_at"] is not None
    session = Session.objects.get(pk=summary["session"])
    assert (str(session.client_id), session.signed_by) == (summary["client"], clinician)
    assert Homework.objects.get(pk=summary["homework"]).session == session
    assert (summary["phq9_total"], summary["phq9_severity"], summary["phq9_latest"]) == (
        14,
        "moderate",
        14,
    )
    assert summary["report_start"] == "%PDF-"


def test_the_workflow_may_not_escape_the_schemas_types(tmp_path):
    if shutil.which("node") is None:
        pytest.skip("node is not installed: the TypeScript client (tests/typescript/) is unchecked")
    escapes = tmp_path / "escapes.ts"
    escapes.write_text(
        "const loose: any = JSON.parse('{}');\n"
        "const cast = loose as { id: string };\n"
        "const bracketed = <string>loose;\n"
        "const sure = cast.id!;\n"
        "// @ts-expect-error\n"
        "const narrowed = ['dap'] as const;\n"
    )

    result = subprocess.run(  # noqa: S603
        ["node", str(RUN.with_name("check-no-escapes.mjs")), str(escapes)],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 1
    refused = [line.split(": ")[1] for line in result.stderr.splitlines()[1:]]
    assert refused == ["`any`", "a cast", "a cast", "a non-null assertion", "a silenced check"]
