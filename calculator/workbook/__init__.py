"""The assessment workbook (.xlsx): one per assessment, in one language, built with openpyxl.

Used by the CLI (``incentives export``), the API and batch mode; no Flask here.

    data = build_workbook(catalogue, assessment, "zh")            # bytes of the .xlsx
    name = download_name(assessment, "zh")                          # 激励测算_公司名_2026-11-21.xlsx
    headers = {"Content-Type": XLSX_MIMETYPE, "Content-Disposition": content_disposition(name)}

What each sheet holds and how the totals work: ``docs/workbook.md``.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from calculator.engine import Assessment, Catalogue, to_document
from calculator.i18n import lang_of
from calculator.workbook.builder import build
from calculator.workbook.earlier import NoComparison, read_run
from calculator.workbook.inputs import read_inputs
from calculator.workbook.names import content_disposition, download_name

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def build_workbook(catalogue: Catalogue, assessment: Assessment, lang: str, *,
                   document: dict[str, Any] | None = None) -> bytes:
    """The workbook for ``assessment`` in ``lang`` (``zh`` or ``en``), as .xlsx bytes.

    ``document`` may pass the already rendered ``to_document(catalogue, assessment, lang)`` to save
    rendering it again; it must be that document, in that language.
    """
    lang = lang_of(lang)
    with _collection_paused():
        # The workbook shows no next questions: not ranking them saves most of the document's CPU.
        doc = document if document is not None else to_document(catalogue, assessment, lang, questions=False)
        if doc.get("lang") != lang:
            raise ValueError("the document is not in the requested language")
        return build(catalogue, assessment, doc, lang)


@contextmanager
def _collection_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building (restored afterwards, also on errors).

    A workbook allocates tens of thousands of short-lived objects (cells, style and dimension records);
    each allocation burst triggers collections that also walk the whole loaded catalogue. Pausing them
    cuts the build time by about an eighth (docs/performance.md); nothing built here needs collecting
    before the build ends, and reference counting still frees everything as usual.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


__all__ = ["XLSX_MIMETYPE", "NoComparison", "build_workbook", "content_disposition", "download_name", "read_inputs",
           "read_run"]
