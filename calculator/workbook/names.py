"""File names for downloads: readable in the chosen language, safe on every file system, RFC 5987 headers."""

from __future__ import annotations

import re
import unicodedata
from typing import Any
from urllib.parse import quote

from calculator.i18n import bilingual, lang_of
from calculator.workbook.labels import WORDS, word

# Characters Windows, macOS or Linux refuse (or that shells and headers trip on), and control characters.
UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f-\x9f;%]')
MAX_NAME = 60  # characters kept from the company name


def download_name(assessment: Any, lang: str) -> str:
    """``激励测算_公司名_2026-11-21.xlsx`` / ``incentive-assessment_Company_2026-11-21.xlsx``."""
    lang = lang_of(lang)
    company = assessment.company.ref if assessment.company is not None else None
    parts = [word("file_prefix", lang)]
    name = safe_part(company or "")
    if name:
        parts.append(name)
    parts.append(assessment.as_of.isoformat())
    return "_".join(parts) + ".xlsx"


def safe_part(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    text = UNSAFE.sub("", text)
    text = re.sub(r"\s+", "-", text.strip())
    text = re.sub(r"-{2,}", "-", text)
    text = text[:MAX_NAME].strip(".- ")
    return text


def content_disposition(filename: str) -> str:
    """``attachment; filename="ascii fallback"; filename*=UTF-8''percent-encoded`` (RFC 6266 / RFC 5987)."""
    filename = "".join(ch for ch in filename if unicodedata.category(ch)[0] != "C").strip() or "workbook.xlsx"
    prefix = bilingual(WORDS["file_prefix"])
    readable = filename.replace(prefix["zh"], prefix["en"])
    ascii_name = unicodedata.normalize("NFKD", readable).encode("ascii", "ignore").decode("ascii")
    ascii_name = re.sub(r'["\\]', "", ascii_name)
    stem, dot, ext = ascii_name.rpartition(".")
    stem = re.sub(r"_{2,}", "_", stem).strip("_- ") if dot else ascii_name
    ascii_name = f"{stem}.{ext}" if dot and stem else (ascii_name if not dot else f"workbook.{ext}")
    encoded = quote(filename, safe="!#$&+-.^_`|~")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{encoded}"
