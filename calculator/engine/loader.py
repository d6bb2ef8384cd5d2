"""Load ``incentive_tables/`` once at start-up: validate, cross-check, compile.

Any problem stops loading with :class:`TableError`, whose lines name the file, the program and the field,
e.g. ``programs/x.toml: program 'x': criteria[2].op: Must be one of: eq, ne, …``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import tomllib
from decimal import Decimal
from importlib.resources import files
from pathlib import Path
from typing import Any

from marshmallow import ValidationError

from calculator.engine.benefits import KINDS, NonMonetary
from calculator.engine.criteria import FigureThreshold, Threshold, compile_criterion
from calculator.engine.derived import Value, derived_value, input_value
from calculator.engine.model import Catalogue, Figure, Program
from calculator.engine.reference import ReferenceTable
from schemas import tables as ts
from schemas.profile import field_catalogue

NUMERIC_TYPES = {"Money", "Count", "Percent", "Year", "Ratio"}
TAX_TABLES = {
    "iit_excess_over_share": ("iit_brackets", "iit_deductions"),
    "iit_excess_over_hk_burden": ("iit_brackets", "iit_deductions", "hk_basic_allowance",
                                  "hk_progressive_bands", "hk_standard_rate"),
}
FIGURE_PARAMS = ("amount", "cap", "floor", "share", "extra_rate", "from_rate", "to_rate")
VALUE_PARAMS = ("base", "category", "count", "expensed", "amortised", "limit")


class TableError(Exception):
    """Rule tables failed to load; ``errors`` lists every problem found."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("Rule tables are invalid:\n" + "\n".join(f"  - {e}" for e in errors))


def default_root() -> Path:
    return Path(str(files("incentive_tables")))


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


def overlaps(rows: list[tuple[dt.date | None, dt.date | None]]) -> bool:
    ordered = sorted(rows, key=lambda r: r[0] or dt.date.min)
    return any(end is None or (start or dt.date.min) <= end for (_, end), (start, _) in itertools.pairwise(ordered))


class Loader:
    """One loading pass; collects every error before giving up."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.errors: list[str] = []
        self.fields = field_catalogue()
        self.sources: dict[str, dict[str, Any]] = {}
        self.reference: dict[str, ReferenceTable] = {}
        self.derived: dict[str, dict[str, Any]] = {}
        self.values: dict[str, dict[str, Value]] = {}

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

    def validate(self, schema: Any, data: Any, where: str) -> dict[str, Any] | None:
        try:
            return schema.load(data)
        except ValidationError as exc:
            for path, message in flatten(exc.messages):
                self.error(where, path, message)
            return None

    def check_sources(self, keys: list[str] | None, where: str, field: str) -> None:
        for key in keys or ():
            if key not in self.sources:
                self.error(where, field, f"unknown source key '{key}' (not in sources.toml)")

    # --- files ----------------------------------------------------------------------------------
    def load(self) -> Catalogue:
        if not self.root.is_dir():
            raise TableError([f"{self.root}: rule-table folder not found"])
        self.load_sources()
        self.load_reference()
        self.check_profile_tables()
        self.load_derived()
        programs = self.load_programs()
        stacking = self.load_stacking(programs)
        self.check_dependencies(programs)
        if self.errors:
            raise TableError(self.errors)
        independent = [p for p in sorted(programs) if not programs[p].spec["depends_on"]]
        dependent = [p for p in sorted(programs) if programs[p].spec["depends_on"]]
        return Catalogue(root=str(self.root), programs=programs, reference=self.reference, derived=self.derived,
                         stacking=stacking, sources=self.sources, tables_version=tables_version(self.root),
                         order=independent + dependent)

    def load_sources(self) -> None:
        path = self.root / "sources.toml"
        where = self.rel(path)
        if not path.exists():
            self.error(where, "(file)", "missing: every figure must cite a source key from it")
            return
        data = self.read(path, where) or {}
        for key, entry in data.items():
            loaded = self.validate(ts.SourceSchema(), entry, f"{where}: source '{key}'")
            if loaded is not None:
                self.sources[key] = loaded

    def load_reference(self) -> None:
        for path in sorted((self.root / "reference").glob("*.toml")):
            where = self.rel(path)
            data = self.read(path, where)
            if data is None:
                continue
            spec = self.validate(ts.ReferenceTableSchema(), data, f"{where}: table '{data.get('name', path.stem)}'")
            if spec is None:
                continue
            where = f"{where}: table '{spec['name']}'"
            if spec["name"] != path.stem:
                self.error(where, "name", f"must match the file name '{path.stem}'")
            self.check_sources(spec.get("source"), where, "source")
            table = ReferenceTable(spec, self.rel(path))
            for index, version in enumerate(spec.get("versions") or []):
                self.check_sources(version["source"], where, f"versions[{index}].source")
                if version["confidence"] == "UNCONFIRMED":
                    self.error(where, f"versions[{index}].confidence",
                               "UNCONFIRMED figures never enter a rule table")
            if table.versions and overlaps([(v.effective_from, v.effective_to) for v in table.versions]):
                self.error(where, "versions", "dated versions overlap")
            for index, row in enumerate(spec.get("rows") or []):
                if spec["kind"] == "figures":
                    self.check_sources(row["source"], where, f"rows[{index}].source")
                    if row["confidence"] == "UNCONFIRMED":
                        self.error(where, f"rows[{index}].confidence", "UNCONFIRMED figures never enter a rule table")
            for key, rows in table.figures.items():
                if overlaps([(r.effective_from, r.effective_to) for r in rows]):
                    self.error(where, f"rows (key '{key}')", "dated rows overlap")
            if spec["kind"] == "enum" and len(table.codes) != len(spec["rows"]):
                self.error(where, "rows", "duplicate codes")
            self.reference[spec["name"]] = table

    def check_profile_tables(self) -> None:
        """Every code a profile asks for must come from a loaded enum table (else codes would go unchecked)."""
        for subject, fields in self.fields.items():
            for name, meta in fields.items():
                table = meta.get("table")
                if table and (table not in self.reference or self.reference[table].kind != "enum"):
                    self.error(f"reference/{table}.toml", "(file)",
                               f"missing: the {subject} profile field '{name}' takes its choices from it")

    def load_derived(self) -> None:
        path = self.root / "derived.toml"
        where = self.rel(path)
        data = self.read(path, where) if path.exists() else {}
        for subject in ("company", "person"):
            self.values[subject] = {
                name: input_value(name, meta["unit"]) for name, meta in self.fields[subject].items()}
        for name, entry in (data or {}).items():
            spec = self.validate(ts.DerivedSchema(), entry, f"{where}: derived '{name}'")
            if spec is None:
                continue
            subject = spec["subject"]
            if name in self.fields[subject]:
                self.error(f"{where}: derived '{name}'", "name", "clashes with a profile field")
                continue
            for param in ("numerator", "denominator", "input"):
                if spec.get(param) and spec[param] not in self.fields[subject]:
                    self.error(f"{where}: derived '{name}'", param, f"'{spec[param]}' is not a {subject} profile field")
            if spec["kind"] == "size_class":
                table, names = self.reference.get(spec["table"]), self.reference.get(spec["names_table"])
                if table is None or table.kind != "size_classes":
                    self.error(f"{where}: derived '{name}'", "table", f"'{spec['table']}' is not a size_classes")
                    continue
                if names is None or names.kind != "enum":
                    self.error(f"{where}: derived '{name}'", "names_table", f"'{spec['names_table']}' is not an enum")
                    continue
                for param in ("sector", "employees", "revenue"):
                    if spec[param] not in self.fields[subject]:
                        self.error(f"{where}: derived '{name}'", param, f"'{spec[param]}' is not a {subject} field")
            self.derived[name] = spec
            self.values[subject][name] = derived_value(name, spec, self.reference)

    def load_programs(self) -> dict[str, Program]:
        programs: dict[str, Program] = {}
        folder = self.root / "programs"
        for path in sorted(folder.glob("*.toml")):
            if path.name.endswith(".cases.toml"):
                continue
            where = self.rel(path)
            data = self.read(path, where)
            if data is None:
                continue
            pid = data.get("id", path.stem)
            where = f"{where}: program '{pid}'"
            spec = self.validate(ts.ProgramSchema(), data, where)
            if spec is None:
                continue
            if spec["id"] != path.stem:
                self.error(where, "id", f"must match the file name '{path.stem}'")
            program = self.compile_program(spec, where)
            if program is not None:
                programs[spec["id"]] = program
        return programs

    # --- one program ----------------------------------------------------------------------------
    def value(self, subject: str, name: str, where: str, field: str) -> Value | None:
        value = self.values[subject].get(name)
        if value is None:
            self.error(where, field, f"'{name}' is not a {subject} profile field or derived value")
        return value

    def field_type(self, subject: str, name: str) -> str:
        meta = self.fields[subject].get(name)
        if meta is None:
            kind = self.derived[name]["kind"]
            return "Code" if kind == "size_class" else "Derived:" + kind
        return meta["type"]

    def code_table(self, subject: str, name: str) -> str | None:
        meta = self.fields[subject].get(name)
        if meta is not None:
            return meta.get("table")
        return self.derived.get(name, {}).get("names_table")

    def check_condition(self, subject: str, cond: dict[str, Any], where: str, field: str) -> Value | None:
        value = self.value(subject, cond["field"], where, f"{field}.field")
        if value is None:
            return None
        ftype, op, literal = self.field_type(subject, cond["field"]), cond["op"], cond.get("value")
        numeric = ftype in NUMERIC_TYPES or ftype.startswith("Derived:")
        if op in ("is_true", "is_false") and ftype != "TriState":
            self.error(where, f"{field}.op", f"'{op}' needs a yes/no/unknown input; '{cond['field']}' is {ftype}")
        if op in ("contains", "not_contains") and ftype != "CodeList":
            self.error(where, f"{field}.op", f"'{op}' needs a list input; '{cond['field']}' is {ftype}")
        if op in ("gt", "ge", "lt", "le", "between") and not (numeric or ftype == "Day"):
            self.error(where, f"{field}.op", f"'{op}' needs a number or date; '{cond['field']}' is {ftype}")
        if ftype in ("Code", "CodeList") and literal is not None:
            table = self.reference.get(self.code_table(subject, cond["field"]) or "")
            items = literal if isinstance(literal, list) else [literal]
            for item in items:
                if table is not None and item not in table.codes:
                    self.error(where, f"{field}.value", f"'{item}' is not a code of table '{table.name}'")
        if isinstance(literal, dict) and "figure" in literal:
            table_name, key = literal["figure"].split(".", 1)
            table = self.reference.get(table_name)
            if table is None or table.kind != "figures" or key not in table.figures:
                self.error(where, f"{field}.value.figure", f"'{literal['figure']}' is not a row of a figures table")
        elif isinstance(literal, dict):
            table = self.reference.get(literal["lookup"])
            if table is None or table.kind != "bands":
                self.error(where, f"{field}.value.lookup", f"'{literal['lookup']}' is not a bands reference table")
            self.value(subject, literal["key"], where, f"{field}.value.key")
        return value

    def figures(self, spec: dict[str, Any], where: str) -> dict[str, list[Figure]]:
        start, end = spec["effective"]["start"], spec["effective"].get("end")
        out: dict[str, list[Figure]] = {}
        for index, row in enumerate(spec["figures"]):
            self.check_sources(row["source"], where, f"figures[{index}].source")
            if row["confidence"] == "UNCONFIRMED":
                self.error(where, f"figures[{index}] ('{row['name']}').confidence",
                           "UNCONFIRMED figures never enter a rule table (show the amount as unknown instead)")
            out.setdefault(row["name"], []).append(Figure(
                name=row["name"], value=row["value"], unit=row["unit"], confidence=row["confidence"],
                source=tuple(row["source"]), effective_from=row.get("effective_from", start),
                effective_to=row.get("effective_to", end), instrument=row.get("instrument", spec["instrument"]),
                note=row.get("note")))
        for name, rows in out.items():
            if overlaps([(r.effective_from, r.effective_to) for r in rows]):
                self.error(where, f"figures ('{name}')", "dated rows overlap")
        return out

    def check_figure_ref(self, ref: str, figures: dict[str, list[Figure]], where: str, field: str) -> None:
        for part in ref.split("*"):
            if "." in part:
                table_name, key = part.split(".", 1)
                table = self.reference.get(table_name)
                if table is None or table.kind != "figures" or key not in table.figures:
                    self.error(where, field, f"'{part}' is not a row of a figures reference table")
            elif part not in figures:
                self.error(where, field, f"'{part}' is not a figure of this program")

    def compile_program(self, spec: dict[str, Any], where: str) -> Program | None:
        before = len(self.errors)
        subject = "person" if spec["applies_to"] == "person" else "company"
        self.check_sources(spec["sources"], where, "sources")
        eff = spec["effective"]
        self.check_sources(eff["source"], where, "effective.source")
        self.check_sources(eff.get("end_source"), where, "effective.end_source")
        self.check_sources(eff.get("valid_for_source"), where, "effective.valid_for_source")
        for index, period in enumerate(spec["window"]["periods"]):
            self.check_sources(period["source"], where, f"window.periods[{index}].source")
            if period["confidence"] == "UNCONFIRMED":
                self.error(where, f"window.periods[{index}].confidence", "UNCONFIRMED dates never enter a rule table")
        if spec.get("cohort"):
            self.check_sources(spec["cohort"]["source"], where, "cohort.source")
            if self.fields[subject].get(spec["cohort"]["field"], {}).get("type") != "Day":
                self.error(where, "cohort.field", f"'{spec['cohort']['field']}' is not a date input")
        figures = self.figures(spec, where)
        branch_ids = [b["id"] for b in spec["branches"]]
        if len(set(branch_ids)) != len(branch_ids):
            self.error(where, "branches", "duplicate branch ids")
        compiled = []
        rows_by_id: dict[str, list[tuple[dt.date | None, dt.date | None]]] = {}
        for index, crit in enumerate(spec["criteria"]):
            field = f"criteria[{index}] ('{crit['id']}')"
            self.check_sources(crit["source"], where, f"{field}.source")
            if crit.get("branch") is not None and crit["branch"] not in branch_ids:
                self.error(where, f"{field}.branch", f"unknown branch '{crit['branch']}'")
            if crit.get("branch") and crit["confidence"] == "UNCONFIRMED":
                self.error(where, f"{field}.confidence",
                           "an UNCONFIRMED condition inside a branch could grant a benefit; it may only withhold")
            if crit.get("unknown_values") and crit["op"] not in ("in", "eq"):
                self.error(where, f"{field}.unknown_values", "only with 'in' or 'eq'")
            value = self.check_condition(subject, crit, where, field)
            rows_by_id.setdefault(crit["id"], []).append((crit.get("effective_from"), crit.get("effective_to")))
            if value is None:
                continue
            threshold = None
            if isinstance(crit.get("value"), dict) and "figure" in crit["value"]:
                table_name, key = crit["value"]["figure"].split(".", 1)
                threshold = FigureThreshold(self.reference[table_name], key)
            elif isinstance(crit.get("value"), dict):
                lookup = crit["value"]
                key = self.values[subject].get(lookup["key"])
                table = self.reference.get(lookup["lookup"])
                if key is None or table is None:
                    continue
                threshold = Threshold(table, key)
            compiled.append(compile_criterion(crit, value, threshold))
        for cid, rows in rows_by_id.items():
            if len(rows) > 1 and overlaps(rows):
                self.error(where, f"criteria ('{cid}')", "dated rows with the same id overlap")
        for branch in branch_ids:
            if not any(c.get("branch") == branch for c in spec["criteria"]):
                self.error(where, "branches", f"branch '{branch}' has no criteria")
        flags = []
        for index, item in enumerate(spec["flags"]):
            cond = {"id": item["code"], "text": item["text"], "confidence": "CONFIRMED", "source": [], **item["when"]}
            value = self.check_condition(subject, item["when"], where, f"flags[{index}].when")
            if value is not None:
                flags.append((item, compile_criterion(cond, value, None)))
        benefit = self.compile_benefit(spec, subject, figures, where)
        if len(self.errors) > before:
            return None
        return Program(id=spec["id"], spec=spec, file=where.split(":")[0], criteria=compiled, flags=flags,
                       benefit=benefit, figures=figures)

    def compile_benefit(self, spec: dict[str, Any], subject: str, figures: dict[str, list[Figure]], where: str) -> Any:
        benefit = spec["benefit"]
        kind = benefit["kind"]
        for param in FIGURE_PARAMS:
            if benefit.get(param):
                self.check_figure_ref(benefit[param], figures, where, f"benefit.{param}")
        for param in VALUE_PARAMS:
            if benefit.get(param):
                self.value(subject, benefit[param], where, f"benefit.{param}")
        if benefit.get("base_limit"):
            self.check_figure_ref(benefit["base_limit"]["rate"], figures, where, "benefit.base_limit.rate")
            self.value(subject, benefit["base_limit"]["of"], where, "benefit.base_limit.of")
        rate = benefit.get("rate")
        if isinstance(rate, str):
            self.check_figure_ref(rate, figures, where, "benefit.rate")
        elif isinstance(rate, dict):
            if self.fields[subject].get(rate["by"], {}).get("type") != "TriState":
                self.error(where, "benefit.rate.by", f"'{rate['by']}' is not a yes/no/unknown input")
            self.check_figure_ref(rate["when_true"], figures, where, "benefit.rate.when_true")
            self.check_figure_ref(rate["when_false"], figures, where, "benefit.rate.when_false")
        for code, ref in (benefit.get("amounts") or {}).items():
            self.check_figure_ref(ref, figures, where, f"benefit.amounts.{code}")
            table = self.reference.get(self.fields[subject].get(benefit.get("category", ""), {}).get("table") or "")
            if table is not None and code not in table.codes:
                self.error(where, f"benefit.amounts.{code}", f"'{code}' is not a code of table '{table.name}'")
        for regime, ref in (benefit.get("rates") or {}).items():
            self.check_figure_ref(ref, figures, where, f"benefit.rates.{regime}")
        for regime, pid in (benefit.get("regime_programs") or {}).items():
            if pid not in spec["depends_on"]:
                self.error(where, f"benefit.regime_programs.{regime}", f"'{pid}' must also be listed in depends_on")
        if kind == "tiered":
            table = self.reference.get(benefit["table"])
            if table is None or table.kind != "brackets":
                self.error(where, "benefit.table", f"'{benefit['table']}' is not a brackets reference table")
        for table_name in TAX_TABLES.get(kind, ()):
            if table_name not in self.reference:
                self.error(where, "benefit.kind", f"needs reference table '{table_name}'")
        if spec["certainty"] == "not_monetary" and kind not in ("non_monetary",):
            self.error(where, "certainty", "'not_monetary' programs need benefit kind 'non_monetary'")
        values = self.values[subject]
        if kind == "non_monetary":
            conditions = []
            for index, item in enumerate(benefit["items"]):
                self.check_sources(item.get("source"), where, f"benefit.items[{index}].source")
                when = item.get("when")
                if when is None:
                    conditions.append(None)
                    continue
                value = self.check_condition(subject, when, where, f"benefit.items[{index}].when")
                cond = {"id": f"item_{index}", "text": item["text"], "confidence": "CONFIRMED", "source": [], **when}
                conditions.append(compile_criterion(cond, value, None) if value else None)
            return NonMonetary(benefit, figures, self.reference, values, conditions=conditions)
        return KINDS[kind](benefit, figures, self.reference, values)

    # --- across programs ------------------------------------------------------------------------
    def load_stacking(self, programs: dict[str, Program]) -> list[dict[str, Any]]:
        groups: list[dict[str, Any]] = []
        seen: set[str] = set()
        folder = self.root / "stacking"
        if not folder.is_dir() or not any(folder.glob("*.toml")):
            self.error("stacking/", "(folder)", "missing: without it programs that cannot be combined would be summed")
            return groups
        for path in sorted(folder.glob("*.toml")):
            where = self.rel(path)
            data = self.read(path, where)
            spec = self.validate(ts.StackingFileSchema(), data, where) if data is not None else None
            for group in (spec or {}).get("groups", []):
                if group["id"] in seen:
                    self.error(f"{where}: group '{group['id']}'", "id", "duplicate group id")
                seen.add(group["id"])
                self.check_group(group, where, programs)
                groups.append(group)
        return groups

    def check_group(self, group: dict[str, Any], where: str, programs: dict[str, Program]) -> None:
        gwhere = f"{where}: group '{group['id']}'"
        self.check_sources(group["source"], gwhere, "source")
        subjects = set()
        for member in group["members"]:
            if member not in programs:
                self.error(gwhere, "members", f"unknown program '{member}'")
            else:
                subjects.add(programs[member].subject)
        if len(subjects) > 1:
            self.error(gwhere, "members", "members must all apply to companies or all to people")
        for name in group.get("limit_inputs") or ():
            if subjects and name not in self.values[next(iter(subjects))]:
                self.error(gwhere, "limit_inputs", f"'{name}' is not a profile field")

    def check_dependencies(self, programs: dict[str, Program]) -> None:
        for pid, program in programs.items():
            for dep in program.spec["depends_on"]:
                where = f"{program.file}: program '{pid}'"
                if dep not in programs:
                    self.error(where, "depends_on", f"unknown program '{dep}'")
                elif programs[dep].spec["depends_on"]:
                    self.error(where, "depends_on", f"'{dep}' has dependencies of its own (one level only)")


def load_catalogue(root: str | Path | None = None) -> Catalogue:
    """Load, validate and compile the rule tables under ``root`` (default: the packaged tables)."""
    return Loader(Path(root) if root else default_root()).load()
