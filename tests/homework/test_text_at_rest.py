"""Homework title and instructions are clinical free text, written for one client: the table
holds only their ciphertext, a data migration encrypted the rows written before, and lists,
filters and reports read them as before."""

import pytest
from cryptography.fernet import Fernet
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from sessions.homework.models import Homework
from tests.hardening.conftest import API, as_caller

pytestmark = pytest.mark.django_db

SENTINEL = "Sentinel-4e2a «nobody would miss me»"


def raw_homework_text(pk) -> tuple[str, str]:
    table = connection.ops.quote_name(Homework._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT title, instructions FROM {table} WHERE id = %s",  # noqa: S608
            [Homework._meta.pk.get_db_prep_value(pk, connection)],
        )
        return cursor.fetchone()


def test_homework_title_and_instructions_are_ciphertext_in_the_table(
    settings, clinician, client_record
):
    settings.FIELD_ENCRYPTION_KEYS = [key := Fernet.generate_key().decode()]
    api = as_caller(clinician)
    written = {"title": f"T {SENTINEL}", "instructions": f"I {SENTINEL}"}

    created = api.post(
        f"{API}homework/",
        {"client": str(client_record.pk), "strategy": "self_reflection", **written},
        format="json",
    )

    assert created.status_code == 201, created.content
    stored = raw_homework_text(created.json()["id"])
    assert not any("Sentinel-4e2a" in column for column in stored)
    assert [Fernet(key).decrypt(column).decode() for column in stored] == list(written.values())
    read = api.get(f"{API}homework/{created.json()['id']}/").json()
    assert {field: read[field] for field in written} == written


def test_homework_lists_filters_and_reports_still_work(clinician, client_record):
    api = as_caller(clinician)
    for title in ("First", "Second"):
        body = {"client": str(client_record.pk), "strategy": "self_reflection", "title": title}
        assert api.post(f"{API}homework/", body, format="json").status_code == 201

    listed = api.get(f"{API}homework/", {"client": str(client_record.pk), "status": "assigned"})
    fhir = api.get(f"{API}clients/{client_record.pk}/report/", {"format": "fhir"})
    progress = api.get(f"{API}clients/{client_record.pk}/progress/")

    assert [row["title"] for row in listed.json()["results"]] == ["Second", "First"]
    assert fhir.status_code == 200, fhir.content
    assert {"First", "Second"} <= set(
        activity["detail"]["description"]
        for entry in fhir.json()["entry"]
        for activity in entry["resource"].get("activity", [])
    )
    assert progress.json()["homework"]["overall"]["outstanding"] == 2


def migrate_to(*targets: tuple[str, str]):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(list(targets))
    return executor.loader.project_state(list(targets)).apps


def latest() -> list[tuple[str, str]]:
    """Every app's last migration: the schema the models describe."""
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_existing_homework_text_and_can_be_undone(
    clinician, client_record, as_owner
):
    before = ("therapy_sessions", "0004_session_list_order_index")
    old_apps = migrate_to(before)
    homework = old_apps.get_model("therapy_sessions", "Homework").objects.create(
        client_id=client_record.pk,
        assigned_by_id=clinician.pk,
        strategy="self_reflection",
        title=f"T {SENTINEL}",
        instructions=f"I {SENTINEL}",
        assigned_on="2025-06-02",
    )
    try:
        migrate_to(*latest())
        assert not any("Sentinel-4e2a" in column for column in raw_homework_text(homework.pk))
        migrated = Homework.objects.get(pk=homework.pk)
        assert (migrated.title, migrated.instructions) == (f"T {SENTINEL}", f"I {SENTINEL}")

        migrate_to(before)
        assert raw_homework_text(homework.pk) == (f"T {SENTINEL}", f"I {SENTINEL}")
    finally:
        migrate_to(*latest())
