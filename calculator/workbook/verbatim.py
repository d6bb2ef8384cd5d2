"""Text that XlsxWriter would not store exactly, put in place after it has written the package.

XlsxWriter writes any string shaped ``<r>…</r>`` as ready-made rich-text XML, unescaped (user text could
inject XML into the file); writes a carriage return as ``_x000D_``, which openpyxl reads back literally; and
escapes Excel's ``_xHHHH_`` sequences without looking at overlaps (``_x005F_x0041_`` comes back as
``_x005FA``). Such text is rare: it is written as a placeholder made with a random per-file nonce (which user
text cannot contain), and :meth:`Verbatim.substitute` then replaces each placeholder in the package's XML by
the text escaped exactly: XML entities, ``&#13;`` for a carriage return (XML readers would otherwise read a
line feed), and every ``_`` that starts an ``_xHHHH_`` sequence as ``_x005F_`` (what Excel does).
"""

from __future__ import annotations

import re
import secrets
import zipfile
from typing import IO

EXCEL_ESCAPE = re.compile(r"_x[0-9A-Fa-f]{4}_")
ESCAPE_START = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")
CHUNK = 1 << 20


def needs_verbatim(text: str) -> bool:
    """Whether XlsxWriter would store ``text`` wrongly (see the module's docstring)."""
    return ("\r" in text or ("_x" in text and EXCEL_ESCAPE.search(text) is not None)
            or (text.startswith("<r>") and text.endswith("</r>")))


def xml_text(text: str) -> str:
    """``text`` as the content of a ``<t>`` element, escaped as Excel does."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if "_x" in text:
        text = ESCAPE_START.sub("_x005F_", text)
    return text.replace("\r", "&#13;")


class Verbatim:
    """Placeholders for one package, and the exact XML each stands for."""

    def __init__(self) -> None:
        self.nonce = secrets.token_hex(8)
        self.tokens: dict[str, str] = {}  # text -> placeholder
        self.xml: dict[bytes, bytes] = {}  # <t>placeholder</t> -> <t xml:space="preserve">text</t>
        self.pattern = re.compile(rb"<t>vb" + self.nonce.encode() + rb"n\d+z</t>")
        self.start = b"<t>vb" + self.nonce.encode()

    def __bool__(self) -> bool:
        return bool(self.tokens)

    def placeholder(self, text: str) -> str:
        found = self.tokens.get(text)
        if found is None:
            found = f"vb{self.nonce}n{len(self.tokens)}z"
            self.tokens[text] = found
            self.xml[f"<t>{found}</t>".encode()] = f'<t xml:space="preserve">{xml_text(text)}</t>'.encode()
        return found

    def substitute(self, source: IO[bytes], target: IO[bytes], compresslevel: int | None = None) -> None:
        """Copy the package ``source`` to ``target`` with every placeholder replaced, entry by entry and in
        chunks of a megabyte, so memory stays flat however large the sheets are."""
        with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, allowZip64=True,
                                                             compresslevel=compresslevel) as dst:
            for info in src.infolist():
                big = info.file_size > zipfile.ZIP64_LIMIT // 2
                with src.open(info) as reader, dst.open(info.filename, "w", force_zip64=big) as writer:
                    if info.filename.endswith(".xml"):
                        self._copy(reader, writer)
                    else:
                        while chunk := reader.read(CHUNK):
                            writer.write(chunk)

    def _copy(self, reader: IO[bytes], writer: IO[bytes]) -> None:
        keep = 64 + max(len(k) for k in self.xml)  # longer than any placeholder element
        carry = b""
        while True:
            chunk = reader.read(CHUNK)
            buffer = carry + chunk
            if not chunk:
                writer.write(self._replace(buffer))
                return
            cut = max(len(buffer) - keep, 0)
            started = buffer.rfind(self.start, max(cut - keep, 0), cut)  # a placeholder across the cut waits
            if started >= 0:
                cut = started
            writer.write(self._replace(buffer[:cut]))
            carry = buffer[cut:]

    def _replace(self, data: bytes) -> bytes:
        if self.start not in data:
            return data
        return self.pattern.sub(lambda m: self.xml.get(m.group(0), m.group(0)), data)
