"""The API through HAProxy, PgBouncer (transaction mode) and the three instances: a clinician's
flow, every GET of the schema, and practices kept apart by row-level security behind the
pooler."""

import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

import psycopg
import yaml  # the schema's format (PyYAML comes with drf-spectacular)

from tests.topology.topology import (
    APP_DATABASE_URL,
    CLINICIAN,
    PROXY,
    ROOT,
    RUN,
    SCALE_PASSWORD,
    call,
    expect,
    owner_database,
    scale_user,
    sign_in,
)

SOURCE = "127.0.0.2"


def yesterday(days: int = 1) -> str:
    # Before any practice's today, whatever its time zone.
    return (datetime.now(UTC).date() - timedelta(days=days)).isoformat()


def new_client(token: str, family_name: str, source: str = SOURCE, **fields) -> dict:
    answer = call(
        PROXY,
        "POST",
        "/api/v1/clients/",
        token=token,
        source=source,
        body={"given_name": "Topology", "family_name": family_name, **fields},
    )
    expect(answer.status == 201, f"creating a client answered {answer}")
    return answer.json


def session_body(client_id: str, text: str = "Practised a realistic goal for the week.") -> dict:
    return {
        "client": client_id,
        "starts_at": f"{yesterday()}T10:00:00Z",
        "duration_minutes": 50,
        "modality": "video",
        "kind": "individual",
        "status": "completed",
        "roots_addressed": ["perfectionism"],
        "note": {"format": "narrative", "text": text},
    }


def clinician_flow() -> str:
    """Sign in, create a client, a session with a note, two assessments; find the client in the
    list; download the outcomes CSV, streamed. The requests go round the three instances."""
    served = []

    def step(method, path, expected, **options):
        answer = call(PROXY, method, path, source=SOURCE, **options)
        expect(answer.status == expected, f"{method} {path} answered {answer}")
        served.append(answer.served_by)
        return answer

    signed_in = step(
        "POST",
        "/api/v1/auth/token/",
        200,
        body={"email": CLINICIAN, "password": "rootwise-demo-2026"},
    )
    token = signed_in.json["access"]
    family = f"Flow {RUN}"
    client = step(
        "POST",
        "/api/v1/clients/",
        201,
        token=token,
        body={"given_name": "Topology", "family_name": family},
    ).json
    note = f"Named the inner critic ({RUN})."
    session = step(
        "POST", "/api/v1/sessions/", 201, token=token, body=session_body(client["id"], note)
    ).json
    for days, responses in ((20, [3, 3, 2, 3, 2, 3, 2]), (1, [1, 0, 1, 0, 1, 0, 1])):
        step(
            "POST",
            "/api/v1/assessments/",
            201,
            token=token,
            body={
                "client": client["id"],
                "instrument": "gad7",
                "administered_on": yesterday(days),
                "responses": responses,
            },
        )
    read = step("GET", f"/api/v1/sessions/{session['id']}/", 200, token=token).json
    expect(read["note"]["text"] == note, "the session's note came back changed")
    listed = step(
        "GET", f"/api/v1/clients/?search={family.replace(' ', '+')}", 200, token=token
    ).json
    expect(
        [c["id"] for c in listed["results"]] == [client["id"]],
        "the client list did not find the new client",
    )
    csv = step("GET", "/api/v1/reports/outcomes/", 200, token=token, headers={"Accept": "text/csv"})
    expect(csv.headers.get("content-type", "").startswith("text/csv"), "the export is not CSV")
    expect(
        "content-length" not in csv.headers and csv.headers.get("transfer-encoding") == "chunked",
        "the outcomes CSV was not streamed (it had a Content-Length)",
    )
    rows = [line for line in csv.body.decode().splitlines() if line.startswith(client["id"])]
    expect(
        len(rows) == 1 and ",gad7,2," in rows[0],
        f"the outcomes CSV has no GAD-7 row of two administrations for the client: {rows}",
    )
    report = step("GET", f"/api/v1/clients/{client['id']}/report/?format=csv", 200, token=token)
    expect(report.body.count(b"gad7") == 2, "the client's CSV report lacks its administrations")
    expect(set(served) == {"app1", "app2", "app3"}, f"served only by {sorted(set(served))}")
    counts = {name: served.count(name) for name in sorted(set(served))}
    return f"{len(served)} requests, served by {counts}; outcomes CSV {len(csv.body)} bytes chunked"


def practices_apart() -> str:
    """Another practice's clinician gets 404 for this practice's client through the proxy, and
    through PgBouncer a transaction sees only the practice its SET LOCAL names, which no later
    transaction on the pooled connections inherits."""
    token = sign_in(CLINICIAN)
    client = new_client(token, f"Apart {RUN}")
    outsider = sign_in(scale_user("clinician002"), SCALE_PASSWORD)
    for method, body in (("GET", None), ("PATCH", {"preferred_name": "Taken"})):
        answer = call(
            PROXY,
            method,
            f"/api/v1/clients/{client['id']}/",
            token=outsider,
            body=body,
            source=SOURCE,
        )
        expect(answer.status == 404, f"{method} by another practice answered {answer}")
    with owner_database() as owner:
        practices = dict(
            owner.execute(
                "SELECT c.id::text, c.practice_id::text FROM clients_client c WHERE c.id = %s",
                (client["id"],),
            ).fetchall()
        )
        other = owner.execute(
            "SELECT practice_id::text FROM accounts_user WHERE email = %s",
            (scale_user("clinician002"),),
        ).fetchone()[0]
        preferred = owner.execute(
            "SELECT preferred_name FROM clients_client WHERE id = %s", (client["id"],)
        ).fetchone()[0]
    expect(preferred != "Taken", "another practice's PATCH changed the client")
    own = practices[client["id"]]
    seen, leaked = _pooled_visibility(client["id"], own, other)
    expect(
        seen == {own: 100, other: 0},
        f"in 100 transactions of each practice, the client was seen {seen} times",
    )
    expect(not leaked, f"{leaked} transactions began with another's app.practice_id")
    return "404 across practices via the API; through PgBouncer 200 transactions, no leak"


def _pooled_visibility(client_id: str, own: str, other: str) -> tuple[dict, int]:
    """200 transactions over four client connections to PgBouncer, alternating practices: how
    often each practice's scope saw the client, and how many began with a practice set."""
    seen, leaked = {own: 0, other: 0}, 0
    connections = [psycopg.connect(APP_DATABASE_URL, prepare_threshold=None) for _ in range(4)]
    try:
        for n in range(200):
            connection = connections[n % 4]
            practice = own if n % 2 else other
            with connection.transaction():
                before = connection.execute(
                    "SELECT coalesce(current_setting('app.practice_id', true), '')"
                ).fetchone()[0]
                leaked += before != ""
                connection.execute("SELECT set_config('app.practice_id', %s, true)", (practice,))
                found = connection.execute(
                    "SELECT count(*) FROM clients_client WHERE id = %s", (client_id,)
                ).fetchone()[0]
                seen[practice] += found
    finally:
        for connection in connections:
            connection.close()
    return seen, leaked


def every_read() -> str:
    """Every GET the schema lists answers behind PgBouncer, to a clinician and to an admin:
    lists, one record of each (the first its list gives), reports. No 5xx anywhere, and each
    answers 200 to one of them, but for records no list showed (a made-up id: 404)."""
    schema = yaml.safe_load((ROOT / "docs" / "openapi.yaml").read_text())
    paths = [path for path, operations in schema["paths"].items() if "get" in operations]
    statuses: dict[str, Counter] = {}
    answered: dict[str, set] = {path: set() for path in paths}
    made_up: set[str] = set()
    for email in (CLINICIAN, "admin@demo.rootwise.test"):
        token = sign_in(email)
        firsts: dict[str, dict] = {}
        for path in sorted(paths, key=lambda path: path.count("{")):
            concrete = _concrete(path, firsts)
            if concrete is None:
                made_up.add(path)
                concrete = _concrete(path, firsts, made_up=True)
            answer = call(
                PROXY, "GET", concrete, token=token, source=SOURCE, headers={"Accept": "*/*"}
            )
            expect(answer.status < 500, f"GET {concrete} as {email} answered {answer}")
            statuses.setdefault(email.split("@")[0], Counter())[str(answer.status)] += 1
            answered[path].add(answer.status)
            if answer.status == 200 and "{" not in path and path.startswith("/api/"):
                body = answer.json if "json" in answer.headers.get("content-type", "") else None
                results = body.get("results") if isinstance(body, dict) else body
                if isinstance(results, list) and results and isinstance(results[0], dict):
                    firsts[path] = results[0]
    unanswered = [path for path in paths if 200 not in answered[path] and path not in made_up]
    expect(not unanswered, f"answered 200 to neither: {unanswered}")
    counts = {who: dict(counted) for who, counted in statuses.items()}
    return f"{len(paths)} GETs each, none 5xx ({len(made_up)} made-up ids); by status: {counts}"


def _concrete(path: str, firsts: dict[str, dict], *, made_up: bool = False) -> str | None:
    """`path` with its parameter filled from the first item of the list above it; None if that
    list gave none, unless `made_up` (an id nothing has: a 404)."""
    if "{" not in path:
        return path
    head, parameter = path.split("{", 1)
    name, tail = parameter.split("}", 1)
    value = firsts.get(head, {}).get("code" if name == "code" else "id")
    if value is None and made_up:
        value = "no-such-token-0000000000000000" if name == "token" else str(uuid.UUID(int=1))
    return None if value is None else f"{head}{value}{tail}"
