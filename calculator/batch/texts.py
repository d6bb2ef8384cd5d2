"""Messages of batch mode (file-level refusals and row-level notes), by stable key; English message ids whose
Chinese is in the catalogue of :mod:`calculator.i18n`."""

from __future__ import annotations

from typing import Any

from calculator.i18n import N_, NC_, t

TEXTS: dict[str, str] = {
    "not_found": N_("File not found: {path}"),
    "too_big": N_("The file is too large: {size} MB; at most {limit} MB."),
    "empty_file": N_("The file is empty."),
    "macro": N_("Macro-enabled workbooks (.xlsm and similar) are refused: save the sheet as .xlsx (Excel Workbook)."),
    "xlsb": N_("Binary workbooks (.xlsb) are not accepted: save the sheet as .xlsx."),
    "ole": N_("This is an old .xls workbook or a password-protected file: save it as .xlsx without a password."),
    "not_xlsx_zip": N_("This zip archive is not an Excel workbook (.xlsx)."),
    "bad_zip": N_("The workbook is damaged or truncated (not a readable .xlsx file)."),
    "zip_entries": N_("Refused: the workbook has too many parts ({n}); at most {limit}."),
    "zip_size": N_("Refused: the workbook would expand to {size} MB (at most {limit} MB); it looks like a zip bomb."),
    "zip_ratio": N_("Refused: the workbook is compressed {ratio}:1 (at most {limit}:1); it looks like a zip bomb."),
    "not_tabular": N_("Only .xlsx workbooks and .csv files are accepted (recognised by content, not by name)."),
    "encoding": N_("The CSV file is neither UTF-8 nor GBK/GB18030 text: save it as \"CSV UTF-8\"."),
    "encoding_wide": N_("The CSV file is {encoding} text, but line {line} holds bytes that cannot be read as such: "
                        "save the file again from Excel or WPS (as \"CSV UTF-8\" or \"Unicode Text\") and upload "
                        "it again."),
    "csv_broken": N_("The CSV file cannot be read: {detail}"),
    "unreadable": N_("The workbook cannot be read ({detail})."),
    "xml_entities": N_("Refused: the workbook's XML declares entities, a way of attacking XML readers that Excel and "
                       "WPS never write. Save the file again from Excel or WPS."),
    "no_sheet": N_("The workbook has no worksheet."),
    "no_header": N_("No header row found: the first non-empty row must name the columns (use the template)."),
    "no_known_columns": N_("None of the columns is a profile field; unknown columns: {columns}. Use the template."),
    "duplicate_column": N_("Two columns are for the same field {field}: {columns}."),
    "kind_unclear": N_("Cannot tell whether the rows are companies or people: say which (\"The rows are\" on the "
                       "upload page, --kind in the command)."),
    "kind_mismatch": N_("The columns are those of {found} ({found_count} recognised), not of {chosen} "
                        "({chosen_count} recognised): choose {found}, or let the header decide."),
    "too_many_rows": N_("Too many rows: at most {limit} data rows in one file. Split the file."),
    "too_many_columns": N_("Too many columns: at most {limit}."),
    "unknown_column": N_("Unknown column, ignored: {header}"),
    "messages_not_kept": N_("{count} more messages about rejected rows were not kept: at most {limit} are kept per "
                            "file. Their rows are counted among the rejected rows."),
    "encoding_used": N_("CSV read as {encoding}"),
    "no_rows": N_("No data rows under the header: fill in one row per company or person below it (the template's "
                  "Instructions sheet has examples)."),
    "bare_percent": N_("Row {row}, column {column} ({header}): {value} was read as {value}% — did you mean "
                       "{percent}%? If so, write {percent}% (or {percent}) and run the file again."),
    "bare_percent_more": N_("{count} more cells in percentage columns hold a bare number of 1 or less, read as "
                            "that many per cent; they are not listed here."),
    "cell_too_long": N_("The cell is too long (more than {limit} characters)."),
    "upload_too_big": N_("The upload is too large: at most {limit} MB per file."),
    "row_cells": N_("Refused: row {row} holds more than {limit} cells (empty formatted cells included); at most "
                    "{limit} cells in one row. Delete the unused columns to the right of your data."),
    "too_many_cells": N_("Refused: the sheet holds more than {limit} cells (empty formatted cells included); at "
                         "most {limit}. Split the file, or delete unused rows and columns."),
    "sheet_rows": N_("Refused: the sheet holds more than {limit} rows (empty formatted rows included); at most "
                     "{limit}. Delete the unused rows below your data."),
    "shared_strings": N_("Refused: the workbook's table of texts holds more than {limit} entries; at most {limit}."),
    "xml_elements": N_("Refused: {part} in the workbook holds more than {limit} XML elements in one row or outside "
                       "the cells, which Excel and WPS never write. Save the file again from Excel or WPS."),
    "xml_gap": N_("Refused: {part} in the workbook holds more than {limit} MB of XML without a tag, which Excel and "
                  "WPS never write. Save the file again from Excel or WPS."),
    "zip_part": N_("Refused: the part {part} of the workbook would expand to {size} MB; at most {limit} MB."),
    "columns_beyond": N_("Refused: the header row has a value in column {column}; at most {limit} columns."),
    "row_too_long": N_("Refused: row {row} of the CSV file is longer than {limit} characters; at most {limit}."),
    "previous_file": N_("The previous result workbook: {problem}"),
    "previous_not_result": N_("The previous result workbook is not a batch result of this calculator (it has no "
                              "“{sheet}” sheet as a batch run writes it): give the result workbook of a batch run, "
                              "as it was downloaded."),
    "previous_cell": N_("The previous result workbook cannot be compared: sheet “{sheet}”, cell {cell}: {what}. "
                        "Give the result workbook as a batch run wrote it."),
    "previous_kind": N_("The previous result workbook assessed {found}, this file {chosen}: compare a result with a "
                        "file of the same kind."),
}


def text(key: str, lang: str, **params: Any) -> str:
    """A message in ``lang``; a parameter given in both languages (``{"zh": …, "en": …}``) is taken in ``lang``."""
    return t(TEXTS[key], lang, **params)


# What the rows of a file are, as a message names them (the same words as the upload page's choice).
KIND_WORDS = {"companies": NC_("rows are", "companies"), "people": NC_("rows are", "people")}


class BatchFileError(ValueError):
    """The file itself is unusable (CLI exit code 2; a clear page on the web). Renders in either language."""

    def __init__(self, key: str, **params: Any) -> None:
        self.key, self.params = key, params
        super().__init__(text(key, "en", **params))

    def render(self, lang: str) -> str:
        return text(self.key, lang, **self.params)


def megabytes(size: int, places: int = 0) -> str:
    """A size in MB (1 MB = 1,048,576 bytes, as file managers show it): ``20`` for the 20 MB limit."""
    value = size / (1 << 20)
    return f"{value:.{places}f}" if places else f"{value:g}"
