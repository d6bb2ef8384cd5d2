"""One batch run, streamed: read a row, check and assess it through the application service (the rules every
surface shares: codes by their names, dates as spreadsheets write them), write it; repeat.

Nothing is held per row except counters and per-program / per-department sums, so memory does not grow
with the number of rows. Every row read is either assessed or rejected (with every error: sheet, row,
column, value, message in the reader's language); ``rows_in == assessed + rejected`` always.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from calculator import __version__
from calculator.batch.columns import KINDS, TEXT_TYPES, Mapping, detect_kind, map_header, score
from calculator.batch.percent import PercentNotes
from calculator.batch.reader import MAX_CELL, MAX_FILE_BYTES, Source, open_source
from calculator.batch.texts import KIND_WORDS, BatchFileError, text
from calculator.batch.writer import MAX_DEPARTMENTS, MONEY_COLUMNS, ResultWriter, w
from calculator.config import BATCH_MAX_ROWS
from calculator.engine import (
    DISCLAIMER,
    STATUS,
    MoneyTotals,
    Reporter,
    Status,
    SubjectResult,
    cents,
    compute_totals,
)
from calculator.files import write_output
from calculator.i18n import N_, bilingual, gettext, lang_of, t
from calculator.service import FieldError, InputRejected, Service, service_for
from calculator.workbook.zipcheck import SheetLimits

MAX_ROWS = BATCH_MAX_ROWS
STATUSES = tuple(Status)
SUMMARY_LINE = N_("{rows_in} rows in: {assessed} assessed, {rejected} rejected.")


@dataclass
class Progress:
    rows_done: int = 0
    rows_total: int | None = None   # an estimate until the end (declared dimension, or lines in a CSV)
    rejected: int = 0


@dataclass
class RowError:
    sheet: str
    row: int
    column: str | None    # spreadsheet column letter, or None for the whole row
    header: str | None
    field: str | None
    value: Any
    message: str

    def as_dict(self) -> dict[str, Any]:
        value = self.value
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif value is not None and not isinstance(value, int | float | str):
            value = str(value)
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "header": self.header,
                "field": self.field, "value": value, "message": self.message}


@dataclass
class Summary:
    kind: str
    sheet: str
    format: str
    encoding: str | None
    rows_in: int = 0
    assessed: int = 0
    rejected: int = 0
    notes: list[str] = field(default_factory=list)   # e.g. unknown columns ignored, the encoding used
    tables_version: str = ""
    as_of: str = ""
    messages: int = 0        # rejected-row messages kept (on the page and in the workbook) …
    not_kept: int = 0        # … and those over the limit, counted only (max_errors)

    def kept(self, errors: list[RowError], max_errors: int | None) -> list[RowError]:
        """The messages of a rejected row that are kept (at most ``max_errors`` in all); the rest are counted."""
        room = len(errors) if max_errors is None else max(0, min(len(errors), max_errors - self.messages))
        self.messages += room
        self.not_kept += len(errors) - room
        return errors[:room]

    def line(self, lang: str) -> str:
        return t(SUMMARY_LINE, lang, rows_in=self.rows_in, assessed=self.assessed, rejected=self.rejected)

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("kind", "sheet", "format", "encoding", "rows_in", "assessed",
                                              "rejected", "notes", "tables_version", "as_of", "messages",
                                              "not_kept")}


def run_batch(catalogue: Any, input_path: str | os.PathLike[str], output_path: str | os.PathLike[str], *,
              kind: str | None = None, as_of: dt.date | None = None, lang: str = "en",
              max_rows: int = MAX_ROWS, max_bytes: int = MAX_FILE_BYTES,
              on_progress: Callable[[Progress], None] | None = None,
              on_error: Callable[[RowError], None] | None = None, name: str | None = None,
              limits: SheetLimits | None = None, max_errors: int | None = None,
              scratch: Path | None = None, processes: int = 1) -> Summary:
    """Assess every row of ``input_path`` and write the result workbook to ``output_path`` (atomically).

    Raises :class:`BatchFileError` when the file itself is unusable (nothing is written then), or over one of
    ``limits`` (the configured ones when None; ``max_rows`` replaces their row limit) before any row is assessed.
    At most ``max_errors`` rejected-row messages are kept (the rest counted); the writer's temporary files go to
    ``scratch`` (default: the system's temporary folder). ``processes`` > 1 assesses the rows in that many worker
    processes (:mod:`calculator.batch.parallel`); the workbook is the same, byte for byte in its cells.
    """
    lang = lang_of(lang)
    as_of = as_of or dt.date.today()
    limits = replace(limits or SheetLimits(), rows=max_rows)
    source = open_source(Path(input_path), kind, max_bytes, name, limits)
    try:
        caps = _Caps(max_rows, max_errors, scratch, processes)
        return write_output(output_path, lambda where: _run(catalogue, source, where, kind, as_of, lang, caps,
                                                            on_progress, on_error))
    finally:
        source.close()


def _header(source: Source, rows: Any, kind: str | None, lang: str) -> tuple[int, Mapping, str]:
    for number, cells in rows:
        if any(c is not None for c in cells):
            chosen = kind or detect_kind(cells)
            if chosen is None:
                raise BatchFileError("kind_unclear")
            other = "people" if chosen == "companies" else "companies"
            fits, fits_other = score(cells, chosen), score(cells, other)
            if fits_other > fits:  # a people roster uploaded as companies (or the reverse): refuse, say which
                raise BatchFileError("kind_mismatch", found=bilingual(KIND_WORDS[other], "rows are"),
                                     chosen=bilingual(KIND_WORDS[chosen], "rows are"),
                                     found_count=fits_other, chosen_count=fits)
            mapping, duplicates = map_header(cells, chosen)
            if not mapping.columns:
                raise BatchFileError("no_known_columns", columns=", ".join(mapping.unknown[:10]) or "—")
            if duplicates:
                name, shown = duplicates[0]
                raise BatchFileError("duplicate_column", field=name, columns=" | ".join(shown))
            return number, mapping, chosen
    raise BatchFileError("no_header")


@dataclass(frozen=True)
class _Caps:
    max_rows: int
    max_errors: int | None
    scratch: Path | None
    processes: int = 1


def _run(catalogue: Any, source: Source, out: Path, kind: str | None, as_of: dt.date, lang: str, caps: _Caps,
         on_progress: Callable[[Progress], None] | None, on_error: Callable[[RowError], None] | None) -> Summary:
    rows = source.rows()
    header_row, mapping, kind = _header(source, rows, kind, lang)
    subject_kind = KINDS[kind]
    programs = [p for p in catalogue.programs.values() if p.subject == subject_kind]
    writer = ResultWriter(lang, kind, programs, scratch=caps.scratch)
    try:
        return _rows(catalogue, source, out, rows, header_row, mapping, kind, as_of, lang, caps, on_progress,
                     on_error, programs, writer)
    except BaseException:
        writer.discard()
        raise


def _rows(catalogue: Any, source: Source, out: Path, rows: Any, header_row: int, mapping: Mapping, kind: str,
          as_of: dt.date, lang: str, caps: _Caps, on_progress: Callable[[Progress], None] | None,
          on_error: Callable[[RowError], None] | None, programs: list[Any], writer: ResultWriter) -> Summary:
    from calculator.batch.parallel import RowJob, add_into, assessed

    max_rows = caps.max_rows
    reporter = Reporter(catalogue, lang)
    summary = Summary(kind=kind, sheet=source.sheet, format=source.format, encoding=source.encoding,
                      tables_version=catalogue.tables_version, as_of=as_of.isoformat())
    if source.encoding:
        summary.notes.append(text("encoding_used", lang, encoding=source.encoding))
    summary.notes += [text("unknown_column", lang, header=h) for h in mapping.unknown]
    per_program = new_per_program(programs)
    departments: dict[str, list[Any]] = {}
    # The total shown while rows are read: the sheet's declared size (or a CSV's lines). A declared size past
    # the row limit is no estimate (a column formatted to the bottom of the sheet declares 1,048,576 rows).
    estimate = max(0, (source.estimated_rows or 0) - header_row)
    progress = Progress(rows_total=estimate if 0 < estimate <= max_rows else None)

    def reject(errors: list[RowError]) -> None:
        summary.rejected += 1
        for error in summary.kept(errors, caps.max_errors):
            writer.row("rejected", [error.sheet, error.row, error.column, error.header, error.field,
                                    _shown(error.value), error.message])
            if on_error is not None:
                on_error(error)

    # Rows are assessed in chunks (in worker processes when caps.processes > 1, see calculator.batch.parallel)
    # and come back in order: what a row writes, or its errors; then the chunk's per-program sums.
    job = RowJob(catalogue, source.sheet, mapping, kind, as_of, lang, [p.id for p in programs])
    percents = PercentNotes(mapping, lang)
    for chunk in assessed(job, percents.watch(_data_rows(rows, max_rows)), caps.processes):
        for errors, lines, row_departments in chunk.rows:
            summary.rows_in += 1
            if errors is not None:
                reject(errors)
            else:
                summary.assessed += 1
                for key, values in lines:
                    writer.row(key, values)
                merge_departments(departments, row_departments, lang)
            progress.rows_done = summary.rows_in
            progress.rejected = summary.rejected
            if on_progress is not None and summary.rows_in % 200 == 0:
                on_progress(progress)
        add_into(per_program, chunk.per_program)
    progress.rows_total = summary.rows_in
    summary.notes += percents.all()
    if on_progress is not None:
        on_progress(progress)
    if summary.rows_in == 0:
        summary.notes.append(text("no_rows", lang))
    _finish(catalogue, reporter, writer, summary, source, programs, per_program, departments, lang)
    writer.save(out)
    return summary


def _data_rows(rows: Any, max_rows: int) -> Any:
    """The rows holding a value (blank lines are not rows), refused past ``max_rows``."""
    count = 0
    for number, cells in rows:
        if any(c is not None for c in cells):
            count += 1
            if count > max_rows:
                raise BatchFileError("too_many_rows", limit=max_rows)
            yield number, cells


def new_per_program(programs: list[Any]) -> dict[str, dict[str, Any]]:
    """Per program: rows per status, rows counted after stacking, and the sums (added up by ``_write_result``)."""
    return {p.id: {s: 0 for s in (*STATUSES, "counted")} | {"low": Decimal(0), "high": Decimal(0)} for p in programs}


@dataclass
class RowContext:
    """What assessing one row of one file needs, made once per file (and per worker process)."""

    catalogue: Any
    sheet: str
    mapping: Mapping
    kind: str
    as_of: dt.date
    lang: str
    service: Service
    types: dict[int, str]
    letters: dict[int, str]
    by_field: dict[str, int]
    reporter: Reporter
    status_text: dict[Any, str]

    @classmethod
    def make(cls, catalogue: Any, sheet: str, mapping: Mapping, kind: str, as_of: dt.date, lang: str) -> RowContext:
        return cls(catalogue, sheet, mapping, kind, as_of, lang, service_for(catalogue), mapping.types(),
                   {i: get_column_letter(i + 1) for i in mapping.columns},
                   {name: i for i, name in mapping.columns.items()}, Reporter(catalogue, lang),
                   {s: gettext(STATUS[s], lang) for s in STATUSES})


def assess_row(ctx: RowContext, number: int, cells: list[Any], writer: Any, per_program: dict[str, dict[str, Any]],
               departments: dict[str, list[Any]]) -> list[RowError] | None:
    """Validate and assess one data row: its result goes to ``writer`` (rows) and the sums; returns its errors
    when it is rejected (nothing written then), else None."""
    mapping, source_sheet, lang, as_of = ctx.mapping, ctx.sheet, ctx.lang, ctx.as_of
    letters, by_field = ctx.letters, ctx.by_field
    raw: dict[str, Any] = {}
    too_long: list[RowError] = []
    for index, name in mapping.columns.items():
        value = cells[index] if index < len(cells) else None
        if value is None:
            continue
        if isinstance(value, str) and len(value) > MAX_CELL:
            too_long.append(RowError(source_sheet, number, letters[index], mapping.headers[index], name,
                                     value[:50] + "…", text("cell_too_long", lang, limit=MAX_CELL)))
            continue
        if ctx.types[index] in TEXT_TYPES and isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        raw[name] = value  # what the user wrote: read by the service like any other surface's input
    errors = too_long
    people = ctx.kind == "people"
    checked = None
    try:  # the same service, with the same rules, as every other surface
        checked = ctx.service.check({"people": [raw]} if people else {"company": raw}, as_of, lang)
    except InputRejected as exc:
        for error in exc.errors:
            name = _field_of(error)
            index = by_field.get(name) if name else None
            errors.append(RowError(source_sheet, number, letters.get(index) if index is not None else None,
                                   mapping.headers.get(index) if index is not None else None,
                                   name, raw.get(name) if name else None, error.message))
    if errors or checked is None:
        return errors
    assessment = ctx.service.assess(checked)
    result = assessment.people[0] if people else assessment.company
    assert result is not None
    _write_result(ctx.reporter, writer, result, number, ctx.kind, lang, per_program, departments, ctx.status_text,
                  people)
    return None


def _field_of(error: FieldError) -> str | None:
    """The row's field an error names (``company.founding_date`` or ``people[0].degree``: the field; the batch's
    assessment date before a company's founding: its founding date); None for the row as a whole."""
    if error.path == "as_of":
        return "founding_date"
    _, dot, name = error.path.partition(".")
    return name.split(".")[0].split("[")[0] or None if dot else None  # a project of a list: the list's cell


def _shown(value: Any) -> Any:
    return value if isinstance(value, int | float | str | dt.date) or value is None else str(value)


def _write_result(reporter: Reporter, writer: ResultWriter, result: SubjectResult, number: int, kind: str,
                  lang: str, per_program: dict[str, dict[str, Any]], departments: dict[str, list[Any]],
                  status_text: dict[str, str], people: bool) -> None:
    subject_kind = KINDS[kind]
    ref = result.ref
    department = result.department if people else None
    found = compute_totals([result]).overall
    money = money_columns(found)
    counts = {s: 0 for s in STATUSES}
    for r in result.results:
        counts[r.status] += 1
    extra = [department] if people else []
    writer.row("summary", [number, ref, *extra, *(cents(m) for m in money), *(counts[s] for s in STATUSES),
                           _top_programs(reporter, result), _to_find_out(reporter, result, subject_kind)])
    statuses = {r.id: r.status for r in result.results}
    writer.row("matrix", [number, ref, *extra,
                          *(status_text[statuses[p.id]] if p.id in statuses else None for p in writer.programs)])
    for r in result.results:
        stats = per_program[r.id]
        stats[r.status] += 1
        if r.counts_in_totals:
            stats["counted"] += 1
            stats["low"] += r.estimate.low
            stats["high"] += r.estimate.high
        if r.status == Status.NOT_IN_FORCE:
            continue
        estimate = r.estimate if r.counts_in_totals or r.status == Status.ELIGIBLE else None
        reasons = [reporter.sentence(subject_kind, c) for c in r.criteria if c.id in r.reasons]
        missing = [reporter.label(subject_kind, name) for name in r.missing]
        gaps = [reporter.gap(subject_kind, g, r.program)["text"] for g in r.gaps]
        writer.row("detail", [number, ref, r.id, r.program.spec.name[lang], status_text[r.status],
                              reporter.amount_text(r), estimate.low if estimate else None,
                              estimate.high if estimate else None, "\n".join(reasons) or None,
                              "; ".join(missing) or None, "\n".join(gaps) or None,
                              r.excluded_by.text[lang] if r.excluded_by else None])
    if people:
        key = department or w("no_department", lang)
        if key not in departments and len(departments) >= MAX_DEPARTMENTS:
            key = w("other_departments", lang)
        entry = departments.setdefault(key, [0, 0, *(Decimal(0) for _ in MONEY_COLUMNS)])
        entry[0] += 1
        entry[1] += counts[Status.ELIGIBLE]
        for index, value in enumerate(money, 2):
            entry[index] += value


def money_columns(totals: MoneyTotals) -> list[Decimal]:
    """A row's money columns (batch MONEY_COLUMNS): cash and this year's tax apart, determined low/high and "up to",
    then later years (never added to the others)."""
    out: list[Decimal] = []
    for kind in (totals.cash, totals.tax_this_year):
        out += [kind.determined.low, kind.determined.high, kind.competitive.high]
    return [*out, totals.later_years.high]


def merge_departments(departments: dict[str, list[Any]], row: dict[str, list[Any]], lang: str) -> None:
    """Add one row's per-department sums (made by ``_write_result`` into an empty dict, so under the row's own
    department) to the file's, with the same cap as ``_write_result``: past ``MAX_DEPARTMENTS`` the rest go to
    one line."""
    for key, values in row.items():
        if key not in departments and len(departments) >= MAX_DEPARTMENTS:
            key = w("other_departments", lang)
        entry = departments.get(key)
        if entry is None:
            departments[key] = list(values)
        else:
            for i, value in enumerate(values):
                entry[i] += value


def _finish(catalogue: Any, reporter: Reporter, writer: ResultWriter, summary: Summary, source: Source,
            programs: list[Any], per_program: dict[str, dict[str, Any]], departments: dict[str, list[Any]],
            lang: str) -> None:
    if summary.not_kept:  # then exactly the limit was kept
        summary.notes.append(text("messages_not_kept", lang, count=summary.not_kept, limit=summary.messages))
    lines: list[tuple[str, Any]] = [
        (w("rows_in", lang), summary.rows_in),
        (w("assessed", lang), summary.assessed),
        (w("rejected", lang), summary.rejected),
        (w("equation", lang), f"{summary.rows_in} = {summary.assessed} + {summary.rejected}"),
        (w("kind", lang), w("kind_" + summary.kind, lang)),
        (w("input_file", lang), f"{source.name} ({source.format}) · {summary.sheet}"),
    ]
    if summary.encoding:
        lines.append((w("encoding", lang), summary.encoding))
    lines += [(w("as_of", lang), summary.as_of), (w("tables_version", lang), summary.tables_version),
              (w("engine_version", lang), __version__)]
    lines += [(w("notes", lang), note) for note in summary.notes]
    lines.append((w("disclaimer", lang), gettext(DISCLAIMER, lang)))
    table = [[p.id, p.spec.name[lang], *(per_program[p.id][s] for s in (*STATUSES, "counted")),
              per_program[p.id]["low"], per_program[p.id]["high"]] for p in programs]
    per_department = None
    if summary.kind == "people":
        per_department = [[name, *values] for name, values in sorted(departments.items())]
    writer.about(lines, table, per_department)
    for program in programs:
        spec = program.spec
        for source_doc in reporter.sources(program):  # as people read them: no internal source key
            urls = source_doc["urls"]
            writer.row("sources", [spec.name[lang], source_doc["title"], spec.issuer[lang], spec.checked,
                                   urls[0] if urls else None, source_doc["quality_text"]])
    writer.row("sources", [])
    writer.row("sources", [w("tables_version", lang), summary.tables_version])


TOP = 3  # programs and missing facts named per row on the Summary
NAMED_AMOUNT = N_("{program}: {amount}")


def _top_programs(reporter: Reporter, result: SubjectResult) -> str | None:
    """The programs worth most to this row (counted in its totals, by the engine's estimate, highest first)."""
    priced = [r for r in result.results if r.counts_in_totals and r.estimate.high > 0]
    priced.sort(key=lambda r: (r.estimate.high, r.estimate.low), reverse=True)
    lang = reporter.lang
    return "\n".join(t(NAMED_AMOUNT, lang, program=r.program.spec.name[lang], amount=reporter.amount_text(r))
                     for r in priced[:TOP]) or None


def _to_find_out(reporter: Reporter, result: SubjectResult, subject_kind: str) -> str | None:
    """The facts whose answers would decide most programs still needing information (most programs first)."""
    wanted: Counter[str] = Counter()
    for r in result.results:
        if r.status == Status.NEEDS_INFO:
            wanted.update(dict.fromkeys(r.missing, 1))
    return "\n".join(reporter.label(subject_kind, name) for name, _ in wanted.most_common(TOP)) or None
