"""Build the assessment workbook: Summary, Programs, Criteria, Gaps, People, Permissions, Sources, Inputs.

Everything shown comes from the assessment document (:func:`calculator.engine.report.to_document`), plus
the engine's raw values where a number or a date is better than its display text (criterion values, gaps,
inputs). Totals are live formulas: see ``docs/workbook.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

from openpyxl.utils import get_column_letter

from calculator.engine import (
    CONFIDENCE,
    MONEY_KINDS,
    PRICED_KINDS,
    RESULT,
    STATUS,
    Assessment,
    Catalogue,
    ProgramResult,
    Reporter,
    Status,
)
from calculator.i18n import LANGUAGE_TAGS, gettext
from calculator.i18n.formatting import shows_wan
from calculator.i18n.words import clauses, joined, labelled, readable_source
from calculator.workbook.cells import MONEY, Book, Column, Formula, Link, Sheet, Typed, text_lines
from calculator.workbook.inputs import write_inputs
from calculator.workbook.labels import applies, sheet_name, word
from calculator.workbook.totals import TotalsWriter

RESULT_TEXT = {"met": RESULT[True], "not_met": RESULT[False], "unknown": RESULT[None]}  # by result code
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


def build(catalogue: Catalogue, assessment: Assessment, doc: dict[str, Any], lang: str) -> bytes:
    return Builder(catalogue, assessment, doc, lang).build()


class Builder:
    def __init__(self, catalogue: Catalogue, assessment: Assessment, doc: dict[str, Any], lang: str) -> None:
        self.catalogue, self.assessment, self.doc, self.lang = catalogue, assessment, doc, lang
        self.reporter = Reporter(catalogue, lang)
        self.book = Book(lang)
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

    # --- whole workbook ---------------------------------------------------------------------------
    def build(self) -> bytes:
        book, lang = self.book, self.lang
        summary = book.sheet(sheet_name("summary", lang), freeze=False)
        programs = book.sheet(sheet_name("programs", lang), self.program_columns())
        criteria = book.sheet(sheet_name("criteria", lang), self.criteria_columns())
        gaps = book.sheet(sheet_name("gaps", lang), self.gap_columns())
        people = book.sheet(sheet_name("people", lang), self.people_columns()) if self.assessment.people else None
        permissions = book.sheet(sheet_name("permissions", lang), self.permission_columns())
        sources = book.sheet(sheet_name("sources", lang), self.source_columns())
        inputs = book.sheet(sheet_name("inputs", lang), self.input_columns())
        if people is not None:
            self.write_people(people)
        self.write_programs(programs, people)
        self.write_summary(summary, programs)
        self.write_criteria(criteria)
        self.write_gaps(gaps)
        self.write_permissions(permissions)
        self.write_sources(sources)
        roster_columns = write_inputs(inputs, self.assessment.inputs, self.reporter, lang)
        for table in (programs, criteria, gaps, people, permissions, sources):
            if table is not None:
                table.print_everything()
        inputs.print_everything(max(roster_columns, len(inputs.columns)))
        book.properties(title=self.w("title"), language=LANGUAGE_TAGS[lang])
        return book.to_bytes()

    # --- helpers ----------------------------------------------------------------------------------
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

    # --- People -----------------------------------------------------------------------------------
    def people_columns(self) -> list[Column]:
        # The totals blocks below the detail rows reuse these columns: program / ID / count / low / high
        # (and the two 万元 columns after them in Chinese).
        return [Column(self.w("person_no"), 6, "index"), Column(self.w("person_ref"), 20, "wrap"),
                Column(self.w("department"), 14, "wrap"), Column(self.w("program"), 30, "wrap"),
                Column(self.w("program_id"), 18), Column(self.w("status"), 16, "wrap"),
                Column(self.w("low"), 17, "money"), Column(self.w("high"), 17, "money"),
                Column(self.w("counts_person"), 11, "int"), Column(self.w("excluded"), 30, "wrap"),
                Column(self.w("flags"), 50, "wrap"), Column(self.w("kind_col"), 16, "wrap")]

    def write_people(self, sheet: Sheet) -> None:
        low_col, count_col, id_col, person_col = PEOPLE_LOW, PEOPLE_LOW + 2, PEOPLE_LOW - 2, 1
        for entry in self.person_entries:
            p = entry.doc
            est = p["estimate"] or {}
            excluded = p["excluded_by"]["text"] if p["excluded_by"] else None
            sheet.row([p["person"] + 1, p["person_ref"] or self.w("person", n=p["person"] + 1),
                       self.person_department(p["person"]), p["name"], p["id"], p["status_text"],
                       est.get("low"), est.get("high"), 1 if entry.counts else 0, excluded,
                       self.flag_lines(p["flags"]), p["money_kind_text"]])
        last = max(sheet.row_count, 2)
        sheet.finish(last)
        self.status_rules(sheet, PEOPLE_LOW - 1, last)
        kind_col = PEOPLE_LOW + 5  # cash and tax saved this year are summed apart per person

        def where(key_col: int, key_row: int, by_kind: bool) -> str:
            found = f'{rng(key_col, last)},${letter(key_col)}{key_row},{rng(count_col, last)},">0"'
            return found + (f",{rng(kind_col, last)},${letter(kind_col)}{key_row}" if by_kind else "")

        def sums(value_col: int, key_col: int, key_row: int, by_kind: bool) -> Formula:
            return Formula(f"=SUMIFS({rng(value_col, last)},{where(key_col, key_row, by_kind)})")

        def counted(key_col: int, key_row: int, by_kind: bool) -> Formula:
            return Formula(f"=COUNTIFS({where(key_col, key_row, by_kind)})")

        width = kind_col
        money_keys = ("low", "high", "low_wan", "high_wan") if self.wan else ("low", "high")
        kinds = ["wrap"] * width
        kinds[0] = "index"
        kinds[low_col - 2] = "int_total"
        kinds[low_col - 1] = kinds[low_col] = "money_total"
        if self.wan:
            kinds[low_col + 1] = kinds[low_col + 2] = "wan_total"

        def block(heading: str, heads: dict[int, str], rows: list[tuple[dict[int, Any], Any]]) -> None:
            sheet.blank()
            sheet.row([self.w(heading)], ["heading"])
            for offset, key in enumerate(money_keys):
                heads[low_col + offset] = self.w(key)
            sheet.header([heads.get(i) for i in range(1, width + 1)])
            for values, key_col in rows:
                row = sheet.row_count + 1
                by_kind = kind_col in values
                values[low_col - 1] = counted(key_col, row, by_kind)
                money = self.money_values(sums(low_col, key_col, row, by_kind),
                                          sums(low_col + 1, key_col, row, by_kind), row, low_col)
                for offset, value in enumerate(money):
                    values[low_col + offset] = value
                sheet.row([values.get(i) for i in range(1, width + 1)], kinds)
                if key_col == id_col:
                    self.layout.people_program_rows[values[id_col]] = row

        programs: dict[str, str] = {}
        for entry in self.person_entries:
            programs.setdefault(entry.doc["id"], entry.doc["name"])
        block("per_program", {4: self.w("program"), 5: self.w("program_id"), 6: self.w("people_counted_col")},
              [({4: name, 5: pid}, id_col) for pid, name in programs.items()])
        kinds_text = [gettext(MONEY_KINDS[kind], self.lang) for kind in PRICED_KINDS]
        block("per_person", {1: self.w("person_no"), 2: self.w("person_ref"), 3: self.w("department"),
                             6: self.w("programs_counted"), kind_col: self.w("kind_col")},
              [({1: person["index"] + 1, 2: person["ref"] or self.w("person", n=person["index"] + 1),
                 3: person["department"], kind_col: kind}, person_col)
               for person in self.doc["people"] for kind in kinds_text])

    def person_department(self, index: int) -> str | None:
        return self.doc["people"][index]["department"]

    # --- Programs ---------------------------------------------------------------------------------
    def program_columns(self) -> list[Column]:
        return [Column(self.w("subject"), 14, "wrap"), Column(self.w("family"), 16, "wrap"),
                Column(self.w("program"), 32, "wrap"), Column(self.w("program_id"), 18),
                Column(self.w("status"), 16, "wrap"), Column(self.w("certainty"), 16, "wrap"),
                Column(self.w("money_kind"), 14, "wrap"), Column(self.w("confidence"), 12, "wrap"),
                *self.money_columns(), Column(self.w("counts"), 12, "int"),
                Column(self.w("later_years"), 16, "money"), Column(self.w("if_certified"), 16, "money"),
                Column(self.w("amount"), 20, "wrap"),
                Column(self.w("flags"), 44, "wrap"), Column(self.w("window"), 36, "wrap"),
                Column(self.w("opens"), 11, "date"), Column(self.w("closes"), 11, "date"),
                Column(self.w("excluded"), 32, "wrap"), Column(self.w("reasons"), 40, "wrap"),
                Column(self.w("sources"), 16, "wrap"), Column(self.w("checked"), 11, "date"),
                Column(self.w("official_text"), 24, "link")]

    def write_programs(self, sheet: Sheet, people: Sheet | None) -> None:
        cols = {c.header: i for i, c in enumerate(sheet.columns, 1)}
        low_col = cols[self.w("low")]
        for entry in self.company_entries:
            p = entry.doc
            row = sheet.row_count + 1
            est = p["estimate"] or {}
            sheet.row([entry.subject, p["family_name"], p["name"], p["id"], p["status_text"], p["certainty_text"],
                       p["money_kind_text"], gettext(CONFIDENCE[p["confidence"]], self.lang),
                       *self.money_values(est.get("low"), est.get("high"), row, low_col),
                       1 if entry.counts else 0, *self.side_values(entry), p["amount"], self.side_flag_lines(p),
                       p["window"]["text"],
                       *self.window_dates(p["window"]), self.excluded_text(p, self.company_entries),
                       self.reasons(p), self.source_refs(p), p["checked"],
                       official_link(p["official_text"])])
            self.layout.program_rows[p["id"]] = row
        if people is not None:
            groups: dict[str, list[Entry]] = {}
            for entry in self.person_entries:
                groups.setdefault(entry.doc["id"], []).append(entry)
            n = len(self.assessment.people)
            for pid, entries in groups.items():
                p = entries[0].doc
                row = sheet.row_count + 1
                block = self.layout.people_program_rows[pid]
                low_ref = people.ref(PEOPLE_LOW, block)
                high_ref = people.ref(PEOPLE_LOW + 1, block)
                count_ref = people.ref(PEOPLE_LOW - 1, block)
                k = sum(1 for e in entries if e.counts)
                sheet.row([self.w("people_subject", n=n), p["family_name"], p["name"], pid,
                           self.people_status(entries), p["certainty_text"], p["money_kind_text"],
                           joined(dict.fromkeys(gettext(CONFIDENCE[e.doc["confidence"]], self.lang)
                                                for e in entries), self.lang),
                           *self.money_values(Formula(f"={low_ref}"), Formula(f"={high_ref}"), row, low_col),
                           Formula(f"={count_ref}"), None, None, self.w("people_counted", k=k, n=n),
                           self.people_flags(entries), p["window"]["text"], *self.window_dates(p["window"]),
                           self.people_excluded(entries), self.w("see_criteria"),
                           self.source_refs(p), p["checked"],
                           official_link(p["official_text"])])
                self.layout.program_rows[pid] = row
        sheet.finish()
        self.status_rules(sheet, cols[self.w("status")], sheet.row_count)

    @staticmethod
    def side_values(entry: Entry) -> list[Any]:
        """The later-years figure (when the engine's totals count it: eligible, not excluded) and the if-certified
        figure beside a self-check: "up to" / "about" their high ends. No total on this sheet includes them."""
        p, result = entry.doc, entry.result
        later = p["later_years"]["high"] if p["later_years"] and result.status == Status.ELIGIBLE \
            and result.excluded_by is None else None
        return [later, p["if_certified"]["high"] if p["if_certified"] else None]

    def side_flag_lines(self, p: dict[str, Any]) -> str | None:
        """Flags, then what the side figures and the self-check say (they are read here, not summed)."""
        notes = [{"text": p[side]["note"]} for side in ("later_years", "if_certified") if p[side]]
        check = p["self_check"]
        if check:
            notes.append({"text": labelled(check["title"], check["text"], self.lang)})
        return self.flag_lines([*notes, *p["flags"]])

    def window_dates(self, window: dict[str, Any]) -> list[Any]:
        period = window.get("next") if window["state"] == "upcoming" else window.get("last") \
            if window["state"] == "closed" else window
        if not period:
            return [None, None]
        return [period.get("opens"), period.get("closes")]

    def excluded_text(self, p: dict[str, Any], same_subject: list[Entry]) -> str | None:
        excluded = p["excluded_by"]
        if not excluded:
            return None
        names = {e.doc["id"]: e.doc["name"] for e in same_subject}
        chosen = joined((names.get(c, c) for c in excluded["chosen"]), self.lang)
        return self.w("taken_instead", text=excluded["text"], chosen=chosen) if chosen else excluded["text"]

    def reasons(self, p: dict[str, Any]) -> str | None:
        lines = list(p["reasons"])
        if p["not_in_force_reason"]:
            lines.append(p["not_in_force_reason"])
        if p["missing"]:
            lines.append(self.w("needs", items=joined((m["label"] for m in p["missing"]), self.lang)))
        return "\n".join(lines) or None

    def people_status(self, entries: list[Entry]) -> str:
        counts: dict[str, int] = {}
        for e in entries:
            counts[e.doc["status_text"]] = counts.get(e.doc["status_text"], 0) + 1
        return clauses((self.w("people_status", count=c, status=s) for s, c in counts.items()), self.lang)

    def people_flags(self, entries: list[Entry], limit: int = 8) -> str | None:
        texts = list(dict.fromkeys(f["text"] for e in entries for f in e.doc["flags"]))
        lines = [f"• {t}" for t in texts[:limit]]
        if len(texts) > limit:
            lines.append(self.w("more_flags", n=len(texts) - limit))
        return "\n".join(lines) or None

    def people_excluded(self, entries: list[Entry]) -> str | None:
        texts: dict[str, int] = {}
        for e in entries:
            if e.doc["excluded_by"]:
                texts[e.doc["excluded_by"]["text"]] = texts.get(e.doc["excluded_by"]["text"], 0) + 1
        return "\n".join(self.w("people_excluded", k=k, text=t) for t, k in texts.items()) or None

    # --- Summary ----------------------------------------------------------------------------------
    def write_summary(self, sheet: Sheet, programs: Sheet) -> None:
        doc, ws = self.doc, sheet.ws
        widths = [34, 14, 18, 18, 18, 18, 18, 18, 14, 14]
        sheet.set_widths(widths)
        pcols = {c.header: i for i, c in enumerate(programs.columns, 1)}
        p_low, p_count = pcols[self.w("low")], pcols[self.w("counts")]
        last_col = 8

        sheet.row([self.w("title")], ["title"])
        sheet.blank()
        if doc["company"]:
            sheet.row([self.w("company"), doc["company"]["name"] or "—"], ["bold", "text"])
        else:
            sheet.row([self.w("company"), self.w("no_company")], ["bold", "text"])
        sheet.append([self.book.text(ws, self.w("people_assessed"), "bold"),
                      self.book.number(ws, len(doc["people"]), "0", "left")])
        sheet.append([self.book.text(ws, self.w("as_of"), "bold"), self.book.date(ws, doc["as_of"], "left")])
        sheet.row([self.w("tables_version"), doc["tables_version"]], ["bold", "text"])
        sheet.row([self.w("engine_version"), doc["engine_version"]], ["bold", "text"])
        if doc.get("reference_revision"):
            sheet.append([self.book.text(ws, self.w("reference_revision"), "bold"),
                          self.book.date(ws, doc["reference_revision"], "left")])
        sheet.blank()
        merged_width = sum(widths[1:last_col])
        for key, text in (("please_note", doc["disclaimer"]), ("how_totals", self.w("how_totals_text"))):
            row = sheet.row_count + 1
            sheet.set_height(row, sheet.line_height * text_lines(text, merged_width) + 4)
            sheet.append([self.book.text(ws, self.w(key), "bold"), self.book.text(ws, text, "wrap")])
            sheet.merge(row, 2, last_col)
        sheet.blank()

        TotalsWriter(self, sheet, programs).write()
        self.write_size_class(sheet)

        # Chart data: every row of the Programs sheet that counts, as live references; printed on a new page.
        sheet.page_break()
        sheet.row([self.w("chart_heading")], ["heading"])
        heads = [self.w("program"), None, self.w("low"), self.w("high")]
        sheet.header(heads)
        header_row = sheet.row_count
        counted = [e for e in self.company_entries if e.counts]
        person_ids = list(dict.fromkeys(e.doc["id"] for e in self.person_entries if e.counts))
        chart_rows = [(e.doc["name"], self.layout.program_rows[e.doc["id"]]) for e in counted]
        names = {e.doc["id"]: e.doc["name"] for e in self.person_entries}
        chart_rows += [(names[pid], self.layout.program_rows[pid]) for pid in person_ids]
        for name, prow in chart_rows:
            count = programs.ref(p_count, prow)
            sheet.row([name, None, Formula(f"=IF({count}>0,{programs.ref(p_low, prow)},0)"),
                       Formula(f"=IF({count}>0,{programs.ref(p_low + 1, prow)},0)")],
                      ["wrap", "text", "money", "money"])
        if not chart_rows:
            sheet.row([self.w("no_chart")], ["text"])
            return
        sheet.bar_chart(self.w("chart_title"), header_row, values=(3, 4), categories=1,
                        number_format=MONEY[self.lang], height_cm=max(7.5, 2.5 + 1.1 * len(chart_rows)))

    def write_size_class(self, sheet: Sheet) -> None:
        """The company's SME size class and why (an output of the document, not only a criterion's sentence)."""
        size = (self.doc["company"] or {}).get("size_class")
        if not size:
            return
        sheet.row([self.w("size_class"), size["text"] or self.w("not_classified")], ["bold", "bold"])
        row = sheet.row_count + 1
        sheet.set_height(row, sheet.line_height * text_lines(size["why"], 120) + 4)
        sheet.row([None, size["why"]], ["text", "wrap"])
        sheet.merge(row, 2, 8)
        sheet.blank()

    # --- Criteria ---------------------------------------------------------------------------------
    def criteria_columns(self) -> list[Column]:
        return [Column(self.w("subject"), 16, "wrap"), Column(self.w("program"), 28, "wrap"),
                Column(self.w("criterion"), 44, "wrap"), Column(self.w("requirement"), 28, "wrap"),
                Column(self.w("value_given"), 20, "wrap"), Column(self.w("result"), 10),
                Column(self.w("note"), 40, "wrap")]

    def write_criteria(self, sheet: Sheet) -> None:
        lang = self.lang
        for entry in self.entries:
            p = entry.doc
            for c, raw in zip(p["criteria"], entry.result.criteria, strict=True):
                sheet.row([entry.subject, p["name"], c["condition"], c["required"],
                           Typed(raw.actual, raw.unit, c["actual"], lang), gettext(RESULT_TEXT[c["result"]], lang),
                           c.get("note")])
        sheet.finish()
        ref = f"F2:F{max(sheet.row_count, 2)}"
        for code, fill in (("met", GOOD), ("not_met", BAD), ("unknown", MAYBE)):
            sheet.colour_when_equal(ref, excel_string(gettext(RESULT_TEXT[code], lang)), fill)

    # --- Gaps -------------------------------------------------------------------------------------
    def gap_columns(self) -> list[Column]:
        return [Column(self.w("subject"), 16, "wrap"), Column(self.w("program"), 26, "wrap"),
                Column(self.w("criterion"), 34, "wrap"), Column(self.w("input"), 22, "wrap"),
                Column(self.w("current"), 16), Column(self.w("required"), 16), Column(self.w("change"), 16),
                Column(self.w("unlocks_low"), 15, "money"), Column(self.w("unlocks_high"), 15, "money"),
                Column(self.w("unlocks"), 22, "wrap"), Column(self.w("explanation"), 60, "wrap")]

    def write_gaps(self, sheet: Sheet) -> None:
        lang = self.lang
        for entry in self.entries:
            p = entry.doc
            conditions = {c["id"]: c["condition"] for c in p["criteria"]}
            rows = [(g, conditions.get(g["criterion"], g["criterion"]), False) for g in p["gaps"]]
            check = p["self_check"]
            if check:  # near misses of the recognition self-check: what they unlock is the if-certified figure
                own = {c["id"]: c["condition"] for c in check["criteria"]}
                rows += [(g, self.w("self_check_gap", title=check["title"], condition=own.get(g["criterion"], "")),
                          True) for g in check["gaps"]]
            for g, condition, certified in rows:
                unit = g["unit"]
                unlocks = g["unlocks"]
                if unlocks:
                    what = labelled(self.w("if_certified"), unlocks["text"], lang) if certified else unlocks["text"]
                elif g["unlocks_status"]:
                    what = gettext(STATUS[g["unlocks_status"]], lang) if g["unlocks_status"] in STATUS else None
                else:
                    what = None
                sheet.row([entry.subject, p["name"], condition, g["input_label"],
                           Typed(g["current"], unit, None, lang), Typed(g["required"], unit, None, lang),
                           Typed(g["change"], unit, None, lang), unlocks["low"] if unlocks else None,
                           unlocks["high"] if unlocks else None, what, g["text"]])
        if sheet.row_count == 1:
            sheet.row([self.w("no_gaps")], ["text"])
        sheet.finish()

    # --- Permissions and obligations --------------------------------------------------------------
    def permission_columns(self) -> list[Column]:
        return [Column(self.w("subject"), 14, "wrap"), Column(self.w("family"), 16, "wrap"),
                Column(self.w("program"), 28, "wrap"), Column(self.w("status"), 16, "wrap"),
                Column(self.w("type"), 10), Column(self.w("item"), 70, "wrap"),
                Column(self.w("article"), 18, "wrap"), Column(self.w("applies"), 22, "wrap")]

    def write_permissions(self, sheet: Sheet) -> None:
        lang = self.lang
        for entry in self.entries:
            p = entry.doc
            for item in p["benefit"].get("items", []):
                kind = item["type_text"]
                sheet.row([entry.subject, p["family_name"], p["name"], p["status_text"], kind, item["text"],
                           item["article"], applies(item["applies"], lang)])
        if sheet.row_count == 1:
            sheet.row([self.w("no_items")], ["text"])
        sheet.finish()

    # --- Sources ----------------------------------------------------------------------------------
    def source_columns(self) -> list[Column]:
        return [Column(self.w("source_number"), 8, "int"), Column(self.w("title_col"), 50, "wrap"),
                Column(self.w("source_quality"), 24, "wrap"), Column(self.w("address"), 40, "link"),
                Column(self.w("other_addresses"), 50, "wrap"), Column(self.w("cited_by"), 50, "wrap")]

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

    def write_sources(self, sheet: Sheet) -> None:
        lang = self.lang
        found: dict[str, dict[str, Any]] = {}
        cited: dict[str, dict[str, None]] = {}
        for entry in self.entries:
            for source in entry.doc["sources"]:
                found.setdefault(source["key"], source)
                cited.setdefault(source["key"], {})[entry.doc["name"]] = None
        numbers = self.source_numbers()
        for key, source in found.items():
            addresses = list(source["urls"]) + [github_url(g) for g in source.get("github", [])]
            sheet.row([numbers[key], source["title"], readable_source(source, lang)["quality"],
                       Link(addresses[0]) if addresses else None, "\n".join(addresses[1:]) or None,
                       joined(cited[key], lang)])
        sheet.finish()

    # --- Inputs -----------------------------------------------------------------------------------
    def input_columns(self) -> list[Column]:
        return [Column(self.w("subject_code"), 14), Column(self.w("field"), 32), Column(self.w("label"), 44, "wrap"),
                Column(self.w("value_as_given"), 26), Column(self.w("reads_as"), 36, "wrap")]


def letter(index: int) -> str:
    return get_column_letter(index)


def rng(column: int, last: int) -> str:
    col = letter(column)
    return f"${col}$2:${col}${last}"


def excel_string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def official_link(url: str | None) -> Link | None:
    """A link to the official text, shown by its site name (the full address is in the link)."""
    if not url:
        return None
    return Link(url, urlsplit(url).hostname or url)


def github_url(entry: dict[str, Any]) -> str:
    commit = entry.get("commit") or "HEAD"
    return f"https://github.com/{entry['repository']}/blob/{commit}/{quote(entry['path'])}"
