"""Homework templates: the built-in library (fixed, read-only, the same for every practice) and
a practice's own templates (visible to that practice only, changed by their author or an admin,
deletable until homework is assigned from them)."""

import pytest

from api.vocabulary import Root, Strategy
from sessions.homework.library import BUILTIN_TEMPLATES, builtin_template_id, sync_builtin_templates
from sessions.homework.models import Homework, HomeworkTemplate
from tests.factories import AdminFactory, ClientFactory, HomeworkFactory, HomeworkTemplateFactory
from tests.helpers import assert_problem, error_fields
from tests.homework.conftest import (
    BUILTIN_KEYS,
    TEMPLATES,
    assign,
    builtin,
    ids,
    stored,
    template_url,
)

pytestmark = pytest.mark.django_db

BUILTIN_IDS = {str(builtin_template_id(key)) for key in BUILTIN_KEYS}


def new_template_body(**overrides) -> dict:
    return {
        "strategy": "supportive_relationships",
        "title": "Call a friend",
        "instructions": "Once this week, call someone you trust and talk for ten minutes.",
        "target_roots": ["relationship_dynamics", "social_comparison"],
        **overrides,
    }


def listed(api, **params) -> list[dict]:
    response = api.get(TEMPLATES, {"page_size": 200, **params})
    assert response.status_code == 200, response.content
    return response.json()["results"]


# The built-in library


def assert_every_write_refused(api, template, status: int, *, title: str) -> None:
    """PATCH (to `title`), PUT and DELETE of `template` are each a `status` problem, and the
    stored template is as it was."""
    before = stored(template)
    assert_problem(api.patch(template_url(template), {"title": title}, format="json"), status)
    assert_problem(api.put(template_url(template), new_template_body(), format="json"), status)
    assert_problem(api.delete(template_url(template)), status)
    assert stored(template) == before


def test_builtin_library_covers_every_strategy_with_at_least_three_templates(clinician, as_user):
    builtins = listed(as_user(clinician), builtin="true")

    assert {row["id"] for row in builtins} == BUILTIN_IDS
    for strategy in Strategy.values:
        assert len([row for row in builtins if row["strategy"] == strategy]) >= 3, strategy
    for row in builtins:
        assert row["title"].strip(), row
        assert row["instructions"].strip(), row
        assert set(row["target_roots"]) <= set(Root.values), row
        assert row["is_builtin"] is True
        assert row["author"] is None


def test_builtin_templates_are_listed_for_every_practice(clinician, outsider, stranger, as_user):
    for user in (clinician, outsider, stranger):
        assert {row["id"] for row in listed(as_user(user))} == BUILTIN_IDS


def test_builtin_template_ids_are_fixed_and_resynced_from_the_library(clinician, as_user):
    key, strategy, title, roots, instructions = BUILTIN_TEMPLATES[0]
    HomeworkTemplate.objects.filter(pk=builtin_template_id(key)).update(title="Tampered")

    sync_builtin_templates()

    assert HomeworkTemplate.objects.filter(practice__isnull=True).count() == len(BUILTIN_KEYS)
    response = as_user(clinician).get(f"{TEMPLATES}{builtin_template_id(key)}/")
    assert response.status_code == 200
    assert response.json() == {
        **response.json(),
        "id": str(builtin_template_id(key)),
        "strategy": str(strategy),
        "title": title,
        "instructions": instructions,
        "target_roots": [str(root) for root in roots],
        "is_builtin": True,
        "author": None,
    }


@pytest.mark.parametrize("role", ["clinician", "supervisor", "admin"])
@pytest.mark.parametrize("method", ["patch", "put", "delete"])
def test_builtin_templates_are_read_only_for_everyone(role, method, request, as_user):
    template = builtin(BUILTIN_KEYS[0])
    before = stored(template)
    api = as_user(request.getfixturevalue(role))

    response = getattr(api, method)(
        template_url(template), new_template_body(strategy=template.strategy), format="json"
    )

    assert_problem(response, 403)
    assert stored(template) == before


# A practice's own templates


def test_clinician_creates_a_practice_template(clinician, practice, as_user):
    response = as_user(clinician).post(TEMPLATES, new_template_body(), format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body == {
        **body,
        **new_template_body(),
        "is_builtin": False,
        "author": str(clinician.pk),
    }
    template = HomeworkTemplate.objects.get(pk=body["id"])
    assert (template.practice_id, template.author_id) == (practice.pk, clinician.pk)
    assert template.target_roots == ["relationship_dynamics", "social_comparison"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"strategy": "positive_thinking"}, "strategy"),
        ({"strategy": None}, "strategy"),
        ({"title": ""}, "title"),
        ({"instructions": ""}, "instructions"),
        ({"target_roots": ["perfectionism", "perfectionism"]}, "target_roots.1"),
        ({"target_roots": ["imposter_syndrome"]}, "target_roots.0"),
    ],
)
def test_invalid_template_is_refused_naming_the_field(overrides, field, clinician, as_user):
    count = HomeworkTemplate.objects.count()

    response = as_user(clinician).post(TEMPLATES, new_template_body(**overrides), format="json")

    assert_problem(response, 400)
    assert error_fields(response) == [field]
    assert HomeworkTemplate.objects.count() == count


def test_practice_template_is_visible_within_the_practice(
    practice_template, colleague, supervisor, as_user
):
    for user in (colleague, supervisor):
        api = as_user(user)
        assert str(practice_template.pk) in {row["id"] for row in listed(api)}
        response = api.get(template_url(practice_template))
        assert response.status_code == 200
        assert response.json()["title"] == "Our own good-enough goal"


@pytest.mark.parametrize("person", ["outsider", "stranger"])
def test_practice_template_does_not_exist_for_another_practice(
    person, practice_template, request, as_user
):
    api = as_user(request.getfixturevalue(person))

    assert str(practice_template.pk) not in {row["id"] for row in listed(api)}
    assert_problem(api.get(template_url(practice_template)), 404)
    assert_every_write_refused(api, practice_template, 404, title="Ours now")


def test_another_practices_template_cannot_be_assigned(practice_template, outsider, as_user):
    their_client = ClientFactory(primary_clinician=outsider)
    response = assign(
        as_user(outsider),
        their_client,
        strategy=practice_template.strategy,
        template=str(practice_template.pk),
    )

    assert_problem(response, 400)
    assert error_fields(response) == ["template"]
    assert not Homework.objects.filter(client=their_client).exists()


@pytest.mark.parametrize("editor", ["clinician", "admin"])
def test_author_or_admin_edits_a_practice_template(editor, practice_template, request, as_user):
    api = as_user(request.getfixturevalue(editor))

    response = api.patch(
        template_url(practice_template),
        {"title": "Good enough, twice a week", "target_roots": ["perfectionism"]},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Good enough, twice a week"
    practice_template.refresh_from_db()
    assert practice_template.title == "Good enough, twice a week"
    assert practice_template.target_roots == ["perfectionism"]
    assert practice_template.author_id == request.getfixturevalue("clinician").pk


def test_author_replaces_a_practice_template_with_put(practice_template, clinician, as_user):
    response = as_user(clinician).put(
        template_url(practice_template), new_template_body(), format="json"
    )

    assert response.status_code == 200, response.content
    practice_template.refresh_from_db()
    assert (practice_template.strategy, practice_template.title) == (
        "supportive_relationships",
        "Call a friend",
    )


@pytest.mark.parametrize("person", ["colleague", "supervisor"])
def test_other_members_of_the_practice_cannot_change_a_template(
    person, practice_template, request, as_user
):
    api = as_user(request.getfixturevalue(person))

    assert_every_write_refused(api, practice_template, 403, title="Mine now")


def test_invalid_template_edit_is_refused_naming_the_field(practice_template, clinician, as_user):
    before = stored(practice_template)

    response = as_user(clinician).patch(
        template_url(practice_template), {"strategy": "mindfulness"}, format="json"
    )

    assert_problem(response, 400)
    assert error_fields(response) == ["strategy"]
    assert stored(practice_template) == before


@pytest.mark.parametrize("deleter", ["clinician", "admin"])
def test_unused_practice_template_is_deleted(deleter, practice_template, request, as_user):
    response = as_user(request.getfixturevalue(deleter)).delete(template_url(practice_template))

    assert response.status_code == 204
    assert not HomeworkTemplate.objects.filter(pk=practice_template.pk).exists()


def test_template_in_use_cannot_be_deleted(practice_template, client_record, clinician, as_user):
    HomeworkFactory(client=client_record, strategy="realistic_goals", template=practice_template)
    before = stored(practice_template)

    response = as_user(clinician).delete(template_url(practice_template))

    assert_problem(response, 409)
    assert stored(practice_template) == before


def test_admin_of_the_practice_may_delete_but_not_a_template_in_use(
    practice_template, client_record, admin, as_user
):
    HomeworkFactory(client=client_record, strategy="realistic_goals", template=practice_template)

    assert_problem(as_user(admin).delete(template_url(practice_template)), 409)
    assert HomeworkTemplate.objects.filter(pk=practice_template.pk).exists()


# Filters


@pytest.fixture
def own_templates(clinician):
    """Two practice templates, of different strategies and roots."""
    return {
        "goals": HomeworkTemplateFactory(
            author=clinician, strategy="realistic_goals", target_roots=["past_failures"]
        ),
        "reflection": HomeworkTemplateFactory(
            author=clinician,
            strategy="self_reflection",
            target_roots=["perfectionism", "relationship_dynamics"],
        ),
    }


def builtin_ids_where(predicate) -> set[str]:
    return {
        str(builtin_template_id(key))
        for key, strategy, _title, roots, _instructions in BUILTIN_TEMPLATES
        if predicate(str(strategy), [str(root) for root in roots])
    }


@pytest.mark.parametrize("strategy", Strategy.values)
def test_templates_filter_by_strategy(strategy, own_templates, clinician, as_user):
    expected = builtin_ids_where(lambda s, _roots: s == strategy) | {
        str(template.pk) for template in own_templates.values() if template.strategy == strategy
    }

    assert {row["id"] for row in listed(as_user(clinician), strategy=strategy)} == expected


@pytest.mark.parametrize("root", Root.values)
def test_templates_filter_by_root_they_target(root, own_templates, clinician, as_user):
    expected = builtin_ids_where(lambda _s, roots: root in roots) | {
        str(template.pk) for template in own_templates.values() if root in template.target_roots
    }

    assert {row["id"] for row in listed(as_user(clinician), root=root)} == expected


def test_templates_filter_builtin(own_templates, clinician, outsider, as_user):
    HomeworkTemplateFactory(author=outsider)  # another practice's: never listed here
    api = as_user(clinician)
    own = {str(template.pk) for template in own_templates.values()}

    assert {row["id"] for row in listed(api, builtin="true")} == BUILTIN_IDS
    assert {row["id"] for row in listed(api, builtin="false")} == own
    assert {row["id"] for row in listed(api)} == BUILTIN_IDS | own


@pytest.mark.parametrize(("param", "value"), [("strategy", "mindfulness"), ("root", "anxiety")])
def test_unknown_filter_value_is_a_400(param, value, clinician, as_user):
    response = as_user(clinician).get(TEMPLATES, {param: value})

    assert_problem(response, 400)
    assert error_fields(response) == [param]


def test_template_list_runs_by_strategy_then_title(own_templates, clinician, as_user):
    keys = [(row["strategy"], row["title"]) for row in listed(as_user(clinician))]

    assert keys == sorted(keys), keys


def test_template_list_pages_through_every_template_once(own_templates, clinician, as_user):
    api = as_user(clinician)
    seen, url, params = [], TEMPLATES, {"page_size": 4}
    while url:
        page = api.get(url, params).json()
        assert set(page) == {"next", "previous", "results"}
        seen.extend(row["id"] for row in page["results"])
        url, params = page["next"], None

    assert len(seen) == len(BUILTIN_IDS) + 2
    assert set(seen) == BUILTIN_IDS | {str(template.pk) for template in own_templates.values()}


# Cost


@pytest.mark.parametrize("rows", [1, 25])
def test_template_list_query_count_is_fixed(rows, clinician, as_user, django_assert_num_queries):
    HomeworkTemplateFactory.create_batch(rows, author=clinician)
    api = as_user(clinician)

    with django_assert_num_queries(1):
        response = api.get(TEMPLATES, {"page_size": 200})

    assert len(ids(response)) == len(BUILTIN_IDS) + rows


def test_admin_created_template_has_admin_as_author(practice, as_user):
    other_admin = AdminFactory(practice=practice)

    response = as_user(other_admin).post(TEMPLATES, new_template_body(), format="json")

    assert response.status_code == 201, response.content
    assert response.json()["author"] == str(other_admin.pk)


def test_author_and_builtin_flag_cannot_be_set_by_the_body(clinician, colleague, as_user):
    response = as_user(clinician).post(
        TEMPLATES,
        new_template_body(author=str(colleague.pk), is_builtin=True),
        format="json",
    )

    assert response.status_code == 201, response.content
    template = HomeworkTemplate.objects.get(pk=response.json()["id"])
    assert (template.author_id, template.is_builtin) == (clinician.pk, False)
    assert response.json()["is_builtin"] is False
