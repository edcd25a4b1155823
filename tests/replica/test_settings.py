"""DATABASE_REPLICA_URL: a PostgreSQL replica, configured as the primary is but quicker to give
up on; none without it."""

import json

from tests.api.test_settings import PRODUCTION_ENV, manage

PRIMARY = "postgres://rootwise_app:secret@db.internal:5432/rootwise?sslmode=require"
REPLICA_URL = "postgres://rootwise_app:secret@standby.internal:5432/rootwise"
SHOW = (
    "import json; from django.conf import settings; print(json.dumps({"
    "'databases': {alias: {'host': db['HOST'], 'options': db['OPTIONS']} "
    "for alias, db in settings.DATABASES.items()}, 'routers': settings.DATABASE_ROUTERS}))"
)


def configured(**env: str) -> dict:
    result = manage(
        "shell",
        "--verbosity",
        "0",
        "-c",
        SHOW,
        **{**PRODUCTION_ENV, "DATABASE_URL": PRIMARY, **env},
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_replica_reads_as_the_primary_but_gives_up_connecting_after_a_second():
    shown = configured(DATABASE_REPLICA_URL=REPLICA_URL)
    primary, replica = shown["databases"]["default"], shown["databases"]["replica"]

    assert replica["host"] == "standby.internal"
    assert replica["options"] == {**primary["options"], "connect_timeout": 1}
    assert shown["routers"] == ["api.db_router.ReplicaRouter"]


def test_the_replicas_connect_timeout_is_a_setting():
    shown = configured(DATABASE_REPLICA_URL=REPLICA_URL, DB_REPLICA_CONNECT_TIMEOUT="2")
    assert shown["databases"]["replica"]["options"]["connect_timeout"] == 2


def test_without_a_replica_there_is_one_database_and_no_router():
    shown = configured()
    assert list(shown["databases"]) == ["default"]
    assert shown["routers"] == []


def test_a_replica_beside_sqlite_is_refused():
    result = manage(
        "check", **{**PRODUCTION_ENV, "DATABASE_URL": "", "DATABASE_REPLICA_URL": REPLICA_URL}
    )
    assert result.returncode != 0
    assert "DATABASE_REPLICA_URL needs a PostgreSQL DATABASE_URL" in result.stderr
