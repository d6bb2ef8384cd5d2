"""The Summary sheet's totals: cash and tax saved this year apart, each split into determined and "up to" money;
later years and if certified beside them, never added; the same by family; combined-limit adjustments.

Every total is a live formula over the Programs sheet (its Kind-of-money, Certainty, Family and Counted columns),
so an advisor's edits flow through; LibreOffice recalculates them in ``tests/test_workbook_recalc.py`` and they
equal the engine's (``calculator.engine.totals``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from calculator.engine import CERTAINTY, FAMILY_NAMES, MONEY_KINDS, PRICED_KINDS, Certainty, Family
from calculator.i18n import gettext
from calculator.workbook.cells import Formula, Sheet

if TYPE_CHECKING:
    from calculator.workbook.context import BookContext

KINDS = tuple(PRICED_KINDS)
SIDES = ("later_years", "if_certified")


def quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


@dataclass
class Ranges:
    """Where the Programs sheet keeps what the totals select on and add up."""

    kind: str
    certainty: str
    family: str
    count: str
    low: str
    high: str
    sides: dict[str, str]


def program_ranges(programs: Sheet, headers: dict[str, str]) -> Ranges:
    cols = {c.header: i for i, c in enumerate(programs.columns, 1)}
    last = max(programs.row_count, 2)

    def column(key: str) -> str:
        return programs.range(cols[headers[key]], 2, last)

    return Ranges(kind=column("money_kind"), certainty=column("certainty"), family=column("family"),
                  count=column("counts"), low=column("low"), high=column("high"),
                  sides={side: column(side) for side in SIDES})


class TotalsWriter:
    """Writes the three totals tables and the adjustments onto the Summary sheet, in that order."""

    def __init__(self, builder: BookContext, sheet: Sheet, programs: Sheet) -> None:
        self.b, self.sheet, self.lang = builder, sheet, builder.lang
        self.totals = builder.doc["totals"]
        self.r = program_ranges(programs, {key: builder.w(key) for key in (
            "money_kind", "certainty", "family", "counts", "low", "high", *SIDES)})
        self.certainty = {c: quoted(gettext(CERTAINTY[c], self.lang)) for c in (Certainty.DETERMINED,
                                                                                Certainty.COMPETITIVE)}
        self.kind_text = {k: gettext(MONEY_KINDS[k], self.lang) for k in KINDS}
        self.adjustments = self.totals["adjustments"]
        self.adj_first = self.adj_last = 0

    def write(self) -> None:
        sheet = self.sheet
        # Rows are laid out before writing: the kind and family formulas point at the adjustment rows below.
        kind_rows, family_rows = len(KINDS), len(Family)
        start = sheet.row_count + 1
        self.adj_first = start + (2 + kind_rows + 1) + (2 + len(SIDES) + 1) + (2 + family_rows + 1) + 2
        self.adj_last = self.adj_first + len(self.adjustments) - 1
        self.kind_table()
        self.side_table()
        self.family_table()
        self.adjustment_rows()

    # --- pieces of formulas -------------------------------------------------------------------------
    def adjusted(self, column: str, kind_cell: str, certainty: Certainty, family_cell: str | None = None) -> str:
        """The adjustments of this kind and certainty (and family), as a term to add; "" when there are none."""
        if not self.adjustments:
            return ""
        a, b = self.adj_first, self.adj_last
        rows = f"${{}}${a}:${{}}${b}"
        term = (f"+SUMIFS({rows.format(column, column)},{rows.format('B', 'B')},{kind_cell},"
                f"{rows.format('C', 'C')},{quoted(gettext(CERTAINTY[certainty], self.lang))}")
        if family_cell:
            term += f",{rows.format('A', 'A')},{family_cell}"
        return term + ")"

    def sums(self, money: str, kind_cell: str, certainty: Certainty, family_cell: str | None = None) -> str:
        r = self.r
        where = f"{r.kind},{kind_cell},{r.certainty},{self.certainty[certainty]},{r.count},\">0\""
        if family_cell:
            where += f",{r.family},{family_cell}"
        return f"SUMIFS({money},{where})"

    def counted(self, kind_cell: str, family_cell: str | None = None) -> Formula:
        """How many results count (a people row's count is how many people it counts)."""
        r = self.r
        where = f"{r.kind},{kind_cell}"
        if family_cell:
            where += f",{r.family},{family_cell}"
        return Formula(f"=SUMIFS({r.count},{where})")

    # --- the tables ---------------------------------------------------------------------------------
    def kind_table(self) -> None:
        sheet, w, wan = self.sheet, self.b.w, self.b.wan
        sheet.row([w("totals_heading")], ["heading"])
        heads = [w("money_kind"), w("programs_counted"), w("determined_low"), w("determined_high"), w("up_to"),
                 w("unknown_amounts")]
        if wan:
            heads += [w("determined_low_wan"), w("determined_high_wan"), w("up_to_wan")]
        sheet.header(heads)
        for kind in KINDS:
            row = sheet.row_count + 1
            cell = f"$A{row}"
            values: list[Any] = [
                self.kind_text[kind], self.counted(cell),
                Formula("=" + self.sums(self.r.low, cell, Certainty.DETERMINED)
                        + self.adjusted("D", cell, Certainty.DETERMINED)),
                Formula("=" + self.sums(self.r.high, cell, Certainty.DETERMINED)
                        + self.adjusted("E", cell, Certainty.DETERMINED)),
                Formula("=" + self.sums(self.r.high, cell, Certainty.COMPETITIVE)
                        + self.adjusted("E", cell, Certainty.COMPETITIVE)),
                self.totals[kind]["unknown_amounts"]]
            kinds = ["bold", "int", "money", "money", "money", "int"]
            if wan:
                values += [Formula(f"=C{row}/10000"), Formula(f"=D{row}/10000"), Formula(f"=E{row}/10000")]
                kinds += ["wan", "wan", "wan"]
            sheet.row(values, kinds)
        sheet.blank()

    def side_table(self) -> None:
        sheet, w = self.sheet, self.b.w
        sheet.row([w("beside_heading")], ["heading"])
        heads = [w("beside_what"), w("programs_counted"), w("beside_amount")]
        if self.b.wan:
            heads.append(w("beside_amount_wan"))
        sheet.header(heads)
        for side in SIDES:
            row = sheet.row_count + 1
            column = self.r.sides[side]
            values: list[Any] = [w(side), Formula(f"=COUNT({column})"), Formula(f"=SUM({column})")]
            kinds = ["bold", "int", "money"]
            if self.b.wan:
                values.append(Formula(f"=C{row}/10000"))
                kinds.append("wan")
            sheet.row(values, kinds)
        sheet.blank()

    def family_table(self) -> None:
        sheet, w = self.sheet, self.b.w
        sheet.row([w("family_heading")], ["heading"])
        heads = [w("family"), w("programs_counted")]
        for kind in KINDS:
            heads += [w(f"{kind}_determined_low"), w(f"{kind}_determined_high"), w(f"{kind}_up_to")]
        sheet.header([*heads, w("unknown_amounts"), w("needs_info")])
        for family in Family:
            row = sheet.row_count + 1
            total = self.totals["by_family"][family]
            fam = f"$A{row}"
            count = "+".join(self.counted(quoted(self.kind_text[k]), fam).text.removeprefix("=") for k in KINDS)
            values: list[Any] = [gettext(FAMILY_NAMES[family], self.lang), Formula("=" + count)]
            for kind in KINDS:
                cell = quoted(self.kind_text[kind])
                values += [
                    Formula("=" + self.sums(self.r.low, cell, Certainty.DETERMINED, fam)
                            + self.adjusted("D", cell, Certainty.DETERMINED, fam)),
                    Formula("=" + self.sums(self.r.high, cell, Certainty.DETERMINED, fam)
                            + self.adjusted("E", cell, Certainty.DETERMINED, fam)),
                    Formula("=" + self.sums(self.r.high, cell, Certainty.COMPETITIVE, fam)
                            + self.adjusted("E", cell, Certainty.COMPETITIVE, fam))]
            unknown = sum(total[k]["unknown_amounts"] for k in KINDS)
            sheet.row([*values, unknown, total["needs_info"]], ["text", "int", *(["money"] * 3 * len(KINDS)), "int",
                                                               "int"])
        sheet.blank()

    def adjustment_rows(self) -> None:
        if not self.adjustments:
            return
        sheet, w = self.sheet, self.b.w
        sheet.row([w("adjustments_heading")], ["heading"])
        sheet.header([w("family"), w("money_kind"), w("certainty"), w("low"), w("high"), w("adjustment")])
        if sheet.row_count + 1 != self.adj_first:  # the formulas above point at these rows
            raise RuntimeError("summary layout: adjustment rows moved")
        for adj in self.adjustments:
            sheet.row([gettext(FAMILY_NAMES[adj["family"]], self.lang), self.kind_text[adj["kind"]],
                       gettext(CERTAINTY[adj["certainty"]], self.lang), adj["low"], adj["high"], adj["text"]],
                      ["text", "text", "text", "money", "money", "text"])
        sheet.blank()
