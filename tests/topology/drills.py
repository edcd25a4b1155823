"""Failure drills: an instance killed under load, Redis restarted. Each leaves the topology
whole again (the instance restarted and back behind the proxy, Redis up)."""

import os
import signal
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from tests.topology.flow import new_client, session_body
from tests.topology.topology import (
    CLINICIAN,
    INSTANCES,
    PROXY,
    RUN,
    WORK,
    call,
    expect,
    pid,
    proxy_spreads_over,
    serves,
    sign_in,
    start,
    stop,
    wait_until,
)

REDIS_PORT = 6390

VICTIM = "app2"
LOAD_SECONDS, FREEZE_AFTER, FROZEN_FOR, CLIENTS = 8.0, 2.5, 0.6, 6
HEALTH_CHECK_SECONDS = 1.0  # HAProxy: a check every 500 ms, down after 2 failures
# A client's patience: 80 s, past the minute after which a key whose request died frees up.
RETRY_DELAYS = (0, 0.5, 1, 2, 4, 8, 16, 16, 16, 16)


def instance_killed() -> str:
    """Six clients read and write through the proxy for 8 s; 2.5 s in, one instance hangs
    (SIGSTOP: the requests it was given pile up in it) and 0.6 s later its whole process group
    is killed (SIGKILL), so that reads and writes die in flight. What a client saw fail it
    retries (a write with its Idempotency-Key, answered 409 while the dead request's claim
    lasts). Afterwards every write is stored exactly once, every 201 among them; no request
    failed unseen; and once the health check noticed, every request sent succeeded first time
    and none reached the dead instance."""
    source = "127.0.0.7"
    token = sign_in(CLINICIAN)
    client = new_client(token, f"Drill {RUN}", source=source)
    stop_at = time.monotonic() + LOAD_SECONDS
    killed_at: list[float] = []

    def kill() -> None:
        time.sleep(FREEZE_AFTER)
        os.killpg(pid(VICTIM), signal.SIGSTOP)
        time.sleep(FROZEN_FOR)
        killed_at.append(time.monotonic())
        os.killpg(pid(VICTIM), signal.SIGKILL)

    def attempt(method, path, **options) -> tuple:
        """(status or error, instance, answer, when it was sent)"""
        sent = time.monotonic()
        try:
            answer = call(PROXY, method, path, token=token, source=source, timeout=20, **options)
        except OSError as error:  # the proxy closed on us: seen as a failure
            return type(error).__name__, "", None, sent
        return answer.status, answer.served_by, answer, sent

    def user(_: int) -> tuple[list, list]:
        reads, writes = [], []
        while time.monotonic() < stop_at:
            reads.append(attempt("GET", "/api/v1/clients/?page_size=20"))
            key = {"Idempotency-Key": f"drill-{uuid.uuid4()}"}
            tries = []
            for delay in RETRY_DELAYS:
                time.sleep(delay)
                tries.append(
                    attempt(
                        "POST", "/api/v1/sessions/", headers=key, body=session_body(client["id"])
                    )
                )
                if tries[-1][0] == 201:
                    break
            writes.append(tries)
        return reads, writes

    killer = threading.Thread(target=kill)
    killer.start()
    with ThreadPoolExecutor(CLIENTS) as pool:
        users = list(pool.map(user, range(CLIENTS)))
    killer.join()
    reads = [read for user_reads, _ in users for read in user_reads]
    writes = [tries for _, user_writes in users for tries in user_writes]
    unfinished = [[t[0] for t in tries] for tries in writes if tries[-1][0] != 201]
    expect(not unfinished, f"writes that never succeeded, by attempts: {unfinished[:3]}")
    retries = [t for tries in writes for t in tries[1:]]
    expect(
        {t[0] for t in retries} <= {201, 409}, f"retries answered {Counter(t[0] for t in retries)}"
    )
    answered = {tries[-1][2].json["id"] for tries in writes}
    stored = _session_ids(token, client["id"], source)
    expect(
        len(answered) == len(writes) and stored == answered,
        f"{len(writes)} writes, {len(answered)} answered 201, {len(stored)} stored",
    )
    noticed = killed_at[0] + HEALTH_CHECK_SECONDS
    first_tries = reads + [tries[0] for tries in writes]
    late = [t for t in first_tries if t[3] > noticed]
    expect(
        late and all(t[0] in (200, 201) for t in late),
        f"sent after the health check: {Counter(t[0] for t in late)}",
    )
    expect(not [t for t in late if t[1] == VICTIM], f"{VICTIM} answered after being killed")
    seen_failing = Counter(str(t[0]) for t in first_tries if t[0] not in (200, 201))

    start(VICTIM)
    wait_until(lambda: serves(INSTANCES[VICTIM]), f"{VICTIM} restarted", timeout=30)
    wait_until(lambda: proxy_spreads_over(set(INSTANCES)), f"the proxy sending to {VICTIM}")
    return (
        f"{len(reads)} reads, {len(writes)} writes; seen failing at the kill: "
        f"{dict(seen_failing) or 'none'} ({len(retries)} retries of writes with their key); "
        f"all {len(stored)} writes stored once; {VICTIM} restarted and back"
    )


def _session_ids(token: str, client: str, source: str) -> set[str]:
    """Every session of `client`, page by page."""
    ids, path = set(), f"/api/v1/sessions/?client={client}&page_size=200"
    while path:
        page = call(PROXY, "GET", path, token=token, source=source)
        expect(page.status == 200, f"listing the sessions answered {page}")
        ids |= {session["id"] for session in page.json["results"]}
        path = page.json["next"]
    return ids


def redis_restarted() -> str:
    """Redis (persistent, as in production) stopped for 3 s under requests, then started
    again. Meanwhile reads and plain writes answer as usual, sign-ins and writes with an
    Idempotency-Key answer 503 (never 500: the lock-out and the key cannot be recorded), rate
    throttles pass uncounted (docs/deployment.md). Afterwards a lock-out and an idempotency
    record made before the restart still hold, and background tasks run again."""
    token = sign_in(CLINICIAN)
    client = new_client(
        token, f"Redis {RUN}", source="127.0.0.8", email=f"redis-{RUN}@example.test"
    )
    kept_key = {"Idempotency-Key": f"redis-kept-{RUN}"}
    kept = call(
        PROXY,
        "POST",
        "/api/v1/sessions/",
        token=token,
        headers=kept_key,
        body=session_body(client["id"]),
        source="127.0.0.8",
    )
    expect(kept.status == 201, f"a write before the restart answered {kept}")
    locked = "supervisor@demo.rootwise.test"
    for n in range(6):
        call(
            PROXY,
            "POST",
            "/api/v1/auth/token/",
            source="127.0.0.8",
            body={"email": locked, "password": f"wrong-{n}"},
        )

    outcomes: dict[str, Counter] = {}
    phase = ["before"]
    finished = threading.Event()

    probes = {
        "read": ("GET", "/api/v1/clients/?page_size=5", {"token": token}),
        "plain write": (
            "POST",
            "/api/v1/sessions/",
            {"token": token, "body": session_body(client["id"])},
        ),
        "sign-in": (
            "POST",
            "/api/v1/auth/token/",
            {"body": {"email": CLINICIAN, "password": "rootwise-demo-2026"}},
        ),
        "keyed write": ("POST", "/api/v1/sessions/", {"token": token}),
        "measure sent now": (
            "POST",
            "/api/v1/measure-invitations/",
            {"token": token, "body": {"client": client["id"], "instruments": ["gad7"]}},
        ),
    }

    def probe(kind: str) -> None:
        """One kind of request after another, each counted in the phase it was sent in."""
        method, path, options = probes[kind]
        n = 0
        while not finished.is_set():
            n += 1
            source = f"127.0.1.{n % 250 + 1}"  # sign-ins from many addresses: no throttle
            if kind == "keyed write":
                options = {
                    **options,
                    "body": session_body(client["id"]),
                    "headers": {"Idempotency-Key": f"redis-{uuid.uuid4()}"},
                }
            sent_in = phase[0]
            try:
                status = call(PROXY, method, path, source=source, timeout=30, **options).status
            except OSError as error:
                status = type(error).__name__
            outcomes.setdefault(f"{sent_in}: {kind}", Counter())[str(status)] += 1
            time.sleep(0.1)

    worker_log = WORK / "logs" / "worker1.log"
    probers = [threading.Thread(target=probe, args=(kind,)) for kind in probes]
    for prober in probers:
        prober.start()
    try:
        time.sleep(1)
        phase[0] = "down"
        stop("redis")
        time.sleep(3)
        start("redis")
        wait_until(lambda: _redis_answers(), "Redis answering again")
        restarted_at, offset = time.time(), worker_log.stat().st_size
        phase[0] = "after"
        time.sleep(2)
    finally:
        finished.set()
        for prober in probers:
            prober.join()
    seen = {phase_kind: dict(counts) for phase_kind, counts in sorted(outcomes.items())}
    allowed = {
        "read": {"200"},
        "plain write": {"201"},
        "sign-in": {"200", "503"},
        "keyed write": {"201", "503"},
        "measure sent now": {"201"},
    }
    for phase_kind, counts in seen.items():
        kind = phase_kind.split(": ")[1]
        expect(set(counts) <= allowed[kind], f"{phase_kind} answered {counts}")
    expect("503" in seen.get("down: sign-in", {}), f"Redis never seemed down: {seen}")
    expect(
        set(seen.get("after: sign-in", {})) == {"200"}
        and set(seen.get("after: keyed write", {})) == {"201"},
        f"after the restart: {seen}",
    )
    replay = call(
        PROXY,
        "POST",
        "/api/v1/sessions/",
        token=token,
        headers=kept_key,
        body=session_body(client["id"]),
        source="127.0.0.8",
    )
    expect(
        replay.headers.get("idempotent-replayed") == "true" and replay.json == kept.json,
        f"a key kept before the restart answered {replay}",
    )
    still = call(
        PROXY,
        "POST",
        "/api/v1/auth/token/",
        source="127.0.0.8",
        body={"email": locked, "password": "rootwise-demo-2026"},
    )
    expect(still.status == 429, f"a lock-out from before the restart: {still}")
    wait_until(lambda: _task_ran_since(worker_log, offset), "a background task after the restart")
    down = {k.split(": ")[1]: v for k, v in seen.items() if k.startswith("down")}
    measures = sum(
        (Counter(v) for k, v in seen.items() if k.endswith("measure sent now")), Counter()
    )
    return (
        f"while down {down}; measures sent now, across the restart {dict(measures)}; after: "
        f"lock-out and key kept, tasks run ({time.time() - restarted_at:.1f} s after the restart)"
    )


def _redis_answers() -> bool:
    import redis

    return redis.Redis(port=REDIS_PORT, socket_connect_timeout=1).ping()


def _task_ran_since(log, offset: int) -> bool:
    with log.open() as text:
        text.seek(offset)
        return "succeeded in" in text.read()
