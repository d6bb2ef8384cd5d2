"""The Gaps sheet: near misses (and the self-check's), what would change and what it would unlock."""

from __future__ import annotations

from calculator.engine import STATUS
from calculator.i18n import gettext
from calculator.i18n.words import labelled
from calculator.workbook.cells import Column, Sheet, Typed
from calculator.workbook.context import BookContext


def columns(b: BookContext) -> list[Column]:
    return [Column(b.w("subject"), 16, "wrap"), Column(b.w("program"), 26, "wrap"),
            Column(b.w("criterion"), 34, "wrap"), Column(b.w("input"), 22, "wrap"),
            Column(b.w("current"), 16), Column(b.w("required"), 16), Column(b.w("change"), 16),
            Column(b.w("unlocks_low"), 15, "money"), Column(b.w("unlocks_high"), 15, "money"),
            Column(b.w("unlocks"), 22, "wrap"), Column(b.w("explanation"), 60, "wrap")]


def write(b: BookContext, sheet: Sheet) -> None:
    lang = b.lang
    for entry in b.entries:
        p = entry.doc
        conditions = {c["id"]: c["condition"] for c in p["criteria"]}
        rows = [(g, conditions.get(g["criterion"], g["criterion"]), False) for g in p["gaps"]]
        check = p["self_check"]
        if check:  # near misses of the recognition self-check: what they unlock is the if-certified figure
            own = {c["id"]: c["condition"] for c in check["criteria"]}
            rows += [(g, b.w("self_check_gap", title=check["title"], condition=own.get(g["criterion"], "")),
                      True) for g in check["gaps"]]
        for g, condition, certified in rows:
            unit = g["unit"]
            unlocks = g["unlocks"]
            if unlocks:
                what = labelled(b.w("if_certified"), unlocks["text"], lang) if certified else unlocks["text"]
            elif g["unlocks_status"]:
                what = gettext(STATUS[g["unlocks_status"]], lang) if g["unlocks_status"] in STATUS else None
            else:
                what = None
            sheet.row([entry.subject, p["name"], condition, g["input_label"],
                       Typed(g["current"], unit, None, lang), Typed(g["required"], unit, None, lang),
                       Typed(g["change"], unit, None, lang), unlocks["low"] if unlocks else None,
                       unlocks["high"] if unlocks else None, what, g["text"]])
    if sheet.row_count == 1:
        sheet.row([b.w("no_gaps")], ["text"])
    sheet.finish()
