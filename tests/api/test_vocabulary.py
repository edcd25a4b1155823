"""The fixed vocabularies: the five roots of insecurity and the four strategies, exactly as
docs/api-guide.md lists them, read-only, for any signed-in member of staff."""

import pytest

from tests.helpers import assert_problem

pytestmark = pytest.mark.django_db

ROOTS_URL = "/api/v1/roots/"
STRATEGIES_URL = "/api/v1/strategies/"

# Copied from docs/api-guide.md on purpose: these codes are a published contract, not an
# implementation.
ROOTS = [
    ("early_childhood", "Early childhood experiences"),
    ("social_comparison", "Social comparisons"),
    ("past_failures", "Past failures"),
    ("relationship_dynamics", "Relationship dynamics"),
    ("perfectionism", "Perfectionism"),
]
STRATEGIES = [
    ("self_reflection", "Self-reflection"),
    ("professional_help", "Seeking professional help"),
    ("supportive_relationships", "Building supportive relationships"),
    ("realistic_goals", "Setting realistic goals"),
]
VOCABULARIES = [(ROOTS_URL, ROOTS), (STRATEGIES_URL, STRATEGIES)]
URLS = [ROOTS_URL, STRATEGIES_URL]


@pytest.fixture(params=["admin", "supervisor", "clinician"])
def staff_client(request, as_user):
    """A client signed in as each role: everyone needs the vocabularies."""
    return as_user(request.getfixturevalue(request.param))


@pytest.mark.parametrize(("url", "expected"), VOCABULARIES, ids=["roots", "strategies"])
def test_vocabulary_is_exactly_the_published_codes_and_names_in_order(staff_client, url, expected):
    response = staff_client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    terms = response.json()
    assert [(term["code"], term["name"]) for term in terms] == expected
    for term in terms:
        assert set(term) == {"code", "name", "description"}
        assert isinstance(term["description"], str)
        assert len(term["description"].split()) >= 10, term  # a sentence, not a placeholder


@pytest.mark.parametrize("url", URLS)
def test_descriptions_are_all_different(as_user, clinician, url):
    descriptions = [term["description"] for term in as_user(clinician).get(url).json()]

    assert len(set(descriptions)) == len(descriptions)


@pytest.mark.parametrize("url", URLS)
def test_vocabulary_needs_a_signed_in_user(api_client, url):
    response = api_client.get(url)

    assert_problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_vocabulary_cannot_be_changed_even_by_an_admin(as_user, admin, url, method):
    client = as_user(admin)

    response = getattr(client, method)(url, {"code": "envy", "name": "Envy"}, format="json")

    assert_problem(response, 405)
    assert "envy" not in [term["code"] for term in client.get(url).json()]


@pytest.mark.parametrize("url", URLS)
def test_an_unknown_term_url_is_a_404_problem(as_user, clinician, url):
    assert_problem(as_user(clinician).get(f"{url}perfectionism/"), 404)


@pytest.mark.parametrize("url", ["/api/v1/roots/", "/api/v1/strategies/"])
def test_the_vocabularies_need_no_database_query(
    url, clinician, as_user, django_assert_num_queries
):
    api = as_user(clinician)

    with django_assert_num_queries(0):
        response = api.get(url)

    assert response.status_code == 200
