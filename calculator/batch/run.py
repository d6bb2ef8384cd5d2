"""One batch run, streamed: read a row, check and assess it through the application service (the rules every
surface shares: codes by their names, dates as spreadsheets write them), write it; repeat.

Nothing is held per row except counters and per-program / per-department sums, so memory does not grow
with the number of rows. Every row read is either assessed or rejected (with every error: sheet, row,
column, value, message in the reader's language); ``rows_in == assessed + rejected`` always.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from calculator import __version__
from calculator.batch import parallel
from calculator.batch.changes import Changes
from calculator.batch.columns import KINDS, Mapping, detect_kind, map_header, score
from calculator.batch.percent import PercentNotes
from calculator.batch.previous import PreviousRun, read_previous
from calculator.batch.reader import MAX_FILE_BYTES, Source, open_source
from calculator.batch.row import RowContext, assess_row, merge_departments, money_columns, new_per_program, shown
from calculator.batch.rowxml import ROW_SHEETS
from calculator.batch.summary import Progress, RowError, Summary
from calculator.batch.texts import KIND_WORDS, BatchFileError, text
from calculator.batch.writer import ResultWriter, w
from calculator.config import BATCH_MAX_ROWS
from calculator.engine import DISCLAIMER, Reporter, Status
from calculator.files import write_output
from calculator.i18n import bilingual, gettext, lang_of
from calculator.service import service_for
from calculator.workbook.zipcheck import SheetLimits

__all__ = ["MAX_ROWS", "Progress", "RowContext", "RowError", "Summary", "assess_row", "merge_departments",
           "money_columns", "new_per_program", "run_batch"]

MAX_ROWS = BATCH_MAX_ROWS
STATUSES = tuple(Status)


def run_batch(catalogue: Any, input_path: str | os.PathLike[str], output_path: str | os.PathLike[str], *,
              kind: str | None = None, as_of: dt.date | None = None, lang: str = "en",
              max_rows: int = MAX_ROWS, max_bytes: int = MAX_FILE_BYTES,
              on_progress: Callable[[Progress], None] | None = None,
              on_error: Callable[[RowError], None] | None = None, name: str | None = None,
              limits: SheetLimits | None = None, max_errors: int | None = None,
              scratch: Path | None = None, processes: int = 1,
              since: str | os.PathLike[str] | PreviousRun | None = None) -> Summary:
    """Assess every row of ``input_path`` and write the result workbook to ``output_path`` (atomically).

    Raises :class:`BatchFileError` when the file itself is unusable (nothing is written then), or over one of
    ``limits`` (the configured ones when None; ``max_rows`` replaces their row limit) before any row is assessed.
    At most ``max_errors`` rejected-row messages are kept (the rest counted); the writer's temporary files go to
    ``scratch`` (default: the system's temporary folder). ``processes`` > 1 assesses the rows in that many worker
    processes (:mod:`calculator.batch.parallel`); the workbook is the same, byte for byte in its cells. ``since``:
    a previous batch result workbook (its path, or its run already read): the workbook then has a Changes sheet
    (:mod:`calculator.batch.changes`); it is read, under the same limits, before the file.
    """
    lang = lang_of(lang)
    as_of = as_of or dt.date.today()
    limits = replace(limits or SheetLimits(), rows=max_rows)
    previous = since if isinstance(since, PreviousRun) or since is None else \
        read_previous(Path(since), limits, max_bytes)
    source = open_source(Path(input_path), kind, max_bytes, name, limits)
    try:
        caps = _Caps(max_rows, max_errors, scratch, processes, previous)
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
    previous: PreviousRun | None = None


def _run(catalogue: Any, source: Source, out: Path, kind: str | None, as_of: dt.date, lang: str, caps: _Caps,
         on_progress: Callable[[Progress], None] | None, on_error: Callable[[RowError], None] | None) -> Summary:
    rows = source.rows()
    header_row, mapping, kind = _header(source, rows, kind, lang)
    subject_kind = KINDS[kind]
    programs = [p for p in catalogue.programs.values() if p.subject == subject_kind]
    if caps.previous is not None and caps.previous.kind != kind:
        raise BatchFileError("previous_kind", found=bilingual(KIND_WORDS[caps.previous.kind], "rows are"),
                             chosen=bilingual(KIND_WORDS[kind], "rows are"))
    writer = ResultWriter(lang, kind, programs, scratch=caps.scratch, changes=caps.previous is not None,
                          threads=caps.processes)
    try:
        return _rows(catalogue, source, out, rows, header_row, mapping, kind, as_of, lang, caps, on_progress,
                     on_error, programs, writer)
    except BaseException:
        writer.discard()
        raise


def _rows(catalogue: Any, source: Source, out: Path, rows: Any, header_row: int, mapping: Mapping, kind: str,
          as_of: dt.date, lang: str, caps: _Caps, on_progress: Callable[[Progress], None] | None,
          on_error: Callable[[RowError], None] | None, programs: list[Any], writer: ResultWriter) -> Summary:

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
                                    shown(error.value), error.message])
            if on_error is not None:
                on_error(error)

    # Rows are assessed in chunks (in worker processes when caps.processes > 1, see calculator.batch.parallel)
    # and come back in order: what a row writes, or its errors; then the chunk's per-program sums.
    job = parallel.RowJob(catalogue, source.sheet, mapping, kind, as_of, lang, [p.id for p in programs],
                          figures=caps.previous is not None, styles=writer.styles())
    changes = Changes(caps.previous, service_for(catalogue), as_of, lang, writer) if caps.previous else None
    percents = PercentNotes(mapping, lang)
    for chunk in parallel.assessed(job, percents.watch(_data_rows(rows, max_rows)), caps.processes,
                                   expected_rows=progress.rows_total):
        xml: dict[str, list[bytes]] = {key: [] for key in ROW_SHEETS}  # the chunk's rows, per sheet, in order
        for errors, lines in chunk.rows:
            summary.rows_in += 1
            if errors is not None:
                reject(errors)
            else:
                summary.assessed += 1
                for key, values in lines:  # the large sheets' rows as XML (calculator.batch.rowxml)
                    if key != "figures":
                        xml[key].append(values)
                    elif changes is not None:
                        changes.row(*values)
            progress.rows_done = summary.rows_in
            progress.rejected = summary.rejected
            if on_progress is not None and summary.rows_in % 200 == 0:
                on_progress(progress)
        writer.rows_xml(xml)
        parallel.add_into(per_program, chunk.per_program)
        merge_departments(departments, chunk.departments, lang)  # in order: the same departments kept
    progress.rows_total = summary.rows_in
    summary.notes += percents.all()
    if changes is not None:
        summary.notes.append(changes.finish())
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
