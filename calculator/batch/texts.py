"""Bilingual messages of batch mode (file-level refusals and row-level notes)."""

from __future__ import annotations

from typing import Any

TEXTS: dict[str, dict[str, str]] = {
    "not_found": {"en": "File not found: {path}", "zh": "找不到文件：{path}"},
    "too_big": {"en": "The file is too large: {size} MB; at most {limit} MB.",
                "zh": "文件过大：{size} MB；最大 {limit} MB。"},
    "upload_too_big": {"en": "The upload is too large: at most {limit} MB per file.",
                       "zh": "上传的文件过大：每个文件最多 {limit} MB。"},
    "empty_file": {"en": "The file is empty.", "zh": "文件为空。"},
    "macro": {"en": "Macro-enabled workbooks (.xlsm and similar) are refused: save the sheet as .xlsx "
                    "(Excel Workbook).",
              "zh": "不接受含宏的工作簿（.xlsm 等）：请另存为 .xlsx（Excel 工作簿）。"},
    "xlsb": {"en": "Binary workbooks (.xlsb) are not accepted: save the sheet as .xlsx.",
             "zh": "不接受二进制工作簿（.xlsb）：请另存为 .xlsx。"},
    "ole": {"en": "This is an old .xls workbook or a password-protected file: save it as .xlsx without a password.",
            "zh": "这是旧版 .xls 工作簿或加密文件：请另存为不设密码的 .xlsx。"},
    "not_xlsx_zip": {"en": "This zip archive is not an Excel workbook (.xlsx).",
                     "zh": "该压缩文件不是 Excel 工作簿（.xlsx）。"},
    "bad_zip": {"en": "The workbook is damaged or truncated (not a readable .xlsx file).",
                "zh": "工作簿已损坏或不完整（不是可读取的 .xlsx 文件）。"},
    "zip_entries": {"en": "Refused: the workbook has too many parts ({n}); at most {limit}.",
                    "zh": "已拒绝：工作簿包含的部件过多（{n} 个）；最多 {limit} 个。"},
    "zip_size": {"en": "Refused: the workbook would expand to {size} MB (at most {limit} MB); "
                       "it looks like a zip bomb.",
                 "zh": "已拒绝：工作簿解压后将达 {size} MB（最多 {limit} MB），疑似压缩炸弹。"},
    "zip_ratio": {"en": "Refused: the workbook is compressed {ratio}:1 (at most {limit}:1); it looks like a zip bomb.",
                  "zh": "已拒绝：工作簿压缩比为 {ratio}:1（最多 {limit}:1），疑似压缩炸弹。"},
    "not_tabular": {"en": "Only .xlsx workbooks and .csv files are accepted (recognised by content, not by name).",
                    "zh": "仅接受 .xlsx 工作簿和 .csv 文件（按文件内容识别，而非文件名）。"},
    "encoding": {"en": "The CSV file is neither UTF-8 nor GBK/GB18030 text: save it as \"CSV UTF-8\".",
                 "zh": "CSV 文件既不是 UTF-8 也不是 GBK/GB18030 编码：请另存为“CSV UTF-8”。"},
    "csv_broken": {"en": "The CSV file cannot be read: {detail}", "zh": "无法读取 CSV 文件：{detail}"},
    "unreadable": {"en": "The workbook cannot be read ({detail}).", "zh": "无法读取工作簿（{detail}）。"},
    "xml_entities": {"en": "Refused: the workbook's XML declares entities, a way of attacking XML readers that Excel "
                           "and WPS never write. Save the file again from Excel or WPS.",
                     "zh": "已拒绝：工作簿的 XML 中声明了实体，这是一种针对 XML 解析器的攻击手法，"
                           "Excel 和 WPS 保存的文件不会包含。请用 Excel 或 WPS 重新保存该文件。"},
    "no_sheet": {"en": "The workbook has no worksheet.", "zh": "工作簿中没有工作表。"},
    "no_header": {"en": "No header row found: the first non-empty row must name the columns (use the template).",
                  "zh": "未找到表头：第一行非空行应为列名（请使用模板）。"},
    "no_known_columns": {"en": "None of the columns is a profile field; unknown columns: {columns}. Use the template.",
                         "zh": "没有任何一列是画像字段；无法识别的列：{columns}。请使用模板。"},
    "duplicate_column": {"en": "Two columns are for the same field {field}: {columns}.",
                         "zh": "两列对应同一字段 {field}：{columns}。"},
    "kind_unclear": {"en": "Cannot tell whether the rows are companies or people: say which (\"The rows are\" on the "
                           "upload page, --kind in the command).",
                     "zh": "无法判断各行是企业还是人员：请指定（上传页面的“各行是”，或命令行的 --kind）。"},
    "kind_mismatch": {"en": "The columns are those of {found} ({found_count} recognised), not of {chosen} "
                            "({chosen_count} recognised): choose {found}, or let the header decide.",
                      "zh": "各列是{found}的字段（可识别 {found_count} 列），"
                            "而不是{chosen}的字段（可识别 {chosen_count} 列）：请选择“{found}”，或由表头自动判断。"},
    "too_many_rows": {"en": "Too many rows: at most {limit} data rows in one file. Split the file.",
                      "zh": "行数过多：一个文件最多 {limit} 行数据，请拆分文件。"},
    "too_many_columns": {"en": "Too many columns: at most {limit}.", "zh": "列数过多：最多 {limit} 列。"},
    "unknown_column": {"en": "Unknown column, ignored: {header}", "zh": "无法识别的列，已忽略：{header}"},
    "encoding_used": {"en": "CSV read as {encoding}", "zh": "CSV 按 {encoding} 编码读取"},
    "no_rows": {"en": "No data rows under the header: fill in one row per company or person below it (the "
                      "template's second sheet has examples).",
                "zh": "表头下方没有数据行：请在表头下方每行填写一家企业或一名人员（模板的第二个工作表有示例）。"},
    # Bounds on the work a file may cause (calculator/config.py BATCH_MAX_*; docs/security.md)
    "row_cells": {"en": "Refused: row {row} holds more than {limit} cells (empty formatted cells included); at most "
                        "{limit} cells in one row. Delete the unused columns to the right of your data.",
                  "zh": "已拒绝：第 {row} 行的单元格超过 {limit} 个（含设置了格式的空单元格）；"
                        "每行最多 {limit} 个单元格。请删除数据右侧未使用的列。"},
    "too_many_cells": {"en": "Refused: the sheet holds more than {limit} cells (empty formatted cells included); at "
                             "most {limit}. Split the file, or delete unused rows and columns.",
                       "zh": "已拒绝：工作表的单元格超过 {limit} 个（含设置了格式的空单元格）；最多 {limit} 个。"
                             "请拆分文件，或删除未使用的行和列。"},
    "sheet_rows": {"en": "Refused: the sheet holds more than {limit} rows (empty formatted rows included); at most "
                         "{limit}. Delete the unused rows below your data.",
                   "zh": "已拒绝：工作表超过 {limit} 行（含设置了格式的空行）；最多 {limit} 行。"
                         "请删除数据下方未使用的行。"},
    "shared_strings": {"en": "Refused: the workbook's table of texts holds more than {limit} entries; at most {limit}.",
                       "zh": "已拒绝：工作簿的文本表超过 {limit} 项；最多 {limit} 项。"},
    "xml_elements": {"en": "Refused: {part} in the workbook holds more than {limit} XML elements in one row or "
                           "outside the cells, which Excel and WPS never write. Save the file again from Excel or WPS.",
                     "zh": "已拒绝：工作簿中的 {part} 在一行内或单元格之外含有超过 {limit} 个 XML 元素，"
                           "Excel 和 WPS 保存的文件不会如此。请用 Excel 或 WPS 重新保存该文件。"},
    "xml_gap": {"en": "Refused: {part} in the workbook holds more than {limit} MB of XML without a tag, which Excel "
                      "and WPS never write. Save the file again from Excel or WPS.",
                "zh": "已拒绝：工作簿中的 {part} 含有超过 {limit} MB 不含标签的 XML 内容，Excel 和 WPS 保存的文件"
                      "不会如此。请用 Excel 或 WPS 重新保存该文件。"},
    "zip_part": {"en": "Refused: the part {part} of the workbook would expand to {size} MB; at most {limit} MB.",
                 "zh": "已拒绝：工作簿的部件 {part} 解压后将达 {size} MB；最多 {limit} MB。"},
    "columns_beyond": {"en": "Refused: the header row has a value in column {column}; at most {limit} columns.",
                       "zh": "已拒绝：表头在第 {column} 列仍有内容；最多 {limit} 列。"},
    "row_too_long": {"en": "Refused: row {row} of the CSV file is longer than {limit} characters; at most {limit}.",
                     "zh": "已拒绝：CSV 文件第 {row} 行超过 {limit} 个字符；最多 {limit} 个字符。"},
    "cell_too_long": {"en": "The cell is too long (more than {limit} characters).",
                      "zh": "单元格内容过长（超过 {limit} 个字符）。"},
}


def text(key: str, lang: str, **params: Any) -> str:
    """A message in ``lang``; a parameter given in both languages (``{"zh": …, "en": …}``) is taken in ``lang``."""
    lang = "zh" if lang == "zh" else "en"
    shown = {k: v[lang] if isinstance(v, dict) and lang in v else v for k, v in params.items()}
    return TEXTS[key][lang].format(**shown)


KIND_WORDS = {"companies": {"en": "companies", "zh": "企业"}, "people": {"en": "people", "zh": "人员"}}


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
