"""The People sheet: one row per person and program, then totals blocks per program and per person
(live SUMIFS/COUNTIFS over the rows above; the Programs sheet refers to the per-program block)."""

from __future__ import annotations

from typing import Any

from calculator.engine import MONEY_KINDS, PRICED_KINDS
from calculator.i18n import gettext
from calculator.workbook.cells import Column, Formula, Sheet
from calculator.workbook.context import PEOPLE_LOW, BookContext, letter, rng


def columns(b: BookContext) -> list[Column]:
    # The totals blocks below the detail rows reuse these columns: program / ID / count / low / high
    # (and the two 万元 columns after them in Chinese).
    return [Column(b.w("person_no"), 6, "index"), Column(b.w("person_ref"), 20, "wrap"),
            Column(b.w("department"), 14, "wrap"), Column(b.w("program"), 30, "wrap"),
            Column(b.w("program_id"), 18), Column(b.w("status"), 16, "wrap"),
            Column(b.w("low"), 17, "money"), Column(b.w("high"), 17, "money"),
            Column(b.w("counts_person"), 11, "int"), Column(b.w("excluded"), 30, "wrap"),
            Column(b.w("flags"), 50, "wrap"), Column(b.w("kind_col"), 16, "wrap")]


def write(b: BookContext, sheet: Sheet) -> None:
    low_col, count_col, id_col, person_col = PEOPLE_LOW, PEOPLE_LOW + 2, PEOPLE_LOW - 2, 1
    for entry in b.person_entries:
        p = entry.doc
        est = p["estimate"] or {}
        excluded = p["excluded_by"]["text"] if p["excluded_by"] else None
        sheet.row([p["person"] + 1, p["person_ref"] or b.w("person", n=p["person"] + 1),
                   person_department(b, p["person"]), p["name"], p["id"], p["status_text"],
                   est.get("low"), est.get("high"), 1 if entry.counts else 0, excluded,
                   b.flag_lines(p["flags"]), p["money_kind_text"]])
    last = max(sheet.row_count, 2)
    sheet.finish(last)
    b.status_rules(sheet, PEOPLE_LOW - 1, last)
    kind_col = PEOPLE_LOW + 5  # cash and tax saved this year are summed apart per person

    def where(key_col: int, key_row: int, by_kind: bool) -> str:
        found = f'{rng(key_col, last)},${letter(key_col)}{key_row},{rng(count_col, last)},">0"'
        return found + (f",{rng(kind_col, last)},${letter(kind_col)}{key_row}" if by_kind else "")

    def sums(value_col: int, key_col: int, key_row: int, by_kind: bool) -> Formula:
        return Formula(f"=SUMIFS({rng(value_col, last)},{where(key_col, key_row, by_kind)})")

    def counted(key_col: int, key_row: int, by_kind: bool) -> Formula:
        return Formula(f"=COUNTIFS({where(key_col, key_row, by_kind)})")

    width = kind_col
    money_keys = ("low", "high", "low_wan", "high_wan") if b.wan else ("low", "high")
    kinds = ["wrap"] * width
    kinds[0] = "index"
    kinds[low_col - 2] = "int_total"
    kinds[low_col - 1] = kinds[low_col] = "money_total"
    if b.wan:
        kinds[low_col + 1] = kinds[low_col + 2] = "wan_total"

    def block(heading: str, heads: dict[int, str], rows: list[tuple[dict[int, Any], Any]]) -> None:
        sheet.blank()
        sheet.row([b.w(heading)], ["heading"])
        for offset, key in enumerate(money_keys):
            heads[low_col + offset] = b.w(key)
        sheet.header([heads.get(i) for i in range(1, width + 1)])
        for values, key_col in rows:
            row = sheet.row_count + 1
            by_kind = kind_col in values
            values[low_col - 1] = counted(key_col, row, by_kind)
            money = b.money_values(sums(low_col, key_col, row, by_kind),
                                      sums(low_col + 1, key_col, row, by_kind), row, low_col)
            for offset, value in enumerate(money):
                values[low_col + offset] = value
            sheet.row([values.get(i) for i in range(1, width + 1)], kinds)
            if key_col == id_col:
                b.layout.people_program_rows[values[id_col]] = row

    programs: dict[str, str] = {}
    for entry in b.person_entries:
        programs.setdefault(entry.doc["id"], entry.doc["name"])
    block("per_program", {4: b.w("program"), 5: b.w("program_id"), 6: b.w("people_counted_col")},
          [({4: name, 5: pid}, id_col) for pid, name in programs.items()])
    kinds_text = [gettext(MONEY_KINDS[kind], b.lang) for kind in PRICED_KINDS]
    block("per_person", {1: b.w("person_no"), 2: b.w("person_ref"), 3: b.w("department"),
                         6: b.w("programs_counted"), kind_col: b.w("kind_col")},
          [({1: person["index"] + 1, 2: person["ref"] or b.w("person", n=person["index"] + 1),
             3: person["department"], kind_col: kind}, person_col)
           for person in b.doc["people"] for kind in kinds_text])


def person_department(b: BookContext, index: int) -> str | None:
    return b.doc["people"][index]["department"]
