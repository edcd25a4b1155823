"""Two more scheduler processes (`manage.py run_scheduler`, which sends `tick` as soon as it
starts) started together beside the topology's `celery beat`, with measures due: the two
workers run the ticks at once, and every due measure is sent exactly once (the claims of
docs/measures.md). The emails are counted where the workers' file backend writes them."""

import ast
import re
from datetime import UTC, datetime, timedelta

from tests.topology.topology import (
    PROXY,
    RUN,
    SCALE_PASSWORD,
    WORK,
    call,
    expect,
    scale_user,
    sign_in,
    start,
    stop,
    wait_until,
    write_service,
)

DUE_MEASURES = 12
SOURCE = "127.0.0.6"
SCHEDULERS = ("scheduler-a", "scheduler-b")
TICK = re.compile(
    r"^(\S+ \S+) \S+ \S+ Task assessments\.measures\.tasks\.tick\[([^\]]+)\] "
    r"(received|succeeded in [^:]+: (.*))$",
    re.MULTILINE,
)


def sends_once() -> str:
    admin = sign_in(scale_user("admin"), SCALE_PASSWORD, source=SOURCE)
    clinician = sign_in(scale_user("clinician005"), SCALE_PASSWORD, source=SOURCE)
    today = _practice_past_nine(admin)
    addresses, schedules = [], []
    for n in range(DUE_MEASURES):
        address = f"measure-{RUN}-{n}@example.test"
        client = call(
            PROXY,
            "POST",
            "/api/v1/clients/",
            token=clinician,
            source=SOURCE,
            body={
                "given_name": "Measured",
                "family_name": f"Client {RUN} {n}",
                "email": address,
            },
        )
        expect(client.status == 201, f"creating a client answered {client}")
        schedule = call(
            PROXY,
            "POST",
            "/api/v1/measure-schedules/",
            token=clinician,
            source=SOURCE,
            body={
                "client": client.json["id"],
                "instruments": ["phq9"],
                "kind": "once",
                "starts_on": today,
                "channel": "email",
            },
        )
        expect(schedule.status == 201, f"creating a schedule answered {schedule}")
        due = datetime.fromisoformat(schedule.json["next_due_at"])
        expect(due <= datetime.now(UTC), f"the schedule is due only at {due}")
        addresses.append(address)
        schedules.append(schedule.json["id"])

    logs = [WORK / "logs" / f"worker{n}.log" for n in (1, 2)]
    offsets = [log.stat().st_size for log in logs]
    for name in SCHEDULERS:
        write_service(name, [".venv/bin/python", "manage.py", "run_scheduler"], LOG_LEVEL="INFO")
    for name in SCHEDULERS:
        start(name)
    try:
        ticks = wait_until(
            lambda: _ticks_since(logs, offsets, at_least=2),
            "two ticks by the new schedulers",
            timeout=60,
        )
        wait_until(
            lambda: all(_sent(clinician, s) for s in schedules),
            "every due measure sent",
            timeout=60,
        )
        wait_until(
            lambda: _emails(addresses) and min(_emails(addresses).values()) >= 1,
            "an email to every client",
            timeout=30,
        )
    finally:
        for name in SCHEDULERS:
            stop(name)
    # A duplicate would come from a tick or a delivery still running: let them finish.
    wait_until(lambda: _settled(logs, offsets), "the workers falling idle", timeout=30)
    emails = _emails(addresses)
    expect(set(emails.values()) == {1}, f"emails per client: {sorted(emails.values())}")
    for schedule in schedules:
        answer = call(
            PROXY, "GET", f"/api/v1/measure-schedules/{schedule}/", token=clinician, source=SOURCE
        )
        expect(answer.json["sends"] == 1, f"a schedule counts {answer.json['sends']} sends")
    ticks = _ticks_since(logs, offsets, at_least=0)
    sent = [tick["result"]["sent"] for tick in sorted(ticks, key=lambda tick: tick["received"])]
    return (
        f"{DUE_MEASURES} due measures; {len(ticks)} ticks on the 2 workers sent {sent}, the "
        f"first two {_overlap(ticks)}; 1 email each"
    )


def _practice_past_nine(admin: str) -> str:
    """Put the practice in a time zone where it is now past 09:00, so that a measure for
    today is due at once; its local date."""
    now = datetime.now(UTC)
    offset = 12 - now.hour  # local noon, give or take the minutes
    zone = "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"  # POSIX signs are inverted
    answer = call(
        PROXY, "PATCH", "/api/v1/practice/", token=admin, source=SOURCE, body={"time_zone": zone}
    )
    expect(answer.status == 200, f"setting the practice's time zone answered {answer}")
    return (now + timedelta(hours=offset)).date().isoformat()


def _ticks_since(logs, offsets, *, at_least: int) -> list[dict] | None:
    """The ticks the workers finished since `offsets`: when each was received and finished,
    and what it sent."""
    ticks: dict[str, dict] = {}
    for log, offset in zip(logs, offsets, strict=True):
        with log.open() as text:
            text.seek(offset)
            for when, task, event, result in TICK.findall(text.read()):
                moment = datetime.strptime(when, "%Y-%m-%d %H:%M:%S,%f")
                tick = ticks.setdefault(task, {})
                if event == "received":
                    tick["received"] = moment
                else:
                    tick.update(finished=moment, result=ast.literal_eval(result))
    done = [tick for tick in ticks.values() if "finished" in tick and "received" in tick]
    return done if len(done) >= at_least else None


def _overlap(ticks: list[dict]) -> str:
    """Whether the first two ticks ran at the same time, on the workers' clocks."""
    first, second = sorted(ticks, key=lambda tick: tick["received"])[:2]
    if second["received"] < first["finished"]:
        return "at the same time"
    gap = (second["received"] - first["finished"]).total_seconds() * 1000
    return f"one after the other, {gap:.0f} ms apart"


def _settled(logs, offsets) -> bool:
    """No task received since the last finished, on either worker."""
    for log, offset in zip(logs, offsets, strict=True):
        with log.open() as text:
            text.seek(offset)
            lines = text.read()
        if lines.count("] received") > lines.count("] succeeded") + lines.count("] retry"):
            return False
    return True


def _sent(token: str, schedule: str) -> bool:
    answer = call(
        PROXY,
        "GET",
        f"/api/v1/measure-invitations/?schedule={schedule}",
        token=token,
        source=SOURCE,
    )
    if answer.status != 200:
        return False
    return [i["status"] for i in answer.json["results"]] == ["sent"]


def _emails(addresses: list[str]) -> dict[str, int]:
    """How many messages went to each address (the file backend writes every message's
    headers, `To:` among them)."""
    counts = dict.fromkeys(addresses, 0)
    for message_file in (WORK / "mail").glob("*.log"):
        for line in message_file.read_text(errors="replace").splitlines():
            if line.startswith("To: ") and line[4:].strip() in counts:
                counts[line[4:].strip()] += 1
    return counts
