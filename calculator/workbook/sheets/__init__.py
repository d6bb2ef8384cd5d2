"""One module per sheet of the assessment workbook: ``columns(b)`` (where the sheet has a table) and
``write(b, sheet, ...)``; ``b`` is the shared :class:`~calculator.workbook.context.BookContext`.

The order the builder writes them in matters: People before Programs (its rows are referred to), Programs before
Summary (the totals refer to them)."""
