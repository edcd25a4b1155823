"""Admins read no clinical content, so no filter over it answers them (issue 11, item 2: five
`?root=` calls rebuilt every client's presenting roots)."""

import pytest
import yaml
from django.core.management import call_command

from tests.factories import ClientFactory
from tests.hardening.conftest import as_caller
from tests.helpers import assert_problem

pytestmark = pytest.mark.django_db

# list: the clinical filters on it, each with a value a clinician may use
CLINICAL_FILTERS = {
    "/api/v1/clients/": {"root": "perfectionism"},
    "/api/v1/sessions/": {"root": "perfectionism"},
    "/api/v1/homework/": {"status": "assigned", "strategy": "self_reflection", "overdue": "true"},
    "/api/v1/assessments/": {"instrument": "phq9", "include_voided": "true"},
    "/api/v1/risk-flags/": {"open": "true"},
}


@pytest.mark.parametrize("path", CLINICAL_FILTERS)
def test_every_clinical_filter_is_a_403_naming_it_for_an_admin(path, admin, client_record):
    for name, value in CLINICAL_FILTERS[path].items():
        response = as_caller(admin).get(path, {name: value})

        assert_problem(response, 403, name)


@pytest.mark.parametrize("path", CLINICAL_FILTERS)
def test_clinicians_keep_every_clinical_filter(path, clinician, client_record):
    for name, value in CLINICAL_FILTERS[path].items():
        response = as_caller(clinician).get(path, {name: value})
        assert response.status_code == 200, (name, response.content)


def test_the_root_filter_no_longer_splits_an_admins_client_list(admin, clinician):
    with_root = ClientFactory(primary_clinician=clinician, roots=[("past_failures", 3)])
    ClientFactory(primary_clinician=clinician, roots=[("perfectionism", 2)])
    api = as_caller(admin)

    refused = api.get("/api/v1/clients/", {"root": "past_failures"})

    assert_problem(refused, 403, "root")
    assert str(with_root.pk) not in refused.content.decode()
    assert len(api.get("/api/v1/clients/").json()["results"]) == 2  # administrative list intact


def test_administrative_filters_still_answer_admins(admin, client_record, clinician):
    api = as_caller(admin)
    for params in ({"status": "active"}, {"clinician": str(clinician.pk)}, {"search": "a"}):
        assert api.get("/api/v1/clients/", params).status_code == 200, params


def test_the_schema_says_which_filters_are_clinical(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--file", str(target))
    paths = yaml.safe_load(target.read_text())["paths"]
    for path, filters in CLINICAL_FILTERS.items():
        parameters = {p["name"]: p for p in paths[path]["get"]["parameters"]}
        for name in filters:
            assert "Clinical: administrators" in parameters[name]["description"], (path, name)
    clients = {p["name"]: p for p in paths["/api/v1/clients/"]["get"]["parameters"]}
    assert "Clinical" not in clients["status"].get("description", "")
