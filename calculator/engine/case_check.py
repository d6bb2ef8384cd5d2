"""Golden-case files validated whole, like the rule tables: a case that cannot fail is an error.

A misspelt table (``[[csae]]``), an unknown key, a flag code no rule can raise, ``included = false``, a
criterion or stacking group the program does not have, or a file named after no program would make a case
silently assert nothing. Every problem names the file, the case and the field.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from marshmallow import ValidationError

from calculator.engine.benefits import REGISTRY, resolve
from calculator.engine.cases import Case, CaseSchema, case_input, run_case
from calculator.engine.catalogue import Catalogue, Program
from calculator.engine.enums import Subject
from calculator.engine.texts import FLAGS
from calculator.engine.validate import flatten, read_toml
from schemas.messages import flatten_errors
from schemas.profile import AssessmentInputSchema, field_catalogue

SUFFIX = ".cases.toml"


def read_cases(root: Path) -> tuple[list[Case], list[str]]:
    """Every case file under ``root/programs``, shape-checked: the cases, and every problem found."""
    cases: list[Case] = []
    errors: list[str] = []
    for path in sorted((root / "programs").glob(f"*{SUFFIX}")):
        where = f"programs/{path.name}"
        try:
            data = read_toml(path)
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
            errors.append(f"{where}: (file): not readable TOML: {exc}")
            continue
        for key in data:
            if key != "case":
                errors.append(f"{where}: {key}: unknown top-level key (golden cases are [[case]] tables)")
        raw_cases = data.get("case", [])
        if not isinstance(raw_cases, list) or not raw_cases:
            errors.append(f"{where}: case: no [[case]] tables")
            continue
        for index, raw in enumerate(raw_cases):
            name = raw.get("name", "") if isinstance(raw, dict) else ""
            try:
                spec = CaseSchema().load(raw)
            except ValidationError as exc:
                errors += [f"{where}: case[{index}] ('{name}'): {field}: {message}"
                           for field, message in flatten(exc.messages)]
                continue
            cases.append(Case(program=path.name.removesuffix(SUFFIX), file=path.name, spec=spec, index=index))
    return cases, errors


def flag_codes(catalogue: Catalogue, program: Program) -> set[str]:
    """Every flag code a result of ``program`` can carry: the engine's, the program's own flags, its branch
    flags and outcome code, and the warnings of the stacking groups it belongs to."""
    spec = program.spec
    codes = set(FLAGS) | {item.code for item in spec.flags} | {b.flag for b in spec.branches if b.flag}
    codes |= {row.flag for table in catalogue.reference.values() for row in table.spec.carry_forward}
    if spec.outcome:
        codes.add(spec.outcome.code)
    for crit in spec.criteria:
        if crit.unknown_flag is not None:
            codes.add(crit.unknown_flag.code)
        if crit.see_also is not None:
            codes.add("see_also")
        derived = catalogue.derived.get(crit.field)
        if derived is not None and derived.flag is not None:
            codes.add(derived.flag.code)
    for benefit in spec.benefit_nodes():
        entry = REGISTRY[benefit.kind]
        codes |= {found.code for path in entry.flags for _, found in resolve(benefit.params, path)}
        for path in entry.values:
            for _, name in resolve(benefit.params, path):
                derived = catalogue.derived.get(name)
                if derived is not None and derived.flag is not None:
                    codes.add(derived.flag.code)
    groups = [group for group in catalogue.stacking if program.id in group.members]
    return codes | {f"stacking_{group.id}" for group in groups} | {
        group.when_unknown.code for group in groups if group.when_unknown is not None}


def check_case(catalogue: Catalogue, case: Case) -> list[str]:
    """What makes one case unable to fail (or unable to run), as ``file: case: field: problem`` lines."""
    where = case_where(case)
    program = catalogue.programs.get(case.program)
    if program is None:
        return [f"programs/{case.file}: (file): no program '{case.program}' (name the file <program id>{SUFFIX})"]
    expect: dict[str, Any] = case.spec["expect"]
    errors = []
    if "input_error" not in expect:  # a case about a refused profile is refused on purpose (checked when run)
        errors += [f"{where}: {field}: {message}" for field, message in profile_problems(catalogue, program,
                                                                                         case.spec)]
    known = flag_codes(catalogue, program)
    for key in ("flags", "not_flags"):
        errors += [f"{where}: expect.{key}: '{code}' is not a flag any rule of this program can raise"
                   for code in expect.get(key, []) if code not in known]
    criteria = {c.id for c in program.spec.criteria}
    errors += [f"{where}: expect.failed: '{cid}' is not a criterion of this program"
               for cid in expect.get("failed", []) if cid not in criteria]
    errors += [f"{where}: expect.gaps[{i}].criterion: '{gap['criterion']}' is not a criterion of this program"
               for i, gap in enumerate(expect.get("gaps", [])) if gap["criterion"] not in criteria]
    errors += [f"{where}: expect.criteria_unknown: '{cid}' is not a criterion of this program"
               for cid in expect.get("criteria_unknown", []) if cid not in criteria]
    errors += self_check_problems(program, expect.get("self_check"), where)
    groups = {g.id for g in catalogue.stacking if program.id in g.members}
    if "excluded_by" in expect and expect["excluded_by"] not in groups:
        errors.append(f"{where}: expect.excluded_by: '{expect['excluded_by']}' is not a stacking group of this "
                      "program")
    errors += [f"{where}: expect.adjustments[{i}].group: '{a['group']}' is not a stacking group of this program"
               for i, a in enumerate(expect.get("adjustments", [])) if a["group"] not in groups]
    figures = {row.name for row in program.spec.figures if row.role == "context"}
    errors += [f"{where}: expect.context: '{name}' is not a context figure of this program"
               for name in expect.get("context", []) if name not in figures]
    fields = field_catalogue()[program.subject]
    errors += [f"{where}: expect.missing: '{name}' is not a {program.subject} profile field"
               for name in expect.get("missing", []) if name not in fields]
    if "input_error" in expect and expect["input_error"] not in fields:
        errors.append(f"{where}: expect.input_error: '{expect['input_error']}' is not a {program.subject} "
                      "profile field")
    return errors


def self_check_problems(program: Program, want: Any, where: str) -> list[str]:
    """A self-check expectation must name a program that has one, and its criteria."""
    if want is None or want == "absent":
        return []
    check = program.spec.self_check
    if check is None:
        return [f"{where}: expect.self_check: this program has no self-check"]
    ids = {c.id for c in check.criteria}
    names = [*want.get("failed", []), *(g["criterion"] for g in want.get("gaps", []))]
    return [f"{where}: expect.self_check: '{cid}' is not a criterion of its self-check" for cid in names
            if cid not in ids]


def profile_problems(catalogue: Catalogue, program: Program, spec: dict[str, Any]) -> list[tuple[str, str]]:
    """The case's profile as every surface validates it, and a subject for the program to judge."""
    try:
        loaded = AssessmentInputSchema(choices=catalogue.choices).load(case_input(spec))
    except ValidationError as exc:
        return [(str(e["field"]), str(e["message"])) for e in flatten_errors(exc.messages, "en")]
    if program.subject == Subject.PERSON:
        people = loaded.get("people") or []
        if spec.get("person", 0) >= len(people):
            return [("person", f"no person {spec.get('person', 0)} among the {len(people)} given")]
    elif loaded.get("company") is None:
        return [("company", "a company program needs a company profile")]
    return []


def validate_cases(catalogue: Catalogue, root: Path) -> tuple[list[Case], list[str]]:
    """Every golden case under ``root``, read and checked against the loaded catalogue."""
    cases, errors = read_cases(root)
    for case in cases:
        errors += check_case(catalogue, case)
    return cases, errors


def failing_cases(catalogue: Catalogue, cases: list[Case]) -> list[str]:
    """What each valid case finds wrong when the engine runs it on the loaded tables (empty: every case passes),
    each named by file and case, as :func:`validate_cases` names a case's problems."""
    failures = []
    for case in cases:
        try:
            _result, problems = run_case(catalogue, case)
        except Exception as exc:
            problems = [f"{type(exc).__name__}: {exc}"]
        failures += [f"{case_where(case)}: {problem}" for problem in problems]
    return failures


def case_where(case: Case) -> str:
    """How a problem names its case: its file and its place and name in it."""
    return f"programs/{case.file}: case[{case.index}] ('{case.name}')"
