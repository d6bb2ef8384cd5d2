"""Generated checks compiled so that they build each :class:`~calculator.engine.model.CriterionResult` by setting its
slots in place: ``r = NEW(CR); r.criterion = …`` instead of ``CR(…)``, which enters the dataclass's ``__init__``
through the interpreter's C entry (a Python-level call from C per result, about 70 per company). The result is the
same object: ``CriterionResult``'s ``__init__`` only sets its fields, in order (``tests/test_criteria_code.py``).

Only a ``return CR(…)`` or a ``name = CR(…)`` with every field given by position is rewritten; the line numbers stay
those of the source, so a traceback shows the template's line."""

from __future__ import annotations

import ast
from dataclasses import fields
from types import CodeType
from typing import Any

from calculator.engine.model import CriterionResult

FIELDS = tuple(f.name for f in fields(CriterionResult))
NAMES: dict[str, Any] = {"NEW": object.__new__, "CR": CriterionResult}  # what the rewritten code calls


def in_place(source: str, filename: str = "<string>") -> CodeType:
    """``compile(source, filename, "exec")``, each result built in place (the namespace it runs in needs
    :data:`NAMES`)."""
    tree = _InPlace().visit(ast.parse(source, filename))
    return compile(ast.fix_missing_locations(tree), filename, "exec")


class _InPlace(ast.NodeTransformer):
    def visit_Return(self, node: ast.Return) -> ast.AST | list[ast.stmt]:
        if not _made(node.value):
            return node
        assert isinstance(node.value, ast.Call)
        return [*_in_place("made", node.value, node), ast.copy_location(ast.Return(_name("made")), node)]

    def visit_Assign(self, node: ast.Assign) -> ast.AST | list[ast.stmt]:
        target = node.targets[0]
        if len(node.targets) != 1 or not isinstance(target, ast.Name) or not _made(node.value):
            return node
        assert isinstance(node.value, ast.Call)
        return _in_place(target.id, node.value, node)


def _made(value: ast.expr | None) -> bool:
    """Whether ``value`` is ``CR(…)`` with every field given by position."""
    return (isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "CR"
            and not value.keywords and len(value.args) == len(FIELDS)
            and not any(isinstance(arg, ast.Starred) for arg in value.args))


def _in_place(name: str, call: ast.Call, where: ast.stmt) -> list[ast.stmt]:
    """``name = NEW(CR)`` and one slot set per field, each argument evaluated in its order as before."""
    made = ast.Assign([ast.Name(name, ast.Store())], ast.Call(_name("NEW"), [_name("CR")], []))
    slots = [ast.Assign([ast.Attribute(_name(name), field, ast.Store())], arg)
             for field, arg in zip(FIELDS, call.args, strict=True)]
    return [ast.copy_location(stmt, where) for stmt in (made, *slots)]


def _name(name: str) -> ast.Name:
    return ast.Name(name, ast.Load())
