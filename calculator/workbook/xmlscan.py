"""Streaming an .xlsx's XML parts through expat with bounded memory: the primitive every check of
:mod:`calculator.workbook.zipcheck` and :mod:`calculator.workbook.package` is built on.

A refusal is an :class:`UnsafeWorkbook` whose ``key`` and ``params`` name the message (the batch messages use the
same keys, :mod:`calculator.batch.texts`).
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from typing import IO, Any
from xml.parsers import expat

MAX_PART = 10 * 1024 * 1024              # an XML part openpyxl parses whole (styles, workbook, rels…); real: < 1 MB
MAX_GAP = 8 * 1024 * 1024                # bytes of XML without a start tag (Excel's longest cell text is 128 kB)
CHUNK = 1 << 16


class UnsafeWorkbook(ValueError):
    """The file is not a safe .xlsx workbook; ``key`` and ``params`` say why."""

    def __init__(self, key: str, **params: Any) -> None:
        self.key, self.params = key, params
        super().__init__(key)


class Done(Exception):
    """Raised by a handler to stop a scan early (nothing more to learn from the part)."""


def _refuse_entities(*_args: Any) -> None:
    raise UnsafeWorkbook("xml_entities")


def stream(handle: IO[bytes], part: str, start: Callable[[str, Any], None], progress: Callable[[], int]) -> bool:
    """Feed ``handle`` through expat (namespaces resolved as ``uri}local``), calling ``start`` per start tag;
    True when the part was read to its end, False when a handler stopped early (:class:`Done`).

    ``progress()`` grows with every element counted; MAX_GAP bytes without it growing is refused (expat holds a
    whole start tag in memory, and openpyxl a whole text). An entity declaration is refused."""
    parser = expat.ParserCreate(namespace_separator="}")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.EntityDeclHandler = _refuse_entities
    parser.UnparsedEntityDeclHandler = _refuse_entities
    parser.ExternalEntityRefHandler = _refuse_entities
    parser.StartElementHandler = start
    seen, quiet = -1, 0
    try:
        while chunk := handle.read(CHUNK):
            parser.Parse(chunk, False)
            now = progress()
            quiet = quiet + len(chunk) if now == seen else 0
            seen = now
            if quiet > MAX_GAP:
                raise UnsafeWorkbook("xml_gap", part=part, limit=MAX_GAP // (1024 * 1024))
        parser.Parse(b"", True)
    except Done:
        return False
    except expat.ExpatError as exc:
        raise UnsafeWorkbook("unreadable", detail=f"XML: {expat.ErrorString(exc.code)}, {part} "
                                                  f"line {exc.lineno}") from None
    return True


def check_part_size(info: zipfile.ZipInfo) -> None:
    """Refuse a part parsed whole (or streamed for its declarations) that would expand past :data:`MAX_PART`."""
    if info.file_size > MAX_PART:
        raise UnsafeWorkbook("zip_part", part=info.filename, size=f"{info.file_size / 1e6:.0f}",
                             limit=MAX_PART // (1024 * 1024))


def local(name: str) -> str:
    """An element's name without its namespace (a hostile part may leave the namespace out)."""
    return name.rpartition("}")[2]
