"""What must hold whichever instance answers: sign-in lock-out and throttle (counted in Redis),
Idempotency-Key replays, ETag/If-Match and cursors (encrypted by one instance, decrypted by
another). Requests go round the instances through the proxy, or to each instance directly where
the check needs to say which."""

from tests.topology.flow import new_client, session_body
from tests.topology.topology import (
    CLINICIAN,
    INSTANCES,
    PROXY,
    RUN,
    SCALE_PASSWORD,
    call,
    expect,
    scale_user,
    sign_in,
)

TOKEN_PATH = "/api/v1/auth/token/"


def lockout() -> str:
    """Five wrong passwords for one account, spread over the instances, lock it on all three:
    the sixth attempt, and then the right password on each instance, answer 429."""
    source, email = "127.0.0.3", scale_user("clinician004")
    served = []
    for n in range(5):
        answer = call(
            PROXY,
            "POST",
            TOKEN_PATH,
            source=source,
            body={"email": email, "password": f"wrong-guess-{n}"},
        )
        expect(answer.status == 401, f"wrong password {n + 1} answered {answer}")
        served.append(answer.served_by)
    sixth = call(
        PROXY, "POST", TOKEN_PATH, source=source, body={"email": email, "password": "wrong-guess-5"}
    )
    expect(
        sixth.status == 429 and sixth.headers.get("retry-after"),
        f"the sixth wrong password answered {sixth}",
    )
    for name, base in INSTANCES.items():
        right = call(
            base,
            "POST",
            TOKEN_PATH,
            source=source,
            body={"email": email, "password": SCALE_PASSWORD},
        )
        expect(right.status == 429, f"the right password on {name} answered {right}")
    expect(len(set(served)) == 3, f"the failures reached only {sorted(set(served))}")
    return (
        f"5 failures over {sorted(set(served))}, then 429 (Retry-After "
        f"{sixth.headers['retry-after']} s) on every instance, right password included"
    )


def throttle() -> str:
    """The sign-in throttle (20 a minute per address: sign-ins and refreshes) counts requests
    on every instance together: the 21st, wherever it lands, is a 429."""
    source, email = "127.0.0.4", scale_user("clinician003")
    signed_in = call(
        PROXY, "POST", TOKEN_PATH, source=source, body={"email": email, "password": SCALE_PASSWORD}
    )
    expect(signed_in.status == 200, f"signing in answered {signed_in}")
    refresh, served = signed_in.json["refresh"], [signed_in.served_by]
    for n in range(19):
        answer = call(
            PROXY, "POST", "/api/v1/auth/token/refresh/", source=source, body={"refresh": refresh}
        )
        expect(answer.status == 200, f"refresh {n + 1} (request {n + 2}) answered {answer}")
        refresh = answer.json["refresh"]
        served.append(answer.served_by)
    last = call(
        PROXY, "POST", "/api/v1/auth/token/refresh/", source=source, body={"refresh": refresh}
    )
    expect(
        last.status == 429 and last.headers.get("retry-after"),
        f"the 21st request in a minute answered {last}",
    )
    counts = {name: served.count(name) for name in sorted(set(served))}
    expect(len(counts) == 3, f"the requests reached only {counts}")
    return f"20 requests answered ({counts}), the 21st 429 on {last.served_by}"


def idempotency() -> str:
    """A POST with an Idempotency-Key on one instance, replayed on another: the same answer,
    marked replayed, one session stored; the key with another body on the third: 422."""
    token = sign_in(CLINICIAN)
    client = new_client(token, f"Idempotent {RUN}", source="127.0.0.5")
    (first, base1), (second, base2), (third, base3) = INSTANCES.items()
    key = {"Idempotency-Key": f"topology-{RUN}-replay"}
    body = session_body(client["id"])
    created = call(base1, "POST", "/api/v1/sessions/", token=token, body=body, headers=key)
    expect(created.status == 201, f"the first POST on {first} answered {created}")
    replay = call(base2, "POST", "/api/v1/sessions/", token=token, body=body, headers=key)
    expect(
        replay.status == 201 and replay.headers.get("idempotent-replayed") == "true",
        f"the replay on {second} answered {replay} ({replay.headers})",
    )
    expect(replay.json == created.json, f"the replay on {second} answered another body")
    other = call(
        base3,
        "POST",
        "/api/v1/sessions/",
        token=token,
        headers=key,
        body={**body, "duration_minutes": 45},
    )
    expect(other.status == 422, f"the key with another body on {third} answered {other}")
    listed = call(PROXY, "GET", f"/api/v1/sessions/?client={client['id']}", token=token)
    expect(len(listed.json["results"]) == 1, f"{len(listed.json['results'])} sessions stored")
    return f"created on {first}, replayed on {second}, other body 422 on {third}; 1 stored"


def conditional_writes() -> str:
    """An ETag from one instance is honoured by another, and a stale one refused by the
    third (412), changing nothing."""
    token = sign_in(CLINICIAN)
    client = new_client(token, f"Conditional {RUN}", source="127.0.0.5")
    (first, base1), (second, base2), (third, base3) = INSTANCES.items()
    path = f"/api/v1/clients/{client['id']}/"
    read = call(base1, "GET", path, token=token)
    etag = read.headers.get("etag")
    expect(read.status == 200 and etag, f"GET on {first} answered {read} without an ETag")
    changed = call(
        base2,
        "PATCH",
        path,
        token=token,
        headers={"If-Match": etag},
        body={"preferred_name": "Tee"},
    )
    expect(changed.status == 200, f"PATCH with {first}'s ETag on {second} answered {changed}")
    stale = call(
        base3,
        "PATCH",
        path,
        token=token,
        headers={"If-Match": etag},
        body={"preferred_name": "Stale"},
    )
    expect(stale.status == 412, f"PATCH with a stale ETag on {third} answered {stale}")
    again = call(base1, "GET", path, token=token)
    expect(again.json["preferred_name"] == "Tee", "the stale PATCH changed the client")
    expect(
        again.headers.get("etag") == changed.headers.get("etag"),
        f"{first} and {second} disagree on the ETag of the same version",
    )
    return f"ETag from {first} accepted on {second}, stale one 412 on {third}, nothing changed"


def cursors() -> str:
    """Keyset pages fetched in turn from each instance (each following the `next` link another
    gave) list exactly what one large page lists, in the same order."""
    token = sign_in(scale_user("clinician001"), SCALE_PASSWORD)
    bases = list(INSTANCES.values())
    path, ids, pages = "/api/v1/clients/?page_size=20", [], 0
    while path and pages < 6:
        answer = call(bases[pages % 3], "GET", path, token=token)
        expect(answer.status == 200, f"page {pages + 1} answered {answer}")
        ids += [client["id"] for client in answer.json["results"]]
        path, pages = answer.json["next"], pages + 1
    whole = call(PROXY, "GET", f"/api/v1/clients/?page_size={len(ids)}", token=token)
    expected = [client["id"] for client in whole.json["results"]]
    expect(ids == expected, "pages fetched from alternating instances differ from one page")
    expect(len(set(ids)) == len(ids) == 120, f"{len(ids)} clients in 6 pages, some repeated")
    return f"{pages} pages of 20 over 3 instances = one page of {len(ids)}, same order"
