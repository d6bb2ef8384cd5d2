"""What every sheet of the assessment workbook shares: the document paired with the engine's results, the words,
the money columns and where rows landed (for formulas across sheets)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from openpyxl.utils import get_column_letter

from calculator.engine import STATUS, Assessment, Catalogue, ProgramResult, Reporter
from calculator.i18n import gettext
from calculator.i18n.formatting import shows_wan
from calculator.workbook.cells import Book, Column, Formula, Sheet
from calculator.workbook.labels import word

GOOD, BAD, MAYBE = "#E2EFDA", "#FCE4D6", "#FFF2CC"  # conditional fills: met / not met / unknown
PEOPLE_LOW = 7  # People sheet: column G holds Low, H High, I the count (F the count in the totals blocks)


@dataclass
class Entry:
    """One program for one subject: its document entry and the engine's result."""

    doc: dict[str, Any]
    result: ProgramResult
    subject: str  # how the subject reads: "Company" or the person's reference

    @property
    def counts(self) -> bool:
        """Exactly what the engine's totals count (eligible, not excluded by stacking, known amount)."""
        return self.result.counts_in_totals


@dataclass
class Layout:
    """Where things are, for formulas on other sheets."""

    program_rows: dict[str, int] = field(default_factory=dict)  # Programs sheet: program id -> row
    people_program_rows: dict[str, int] = field(default_factory=dict)  # People sheet totals block: id -> row


class BookContext:
    """The shared state of one build: catalogue, assessment, document, language, the book and its layout."""

    def __init__(self, catalogue: Catalogue, assessment: Assessment, doc: dict[str, Any], lang: str,
                 book: Book) -> None:
        self.catalogue, self.assessment, self.doc, self.lang = catalogue, assessment, doc, lang
        self.reporter = Reporter(catalogue, lang)
        self.book = book
        self.wan = shows_wan(lang)  # 万元 columns beside the yuan ones
        self.layout = Layout()
        self.entries = self.pair()
        self._source_numbers: dict[str, int] | None = None
        self.company_entries = [e for e in self.entries if e.doc["subject"] == "company"]
        self.person_entries = [e for e in self.entries if e.doc["subject"] == "person"]

    def w(self, key: str, **params: Any) -> str:
        return word(key, self.lang, **params)

    def pair(self) -> list[Entry]:
        """The document's programs with the engine results they were rendered from (same order)."""
        pairs: list[tuple[ProgramResult, str]] = []
        if self.assessment.company is not None:
            pairs += [(r, self.w("company")) for r in self.assessment.company.results]
        for index, person in enumerate(self.assessment.people):
            label = person.ref or self.w("person", n=index + 1)
            pairs += [(r, label) for r in person.results]
        programs = self.doc["programs"]
        if len(pairs) != len(programs) or any(r.id != p["id"] for (r, _), p in zip(pairs, programs, strict=True)):
            raise ValueError("the document was not rendered from this assessment")
        return [Entry(p, r, s) for (r, s), p in zip(pairs, programs, strict=True)]

    def money_columns(self) -> list[Column]:
        cols = [Column(self.w("low"), 15, "money"), Column(self.w("high"), 15, "money")]
        if self.wan:
            cols += [Column(self.w("low_wan"), 11, "wan"), Column(self.w("high_wan"), 11, "wan")]
        return cols

    def money_values(self, low: Any, high: Any, row: int, low_col: int) -> list[Any]:
        """Low, high and (in Chinese) the two 万元 columns as formulas over them."""
        values = [low, high]
        if self.wan:
            for col in (low_col, low_col + 1):
                ref = f"{letter(col)}{row}"
                values.append(Formula(f'=IF({ref}="","",{ref}/10000)'))
        return values

    def flag_lines(self, flags: list[dict[str, Any]]) -> str | None:
        return "\n".join(f"• {f['text']}" for f in flags) or None

    def status_rules(self, sheet: Sheet, column: int, last: int) -> None:
        """Colour a status column: likely eligible green, needs information yellow."""
        ref = f"{letter(column)}2:{letter(column)}{max(last, 2)}"
        for status, fill in (("eligible", GOOD), ("needs_info", MAYBE)):
            sheet.colour_when_equal(ref, excel_string(gettext(STATUS[status], self.lang)), fill)

    def source_numbers(self) -> dict[str, int]:
        """Each cited source's number on the Sources sheet (in order of first citation); the programs refer to
        them by number, never by the tables' internal key."""
        if self._source_numbers is None:
            keys = dict.fromkeys(source["key"] for entry in self.entries for source in entry.doc["sources"])
            self._source_numbers = {key: number for number, key in enumerate(keys, 1)}
        return self._source_numbers

    def source_refs(self, p: dict[str, Any]) -> str | None:
        numbers = self.source_numbers()
        return " ".join(f"[{numbers[s['key']]}]" for s in p["sources"]) or None


def letter(index: int) -> str:
    return get_column_letter(index)


def rng(column: int, last: int) -> str:
    col = letter(column)
    return f"${col}$2:${col}${last}"


def excel_string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'
