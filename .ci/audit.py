"""Checks the locked releases against the advisory databases with pip-audit, for CI.

    .venv/bin/python .ci/audit.py requirements/runtime.txt requirements/test.txt

Fails, naming each advisory and the releases that fix it, when a locked release has a known
vulnerability, and when the service answers for some locked releases but not for others (an
audit with holes proves nothing). Skips, saying so, only when no advisory service can be
reached: PyPI's is asked first, then OSV's; a service that cannot be connected to, or that knows
none of the locked releases, is unreachable.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

PIP_AUDIT = Path(sys.executable).with_name("pip-audit")
SERVICES = ("pypi", "osv")
NOT_CONNECTED = re.compile(
    r"requests\.exceptions\.(ConnectionError|ProxyError|SSLError|ConnectTimeout|ReadTimeout)"
)


class Unreachable(Exception):
    pass


def audit(lock: str, service: str) -> list[dict]:
    """pip-audit's report on each release in `lock`, checked against its hashes."""
    options = ["--disable-pip", "--require-hashes", "--format", "json", "--progress-spinner", "off"]
    done = subprocess.run(  # noqa: S603 (our own arguments)
        [PIP_AUDIT, *options, "--requirement", lock, "--vulnerability-service", service],
        capture_output=True,
        text=True,
        check=False,
    )
    if not_connected := NOT_CONNECTED.search(done.stderr):
        raise Unreachable(not_connected.group(0))
    try:
        dependencies = json.loads(done.stdout)["dependencies"]
    except (json.JSONDecodeError, KeyError):
        sys.exit(f"ci: pip-audit could not audit {lock}:\n{done.stdout}{done.stderr}")
    if dependencies and all("skip_reason" in dependency for dependency in dependencies):
        raise Unreachable(f"it knows none of the {len(dependencies)} releases in {lock}")
    return dependencies


def verdict(reports: dict[str, list[dict]], service: str) -> int:
    problems = 0
    for lock, dependencies in reports.items():
        for dependency in dependencies:
            name = f"{lock}: {dependency['name']} {dependency.get('version', '')}".rstrip()
            if "skip_reason" in dependency:
                print(f"ci: {name} was not audited: {dependency['skip_reason']}")
                problems += 1
            for vulnerability in dependency.get("vulns", []):
                ids = ", ".join([vulnerability["id"], *vulnerability.get("aliases", [])])
                fixed_in = ", ".join(vulnerability.get("fix_versions", [])) or "no release yet"
                print(f"ci: {name}: {ids} (fixed in {fixed_in})")
                problems += 1
    if problems:
        print(f"ci: pip-audit FAILED ({service}): {problems} finding(s) above")
        return 1
    releases = {
        (d["name"], d["version"]) for dependencies in reports.values() for d in dependencies
    }
    print(f"ci: pip-audit ({service}): no known vulnerabilities in {len(releases)} locked releases")
    return 0


def main(locks: list[str]) -> int:
    if not locks:
        sys.exit(__doc__)
    for service in SERVICES:
        try:
            reports = {lock: audit(lock, service) for lock in locks}
        except Unreachable as why:
            print(f"ci: pip-audit: the {service} advisory service is unreachable ({why})")
            continue
        return verdict(reports, service)
    print("ci: pip-audit SKIPPED: advisory service unreachable")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
