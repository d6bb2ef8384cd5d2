"""What moved since an earlier run: the same answers assessed again today, compared program by program with the
figures an earlier run recorded (its status and low/high amount), and what caused each move where the tables can
tell (no Flask, no formatting but the words of :func:`move_doc`).

A cause is a dated event of the program (:func:`calculator.engine.changes.program_events`: the program added,
starting or ending, a benefit or condition row starting or ending, a validity term ending) after the earlier
run's date and on or before today's. With none, the cause is the date itself (figures computed from dates, such
as the company's age, move with it) or the tables' revision, when the version differs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from calculator.engine.catalogue import Catalogue
from calculator.engine.changes import Change, change_doc, program_events
from calculator.engine.enums import Outcome, Status
from calculator.engine.model import ProgramResult
from calculator.engine.texts import STATUS
from calculator.i18n import N_, gettext, t
from calculator.i18n.formatting import money_range
from calculator.i18n.words import clauses, joined, labelled

CAUSE_KINDS = frozenset({"program_added", "program_starts", "program_ends", "validity_ends", "benefit_starts",
                         "benefit_ends", "condition_starts", "condition_ends"})  # flags and windows move no figure
MAX_CAUSES = 4  # dated rows named per program (the program's page lists them all)
CENT = Decimal("0.01")

KIND_WORDS = {
    "new": N_("New since then"),
    "removed": N_("No longer assessed"),
    "status": N_("Status moved"),
    "amount": N_("Amount moved"),
}
NO_AMOUNT = N_("no amount")
DATE_MOVED = N_("No rule of this program is dated between the two runs: your answers are the same and the date "
                "moved (figures computed from dates, such as the company's age, move with it).")
TABLES_REVISED = N_("No rule of this program is dated between the two runs: the rule tables were revised since "
                    "(version {before} → {after}).")
SAME_RUN = N_("Same answers, same date and same rule tables: the workbook's figure was edited, or the calculator "
              "reckons it differently since.")
SOURCES = N_("Sources")
NO_DATE = N_("The workbook does not say when it was made, so the rule changes since then cannot be told.")


@dataclass(frozen=True, slots=True)
class Figure:
    """One program's result as a run recorded it: status (a :class:`Status` value) and amount (``None``: none)."""

    status: str
    low: Decimal | None = None
    high: Decimal | None = None

    def same_as(self, other: Figure) -> bool:
        return self.status == other.status and _cents(self.low) == _cents(other.low) and \
            _cents(self.high) == _cents(other.high)


@dataclass(frozen=True, slots=True)
class EarlierRun:
    """What an earlier run recorded: its date and rule-table version (when known), the company's programs and each
    person's (by the person's place in the run's answers)."""

    as_of: dt.date | None
    tables_version: str | None
    figures: dict[str, Figure] = field(default_factory=dict)
    people: dict[int, dict[str, Figure]] = field(default_factory=dict)

    def person(self, index: int) -> EarlierRun:
        """The run as one person's: that person's figures in place of the company's."""
        return EarlierRun(self.as_of, self.tables_version, self.people.get(index, {}))


@dataclass(frozen=True, slots=True)
class Move:
    """One program that moved: before (``None``: new since), after (``None``: no longer assessed), and the dated
    events of the program between the two runs (empty: none the tables can name)."""

    program: str
    before: Figure | None
    after: Figure | None
    causes: tuple[Change, ...] = ()

    @property
    def kind(self) -> str:
        if self.before is None:
            return "new"
        if self.after is None:
            return "removed"
        return "status" if self.before.status != self.after.status else "amount"


def _cents(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(CENT)


def figures_of(results: Iterable[ProgramResult]) -> dict[str, Figure]:
    """Today's figures of one subject's results, as a workbook records them (an amount only for a money outcome, as
    the assessment document gives it)."""
    out: dict[str, Figure] = {}
    for result in results:
        money = result.benefit is None or result.benefit.kind == Outcome.MONEY
        estimate = result.estimate if money else None
        out[result.id] = Figure(str(result.status), estimate.low if estimate else None,
                                estimate.high if estimate else None)
    return out


def counted_figures(results: Iterable[ProgramResult]) -> dict[str, Figure]:
    """Today's figures of one subject's results as a batch result records them (its Status matrix and Detail): an
    amount only where it counts in the totals or the program is likely eligible, none for a program not in force."""
    out: dict[str, Figure] = {}
    for result in results:
        shown = result.status != Status.NOT_IN_FORCE and (result.counts_in_totals or result.status == Status.ELIGIBLE)
        estimate = result.estimate if shown else None
        out[result.id] = Figure(str(result.status), estimate.low if estimate else None,
                                estimate.high if estimate else None)
    return out


def causes_between(catalogue: Catalogue, program: str, after: dt.date | None, until: dt.date) -> tuple[Change, ...]:
    """The program's dated events that can move a figure, after ``after`` and on or before ``until``."""
    found = catalogue.programs.get(program)
    if found is None or after is None:
        return ()
    events = [e for e in program_events(found) if e.kind in CAUSE_KINDS and after < e.day <= until]
    return tuple(sorted(events, key=lambda e: e.day)[:MAX_CAUSES])


def moves(catalogue: Catalogue, earlier: EarlierRun, now: dict[str, Figure], as_of: dt.date) -> list[Move]:
    """Every program whose status or amount differs between the earlier run and today's ``now`` (assessed on
    ``as_of``), and programs new or gone, in today's order then the gone ones."""
    out: list[Move] = []
    for program, after in now.items():
        before = earlier.figures.get(program)
        if before is None or not before.same_as(after):
            out.append(Move(program, before, after, causes_between(catalogue, program, earlier.as_of, as_of)))
    for program, before in earlier.figures.items():
        if program not in now:
            out.append(Move(program, before, None, causes_between(catalogue, program, earlier.as_of, as_of)))
    return out


def _figure_doc(figure: Figure | None, lang: str) -> dict[str, Any] | None:
    if figure is None:
        return None
    status = STATUS.get(figure.status)
    amount = money_range(figure.low, figure.high, lang) if figure.low is not None and figure.high is not None \
        else gettext(NO_AMOUNT, lang)
    return {"status": figure.status, "status_text": gettext(status, lang) if status else figure.status,
            "amount": amount, "low": figure.low, "high": figure.high}


def cause_text(earlier: EarlierRun, tables_version: str, as_of: dt.date, lang: str) -> str:
    """Why a program moved when none of its rows is dated between the runs (today's run: ``as_of``)."""
    if earlier.as_of is None:
        return gettext(NO_DATE, lang)
    if earlier.tables_version and earlier.tables_version != tables_version:
        return t(TABLES_REVISED, lang, before=earlier.tables_version, after=tables_version)
    return gettext(SAME_RUN if earlier.as_of == as_of else DATE_MOVED, lang)


def move_doc(catalogue: Catalogue, move: Move, earlier: EarlierRun, tables_version: str, as_of: dt.date,
             lang: str) -> dict[str, Any]:
    """One move as people read it: the program, what moved (from → to) and its causes (dated rows with their
    sources, or why none can be named), against today's run on ``as_of`` with ``tables_version``."""
    program = catalogue.programs.get(move.program)
    return {
        "program": move.program, "name": program.spec.name[lang] if program else move.program,
        "kind": move.kind, "kind_text": gettext(KIND_WORDS[move.kind], lang),
        "before": _figure_doc(move.before, lang), "after": _figure_doc(move.after, lang),
        "amount_moved": move.before is None or move.after is None or
        (_cents(move.before.low), _cents(move.before.high)) != (_cents(move.after.low), _cents(move.after.high)),
        "causes": [change_doc(catalogue, change, lang) for change in move.causes],
        "cause_text": None if move.causes else cause_text(earlier, tables_version, as_of, lang),
    }


def why_text(doc: dict[str, Any], lang: str) -> str:
    """One line of a move's causes (a :func:`move_doc`): ``2026-05-01: Benefit row starts, Condition row starts;
    Sources: <title>``, source titles, never the tables' internal keys; or why none can be named."""
    if not doc["causes"]:
        return str(doc["cause_text"])
    days: dict[str, list[str]] = {}
    titles: dict[str, None] = {}
    for cause in doc["causes"]:
        kinds = days.setdefault(cause["date"], [])
        if cause["kind_text"] not in kinds:
            kinds.append(cause["kind_text"])
        titles.update(dict.fromkeys(source["title"] for source in cause["sources"]))
    parts = [labelled(day, joined(kinds, lang), lang) for day, kinds in days.items()]
    if titles:
        parts.append(labelled(gettext(SOURCES, lang), joined(titles, lang), lang))
    return clauses(parts, lang)
