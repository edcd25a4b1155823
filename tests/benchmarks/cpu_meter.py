"""CPU seconds spent by groups of processes over a stretch of a benchmark (Linux /proc), so that
a benchmark sharing its machine can say what its own work cost, whatever else ran beside it.
A process is sampled every half second: one that ends keeps what it had used when last seen."""

import os
import threading
from collections.abc import Callable

TICKS = os.sysconf("SC_CLK_TCK")

# A group's name, given a process's (id, process group id, command line); None for no group.
Classify = Callable[[int, int, str], str | None]


def _processes():
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat, open(f"/proc/{entry}/cmdline") as cmdline:
                fields = stat.read().rsplit(")", 1)[1].split()
                command = cmdline.read().replace("\0", " ")
        except OSError:  # it ended meanwhile
            continue
        used = (int(fields[11]) + int(fields[12])) / TICKS
        # A process is known by its id and start time (ids are reused); its title may change.
        yield (int(entry), fields[19]), int(fields[2]), command, used


class CpuMeter:
    """`with CpuMeter(classify) as meter: …`, then `meter.seconds`: CPU seconds per group."""

    def __init__(self, classify: Classify, interval: float = 0.5):
        self.classify = classify
        self.interval = interval
        self._first: dict[tuple[int, str], float] = {}
        self._last: dict[tuple[int, str], tuple[str, float]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.seconds: dict[str, float] = {}

    def _sample(self, *, at_start: bool = False) -> None:
        for key, group_id, command, used in _processes():
            group = self.classify(key[0], group_id, command)
            if group is not None:
                # A process that starts later counts from its beginning.
                self._first.setdefault(key, used if at_start else 0.0)
                self._last[key] = (group, used)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def __enter__(self) -> "CpuMeter":
        self._sample(at_start=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()
        totals: dict[str, float] = {}
        for key, (group, used) in self._last.items():
            totals[group] = totals.get(group, 0.0) + used - self._first[key]
        self.seconds = totals
