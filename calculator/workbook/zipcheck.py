"""One inspection of an .xlsx zip before anything parses it: used by batch uploads and by ``read_inputs``.

Refuses in milliseconds: not a zip, too many entries, declared sizes too large, a compression ratio no real
export has (zip bombs), macros (xlsm, vbaProject, ActiveX), binary workbooks (xlsb), and zips that are not
workbooks. ``UnsafeWorkbook.key`` names the reason (the batch messages use the same keys).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

MAX_ENTRIES = 500
MAX_UNCOMPRESSED = 600 * 1024 * 1024     # a 100,000-row roster expands to about 60 MB of sheet XML
MAX_RATIO = 100                          # real exports compress 7–8:1; a zero-filled bomb 1000:1
MACRO_TYPES = (b"macroEnabled", b"vbaProject", b"ms-office.activeX")


class UnsafeWorkbook(ValueError):
    """The file is not a safe .xlsx workbook; ``key`` and ``params`` say why."""

    def __init__(self, key: str, **params: Any) -> None:
        self.key, self.params = key, params
        super().__init__(key)


def inspect_xlsx(source: Path | bytes) -> None:
    """Raise :class:`UnsafeWorkbook` unless ``source`` (a path or the file's bytes) is a plain .xlsx zip."""
    size = len(source) if isinstance(source, bytes) else source.stat().st_size
    try:
        with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ENTRIES:
                raise UnsafeWorkbook("zip_entries", n=len(infos), limit=MAX_ENTRIES)
            total = sum(i.file_size for i in infos)
            packed = sum(i.compress_size for i in infos)
            if total > MAX_UNCOMPRESSED:
                raise UnsafeWorkbook("zip_size", size=f"{total / 1e6:.0f}", limit=f"{MAX_UNCOMPRESSED / 1e6:.0f}")
            ratio = total / max(packed, size // 2, 1)
            if ratio > MAX_RATIO or any(i.file_size > MAX_RATIO * max(i.compress_size, 1) and i.file_size > 1_000_000
                                        for i in infos):
                worst = max(i.file_size / max(i.compress_size, 1) for i in infos)
                raise UnsafeWorkbook("zip_ratio", ratio=f"{max(ratio, worst):.0f}", limit=MAX_RATIO)
            names = {i.filename for i in infos}
            if any(n.lower().endswith("vbaproject.bin") for n in names):
                raise UnsafeWorkbook("macro")
            if "[Content_Types].xml" not in names:
                raise UnsafeWorkbook("not_xlsx_zip")
            types = archive.read("[Content_Types].xml") if archive.getinfo("[Content_Types].xml").file_size \
                < 1_000_000 else b""
            if any(marker in types for marker in MACRO_TYPES):
                raise UnsafeWorkbook("macro")
            if "xl/workbook.bin" in names:
                raise UnsafeWorkbook("xlsb")
            if "xl/workbook.xml" not in names:
                raise UnsafeWorkbook("not_xlsx_zip")
    except zipfile.BadZipFile:
        raise UnsafeWorkbook("bad_zip") from None
    # zipfile raises NotImplementedError for a compression method it does not support: a refusal, not a stub.
    except (OSError, EOFError, zipfile.LargeZipFile, NotImplementedError):
        raise UnsafeWorkbook("bad_zip") from None
