"""Validate ``incentive_tables/`` whole: each file's shape (:mod:`.shapes`), then every check across files, into
the typed :class:`~calculator.engine.specs.Tables`.

Every problem is collected before giving up; each names the file, the program (or table, group, source) and the
field, e.g. ``programs/x.toml: program 'x': criteria[2].op: Must be one of: eq, ne, …``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import tomllib
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from marshmallow import Schema, ValidationError

from calculator.engine.enums import (
    Confidence,
    DerivedKind,
    Operator,
    ReferenceKind,
    StackingKind,
    Subject,
)
from calculator.engine.program_check import UNCONFIRMED_FIGURE, Dates, ProgramCheck, overlaps
from calculator.engine.shapes import (
    KEY,
    DerivedSchema,
    ProgramSchema,
    ReferenceTableSchema,
    RevisionSchema,
    SourceSchema,
    StackingFileSchema,
    StackingGroupSchema,
)
from calculator.engine.specs import (
    ConditionSpec,
    DerivedSpec,
    ProgramSpec,
    ReferenceTableSpec,
    SourceSpec,
    StackingGroupSpec,
    Tables,
)
from schemas.profile import field_catalogue

DERIVED_TYPES = {DerivedKind.SIZE_CLASS: "Code", DerivedKind.CERTIFICATE_COVERAGE: "TriState"}
# What the inputs of a derived value must be (the field types of schemas/fields.py).
# Parameter: (input type, its name in messages).
DERIVED_INPUT_TYPES = {"to": ("Day", "date"), "issue_date": ("Day", "date"), "previous_issue_date": ("Day", "date"),
                       "previous_exists": ("TriState", "yes/no"), "switch": ("TriState", "yes/no")}


class TableError(Exception):
    """Rule tables failed to load; ``errors`` lists every problem found."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("Rule tables are invalid:\n" + "\n".join(f"  - {e}" for e in errors))


def read_toml(path: Path) -> dict[str, Any]:
    with path.open("rb") as handle:
        return tomllib.load(handle, parse_float=Decimal)


def flatten(messages: Any, prefix: str = "") -> list[tuple[str, str]]:
    """marshmallow's nested messages as (field path, message) pairs."""
    out: list[tuple[str, str]] = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            if isinstance(key, int):
                path = f"{prefix}[{key}]"
            elif key == "_schema":
                path = prefix
            else:
                path = f"{prefix}.{key}" if prefix else str(key)
            out.extend(flatten(value, path))
    elif isinstance(messages, list):
        for item in messages:
            out.extend(flatten(item, prefix))
    else:
        out.append((prefix or "(file)", str(messages)))
    return out


def tables_version(root: Path) -> str:
    """Content hash of every table file (path and bytes), so results name the exact tables used."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.toml")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class Validator:
    """One validation pass over a folder of rule tables; collects every error before giving up."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.errors: list[str] = []
        self.fields = field_catalogue()
        self.sources: dict[str, SourceSpec] = {}
        self.reference: dict[str, ReferenceTableSpec] = {}
        self.derived: dict[str, DerivedSpec] = {}
        self.programs: dict[str, tuple[ProgramSpec, str]] = {}
        self.revision: dt.date | None = None

    # --- helpers --------------------------------------------------------------------------------
    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix() if path.is_relative_to(self.root) else str(path)

    def error(self, where: str, field: str, message: str) -> None:
        self.errors.append(f"{where}: {field}: {message}")

    def read(self, path: Path, where: str) -> dict[str, Any] | None:
        try:
            return read_toml(path)
        except tomllib.TOMLDecodeError as exc:
            self.error(where, "(file)", f"not valid TOML: {exc}")
        except UnicodeDecodeError as exc:
            self.error(where, "(file)", f"not UTF-8 text (rule tables are UTF-8): {exc.reason} at byte {exc.start}")
        except OSError as exc:
            self.error(where, "(file)", f"cannot be read: {exc}")
        return None

    def shape(self, schema: Schema, data: Any, where: str) -> Any:
        """``data`` loaded by ``schema`` (a typed spec), or None with every problem recorded."""
        try:
            return schema.load(data)
        except ValidationError as exc:
            for path, message in flatten(exc.messages):
                self.error(where, path, message)
            return None

    def check_sources(self, keys: Sequence[str] | None, where: str, field: str) -> None:
        for key in keys or ():
            if key not in self.sources:
                self.error(where, field, f"unknown source key '{key}' (not in sources.toml)")

    def names(self, subject: Subject) -> set[str]:
        """Every value a rule for this subject may read: profile fields and derived values."""
        return set(self.fields[subject]) | {n for n, d in self.derived.items() if d.subject == subject}

    def input_type(self, subject: Subject, name: str) -> str | None:
        meta = self.fields[subject].get(name)
        if meta is not None:
            return str(meta["type"])
        derived = self.derived.get(name)
        if derived is None or derived.subject != subject:
            return None
        if derived.kind == DerivedKind.FIRST_KNOWN:  # the inputs share one type (checked with the derived values)
            return self.input_type(subject, derived.first_inputs[0]) if derived.first_inputs else None
        if derived.kind == DerivedKind.SWITCHED:  # its two inputs share one type (checked with the derived values)
            return self.input_type(subject, derived.input) if derived.input else None
        return DERIVED_TYPES.get(derived.kind, f"Derived:{derived.kind}")

    def code_table(self, subject: Subject, name: str) -> ReferenceTableSpec | None:
        meta = self.fields[subject].get(name)
        table = meta.get("table") if meta is not None else (
            self.derived[name].names_table if name in self.derived else None)
        return self.reference.get(table) if table else None

    def figure_row(self, ref: str) -> bool:
        """``table.key`` names a row of a figures reference table."""
        table_name, _, key = ref.partition(".")
        table = self.reference.get(table_name)
        return table is not None and table.kind == ReferenceKind.FIGURES and any(
            row.key == key for row in table.figure_rows)

    # --- the whole folder -------------------------------------------------------------------------
    def run(self) -> Tables:
        if not self.root.is_dir():
            raise TableError([f"{self.root}: rule-table folder not found"])
        self.load_revision()
        self.load_sources()
        self.load_reference()
        self.check_profile_tables()
        self.load_derived()
        self.load_programs()
        stacking = self.load_stacking()
        self.check_dependencies()
        if self.errors:
            raise TableError(self.errors)
        return Tables(root=str(self.root), version=tables_version(self.root), sources=self.sources,
                      reference=self.reference, derived=self.derived, programs=self.programs, stacking=stacking,
                      reference_revision=self.revision)

    def load_revision(self) -> None:
        path = self.root / "revision.toml"
        where = self.rel(path)
        if not path.exists():
            self.error(where, "(file)", "missing: it names the policy reference revision the tables encode")
            return
        loaded = self.shape(RevisionSchema(), self.read(path, where) or {}, where)
        if loaded is not None:
            self.revision = loaded["reference_revision"]

    def check_freshness(self, spec: ProgramSpec, where: str) -> None:
        """``checked`` and ``added`` cannot be later than the reference revision the tables encode."""
        for name in ("checked", "added"):
            day = getattr(spec, name)
            if self.revision is not None and day is not None and day > self.revision:
                self.error(where, name, f"{day.isoformat()} is after the policy reference revision "
                                        f"{self.revision.isoformat()} (revision.toml)")

    def load_sources(self) -> None:
        path = self.root / "sources.toml"
        where = self.rel(path)
        if not path.exists():
            self.error(where, "(file)", "missing: every figure must cite a source key from it")
            return
        for key, entry in (self.read(path, where) or {}).items():
            data = {**entry, KEY: key} if isinstance(entry, dict) else entry
            loaded = self.shape(SourceSchema(), data, f"{where}: source '{key}'")
            if loaded is not None:
                self.sources[key] = loaded

    def load_reference(self) -> None:
        for path in sorted((self.root / "reference").glob("*.toml")):
            where = self.rel(path)
            data = self.read(path, where)
            if data is None:
                continue
            spec: ReferenceTableSpec | None = self.shape(ReferenceTableSchema(), data,
                                                         f"{where}: table '{data.get('name', path.stem)}'")
            if spec is not None:
                self.check_reference(spec, path, f"{where}: table '{spec.name}'")
                self.reference[spec.name] = spec

    def check_reference(self, spec: ReferenceTableSpec, path: Path, where: str) -> None:
        if spec.name != path.stem:
            self.error(where, "name", f"must match the file name '{path.stem}'")
        self.check_sources(spec.source, where, "source")
        for index, version in enumerate(spec.versions):
            self.check_sources(version.source, where, f"versions[{index}].source")
            if version.confidence == Confidence.UNCONFIRMED:
                self.error(where, f"versions[{index}].confidence", UNCONFIRMED_FIGURE)
        if spec.versions and overlaps([(v.effective_from, v.effective_to) for v in spec.versions]):
            self.error(where, "versions", "dated versions overlap")
        rows: dict[str, list[Dates]] = {}
        for index, row in enumerate(spec.figure_rows):
            self.check_sources(row.source, where, f"rows[{index}].source")
            if row.confidence == Confidence.UNCONFIRMED:
                self.error(where, f"rows[{index}].confidence", UNCONFIRMED_FIGURE)
            rows.setdefault(row.key, []).append((row.effective_from, row.effective_to))
        for key, dates in rows.items():
            if overlaps(dates):
                self.error(where, f"rows (key '{key}')", "dated rows overlap")
        for index, carried in enumerate(spec.carry_forward):
            field = f"carry_forward[{index}]"
            real = [row for row in spec.figure_rows if row.key == carried.key]
            if not real:
                self.error(where, f"{field}.key", f"no row has key '{carried.key}'")
            elif overlaps([*rows[carried.key], (carried.start, carried.end)]):
                self.error(where, field, "overlaps a row of its key (carry a row forward only where none is in force)")
            day = carried.use_row_in_force_on
            if real and not any(row.effective_from <= day and (row.effective_to is None or day <= row.effective_to)
                                for row in real):
                self.error(where, f"{field}.use_row_in_force_on", f"no row of '{carried.key}' is in force on {day}")
        if len({row.code for row in spec.enum_rows}) != len(spec.enum_rows):
            self.error(where, "rows", "duplicate codes")

    def check_profile_tables(self) -> None:
        """Every code a profile asks for must come from a loaded enum table (else codes would go unchecked)."""
        for subject, fields in self.fields.items():
            for name, meta in fields.items():
                table = meta.get("table")
                if table and (table not in self.reference or self.reference[table].kind != ReferenceKind.ENUM):
                    self.error(f"reference/{table}.toml", "(file)",
                               f"missing: the {subject} profile field '{name}' takes its choices from it")

    def load_derived(self) -> None:
        path = self.root / "derived.toml"
        where = self.rel(path)
        data = self.read(path, where) if path.exists() else {}
        for name, entry in (data or {}).items():
            here = f"{where}: derived '{name}'"
            spec: DerivedSpec | None = self.shape(
                DerivedSchema(), {**entry, KEY: name} if isinstance(entry, dict) else entry, here)
            if spec is None:
                continue
            fields = self.fields[spec.subject]
            if name in fields:
                self.error(here, "name", "clashes with a profile field")
                continue
            for param in ("numerator", "denominator", "input", "sector", "employees", "revenue", "to",
                          "issue_date", "previous_issue_date", "previous_exists", "switch", "if_yes"):
                value = getattr(spec, param)
                if value and value not in fields:
                    self.error(here, param, f"'{value}' is not a {spec.subject} profile field")
                elif value and param in DERIVED_INPUT_TYPES and fields[value]["type"] != DERIVED_INPUT_TYPES[param][0]:
                    self.error(here, param, f"'{value}' is not a {DERIVED_INPUT_TYPES[param][1]} input")
            if spec.span is not None and not self.figure_row(spec.span):
                self.error(here, "span", f"'{spec.span}' is not a row of a figures reference table")
            for index, value in enumerate(spec.first_inputs):
                if value not in fields:
                    self.error(here, f"inputs[{index}]", f"'{value}' is not a {spec.subject} profile field")
            switched = (spec.if_yes, spec.input) if spec.kind == DerivedKind.SWITCHED else ()
            shared = spec.first_inputs or tuple(name for name in switched if name)
            units = {fields[name]["unit"] for name in shared if name in fields}
            types = {fields[name]["type"] for name in shared if name in fields}
            if len(units) > 1 or len(types) > 1:
                self.error(here, "inputs" if spec.first_inputs else "if_yes",
                           f"the inputs must share one unit and one type (they have "
                           f"{', '.join(sorted(units | types))})")
            if spec.kind == DerivedKind.SIZE_CLASS:
                table, names = self.reference.get(spec.table or ""), self.reference.get(spec.names_table or "")
                if table is None or table.kind != ReferenceKind.SIZE_CLASSES:
                    self.error(here, "table", f"'{spec.table}' is not a size_classes")
                    continue
                if names is None or names.kind != ReferenceKind.ENUM:
                    self.error(here, "names_table", f"'{spec.names_table}' is not an enum")
                    continue
            self.derived[name] = spec

    def load_programs(self) -> None:
        for path in sorted((self.root / "programs").glob("*.toml")):
            if path.name.endswith(".cases.toml"):
                continue
            where = self.rel(path)
            data = self.read(path, where)
            if data is None:
                continue
            where = f"{where}: program '{data.get('id', path.stem)}'"
            spec: ProgramSpec | None = self.shape(ProgramSchema(), data, where)
            if spec is None:
                continue
            if spec.id != path.stem:
                self.error(where, "id", f"must match the file name '{path.stem}'")
            before = len(self.errors)
            ProgramCheck(self, spec, where).run()
            self.check_freshness(spec, where)
            if len(self.errors) == before:
                self.programs[spec.id] = (spec, self.rel(path))

    # --- across programs ------------------------------------------------------------------------
    def load_stacking(self) -> tuple[StackingGroupSpec, ...]:
        groups: list[StackingGroupSpec] = []
        seen: set[str] = set()
        folder = self.root / "stacking"
        if not folder.is_dir() or not any(folder.glob("*.toml")):
            self.error("stacking/", "(folder)", "missing: without it programs that cannot be combined would be summed")
            return ()
        for path in sorted(folder.glob("*.toml")):
            where = self.rel(path)
            data = self.read(path, where)
            if data is None:
                continue
            if self.shape(StackingFileSchema(), {"groups": []} | {k: v for k, v in data.items() if k != "groups"},
                          where) is None or not isinstance(data.get("groups"), list):
                if not isinstance(data.get("groups"), list):
                    self.error(where, "groups", "expected [[groups]] tables")
                continue
            for index, entry in enumerate(data["groups"]):
                name = entry.get("id", index) if isinstance(entry, dict) else index
                group = self.shape(StackingGroupSchema(), entry, f"{where}: group '{name}'")
                if group is None:
                    continue
                if group.id in seen:
                    self.error(f"{where}: group '{group.id}'", "id", "duplicate group id")
                seen.add(group.id)
                self.check_group(group, f"{where}: group '{group.id}'")
                groups.append(group)
        return tuple(groups)

    def check_group(self, group: StackingGroupSpec, where: str) -> None:
        self.check_sources(group.source, where, "source")
        subjects = set()
        for member in group.members:
            if member not in self.programs:
                self.error(where, "members", f"unknown program '{member}'")
            else:
                subjects.add(self.programs[member][0].subject)
        if len(subjects) > 1:
            self.error(where, "members", "members must all apply to companies or all to people")
        kinds = {leaf.money_kind for m in group.members if m in self.programs  # every dated row, case and part
                 for row in self.programs[m][0].benefits for leaf in row.nodes()}
        if group.kind == StackingKind.COMBINED_LIMIT and len(kinds) > 1:
            self.error(where, "members", "a combined limit's members must be one kind of money (benefit.money_kind)")
        for name in group.limit_inputs:
            if subjects and name not in self.fields[next(iter(subjects))]:
                self.error(where, "limit_inputs", f"'{name}' is not a profile field")
        if group.when is not None and subjects:
            self.check_group_when(group.when, next(iter(subjects)), where)

    def check_group_when(self, when: ConditionSpec, subject: Subject, where: str) -> None:
        """A group's ``when``: a profile input (read as given, never derived), yes/no with is_true / is_false or a
        code with eq / in and codes of its table."""
        ftype = self.fields[subject].get(when.field, {}).get("type")
        if ftype not in ("TriState", "Code"):
            self.error(where, "when.field", f"'{when.field}' is not a yes/no or code {subject} profile field")
            return
        ops = (Operator.IS_TRUE, Operator.IS_FALSE) if ftype == "TriState" else (Operator.EQ, Operator.IN)
        if when.op not in ops:
            self.error(where, "when.op", f"'{when.field}' takes {' or '.join(ops)}")
            return
        if ftype == "Code":
            table = self.code_table(subject, when.field)
            codes = {row.code for row in table.enum_rows} if table is not None else set()
            values = when.value if isinstance(when.value, tuple) else (when.value,)
            for value in values:
                if value not in codes:
                    self.error(where, "when.value", f"'{value}' is not a code of '{when.field}'")

    def check_dependencies(self) -> None:
        for pid, (spec, file) in self.programs.items():
            for index, crit in enumerate(spec.criteria):
                if crit.see_also is not None and crit.see_also.program not in self.programs:
                    self.error(f"{file}: program '{pid}'", f"criteria[{index}] ('{crit.id}').see_also.program",
                               f"unknown program '{crit.see_also.program}'")
            for dep in spec.depends_on:
                where = f"{file}: program '{pid}'"
                if dep not in self.programs:
                    self.error(where, "depends_on", f"unknown program '{dep}'")
                elif self.programs[dep][0].depends_on:
                    self.error(where, "depends_on", f"'{dep}' has dependencies of its own (one level only)")


def validate_tables(root: Path) -> Tables:
    """Every rule table under ``root``, validated and cross-checked (raises :class:`TableError`)."""
    return Validator(root).run()


