"""Write the ready-to-run batch examples from the JSON examples, so they can be made again after a change:

    .venv/bin/python tools/make_examples.py

* ``examples/portfolio.csv``: the three example companies, one row each, headers by field name, percentages
  written as people write them ("95%");
* ``examples/staff-roster.xlsx``: the HR roster of ten people on a sheet named "people", headers as the template
  writes them (the question, then the field name), money cells formatted with thousands separators.

``incentives batch examples/portfolio.csv out.xlsx`` (and the same for the roster) runs them as they are.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
COMPANIES = ("nanshan-seed-startup.json", "futian-hightech-scaleup.json", "qianhai-hk-staff.json")
PERCENT_FIELDS = ("qianhai_main_business_income_percent", "rd_in_china_percent", "high_tech_revenue_percent",
                  "software_revenue_percent")


def cell(name: str, value: Any) -> str:
    """One CSV cell as a person types it: lists comma-separated, percentages with their sign."""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if name in PERCENT_FIELDS and value is not None:
        return f"{value}%"
    return "" if value is None else str(value)


def write_portfolio(target: Path) -> None:
    rows = [json.loads((EXAMPLES / name).read_text(encoding="utf-8"))["company"] for name in COMPANIES]
    names: list[str] = []
    for row in rows:
        names += [n for n in row if n not in names]
    with target.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(names)
        for row in rows:
            out.writerow([cell(n, row.get(n)) for n in names])


def write_roster(target: Path) -> None:
    from openpyxl import Workbook

    from calculator.batch.columns import FIELDS, header_text

    people = json.loads((EXAMPLES / "hr-roster-ten.json").read_text(encoding="utf-8"))["people"]
    names: list[str] = []
    for person in people:
        names += [n for n in person if n not in names]
    wb = Workbook()
    ws = wb.active
    ws.title = "people"
    ws.append([header_text(n, FIELDS["person"][n], "en") for n in names])
    for person in people:
        values = [person.get(n) for n in names]
        ws.append([", ".join(v) if isinstance(v, list) else v for v in values])
    for column, name in enumerate(names, 1):
        unit = FIELDS["person"][name]["unit"]
        for row in range(2, len(people) + 2):
            target_cell = ws.cell(row=row, column=column)
            if unit == "CNY" and isinstance(target_cell.value, str):
                target_cell.value = int(target_cell.value.replace(",", ""))
                target_cell.number_format = "#,##0"
            elif unit == "date" and isinstance(target_cell.value, str):
                target_cell.value = dt.date.fromisoformat(target_cell.value)
                target_cell.number_format = "yyyy-mm-dd"
    wb.properties.created = wb.properties.modified = dt.datetime(2026, 12, 3)
    wb.save(target)


def main() -> int:
    write_portfolio(EXAMPLES / "portfolio.csv")
    write_roster(EXAMPLES / "staff-roster.xlsx")
    print("wrote examples/portfolio.csv and examples/staff-roster.xlsx")
    return 0


if __name__ == "__main__":
    sys.exit(main())
