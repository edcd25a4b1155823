"""The packages form layers, each importing only those below it, so that a change to a
capability never has to reach down and round: `api` is the ground floor (settings wire the apps
in, and the root URLconf routes to them; nothing else in it names an app)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Lowest first: a package may import itself and any package listed before it.
LAYERS = ["api", "clients", "sessions", "assessments", "progress", "demo"]

# The modules of `api` whose job is to name the apps: the settings and the root URLconf.
WIRING = {"api/settings.py", "api/settings_test.py", "api/urls.py"}


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Reads source files only: no database, so no cache to clear (run alone, this module sets
    up no test database)."""


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return {name.split(".")[0] for name in names} & set(LAYERS)


def forbidden_imports(root: Path = ROOT) -> list[str]:
    found = []
    for rank, package in enumerate(LAYERS):
        allowed = set(LAYERS[: rank + 1])
        for path in sorted((root / package).rglob("*.py")):
            relative = path.relative_to(root).as_posix()
            if "/migrations/" in relative or relative in WIRING:
                continue
            for imported in sorted(imported_packages(path) - allowed):
                found.append(f"{relative} imports {imported}")
    return found


def test_every_package_imports_only_the_layers_below_it():
    assert forbidden_imports() == []


def test_every_app_has_a_layer():
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert apps <= set(LAYERS), sorted(apps - set(LAYERS))


def test_the_check_sees_a_forbidden_import(tmp_path):
    for package in LAYERS:
        (tmp_path / package).mkdir()
    (tmp_path / "api" / "access.py").write_text("from clients.models import Client\n")
    (tmp_path / "clients" / "summary.py").write_text("import progress.summaries\n")

    assert forbidden_imports(tmp_path) == [
        "api/access.py imports clients",
        "clients/summary.py imports progress",
    ]
