"""What an .xlsx package really declares: its content types and its relationships, read whole and properly.

Whether a workbook is macro-enabled (a VBA project, ActiveX controls, Excel 4 macro sheets) or binary (.xlsb) is
decided here from the package's content, case-insensitively, never from a prefix of a file or one exact name:

* every content type ``[Content_Types].xml`` declares (``Default`` by extension and ``Override`` by part), streamed
  to its end through expat (a padded file is read whole, within :data:`~calculator.workbook.xmlscan.MAX_PART`);
* every relationship of every ``.rels`` part: its type (``…/vbaProject``, ``…/activeXControlBinary``, ``…/control``,
  ``…/xlMacrosheet``…) and its target, resolved against the source part and percent-decoded, by the target's name
  and by the content type the package gives it;
* every part's own name (``vbaProject.bin``, ``activeX1.bin``… in any case and folder).

Renaming ``vbaProject.bin`` does not help: Excel finds a VBA project through the workbook's relationship of type
``vbaProject`` and its content type, both checked. Each read is bounded (part size, element counts, bytes without
a tag), as everywhere in :mod:`calculator.workbook.zipcheck`.
"""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from calculator.workbook.xmlscan import UnsafeWorkbook, check_part_size, local, stream

CONTENT_TYPES = "[Content_Types].xml"
MAX_DECLARATIONS = 5_000            # Default and Override elements (a package holds at most 500 parts)
MAX_RELATIONSHIPS = 200_000         # elements in all .rels parts (each hyperlink of a sheet is one)
# lower-case markers; a content type or relationship type holding one is refused with that key
MACRO_TYPES = ("macroenabled", "vbaproject", "activex", "macrosheet", "vbadata")
MACRO_RELATIONSHIPS = ("vbaproject", "activex", "macrosheet", "vbadata")
MACRO_NAMES = ("vbaproject", "activex", "vbadata")  # the start of a part's file name
BINARY_EXCEL = "application/vnd.ms-excel."          # + a name without "+xml": a part of a binary workbook (.xlsb)


@dataclass
class ContentTypes:
    """``[Content_Types].xml``: ``Default`` types by extension (lower case) and ``Override`` types by part name
    (without the leading slash): ``declared`` as written, ``parts`` in lower case."""

    defaults: dict[str, str] = field(default_factory=dict)
    declared: dict[str, str] = field(default_factory=dict)
    parts: dict[str, str] = field(default_factory=dict)

    def of(self, part: str) -> str:
        """The content type of ``part``, as a package reader resolves it (part names are case-insensitive)."""
        name = part.lstrip("/").lower()
        found = self.parts.get(name)
        if found is None:
            base = name.rpartition("/")[2]
            found = self.defaults.get(base.rpartition(".")[2], "") if "." in base else ""
        return found

    def every(self) -> list[str]:
        return [*self.defaults.values(), *self.parts.values()]


def read_content_types(archive: zipfile.ZipFile) -> ContentTypes:
    """Stream ``[Content_Types].xml`` to its end (refused when absent, too large or holding too many elements)."""
    try:
        info = archive.getinfo(CONTENT_TYPES)
    except KeyError:
        raise UnsafeWorkbook("not_xlsx_zip") from None
    check_part_size(info)
    types, count = ContentTypes(), [0]

    def start(name: str, attrs: Any) -> None:
        count[0] += 1
        if count[0] > MAX_DECLARATIONS:
            raise UnsafeWorkbook("xml_elements", part=CONTENT_TYPES, limit=MAX_DECLARATIONS)
        tag = local(name)
        if tag == "Default":
            types.defaults[attrs.get("Extension", "").lower()] = attrs.get("ContentType", "")
        elif tag == "Override":
            part = attrs.get("PartName", "").lstrip("/")
            types.declared[part] = types.parts[part.lower()] = attrs.get("ContentType", "")

    with archive.open(info) as handle:
        stream(handle, CONTENT_TYPES, start, lambda: count[0])
    return types


def content_type_refusal(kind: str) -> str | None:
    """``xlsb`` for a part of a binary workbook, ``macro`` for a macro-enabled one, else None."""
    lowered = kind.strip().lower()
    if lowered.startswith(BINARY_EXCEL) and not lowered.endswith("+xml"):
        return "xlsb"
    return "macro" if any(marker in lowered for marker in MACRO_TYPES) else None


def name_refusal(part: str) -> str | None:
    """``macro`` for a part named as a VBA project or an ActiveX control is (any case, any folder)."""
    return "macro" if part.rpartition("/")[2].lower().startswith(MACRO_NAMES) else None


def relationship_refusal(kind: str, target: str, types: ContentTypes) -> str | None:
    """A relationship's type, then its target part's name and content type."""
    lowered = kind.lower()
    if any(marker in lowered for marker in MACRO_RELATIONSHIPS) or lowered.endswith("/control"):
        return "macro"
    if lowered.endswith(("/xlbinaryindex", "/officedocument")) and target.lower().endswith(".bin"):
        return "xlsb"
    return name_refusal(target) or content_type_refusal(types.of(target))


def source_folder(rels: str) -> str:
    """The folder relative targets of a ``.rels`` part start from (``xl/_rels/workbook.xml.rels`` → ``xl``)."""
    folder = rels.rpartition("/")[0]
    return folder.rpartition("/")[0] if folder.rpartition("/")[2].lower() == "_rels" else folder


def resolve(folder: str, target: str) -> str:
    """A relationship target as a part name (no leading slash, percent-encoding decoded)."""
    target = unquote(target.split("#", 1)[0])
    path = target if target.startswith("/") else posixpath.join("/" + folder, target)
    return posixpath.normpath(path).lstrip("/")


def check_relationships(archive: zipfile.ZipFile, info: zipfile.ZipInfo, types: ContentTypes,
                        counted: list[int]) -> None:
    """Every relationship of one ``.rels`` part; ``counted``: elements read so far in the package's .rels parts."""
    check_part_size(info)
    folder = source_folder(info.filename)

    def start(name: str, attrs: Any) -> None:
        counted[0] += 1
        if counted[0] > MAX_RELATIONSHIPS:
            raise UnsafeWorkbook("xml_elements", part=info.filename, limit=MAX_RELATIONSHIPS)
        if local(name) != "Relationship":
            return
        external = attrs.get("TargetMode", "").lower() == "external"
        target = "" if external else resolve(folder, attrs.get("Target", ""))
        refusal = relationship_refusal(attrs.get("Type", ""), target, types)
        if refusal:
            raise UnsafeWorkbook(refusal)

    with archive.open(info) as handle:
        stream(handle, info.filename, start, lambda: counted[0])


def check_package(archive: zipfile.ZipFile) -> None:
    """Refuse a macro-enabled or binary workbook, judged by the package's content (see the module's docstring)."""
    infos = archive.infolist()
    for info in infos:
        if refusal := name_refusal(info.filename):
            raise UnsafeWorkbook(refusal)
        if info.filename.lower() == "xl/workbook.bin":
            raise UnsafeWorkbook("xlsb")
    types = read_content_types(archive)
    for kind in types.every():
        if refusal := content_type_refusal(kind):
            raise UnsafeWorkbook(refusal)
    counted = [0]
    for info in infos:
        if info.filename.lower().endswith(".rels") and not info.is_dir():
            check_relationships(archive, info, types, counted)
