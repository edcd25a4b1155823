"""Rotating the field encryption keys while instances run on different key lists, in the order
docs/security.md gives: (1) the new key added last everywhere, (2) then put first, (3)
`rotate_encryption_keys`, (4) the old key removed. Two instances of their own (gunicorn on
8484 and 8485) stand at neighbouring steps, as during a rolling deploy: at each, what either
writes the other reads (a session's note), a cursor one gives the other follows, and an
Idempotency-Key stored by one is replayed by the other. The topology's instances stand at
step 1 throughout (tests/topology/run), so they read everything at every step."""

import subprocess

from tests.topology.flow import new_client, session_body
from tests.topology.topology import (
    CLINICIAN,
    ROOT,
    RUN,
    WORK,
    app_environment,
    call,
    expect,
    serves,
    sign_in,
    start,
    stop,
    wait_until,
    write_service,
)

OLD, NEW = app_environment()["FIELD_ENCRYPTION_KEYS"].split(",") if WORK.exists() else ("", "")
X, Y = ("rot-x", "http://127.0.0.1:8484"), ("rot-y", "http://127.0.0.1:8485")
STEPS = [  # (what the two instances hold, as a deploy moves from one step to the next)
    ("only the old key | new key added last", [OLD], [OLD, NEW]),
    ("new key added last | new key first", [OLD, NEW], [NEW, OLD]),
    ("new key first | old key removed (after rotate_encryption_keys)", [NEW, OLD], [NEW]),
]


def rotation() -> str:
    token = sign_in(CLINICIAN)
    client = new_client(token, f"Rotation {RUN}", source="127.0.0.9")
    written: list[tuple[str, str]] = []  # (session id, note) from every step so far
    done = []
    try:
        for number, (label, x_keys, y_keys) in enumerate(STEPS):
            if number == 2:
                _rotate([NEW, OLD])
            _run_instances(x_keys, y_keys)
            for (name_a, base_a), (name_b, base_b) in ((X, Y), (Y, X)):
                note = f"Step {number + 1}, written on {name_a} ({RUN})."
                key = {"Idempotency-Key": f"rotation-{RUN}-{number}-{name_a}"}
                body = session_body(client["id"], note)
                created = call(
                    base_a, "POST", "/api/v1/sessions/", token=token, body=body, headers=key
                )
                expect(created.status == 201, f"{label}: writing on {name_a}: {created}")
                replay = call(
                    base_b, "POST", "/api/v1/sessions/", token=token, body=body, headers=key
                )
                expect(
                    replay.status == 201 and replay.json == created.json,
                    f"{label}: {name_a}'s key replayed on {name_b}: {replay}",
                )
                written.append((created.json["id"], note))
                _follow_cursor(token, base_a, base_b, f"{label}: {name_a}'s cursor on {name_b}")
            for session, note in written:
                for name, base in (X, Y):
                    read = call(base, "GET", f"/api/v1/sessions/{session}/", token=token)
                    expect(
                        read.status == 200 and read.json["note"]["text"] == note,
                        f"{label}: {name} reading a note of an earlier step: {read}",
                    )
            done.append(label.split(" | ")[1])
    finally:
        stop(X[0])
        stop(Y[0])
    return (
        f"steps {' -> '.join(done)}: {len(written)} notes read on both instances at each "
        "step, cursors and keys crossing both ways"
    )


def _run_instances(x_keys: list[str], y_keys: list[str]) -> None:
    for (name, base), keys in ((X, x_keys), (Y, y_keys)):
        stop(name)
        write_service(
            name,
            [".venv/bin/gunicorn", "-c", "api/gunicorn.conf.py"],
            GUNICORN_BIND=base.removeprefix("http://"),
            WEB_CONCURRENCY="1",
            FIELD_ENCRYPTION_KEYS=",".join(keys),
        )
        start(name)
    for name, base in (X, Y):
        wait_until(lambda base=base: serves(base), f"{name} starting", timeout=40)


def _follow_cursor(token: str, first: str, second: str, what: str) -> None:
    page = call(first, "GET", "/api/v1/sessions/?page_size=2", token=token)
    expect(page.status == 200 and page.json["next"], f"{what}: no second page ({page})")
    following = call(second, "GET", page.json["next"], token=token)
    expect(following.status == 200, f"{what}: {following}")


def _rotate(keys: list[str]) -> None:
    environment = {**app_environment(), "FIELD_ENCRYPTION_KEYS": ",".join(keys)}
    result = subprocess.run(  # noqa: S603 (the project's own command)
        [str(ROOT / ".venv/bin/python"), "manage.py", "rotate_encryption_keys"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    expect(result.returncode == 0, f"rotate_encryption_keys failed: {result.stderr[-500:]}")
