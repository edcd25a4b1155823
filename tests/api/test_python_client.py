"""An integrator's Python client: openapi-python-client generates it from the committed
schema with our generator config and no warning, `mypy --strict` accepts it together with a
typed workflow (generated_client_workflow.py), and that workflow runs against a live server."""

import importlib
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from sessions.models import Session
from tests.factories import TEST_PASSWORD, UserFactory

BASE_DIR = Path(settings.BASE_DIR)
SNAPSHOT = BASE_DIR / "docs" / "openapi.yaml"
CLIENT_CONFIG = BASE_DIR / "docs" / "openapi-client-config.yaml"
WORKFLOW = Path(__file__).with_name("generated_client_workflow.py")
BIN = os.path.dirname(sys.executable)


def run(command: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    # The generator runs ruff on what it writes: the virtualenv's bin must be on PATH.
    path = {"PATH": BIN + os.pathsep + os.environ["PATH"]}
    return subprocess.run(  # noqa: S603
        command,
        capture_output=True,
        text=True,
        env={**os.environ, **path, **env},
        cwd=BASE_DIR,
        check=False,
    )


@pytest.fixture(scope="module")
def generated_package(tmp_path_factory) -> Path:
    """The folder holding the generated package `rootwise_client`."""
    generator = shutil.which("openapi-python-client", path=BIN)
    if generator is None:
        pytest.skip("openapi-python-client is not installed: `make install` (the test set)")
    out = tmp_path_factory.mktemp("python-client")
    result = run(
        [
            generator,
            "generate",
            *("--path", str(SNAPSHOT), "--meta", "none", "--fail-on-warning"),
            *("--config", str(CLIENT_CONFIG)),
            *("--output-path", str(out / "rootwise_client")),
        ]
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "warning" not in output.lower(), output
    return out


def test_the_generated_client_and_a_workflow_pass_mypy_strict(generated_package, tmp_path):
    if importlib.util.find_spec("mypy") is None:
        pytest.skip("mypy is not installed: `make install` (the test set)")
    result = run(
        [
            sys.executable,
            *("-m", "mypy", "--strict", "--cache-dir", str(tmp_path)),
            str(generated_package / "rootwise_client"),
            str(WORKFLOW.relative_to(BASE_DIR)),
        ],
        MYPYPATH=str(generated_package),
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture
def workflow(generated_package):
    sys.path.insert(0, str(generated_package))
    try:
        yield importlib.import_module("tests.api.generated_client_workflow")
    finally:
        sys.path.remove(str(generated_package))


@pytest.mark.django_db(transaction=True)
def test_a_clinicians_day_through_the_generated_client(workflow, live_server):
    clinician = UserFactory()

    outcome = workflow.clinician_workflow(live_server.url, clinician.email, TEST_PASSWORD)

    assert outcome.refused_sign_in.status == 401
    assert outcome.client.given_name == "Tess"
    assert outcome.signed_session.signed_by == clinician.id
    assert Session.objects.get(pk=outcome.signed_session.id).signed_at is not None
    assert outcome.homework.client == outcome.client.id
    assert outcome.homework.status.value == "assigned"
    assert (outcome.assessment.total_score, outcome.assessment.severity.value) == (14, "moderate")
    [phq9] = outcome.progress.instruments
    assert (phq9.instrument.value, phq9.baseline, phq9.latest) == ("phq9", 14, 14)
    assert outcome.report.startswith(b"%PDF-")
