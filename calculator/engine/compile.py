"""Compile validated rule tables (:class:`~calculator.engine.specs.Tables`) into a runnable
:class:`~calculator.engine.catalogue.Catalogue`: reference look-ups, value getters, criteria as generated code,
benefit formulas. Nothing here checks tables: :mod:`.validate` has refused anything this could trip on."""

from __future__ import annotations

from collections.abc import Mapping

from calculator.engine import benefits
from calculator.engine.catalogue import Catalogue, Program
from calculator.engine.criteria import (
    Compiled,
    CompiledWhen,
    FigureThreshold,
    Threshold,
    compile_criterion,
    condition_criterion,
)
from calculator.engine.criteria_code import criteria_runner
from calculator.engine.derived import Value, derived_value, input_value
from calculator.engine.enums import Subject
from calculator.engine.model import Figure
from calculator.engine.reference import ReferenceTable
from calculator.engine.specs import (
    BandLookup,
    CompoundConditionSpec,
    CriterionSpec,
    FigureRef,
    ProgramSpec,
    Tables,
    Text,
    When,
)
from schemas.profile import field_catalogue


def program_figures(spec: ProgramSpec) -> dict[str, list[Figure]]:
    """A program's figures by name; a row without dates or instrument takes the program's."""
    out: dict[str, list[Figure]] = {}
    for row in spec.figures:
        out.setdefault(row.name, []).append(Figure(
            name=row.name, value=row.value, unit=row.unit, confidence=row.confidence, source=row.source,
            effective_from=row.effective_from or spec.effective.start,
            effective_to=row.effective_to or spec.effective.end, instrument=row.instrument or spec.instrument,
            note=row.note))
    return out


class Compiler:
    """Turns typed specs into programs ready to evaluate (once, at start-up)."""

    def __init__(self, tables: Tables) -> None:
        self.tables = tables
        self.reference = {name: ReferenceTable(spec, f"reference/{name}.toml") for name, spec in
                          tables.reference.items()}
        fields = field_catalogue()
        self.values: dict[Subject, dict[str, Value]] = {
            subject: {name: input_value(name, meta["unit"]) for name, meta in fields[subject].items()}
            for subject in Subject}
        units = {subject: {name: meta["unit"] for name, meta in fields[subject].items()} for subject in Subject}
        for name, spec in tables.derived.items():
            self.values[spec.subject][name] = derived_value(spec, self.reference, units[spec.subject])

    def criterion(self, spec: CriterionSpec, values: Mapping[str, Value]) -> Compiled:
        threshold: Threshold | FigureThreshold | None = None
        if isinstance(spec.value, FigureRef):
            threshold = FigureThreshold(self.reference[spec.value.table], spec.value.key)
        elif isinstance(spec.value, BandLookup):
            threshold = Threshold(self.reference[spec.value.lookup], values[spec.value.key])
        return compile_criterion(spec, values[spec.field], threshold)

    def program(self, spec: ProgramSpec, file: str) -> Program:
        values = self.values[spec.subject]

        def condition(when: When, cid: str, text: Text) -> CompiledWhen:
            leaves = [self.criterion(condition_criterion(leaf, f"{cid}_{index}", text), values)
                      for index, leaf in enumerate(when.leaves)]
            return CompiledWhen(when.mode if isinstance(when, CompoundConditionSpec) else "all", leaves)

        figures = program_figures(spec)
        built = benefits.Built(figures=figures, reference=self.reference, values=values, condition=condition)
        check = spec.self_check.criteria if spec.self_check else ()
        criteria = [self.criterion(c, values) for c in spec.criteria]
        dated = any(c.dated for c in criteria)
        return Program(spec=spec, file=file, criteria=criteria,
                       flags=[(item, None if item.when is None else condition(item.when, item.code, item.text))
                              for item in spec.flags],
                       benefit=benefits.build_rows(spec.benefits, built), figures=figures,
                       self_check=[self.criterion(c, values) for c in check],
                       run=None if dated else criteria_runner(spec.id, criteria))

    def catalogue(self) -> Catalogue:
        programs = {pid: self.program(spec, file) for pid, (spec, file) in self.tables.programs.items()}
        independent = [p for p in sorted(programs) if not programs[p].spec.depends_on]
        dependent = [p for p in sorted(programs) if programs[p].spec.depends_on]
        return Catalogue(root=self.tables.root, programs=programs, reference=self.reference,
                         derived=dict(self.tables.derived), stacking=list(self.tables.stacking),
                         sources=dict(self.tables.sources), tables_version=self.tables.version,
                         order=independent + dependent, reference_revision=self.tables.reference_revision)


def compile_tables(tables: Tables) -> Catalogue:
    return Compiler(tables).catalogue()
