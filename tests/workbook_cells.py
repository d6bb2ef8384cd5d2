"""Everything a reader gets from an assessment workbook, for comparing two builds of it: each sheet's cells (value,
type, number format, font, fill, border, alignment, protection, quote prefix, link), merged ranges, column widths,
row heights, data validations, conditional formats, filters, freeze panes, print setup, defined names, charts and
sheet order, as openpyxl reads them; and the package's parts byte for byte (the creation time aside).

Used by ``tests/test_workbook_xmlrows.py``, and on its own to compare the workbooks two checkouts build:

    python tests/workbook_cells.py save --tree /work/main /tmp/before      # in each checkout's environment
    python tests/workbook_cells.py save --tree . /tmp/after
    python tests/workbook_cells.py compare /tmp/before /tmp/after

``save`` builds the benchmark's workbooks (the examples and the company with 50 people) in both languages.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import io
import json
import re
import sys
import zipfile
from pathlib import Path
from typing import Any

AS_OF = dt.date(2026, 11, 21)
TIMES = re.compile(rb"<dcterms:(created|modified)[^<]*</dcterms:\w+>")


def parts(data: bytes) -> dict[str, bytes]:
    """The package's parts, the creation and modification times left out of the core properties."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        found = {name: package.read(name) for name in package.namelist()}
    if "docProps/core.xml" in found:
        found["docProps/core.xml"] = TIMES.sub(b"", found["docProps/core.xml"])
    return found


def cell_facts(cell: Any) -> tuple[Any, ...]:
    link = cell.hyperlink.target if cell.hyperlink is not None else None
    value = cell.value
    if not isinstance(value, str | int | float | dt.date | dt.time | dt.timedelta | None):  # array formulas…
        value = (type(value).__name__, sorted(vars(value).items()))
    return (cell.coordinate, value, cell.data_type, cell.number_format, repr(cell.font), repr(cell.fill),
            repr(cell.border), repr(cell.alignment), repr(cell.protection), cell.quotePrefix, link)


def sheet_facts(ws: Any) -> dict[str, Any]:
    setup = ws.page_setup
    return {
        "cells": [cell_facts(cell) for row in ws.iter_rows() for cell in row
                  if cell.has_style or cell.value is not None],
        "merged": sorted(str(r) for r in ws.merged_cells.ranges),
        "widths": {key: (d.min, d.max, d.width, d.customWidth, d.hidden) for key, d in ws.column_dimensions.items()},
        "heights": {key: (d.height, d.customHeight, d.hidden) for key, d in ws.row_dimensions.items()
                    if d.height is not None or d.hidden},
        "validations": [repr(v) for v in ws.data_validations.dataValidation],
        "conditional": [(str(r.sqref), repr(rules)) for r, rules in ws.conditional_formatting._cf_rules.items()],
        "filter": ws.auto_filter.ref,
        "freeze": ws.freeze_panes,
        "print": (ws.print_area, ws.print_title_rows, ws.print_title_cols, setup.orientation, setup.paperSize,
                  setup.fitToWidth, setup.fitToHeight, repr(ws.page_margins), ws.oddHeader.left.text,
                  ws.oddFooter.right.text, [b.id for b in ws.row_breaks.brk]),
        "names": sorted((name, repr(value)) for name, value in ws.defined_names.items()),
        "charts": [(type(c).__name__, repr(c.anchor._from)) for c in ws._charts],
        "dimensions": ws.dimensions,
    }


def facts(data: bytes) -> dict[str, Any]:
    """What openpyxl reads from the workbook ``data``, sheet by sheet in order."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    return {"sheets": [(ws.title, sheet_facts(ws)) for ws in wb.worksheets],
            "names": sorted((name, repr(value)) for name, value in wb.defined_names.items()),
            "title": wb.properties.title, "custom": [repr(p) for p in wb.custom_doc_props.props]}


def differences(before: bytes, after: bytes) -> list[str]:
    """Where two workbooks differ: parts of the package (bytes), then what openpyxl reads (first difference per
    sheet and kind of fact). Empty when they are the same."""
    found: list[str] = []
    old, new = parts(before), parts(after)
    found += [f"part {name}" for name in sorted(old.keys() | new.keys()) if old.get(name) != new.get(name)]
    a, b = facts(before), facts(after)
    if [t for t, _ in a["sheets"]] != [t for t, _ in b["sheets"]]:
        found.append("sheet order")
    for (title, x), (_, y) in zip(a["sheets"], b["sheets"], strict=False):
        for key in x:
            if x[key] != y[key]:
                first = next((f"{p!r} != {q!r}" for p, q in zip(x[key], y[key], strict=False) if p != q), "lengths")
                found.append(f"{title} {key}: {first}"[:400])
    found += [key for key in ("names", "title", "custom") if a[key] != b[key]]
    return found


def cases(tree: Path) -> list[tuple[str, dict[str, Any]]]:
    """The benchmark's workbooks: each example profile and the company with 50 people."""
    bench = importlib.import_module("benchmarks.workbook")
    found = [(path.stem, json.loads(path.read_text(encoding="utf-8")))
             for path in sorted((tree / "examples").glob("*.json"))]
    return [*found, ("people-50", bench.company_with_people(50))]


def save(tree: Path, target: Path) -> None:
    sys.path.insert(0, str(tree.resolve()))
    import calculator
    from calculator.engine import assess, load_catalogue
    from calculator.workbook import build_workbook
    from schemas.profile import AssessmentInputSchema

    print(f"building with {Path(calculator.__file__).parent}")
    target.mkdir(parents=True, exist_ok=True)
    catalogue = load_catalogue()
    for name, profile in cases(tree):
        assessment = assess(catalogue, AssessmentInputSchema(choices=catalogue.choices).load(profile), AS_OF)
        for lang in ("zh", "en"):
            (target / f"{name}.{lang}.xlsx").write_bytes(build_workbook(catalogue, assessment, lang))


def compare(before: Path, after: Path) -> int:
    names = sorted(p.name for p in before.glob("*.xlsx"))
    if not names or names != sorted(p.name for p in after.glob("*.xlsx")):
        print("the two folders do not hold the same workbooks")
        return 1
    failed = 0
    for name in names:
        found = differences((before / name).read_bytes(), (after / name).read_bytes())
        print(f"{name}: " + ("identical (parts byte for byte, and every fact openpyxl reads)" if not found
                             else "DIFFERENT\n  " + "\n  ".join(found)))
        failed += bool(found)
    return 1 if failed else 0


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--tree", type=Path, required=True, help="the checkout whose code builds the workbooks")
    parser.add_argument("target", type=Path)


def main() -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script: the checkout's benchmarks
    from benchmarks.snapshots import command_line

    return command_line(__doc__ or "", lambda args: save(args.tree, args.target), compare, options, "save")


if __name__ == "__main__":
    sys.exit(main())
