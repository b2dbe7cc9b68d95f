"""The capacity app's modules import each other without a cycle (services is a package
split by part; certificates raises CapacityError from capacity.errors and never imports the
services that call it), and callers still find every service in capacity.services."""

from __future__ import annotations

import ast
from pathlib import Path

import cityrights.capacity as capacity_package
from cityrights.capacity import services

ROOT = Path(capacity_package.__file__).parent
PACKAGE = "cityrights.capacity"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join((PACKAGE, *parts))


def _imports(path: Path, name: str) -> set[str]:
    """Modules of the app that ``path`` imports, at any depth of its code."""
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            targets = [module] + [f"{module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            continue
        found |= {t for t in targets if t.startswith(PACKAGE)}
    return found


def _graph() -> dict[str, set[str]]:
    modules = {
        _module_name(path): path
        for path in ROOT.rglob("*.py")
        if "migrations" not in path.parts and "management" not in path.parts
    }
    return {
        name: {target for target in _imports(path, name) if target in modules and target != name}
        for name, path in modules.items()
    }


def test_certificates_and_services_do_not_import_each_other():
    graph = _graph()
    assert not any(t.startswith(f"{PACKAGE}.services") for t in graph[f"{PACKAGE}.certificates"])
    assert f"{PACKAGE}.certificates" in graph[f"{PACKAGE}.services.attendance"]


def test_the_services_and_the_modules_they_use_form_no_cycle():
    graph = _graph()
    visiting: list[str] = []
    done: set[str] = set()

    def visit(name: str) -> None:
        assert name not in visiting, " → ".join([*visiting[visiting.index(name) :], name])
        if name in done:
            return
        visiting.append(name)
        for target in sorted(graph.get(name, ())):
            if not target.startswith(f"{PACKAGE}.views") and target != f"{PACKAGE}.services":
                visit(target)
        visiting.pop()
        done.add(name)

    for name in sorted(graph):
        if name.startswith(f"{PACKAGE}.services.") or name == f"{PACKAGE}.certificates":
            visit(name)


def test_callers_import_every_service_from_the_package():
    for name in services.__all__:
        assert getattr(services, name) is not None
    assert services.CapacityError.status == 409
    assert issubclass(services.AttendanceImportError, services.CapacityError)
