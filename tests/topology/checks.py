"""The topology's checks, run by tests/topology/run once everything is up:

    python -m tests.topology.checks            # every check, in order
    python -m tests.topology.checks throttle   # only those named

Prints "check: NAME ... PASS (what was seen)" or "... FAIL: what went wrong" for each, then a
count, and exits 1 if any failed. Each check is bounded in time and requests; the drills stop
and start services of the topology and leave it whole again.
"""

import sys
import time
import traceback

from tests.topology import drills, flow, instances, rotation, scheduler
from tests.topology.topology import CheckFailed

CHECKS = [
    ("API through HAProxy and PgBouncer (clinician's flow, CSV streamed)", flow.clinician_flow),
    ("every GET of the schema behind PgBouncer", flow.every_read),
    ("practices apart behind PgBouncer (RLS, SET LOCAL)", flow.practices_apart),
    ("lock-out across instances", instances.lockout),
    ("throttle across instances", instances.throttle),
    ("Idempotency-Key replay on another instance", instances.idempotency),
    ("ETag/If-Match across instances", instances.conditional_writes),
    ("cursor pages from different instances", instances.cursors),
    ("scheduler once (two more schedulers ticking together)", scheduler.sends_once),
    ("one instance killed under load", drills.instance_killed),
    ("Redis restarted", drills.redis_restarted),
    ("key rotation with instances on different key lists", rotation.rotation),
]


def main(names: list[str]) -> int:
    chosen = [(name, check) for name, check in CHECKS if not names or check.__name__ in names]
    failed = 0
    for name, check in chosen:
        started = time.monotonic()
        try:
            seen = check()
        except CheckFailed as failure:
            outcome, failed = f"FAIL: {failure}", failed + 1
        except Exception:  # a check that crashes has failed; say where
            outcome, failed = (
                "FAIL: " + traceback.format_exc().strip().replace("\n", "\n    "),
                failed + 1,
            )
        else:
            outcome = f"PASS ({seen})"
        print(f"check: {name} ... {outcome} [{time.monotonic() - started:.1f} s]", flush=True)
    print(f"topology checks: {len(chosen) - failed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
