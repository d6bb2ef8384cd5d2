"""The layer contract, read from the source: the engine stays free of web and spreadsheet code, ``schemas`` depends
on nothing of the calculator but the language layer, and the language layer on nothing above it.

An AST test rather than import-linter: no extra tool or config to keep in step, it sees imports inside functions
and ``TYPE_CHECKING`` blocks (which import-linter's graph builder also counts), and it follows the project's own
modules transitively, so an engine module reaching flask through ``schemas`` is caught too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SURFACES = ("calculator.web", "calculator.api", "calculator.batch", "calculator.workbook", "calculator.cli",
            "calculator.app")
WEB_AND_SHEETS = ("flask", "werkzeug", "jinja2", "openpyxl", "xlsxwriter", "flask_smorest", "flask_wtf")


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, name: str) -> set[str]:
    """Every module ``path`` imports (absolute names; relative imports resolved against ``name``)."""
    found: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def graph(root: Path, packages: tuple[str, ...] = ("calculator", "schemas")) -> dict[str, set[str]]:
    modules: dict[str, set[str]] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            name = module_name(path, root)
            modules[name] = imports_of(path, name)
    return {name: {i for i in found if i} for name, found in modules.items()}


def reach(modules: dict[str, set[str]], start: str) -> dict[str, str]:
    """Everything the modules under ``start`` import, directly or through the project's own modules:
    imported name -> the project module that imports it."""
    seen: dict[str, str] = {}
    todo = [m for m in modules if m == start or m.startswith(start + ".")]
    visited: set[str] = set()
    while todo:
        current = todo.pop()
        if current in visited:
            continue
        visited.add(current)
        for imported in modules[current]:
            seen.setdefault(imported, current)
            if imported in modules:
                todo.append(imported)
    return seen


def violations(modules: dict[str, set[str]], start: str, forbidden: tuple[str, ...]) -> list[str]:
    return sorted(f"{via} imports {name}" for name, via in reach(modules, start).items()
                  if any(name == f or name.startswith(f + ".") for f in forbidden))


def direct_violations(modules: dict[str, set[str]], start: str, allowed: tuple[str, ...],
                      watched: tuple[str, ...]) -> list[str]:
    """Imports by modules under ``start`` of anything in ``watched`` outside ``allowed`` (and outside itself)."""
    out = []
    for name, found in modules.items():
        if name != start and not name.startswith(start + "."):
            continue
        for imported in found:
            inside = imported == start or imported.startswith(start + ".")
            ok = any(imported == a or imported.startswith(a + ".") for a in allowed)
            if not inside and not ok and any(imported == w or imported.startswith(w + ".") for w in watched):
                out.append(f"{name} imports {imported}")
    return sorted(out)


MODULES = graph(ROOT)


def test_the_engine_imports_no_web_spreadsheet_or_surface_code():
    assert violations(MODULES, "calculator.engine", WEB_AND_SHEETS + SURFACES) == []


def test_schemas_import_nothing_of_the_calculator_but_the_language_layer():
    assert direct_violations(MODULES, "schemas", ("calculator.i18n",), ("calculator",)) == []
    assert violations(MODULES, "schemas", ("calculator.engine", *SURFACES, *WEB_AND_SHEETS)) == []


def test_the_language_layer_imports_neither_engine_nor_schemas_nor_surfaces():
    assert violations(MODULES, "calculator.i18n", ("calculator.engine", "schemas", *SURFACES)) == []


@pytest.mark.parametrize(("module", "source", "start", "forbidden"), [
    ("calculator/engine/bad.py", "from flask import request\n", "calculator.engine", WEB_AND_SHEETS),
    ("calculator/engine/bad.py", "def f():\n    from calculator.web import views\n", "calculator.engine", SURFACES),
    ("calculator/engine/bad.py", "import schemas.leaky\n", "calculator.engine", WEB_AND_SHEETS),  # transitively
    ("calculator/i18n/bad.py", "from ..engine import model\n", "calculator.i18n", ("calculator.engine",)),
])
def test_the_contract_check_reports_a_broken_layer(tmp_path, module, source, start, forbidden):
    """The checks above bite: a fake tree with one forbidden import (direct, in a function, relative, or
    through another project module) is reported."""
    for package in ("calculator", "calculator/engine", "calculator/i18n", "schemas"):
        (tmp_path / package).mkdir(parents=True, exist_ok=True)
        (tmp_path / package / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "schemas" / "leaky.py").write_text("import openpyxl\n", encoding="utf-8")
    (tmp_path / module).write_text(source, encoding="utf-8")
    assert violations(graph(tmp_path), start, forbidden) != []


def test_schemas_importing_the_engine_is_reported(tmp_path):
    for package in ("calculator", "calculator/engine", "schemas"):
        (tmp_path / package).mkdir(parents=True, exist_ok=True)
        (tmp_path / package / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "schemas" / "bad.py").write_text("from calculator.engine.enums import Status\n", encoding="utf-8")
    assert direct_violations(graph(tmp_path), "schemas", ("calculator.i18n",), ("calculator",)) == [
        "schemas.bad imports calculator.engine.enums", "schemas.bad imports calculator.engine.enums.Status"]


# --- surfaces: the engine's public interface and the service, never each other's internals ----------------------
SURFACE_MODULES = (*SURFACES, "calculator.catalogue_doc")
COMPOSITION_ROOT = "calculator.app"  # builds the app from every surface's registration
# What a surface may import of the project besides its own package: the engine's package (its public interface,
# calculator/engine/__init__.py), the application service, the language layer, the schemas, shared plumbing, and
# another surface's package (its public names, e.g. the web calling calculator.workbook.build_workbook).
SURFACE_MAY_IMPORT = ("calculator.engine", "calculator.service", "calculator.i18n", "schemas", "calculator.config",
                      "calculator.extensions", "calculator.files", "calculator", *SURFACES)
# Spreadsheet plumbing the batch surface builds on: reading an uploaded .xlsx safely (zipcheck) and writing cells
# safely (cells, verbatim). The only internals one surface shares with another, by name.
SHARED_INTERNALS = {"calculator.batch": ("calculator.workbook.zipcheck", "calculator.workbook.cells",
                                         "calculator.workbook.verbatim")}


def surface_of(name: str) -> str | None:
    return next((s for s in SURFACE_MODULES if name == s or name.startswith(s + ".")), None)


def surface_violations(modules: dict[str, set[str]]) -> list[str]:
    """Imports of project modules by surface modules beyond :data:`SURFACE_MAY_IMPORT` (a package's own name, not
    its submodules), other than their own surface's modules, the composition root's and :data:`SHARED_INTERNALS`."""
    out = []
    for name, found in modules.items():
        own = surface_of(name)
        if own is None or name == COMPOSITION_ROOT:
            continue
        for imported in found:
            project = imported in modules or (imported.split(".")[0] in ("calculator", "schemas") and any(
                m.startswith(imported + ".") for m in modules))
            if not project or surface_of(imported) == own:
                continue
            allowed = imported in SURFACE_MAY_IMPORT or any(
                imported.startswith(p + ".") for p in ("calculator.i18n", "schemas"))
            if not allowed and imported not in SHARED_INTERNALS.get(own, ()):
                out.append(f"{name} imports {imported}")
    return sorted(out)


def test_surfaces_import_the_engine_package_the_service_and_other_surfaces_packages_only():
    """Surfaces (web, API, CLI, batch, workbook) go through ``calculator.engine``'s public names and
    ``calculator.service``; they never reach into the engine's modules or into another surface's."""
    assert surface_violations(MODULES) == []


def test_the_service_uses_the_engine_package_and_nothing_uses_the_service_below_it():
    assert [i for i in MODULES["calculator.service"] if i.startswith("calculator.engine.") and i in MODULES] == []
    assert violations(MODULES, "calculator.service", WEB_AND_SHEETS + SURFACES) == []
    assert violations(MODULES, "calculator.engine", ("calculator.service",)) == []
    assert violations(MODULES, "schemas", ("calculator.service",)) == []


@pytest.mark.parametrize(("module", "source"), [
    ("calculator/web/bad.py", "from calculator.engine.report import to_document\n"),
    ("calculator/api/bad.py", "def f():\n    from calculator.engine import report\n"),
    ("calculator/cli.py", "from calculator.batch.run import run_batch\n"),
    ("calculator/web/bad.py", "from ..batch import jobs\n"),
    ("calculator/workbook/bad.py", "import calculator.web.views\n"),
])
def test_the_surface_check_reports_an_import_of_internals(tmp_path, module, source):
    for package in ("calculator", "calculator/engine", "calculator/web", "calculator/api", "calculator/batch",
                    "calculator/workbook", "schemas"):
        (tmp_path / package).mkdir(parents=True, exist_ok=True)
        (tmp_path / package / "__init__.py").write_text("", encoding="utf-8")
    for internal in ("engine/report.py", "batch/run.py", "batch/jobs.py", "web/views.py"):
        (tmp_path / "calculator" / internal).write_text("", encoding="utf-8")
    (tmp_path / "calculator" / "service.py").write_text("from calculator.engine import assess\n", encoding="utf-8")
    (tmp_path / "calculator" / "web" / "good.py").write_text(
        "from calculator.engine import Status\nfrom calculator.service import Service\nfrom calculator.batch import "
        "run_batch\nfrom calculator.web import good\n", encoding="utf-8")
    assert surface_violations(graph(tmp_path)) == []
    (tmp_path / module).write_text(source, encoding="utf-8")
    assert surface_violations(graph(tmp_path)) != []
