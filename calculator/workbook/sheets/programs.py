"""The Programs sheet: one row per company program, then one per program the people share (formulas over the
People sheet's totals block)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from calculator.engine import CONFIDENCE, Status
from calculator.i18n import gettext
from calculator.i18n.words import clauses, joined, labelled
from calculator.workbook.cells import Column, Formula, Link, Sheet
from calculator.workbook.context import PEOPLE_LOW, BookContext, Entry


def columns(b: BookContext) -> list[Column]:
    return [Column(b.w("subject"), 14, "wrap"), Column(b.w("family"), 16, "wrap"),
            Column(b.w("program"), 32, "wrap"), Column(b.w("program_id"), 18),
            Column(b.w("status"), 16, "wrap"), Column(b.w("certainty"), 16, "wrap"),
            Column(b.w("money_kind"), 14, "wrap"), Column(b.w("confidence"), 12, "wrap"),
            *b.money_columns(), Column(b.w("counts"), 12, "int"),
            Column(b.w("later_years"), 16, "money"), Column(b.w("if_certified"), 16, "money"),
            Column(b.w("amount"), 20, "wrap"),
            Column(b.w("flags"), 44, "wrap"), Column(b.w("window"), 36, "wrap"),
            Column(b.w("opens"), 11, "date"), Column(b.w("closes"), 11, "date"),
            Column(b.w("excluded"), 32, "wrap"), Column(b.w("reasons"), 40, "wrap"),
            Column(b.w("sources"), 16, "wrap"), Column(b.w("checked"), 11, "date"),
            Column(b.w("official_text"), 24, "link"), Column(b.w("status_code"), 14)]


def write(b: BookContext, sheet: Sheet, people: Sheet | None) -> None:
    cols = {c.header: i for i, c in enumerate(sheet.columns, 1)}
    low_col = cols[b.w("low")]
    for entry in b.company_entries:
        p = entry.doc
        row = sheet.row_count + 1
        est = p["estimate"] or {}
        sheet.row([entry.subject, p["family_name"], p["name"], p["id"], p["status_text"], p["certainty_text"],
                   p["money_kind_text"], gettext(CONFIDENCE[p["confidence"]], b.lang),
                   *b.money_values(est.get("low"), est.get("high"), row, low_col),
                   1 if entry.counts else 0, *side_values(entry), p["amount"], side_flag_lines(b, p),
                   p["window"]["text"],
                   *window_dates(b, p["window"]), excluded_text(b, p, b.company_entries),
                   reasons(b, p), b.source_refs(p), p["checked"],
                   official_link(p["official_text"]), p["status"]])  # the code: read back in any language
        b.layout.program_rows[p["id"]] = row
    if people is not None:
        groups: dict[str, list[Entry]] = {}
        for entry in b.person_entries:
            groups.setdefault(entry.doc["id"], []).append(entry)
        n = len(b.assessment.people)
        for pid, entries in groups.items():
            p = entries[0].doc
            row = sheet.row_count + 1
            block = b.layout.people_program_rows[pid]
            low_ref = people.ref(PEOPLE_LOW, block)
            high_ref = people.ref(PEOPLE_LOW + 1, block)
            count_ref = people.ref(PEOPLE_LOW - 1, block)
            k = sum(1 for e in entries if e.counts)
            sheet.row([b.w("people_subject", n=n), p["family_name"], p["name"], pid,
                       people_status(b, entries), p["certainty_text"], p["money_kind_text"],
                       joined(dict.fromkeys(gettext(CONFIDENCE[e.doc["confidence"]], b.lang)
                                            for e in entries), b.lang),
                       *b.money_values(Formula(f"={low_ref}"), Formula(f"={high_ref}"), row, low_col),
                       Formula(f"={count_ref}"), None, None, b.w("people_counted", k=k, n=n),
                       people_flags(b, entries), p["window"]["text"], *window_dates(b, p["window"]),
                       people_excluded(b, entries), b.w("see_criteria"),
                       b.source_refs(p), p["checked"],
                       official_link(p["official_text"]), None])
            b.layout.program_rows[pid] = row
    sheet.finish()
    b.status_rules(sheet, cols[b.w("status")], sheet.row_count)


def side_values(entry: Entry) -> list[Any]:
    """The later-years figure (when the engine's totals count it: eligible, not excluded) and the if-certified
    figure beside a self-check: "up to" / "about" their high ends. No total on this sheet includes them."""
    p, result = entry.doc, entry.result
    later = p["later_years"]["high"] if p["later_years"] and result.status == Status.ELIGIBLE \
        and result.excluded_by is None else None
    return [later, p["if_certified"]["high"] if p["if_certified"] else None]


def side_flag_lines(b: BookContext, p: dict[str, Any]) -> str | None:
    """Flags, then what the side figures and the self-check say (they are read here, not summed)."""
    notes = [{"text": p[side]["note"]} for side in ("later_years", "if_certified") if p[side]]
    check = p["self_check"]
    if check:
        notes.append({"text": labelled(check["title"], check["text"], b.lang)})
    return b.flag_lines([*notes, *p["flags"]])


def window_dates(b: BookContext, window: dict[str, Any]) -> list[Any]:
    period = window.get("next") if window["state"] == "upcoming" else window.get("last") \
        if window["state"] == "closed" else window
    if not period:
        return [None, None]
    return [period.get("opens"), period.get("closes")]


def excluded_text(b: BookContext, p: dict[str, Any], same_subject: list[Entry]) -> str | None:
    excluded = p["excluded_by"]
    if not excluded:
        return None
    names = {e.doc["id"]: e.doc["name"] for e in same_subject}
    chosen = joined((names.get(c, c) for c in excluded["chosen"]), b.lang)
    return b.w("taken_instead", text=excluded["text"], chosen=chosen) if chosen else excluded["text"]


def reasons(b: BookContext, p: dict[str, Any]) -> str | None:
    lines = list(p["reasons"])
    if p["not_in_force_reason"]:
        lines.append(p["not_in_force_reason"])
    if p["missing"]:
        lines.append(b.w("needs", items=joined((m["label"] for m in p["missing"]), b.lang)))
    return "\n".join(lines) or None


def people_status(b: BookContext, entries: list[Entry]) -> str:
    counts: dict[str, int] = {}
    for e in entries:
        counts[e.doc["status_text"]] = counts.get(e.doc["status_text"], 0) + 1
    return clauses((b.w("people_status", count=c, status=s) for s, c in counts.items()), b.lang)


def people_flags(b: BookContext, entries: list[Entry], limit: int = 8) -> str | None:
    texts = list(dict.fromkeys(f["text"] for e in entries for f in e.doc["flags"]))
    lines = [f"• {t}" for t in texts[:limit]]
    if len(texts) > limit:
        lines.append(b.w("more_flags", n=len(texts) - limit))
    return "\n".join(lines) or None


def people_excluded(b: BookContext, entries: list[Entry]) -> str | None:
    texts: dict[str, int] = {}
    for e in entries:
        if e.doc["excluded_by"]:
            texts[e.doc["excluded_by"]["text"]] = texts.get(e.doc["excluded_by"]["text"], 0) + 1
    return "\n".join(b.w("people_excluded", k=k, text=t) for t, k in texts.items()) or None


def official_link(url: str | None) -> Link | None:
    """A link to the official text, shown by its site name (the full address is in the link)."""
    if not url:
        return None
    return Link(url, urlsplit(url).hostname or url)
