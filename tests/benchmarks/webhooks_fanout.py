"""Webhook fan-out benchmark: 1,000 events to 3 endpoints, from the outbox through the dispatch
tick and real Celery workers on Redis to three HTTPS receivers on loopback, on PostgreSQL.

    python -m tests.benchmarks.webhooks_fanout
    BENCH_WORKER_CONCURRENCY=8 python -m tests.benchmarks.webhooks_fanout

The events are 1,000 assessments recorded by `assessment_record`, the service a clinician's
request calls, in one transaction: all 1,000 commit at the same instant, a burst. The clock
starts at that commit and stops once every delivery is `succeeded` in the database and each
receiver has seen every event's `webhook-id`. `celery -A api beat` sends `dispatch` every 5
seconds, as in production; the workers (`celery -A api worker`, prefork) run it and the
deliveries, connected as the app's role under row-level security, with DEBUG off, so they send
to https only, trusting the system's certificate authorities and the receivers' certificate
(SSL_CERT_FILE).

Environment: BENCH_DATABASE_URL (the PostgreSQL server; the database rootwise_bench_webhooks is
created on it and migrated), BENCH_REDIS_URL (the broker, redis://127.0.0.1:6379/10; the tasks
go to a queue of their own, tests/benchmarks/webhooks_settings.py), BENCH_EVENTS (1000),
BENCH_ENDPOINTS (3), BENCH_WORKERS (worker processes, 1), BENCH_WORKER_CONCURRENCY (each one's
pool, 4), BENCH_TIMEOUT (seconds, 900); to find where the time goes, BENCH_DISPATCH_SECONDS (the
tick's interval, 5) and BENCH_DB_REUSE_MAX (Celery's CELERY_DB_REUSE_MAX, unset: a connection
per task). Prints figures, and what the workers, the tick and PostgreSQL did meanwhile; asserts
nothing (docs/performance.md).
"""

# A harness that starts celery with arguments it builds itself.
# ruff: noqa: S603

import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import redis

from tests.benchmarks.api_load import BENCH_ENV, ROOT, ensure_database, log, manage
from tests.benchmarks.cpu_meter import CpuMeter
from tests.benchmarks.webhook_receivers import Receiver, self_signed_certificate, trust_bundle

EVENTS = int(os.environ.get("BENCH_EVENTS", "1000"))
ENDPOINTS = int(os.environ.get("BENCH_ENDPOINTS", "3"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "1"))
CONCURRENCY = int(os.environ.get("BENCH_WORKER_CONCURRENCY", "4"))
TIMEOUT = float(os.environ.get("BENCH_TIMEOUT", "900"))
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/10")
SETTINGS = "tests.benchmarks.webhooks_settings"
QUEUE = "rootwise-bench-webhooks"
APP_ROLE = "rootwise_bench_app"
APP_PASSWORD = "rootwise-bench-app"  # a benchmark database's role, reached on loopback
PRACTICE = "Webhook bench practice"
CLIENTS = 20
DATABASE = "rootwise_bench_webhooks"
TICK = float(os.environ.get("BENCH_DISPATCH_SECONDS", "5"))


def database_urls() -> tuple[str, str]:
    """The benchmark database as its owner (migrations, the harness) and as the app's role."""
    server = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    owner = server.rsplit("/", 1)[0] + "/" + DATABASE
    parts = urlsplit(owner)
    host = parts.netloc.rsplit("@", 1)[-1]
    return owner, parts._replace(netloc=f"{APP_ROLE}:{APP_PASSWORD}@{host}").geturl()


def environment(database_url: str) -> dict:
    return {
        **os.environ,
        **BENCH_ENV,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "LOG_LEVEL": "INFO",
    }


def forget_queue(broker: redis.Redis) -> None:
    for key in broker.scan_iter(f"*{QUEUE}*"):
        broker.delete(key)


class Processes:
    """Celery processes, each the leader of its own process group (a prefork worker's pool
    included), logging to files in `directory`."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.running: list[subprocess.Popen] = []

    def start(self, name: str, argv: list[str], env: dict) -> tuple[Path, int]:
        log_path = self.directory / f"{name}.log"
        with log_path.open("w") as output:
            self.running.append(
                subprocess.Popen(
                    [sys.executable, "-m", "celery", "-A", "api", *argv],
                    cwd=ROOT,
                    env=env,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
        return log_path, self.running[-1].pid

    def stop(self) -> None:
        """Beat first, then the workers, each told to finish what it is running."""
        for process in reversed(self.running):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.running.clear()


def wait_for(paths: list[Path], pattern: str, *, needed=all, seconds: float = 60) -> None:
    """Until `pattern` appears in all (or `needed=any`: one) of the logs at `paths`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if needed(re.search(pattern, path.read_text()) for path in paths):
            return
        time.sleep(0.1)
    tails = "\n".join(f"--- {path.name}\n{path.read_text()[-2000:]}" for path in paths)
    raise RuntimeError(f"{pattern!r} not seen within {seconds:g} s:\n{tails}")


def start_celery(processes: Processes, directory: Path, env: dict) -> tuple[list, set, int]:
    """The workers and beat, once the first tick (on an empty outbox) has run: the workers'
    logs, their process ids and beat's."""
    started = [
        processes.start(
            f"worker{index}",
            [
                "worker",
                "--pool=prefork",
                f"--concurrency={CONCURRENCY}",
                f"--queues={QUEUE}",
                f"--hostname=bench{index}@%h",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            env,
        )
        for index in range(WORKERS)
    ]
    logs = [log_path for log_path, _ in started]
    wait_for(logs, r"ready\.")
    schedule, pidfile = directory / "beat-schedule", directory / "beat.pid"
    beat_argv = ["beat", f"--schedule={schedule}", f"--pidfile={pidfile}", "--loglevel=INFO"]
    _, beat = processes.start("beat", beat_argv, env)
    wait_for(logs, r"tasks\.dispatch\[[^\]]+\] succeeded", needed=any)
    return logs, {pid for _, pid in started}, beat


def prepare(receivers: list[Receiver]) -> dict:
    """The bench practice, its clinician and clients (made once), with the last run's events,
    deliveries, endpoints and assessments gone and fresh endpoints to `receivers`."""
    from django.db import connection

    from api.auth.models import Practice, Role, User
    from api.events import services
    from api.events.models import OutboxEvent, Topic, WebhookDelivery, WebhookEndpoint
    from api.tenancy import all_practices
    from assessments.models import Assessment, RiskFlag
    from clients.models import Client
    from tests.factories import ClientFactory, PracticeFactory, UserFactory

    with all_practices():
        practice = Practice.objects.filter(name=PRACTICE).first() or PracticeFactory(name=PRACTICE)
        clinician = User.objects.filter(practice=practice, role=Role.CLINICIAN).first()
        clinician = clinician or UserFactory(
            practice=practice, email="clinician@webhooks.bench.rootwise.test"
        )
        clients = list(Client.objects.filter(practice=practice, primary_clinician=clinician))
        clients = clients or ClientFactory.create_batch(CLIENTS, primary_clinician=clinician)
        for model in (WebhookDelivery, OutboxEvent, WebhookEndpoint, RiskFlag, Assessment):
            model.objects.filter(practice=practice).delete()
        secrets = {}
        for receiver in receivers:
            endpoint = services.endpoint_create(
                practice_id=practice.pk,
                url=receiver.url,
                topics=list(Topic.values),
                allow_private_network=True,
            )
            secrets[receiver.url] = endpoint.secret
    tables = [model._meta.db_table for model in (WebhookDelivery, OutboxEvent, WebhookEndpoint)]
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {', '.join(tables)}")
    return {"practice": practice, "clinician": clinician, "clients": clients, "secrets": secrets}


def record_events(fixtures: dict) -> float:
    """EVENTS assessments (no risk flag: one event each) in one transaction; when it committed."""
    from api.tenancy import all_practices
    from assessments.services import assessment_record

    clients = fixtures["clients"]
    with all_practices():
        for index in range(EVENTS):
            assessment_record(
                by=fixtures["clinician"],
                client=clients[index % len(clients)],
                instrument="phq9",
                responses=[0] * 9,
                administered_on=date.today() - timedelta(days=index // len(clients)),
            )
    return time.time()


def wait_until_delivered(practice, receivers: list[Receiver]) -> float | None:
    """When every delivery had succeeded and every receiver had every event; None on timeout."""
    from api.events.models import DeliveryStatus, WebhookDelivery

    expected = EVENTS * len(receivers)
    succeeded = WebhookDelivery.objects.filter(practice=practice, status=DeliveryStatus.SUCCEEDED)
    deadline = time.time() + TIMEOUT
    while time.time() < deadline:
        received = all(receiver.distinct() >= EVENTS for receiver in receivers)
        if received and succeeded.count() >= expected:
            return time.time()
        time.sleep(0.1)
    return None


def classifier(workers: set[int], beat: int):
    """Which of this run's processes a process is (cpu_meter.Classify). PostgreSQL's are left
    out: a worker's connection lives for one task, too short to be sampled."""
    harness = os.getpid()

    def classify(pid: int, group: int, command: str) -> str | None:
        if group in workers:
            return "Celery workers"
        if group == beat:
            return "beat"
        if pid == harness:
            return "harness (receivers, polling)"
        return None

    return classify


def connections_opened() -> int:
    """Connections to the benchmark database that have ended so far (PostgreSQL's count)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT sessions FROM pg_stat_database WHERE datname = current_database()")
        return cursor.fetchone()[0]


TASK_LINE = re.compile(
    r"^(\S+ \S+) INFO celery\.app\.trace Task api\.events\.tasks\.(\w+)\[[^\]]+\] "
    r"succeeded in ([\d.]+)s: (.*)$",
    re.MULTILINE,
)


def task_runs(logs: list[Path], since: float) -> list[tuple[float, str, float, str]]:
    """(finished, task, seconds, result) of each webhook task the workers ran after `since`."""
    runs = []
    for path in logs:
        for stamp, task, seconds, result in TASK_LINE.findall(path.read_text()):
            finished = datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S,%f").timestamp()
            if finished >= since:
                runs.append((finished, task, float(seconds), result))
    return sorted(runs)


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def report(fixtures, receivers, committed, finished, logs, cpu: dict, connections: int) -> None:
    from standardwebhooks import Webhook

    from api.events.models import DeliveryStatus, WebhookDelivery

    deliveries = list(
        WebhookDelivery.objects.filter(practice=fixtures["practice"]).values(
            "status", "attempts", "retrying_since", "last_error", "event_id"
        )
    )
    statuses = Counter(row["status"] for row in deliveries)
    succeeded = statuses[DeliveryStatus.SUCCEEDED]
    event_ids = {str(row["event_id"]) for row in deliveries}
    latencies, arrivals, duplicates = [], [], 0
    for receiver in receivers:
        first = receiver.first_arrivals()
        latencies += [first[event] - committed for event in event_ids if event in first]
        arrivals += [arrived - committed for _, arrived in receiver.arrivals]
        duplicates += len(receiver.arrivals) - len(first)
    wall = (finished or time.time()) - committed
    log(
        f"\nWebhook fan-out on {os.cpu_count()} cores; load average {fixtures['load']:.1f} before, "
        f"{os.getloadavg()[0]:.1f} after"
    )
    log(f"  events                {len(event_ids):,}")
    log(f"  endpoints             {len(receivers)}")
    log(f"  deliveries            {len(deliveries):,} ({succeeded:,} succeeded)")
    log(f"  workers               {WORKERS}, each a prefork pool of concurrency {CONCURRENCY}")
    if finished is None:
        log(f"  NOT DONE after {TIMEOUT:g} s")
    log(f"  wall seconds          {wall:.1f}")
    log(f"  deliveries/s          {succeeded / wall:.1f}")
    if latencies:
        log(
            f"  event to arrival      p50 {percentile(latencies, 0.5):.1f} s, "
            f"p99 {percentile(latencies, 0.99):.1f} s, max {max(latencies):.1f} s"
        )
    log(f"  duplicates seen       {duplicates}")
    failed_attempts = sum(row["attempts"] for row in deliveries) - succeeded
    errors = Counter(row["last_error"] for row in deliveries if row["last_error"])
    log(
        f"  failures              {statuses[DeliveryStatus.FAILED]} failed, "
        f"{failed_attempts} failed attempts {dict(errors) or ''}"
    )
    verified = sum(
        verifies(Webhook(fixtures["secrets"][receiver.url]), body, headers)
        for receiver in receivers
        for body, headers in receiver.samples
    )
    sampled = sum(len(receiver.samples) for receiver in receivers)
    log(f"  signatures checked    {verified} of {sampled} sampled requests verify")

    fan_outs = Counter(row["retrying_since"].timestamp() - committed for row in deliveries)
    log(
        "\n  fanned out at         "
        + ", ".join(f"+{at:.1f} s ({count:,})" for at, count in sorted(fan_outs.items()))
    )
    runs = task_runs(logs, committed)
    ticks = [run for run in runs if run[1] == "dispatch" and run[0] <= committed + wall + TICK]
    busy = [run for run in ticks if "{'fanned_out': 0, 'sent': 0}" not in run[3]]
    log(
        f"  dispatch ticks        {len(ticks)} ran, {len(ticks) - len(busy)} with nothing to do; "
        "those with work ended at"
    )
    for at, _, seconds, result in busy:
        log(f"                        +{at - committed:.1f} s, in {seconds:.2f} s: {result}")
    deliver_times = [seconds for _, task, seconds, _ in runs if task == "deliver"]
    if len(deliver_times) > 1:
        log(
            f"  deliver tasks         {len(deliver_times):,}, each p50 "
            f"{percentile(deliver_times, 0.5) * 1000:.0f} ms, p99 "
            f"{percentile(deliver_times, 0.99) * 1000:.0f} ms, "
            f"busy {sum(deliver_times) / wall:.2f} of {WORKERS * CONCURRENCY} processes"
        )
    per_delivery = {group: used / len(deliveries) * 1000 for group, used in cpu.items()}
    log(
        "  CPU per delivery      "
        + ", ".join(f"{group} {used:.1f} ms" for group, used in per_delivery.items())
        + f"; {sum(per_delivery.values()):.1f} ms in all"
    )
    log(
        f"  PostgreSQL            {connections:,} connections opened and closed "
        f"({connections / len(deliveries):.2f} per delivery)"
    )
    buckets = Counter(int(at // TICK) for at in arrivals)
    log(
        f"  arrivals per {TICK:g} s     "
        + " ".join(str(buckets[index]) for index in range(max(buckets, default=-1) + 1))
    )


def verifies(webhook, body: bytes, headers: dict) -> bool:
    from standardwebhooks import WebhookVerificationError

    try:
        webhook.verify(body, {name.lower(): value for name, value in headers.items()})
    except WebhookVerificationError:
        return False
    return True


def main() -> None:
    owner_url, app_url = database_urls()
    broker = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    broker.ping()
    ensure_database(owner_url)
    env = environment(owner_url)
    manage(env, "migrate", "--noinput", "-v0")
    manage({**env, "APP_DATABASE_PASSWORD": APP_PASSWORD}, "grant_app_role", APP_ROLE)
    os.environ.update(env)

    import django

    django.setup()

    forget_queue(broker)
    with tempfile.TemporaryDirectory(prefix="rootwise-fanout-") as directory:
        directory = Path(directory)
        certificate, key = self_signed_certificate(directory)
        receivers = [Receiver(certificate, key) for _ in range(ENDPOINTS)]
        processes = Processes(directory)
        try:
            fixtures = prepare(receivers)
            authorities = trust_bundle(directory, certificate)
            worker_env = {**environment(app_url), "SSL_CERT_FILE": str(authorities)}
            logs, workers, beat = start_celery(processes, directory, worker_env)
            log(f"Recording {EVENTS:,} assessments in one transaction …")
            fixtures["load"] = os.getloadavg()[0]
            committed = record_events(fixtures)
            connections = connections_opened()
            with CpuMeter(classifier(workers, beat)) as meter:
                finished = wait_until_delivered(fixtures["practice"], receivers)
        finally:
            processes.stop()
            for receiver in receivers:
                receiver.close()
            forget_queue(broker)
        connections = connections_opened() - connections
        report(fixtures, receivers, committed, finished, logs, meter.seconds, connections)


if __name__ == "__main__":
    main()
