"""The ``incentives`` command: evaluate profiles, export workbooks, list the catalogue, check rule tables. The
assessment and the catalogue as terminal text: :mod:`calculator.cli.report`.

Exit codes: 0 success; 1 rule tables broken; 2 bad input (a clear message, never a traceback).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import signal
import sys
from pathlib import Path
from typing import Any

from calculator.cli.report import programs_text, render_text
from calculator.engine import (
    NO_SOURCE,
    TableError,
    change_doc,
    changes_since,
    default_root,
    describe_catalogue,
    ending_within,
    failing_cases,
    load_catalogue,
    parse_day,
    stale_doc,
    stale_programs,
    validate_cases,
)
from calculator.files import write_output
from calculator.i18n import LANGS, N_, gettext, t
from calculator.i18n.words import sentences
from calculator.service import FieldError, InputRejected, as_of_date, service_for
from schemas.messages import Msg


class InputError(Exception):
    """Bad input from the user: printed as a message, exit code 2."""


TEXTS = {
    "not_found": N_("File not found: {path}"),
    "unreadable": N_("Cannot read the file: {path} ({error})"),
    "json_at": N_("line {line}, column {column}: {problem}"),
    "profile_errors": N_("The profile has errors:"),
    "cannot_write": N_("Cannot write the file: {path} ({error})"),
    "wrote": N_("Wrote {path}"),
    "progress": N_("{done}/{total} rows, rejected {rejected}"),
    "at_least_one": N_("must be at least 1."),
    "whole_at_least_one": N_("must be a whole number of at least 1 (the number of processes), not {value}."),
    # programs --changes and the expiry watch of tables check
    "changes_head": N_("Changes on or after {since} (policy reference revision {revision}):"),
    "watch_head": N_("Expiry watch: ends from {as_of} to {last} ({horizon} days):"),
    "stale_head": N_("Sources last checked more than a year before {as_of}:"),
    "stale_line": N_("{program}: checked {checked}, {days} days before"),
    "none": N_("none"),
    "horizon": N_("--horizon: give a number of days from 0 to {max}."),
    "cases_fail": N_("Golden cases that do not hold on these tables ({count} problems):"),
}
MAX_HORIZON = 3660  # days the expiry watch may look ahead (ten years)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="incentives", description="Shenzhen AI incentive calculator")
    sub = parser.add_subparsers(dest="command", required=True)
    ev = sub.add_parser("evaluate", help="assess a profile (JSON file, or - for standard input)")
    ev.add_argument("profile")
    ev.add_argument("--as-of", default=None, help="assessment date, YYYY-MM-DD (default today)")
    ev.add_argument("--lang", choices=LANGS, default="en")
    ev.add_argument("--format", choices=("json", "text"), default="json")
    ex = sub.add_parser("export", help="write the assessment workbook (.xlsx) for a profile (JSON file, or -)")
    ex.add_argument("profile")
    ex.add_argument("-o", "--output", default=None,
                    help="the .xlsx file to write (default: the suggested file name, in the current directory; "
                         "a directory: that name in it; - for standard output)")
    ex.add_argument("--as-of", default=None, help="assessment date, YYYY-MM-DD (default today)")
    ex.add_argument("--lang", choices=LANGS, default="en")
    bt = sub.add_parser("batch", help="assess every row of a roster (.xlsx or .csv) into one workbook "
                                      "(exit 0 all assessed, 3 some rows rejected, 2 file unusable)")
    bt.add_argument("input")
    bt.add_argument("-o", "--output", required=True, help="the .xlsx file to write")
    bt.add_argument("--kind", choices=("companies", "people"), default=None,
                    help="what the rows are (default: recognised from the header)")
    bt.add_argument("--as-of", default=None, help="assessment date, YYYY-MM-DD (default today)")
    bt.add_argument("--lang", choices=LANGS, default="en")
    bt.add_argument("--max-rows", type=int, default=None, help="refuse files with more data rows than this")
    bt.add_argument("--jobs", default=None, metavar="N",
                    help="assess rows in N worker processes (default: every core this process may use; 1: in this "
                         "process)")
    bt.add_argument("--since", default=None, metavar="PREVIOUS_RESULT.xlsx",
                    help="a result workbook of an earlier batch run: adds a Changes sheet (what moved since, per row "
                         "and program, and why; rows matched by their name)")
    wk = sub.add_parser("worker", help="run batch jobs from the Redis queue (INCENTIVES_REDIS_URL, with the same "
                                       "INCENTIVES_* settings as the app servers; see docs/batch.md)")
    wk.add_argument("--burst", action="store_true", help="stop once the queue is empty")
    pr = sub.add_parser("programs", help="list the program catalogue")
    pr.add_argument("--format", choices=("json", "text"), default="text")
    pr.add_argument("--lang", choices=LANGS, default="en")
    pr.add_argument("--changes", metavar="SINCE", default=None,
                    help="list what the tables date on or after SINCE (YYYY-MM-DD): programs added, and rows, flags, "
                         "windows and terms that start or end")
    tb = sub.add_parser("tables", help="rule-table tools")
    tsub = tb.add_subparsers(dest="tables_command", required=True)
    ck = tsub.add_parser("check", help="validate rule tables (exit 1 with the error list when broken)")
    ck.add_argument("dir", nargs="?", default=None)
    ck.add_argument("--as-of", default=None, help="also list what ends within --horizon days after this date, and "
                                                  "programs checked more than a year before it (warnings: exit 0)")
    ck.add_argument("--horizon", type=int, default=60, help="days the expiry watch looks ahead (default 60)")
    ck.add_argument("--lang", choices=LANGS, default="en")
    return parser


def read_profile(path: str, lang: str) -> dict[str, Any]:
    try:
        raw = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(t(TEXTS["not_found"], lang, path=path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(t(TEXTS["unreadable"], lang, path=path, error=exc)) from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:  # json's own explanation is English: the Chinese names the place only
        detail = t(TEXTS["json_at"], lang, line=exc.lineno, column=exc.colno, problem=exc.msg)
        raise InputError(Msg("not_json", detail=detail).render(lang)) from None
    if not isinstance(data, dict):
        raise InputError(Msg("not_object").render(lang))
    return data


def validation_message(errors: list[FieldError], lang: str) -> str:
    """The service's errors as the CLI says them: the assessment date as the option it came from (``--as-of``),
    the profile's errors under a heading, one field per line."""
    if all(e.path == "as_of" for e in errors):
        return "\n".join(f"--as-of: {e.message}" for e in errors)
    head = gettext(TEXTS["profile_errors"], lang)
    lines = [f"  {'--as-of' if e.path == 'as_of' else e.path}: {e.message}" for e in errors]
    return "\n".join([head, *lines])


def export(catalogue: Any, assessment: Any, output: str | None, lang: str) -> int:
    """Build the workbook and write it (calculator.files.write_output: atomically, through links)."""
    from calculator.workbook import build_workbook, download_name

    data = build_workbook(catalogue, assessment, lang)
    if output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return 0
    path = Path(output) if output else Path(download_name(assessment, lang))
    if path.is_dir():
        path = path / download_name(assessment, lang)
    try:
        write_output(path, lambda where: where.write_bytes(data))
    except OSError as exc:
        raise InputError(t(TEXTS["cannot_write"], lang, path=path, error=exc.strerror or exc)) from None
    print(t(TEXTS["wrote"], lang, path=path))
    return 0


def batch(catalogue: Any, args: argparse.Namespace, lang: str) -> int:
    """``incentives batch``: a progress bar on a terminal, a summary line at the end; exit 0, 3 or 2."""
    from calculator.batch import MAX_ROWS, BatchFileError, run_batch

    bar = sys.stderr.isatty()

    def progress(p: Any) -> None:
        if not bar:
            return
        total = p.rows_total or 0
        share = min(p.rows_done / total, 1.0) if total else 0.0
        filled = int(share * 30)
        counts = t(TEXTS["progress"], lang, done=p.rows_done, total=total or "?", rejected=p.rejected)
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {counts}")
        sys.stderr.flush()

    try:
        summary = run_batch(catalogue, args.input, args.output, kind=args.kind, as_of=args.as_of, lang=lang,
                            max_rows=args.max_rows if args.max_rows is not None else MAX_ROWS, on_progress=progress,
                            processes=args.jobs, since=args.since)
    except BatchFileError as exc:
        if bar:
            sys.stderr.write("\n")
        raise InputError(exc.render(lang)) from None
    except OSError as exc:
        raise InputError(t(TEXTS["cannot_write"], lang, path=args.output, error=exc.strerror or exc)) from None
    if bar:
        sys.stderr.write("\n")
    for note in summary.notes:
        print(note, file=sys.stderr)
    print(sentences(summary.line(lang), t(TEXTS["wrote"], lang, path=args.output), lang))
    return 3 if summary.rejected else 0


def change_line(entry: dict[str, Any], lang: str) -> str:
    what = entry["kind_text"] + (f": {entry['text']}" if entry["text"] else "")
    sources = "; ".join(f"{s['key']}: {s['title']}" for s in entry["sources"]) or gettext(NO_SOURCE, lang)
    return f"{entry['date']}  {entry['program']}  {entry['name']}\n    {what}\n    [{sources}]"


def changes(catalogue: Any, text: str, output: str, lang: str) -> int:
    """``incentives programs --changes SINCE``: what the tables date on or after SINCE, as text or JSON."""
    since, problem = parse_day(text, "--changes", lang)
    if since is None:
        raise InputError(problem)
    entries = [change_doc(catalogue, item, lang) for item in changes_since(catalogue, since)]
    revision = catalogue.reference_revision.isoformat() if catalogue.reference_revision else None
    if output == "json":
        print(json.dumps({"since": since.isoformat(), "reference_revision": revision, "changes": entries},
                         ensure_ascii=False, indent=2))
    else:
        head = t(TEXTS["changes_head"], lang, since=since.isoformat(), revision=revision)
        lines = [change_line(e, lang) for e in entries] or ["  " + gettext(TEXTS["none"], lang)]
        print("\n".join([head, *lines]))
    return 0


def watch(catalogue: Any, as_of: dt.date, horizon: int, lang: str) -> list[str]:
    """The expiry watch: every end within ``horizon`` days after ``as_of``, and every stale ``checked`` date."""
    ending = [change_doc(catalogue, item, lang) for item in ending_within(catalogue, as_of, horizon)]
    last = as_of + dt.timedelta(days=horizon)
    lines = [t(TEXTS["watch_head"], lang, as_of=as_of.isoformat(), last=last.isoformat(), horizon=horizon)]
    lines += [change_line(e, lang) for e in ending] or ["  " + gettext(TEXTS["none"], lang)]
    lines.append(t(TEXTS["stale_head"], lang, as_of=as_of.isoformat()))
    stale = [stale_doc(program, as_of, lang) for program in stale_programs(catalogue, as_of)]
    lines += ["  " + t(TEXTS["stale_line"], lang, program=f"{s['program']} {s['name']}", checked=s["checked"],
                       days=s["days"]) for s in stale] or ["  " + gettext(TEXTS["none"], lang)]
    return lines


def processes(value: str | None, lang: str) -> int:
    """``--jobs``: a whole number of at least 1; by default every core this process may use."""
    from calculator.batch import default_processes

    if value is None:
        return default_processes()
    text = value.strip()
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise InputError("--jobs: " + t(TEXTS["whole_at_least_one"], lang, value=value))
    return int(text)


def tables(args: argparse.Namespace) -> int:
    """``incentives tables check [DIR] [--as-of DATE --horizon DAYS]``: validate the rule tables and the golden
    cases whole, then run every case on the tables (each that fails is named, with what it found); with
    ``--as-of``, also print the expiry watch (warnings only: the exit status stays 0)."""
    if not 0 <= args.horizon <= MAX_HORIZON:
        raise InputError(t(TEXTS["horizon"], args.lang, max=MAX_HORIZON))
    catalogue = load_catalogue(args.dir)
    cases, errors = validate_cases(catalogue, Path(args.dir) if args.dir else default_root())
    if errors:
        raise TableError(errors)
    failures = failing_cases(catalogue, cases)
    if failures:
        print(t(TEXTS["cases_fail"], args.lang, count=len(failures)), *(f"  - {f}" for f in failures), sep="\n",
              file=sys.stderr)
        return 1
    print(f"OK: {len(catalogue.programs)} programs, {len(catalogue.reference)} reference tables, "
          f"{len(cases)} golden cases pass, tables_version {catalogue.tables_version}")
    if args.as_of is not None:
        print("\n".join(watch(catalogue, args.as_of, args.horizon, args.lang)))
    return 0


def worker(args: argparse.Namespace) -> int:
    """``incentives worker``: a queue worker for batch jobs on Redis, with the app's settings and rule tables."""
    from calculator.app import create_app
    from calculator.config import ConfigError

    try:
        runner = create_app().extensions["batch_jobs"]
    except ConfigError as exc:
        raise InputError(str(exc)) from None
    work = getattr(runner, "work", None)
    if work is None:
        raise InputError("incentives worker: set INCENTIVES_REDIS_URL (batch jobs run in the app process otherwise)")
    work(burst=args.burst)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    lang = getattr(args, "lang", "en")
    try:
        if getattr(args, "as_of", None) is not None:  # the web's and the API's rule, in --lang, before any work
            try:
                args.as_of = as_of_date(args.as_of, lang)
            except InputRejected as exc:
                raise InputError(validation_message(exc.errors, lang)) from None
        if getattr(args, "max_rows", None) is not None and args.max_rows < 1:
            raise InputError("--max-rows: " + gettext(TEXTS["at_least_one"], lang))
        if args.command == "batch":
            args.jobs = processes(args.jobs, lang)
        if args.command in ("tables", "worker"):  # commands that load their own catalogue (or a whole app)
            return tables(args) if args.command == "tables" else worker(args)
        catalogue = load_catalogue()
        if args.command == "programs":
            if args.changes is not None:
                return changes(catalogue, args.changes, args.format, lang)
            if args.format == "json":
                print(json.dumps(describe_catalogue(catalogue), ensure_ascii=False, indent=2))
            else:
                print(programs_text(catalogue, lang))
            return 0
        if args.command == "batch":
            return batch(catalogue, args, lang)
        data = read_profile(args.profile, lang)
        service = service_for(catalogue)
        try:
            checked = service.check(data, args.as_of, lang)
        except InputRejected as exc:
            raise InputError(validation_message(exc.errors, lang)) from None
        assessment = service.assess(checked)
        if args.command == "export":
            return export(catalogue, assessment, args.output, lang)
        doc = service.document(assessment, lang, questions=args.format == "json")  # the text never lists them
        if args.format == "json":
            print(json.dumps(doc, ensure_ascii=False, indent=2))
        else:
            print(render_text(doc, lang))
        return 0
    except TableError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except InputError as exc:
        print(str(exc), file=sys.stderr)
        return 2


def run() -> None:
    """Console-script entry point. A closed pipe (``incentives evaluate … | head``) ends the command quietly,
    as it does other Unix tools (exit status 128 + SIGPIPE), rather than with a BrokenPipeError traceback."""
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sys.exit(main())


if __name__ == "__main__":
    run()
