"""Which text encoding an uploaded CSV file is in: decided by its bytes, strictly, never guessed silently.

UTF-16 and UTF-32 (Excel's "Unicode Text" export is UTF-16 LE with a BOM, tab-separated) by their BOM, or
without one by where the NUL bytes fall, then decoded strictly; else strict UTF-8 (with or without BOM), else
strict GB18030 (a superset of GBK, what Chinese Excel saves); anything else is refused. Constant memory.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

from calculator.batch.texts import BatchFileError

SNIFF = 8192                             # bytes read to recognise a format or a wide encoding

# (BOM, codec that reads it, the same without a BOM, name shown): UTF-32 LE's BOM starts with UTF-16 LE's
WIDE_BOMS = ((codecs.BOM_UTF32_LE, "utf-32", "utf-32-le", "UTF-32 LE"), (codecs.BOM_UTF32_BE, "utf-32", "utf-32-be",
              "UTF-32 BE"), (codecs.BOM_UTF16_LE, "utf-16", "utf-16-le", "UTF-16 LE"),
             (codecs.BOM_UTF16_BE, "utf-16", "utf-16-be", "UTF-16 BE"))
CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
BINARY = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
BOMS = tuple(bom for bom, *_ in WIDE_BOMS)


@dataclass(frozen=True)
class Wide:
    """A UTF-16 or UTF-32 file: the codec to read it with, its byte order's codec (no BOM), the name shown."""

    codec: str
    plain: str
    shown: str


def wide_encoding(head: bytes) -> Wide | None:
    """UTF-16 / UTF-32 by a BOM, or without one by the NUL bytes of its characters: in UTF-32 two of every four
    bytes are NUL at fixed places, in UTF-16 the ASCII characters (digits, commas, tabs, line ends) put a NUL on
    one side of each byte pair and none on the other. None for anything else."""
    for bom, codec, plain, shown in WIDE_BOMS:
        if head.startswith(bom):
            return Wide(codec, plain, f"{shown} (BOM)")
    quads = head[: len(head) // 4 * 4]
    if b"\x00" not in quads:
        return None
    nuls = [quads[i::4].count(0) for i in range(4)]
    whole = len(quads) // 4
    if nuls[2] == nuls[3] == whole and nuls[0] < whole:
        return Wide("utf-32-le", "utf-32-le", "UTF-32 LE")
    if nuls[0] == nuls[1] == whole and nuls[3] < whole:
        return Wide("utf-32-be", "utf-32-be", "UTF-32 BE")
    even, odd = nuls[0] + nuls[2], nuls[1] + nuls[3]
    if even == 0 and odd * 8 >= len(quads) // 2:
        return Wide("utf-16-le", "utf-16-le", "UTF-16 LE")
    if odd == 0 and even * 8 >= len(quads) // 2:
        return Wide("utf-16-be", "utf-16-be", "UTF-16 BE")
    return None


def looks_like_text(head: bytes, wide: Wide) -> bool:
    """Whether the file's start, read as ``wide``, is text: no control characters (C0 other than tab and line ends,
    DEL, C1), so that binary data with NUL bytes where UTF-16 has them (an .exe's ``MZ\\x90\\x00``) is refused at
    the upload, not in the job."""
    unit = 4 if "32" in wide.plain else 2
    text = head[: len(head) // unit * unit].decode(wide.codec if head.startswith(BOMS) else wide.plain,
                                                   errors="replace")
    return not BINARY.search(text)


def check_wide(path: Path, wide: Wide) -> None:
    """Decode the whole file strictly (constant memory); refuse naming the line of the first invalid bytes, and
    refuse as not text a file whose start decodes to control characters (binary data that looked wide)."""
    decoder = codecs.getincrementaldecoder(wide.codec)(errors="strict")
    lines = 0
    first = True
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                valid = bytes(exc.object[: exc.start]).decode(wide.plain, errors="replace")
                raise BatchFileError("encoding_wide", encoding=wide.shown, line=lines + valid.count("\n") + 1) from None
            if first and CONTROLS.search(text[:SNIFF]):
                raise BatchFileError("not_tabular")
            first = False
            lines += text.count("\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise BatchFileError("encoding_wide", encoding=wide.shown, line=lines + 1) from None


def detect_encoding(path: Path) -> tuple[str, str]:
    """``(codec, name shown to the user)``: UTF-16 / UTF-32 (:func:`wide_encoding`), else strict UTF-8 (BOM
    noted), else strict GB18030; else refuse.

    Streams the file (constant memory); at most two passes.
    """
    with path.open("rb") as handle:
        head = handle.read(SNIFF)
    wide = wide_encoding(head)
    if wide is not None:
        check_wide(path, wide)
        return wide.codec, wide.shown
    bom = head.startswith(codecs.BOM_UTF8)
    for codec, shown in (("utf-8-sig", "UTF-8 (BOM)" if bom else "UTF-8"), ("gb18030", "GB18030 (GBK)")):
        decoder = codecs.getincrementaldecoder(codec)(errors="strict")
        try:
            with path.open("rb") as handle:
                while chunk := handle.read(1 << 20):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return codec, shown
    raise BatchFileError("encoding")
