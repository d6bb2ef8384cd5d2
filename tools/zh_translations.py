"""Keep the Chinese catalogue in step with the code: extract the words, merge them in, list what is left.

    .venv/bin/python tools/zh_translations.py           # update messages.pot and messages.po, list untranslated words
    .venv/bin/python tools/zh_translations.py --check   # change nothing; exit 1 when either file is stale or a word
                                                        # has no Chinese (tests/test_language.py checks the same)

Words come from the code and templates through ``babel.cfg`` (``N_``, ``NC_``, ``gettext``, ``pgettext``, ``t``,
``pt``, ``_``). A new word gets an empty ``msgstr``: write its Chinese in
``calculator/i18n/translations/zh_Hans_CN/LC_MESSAGES/messages.po``. Words no longer used are dropped; nothing is
guessed (no fuzzy matching), so a changed English text needs its Chinese written again.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "calculator" / "i18n" / "translations"
POT = TRANSLATIONS / "messages.pot"
PO = TRANSLATIONS / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"


def extract(target: Path) -> None:
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run([str(pybabel), "extract", "-F", "babel.cfg", "-o", str(target), "--no-location", "--omit-header",
                    "--sort-output", "."], cwd=ROOT, check=True, capture_output=True)


def main(argv: list[str]) -> int:
    check = "--check" in argv
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "messages.pot"
        extract(fresh)
        pot_text = fresh.read_text(encoding="utf-8")
        with fresh.open("rb") as handle:
            template = read_po(handle)
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="zh_Hans_CN")
    before = PO.read_text(encoding="utf-8")
    catalog.update(template, no_fuzzy_matching=True, update_header_comment=False, update_creation_date=False)
    merged = Path(tempfile.mkstemp(suffix=".po")[1])
    try:
        with merged.open("wb") as handle:
            write_po(handle, catalog, width=120, sort_output=True, ignore_obsolete=True)
        after = merged.read_text(encoding="utf-8")
    finally:
        merged.unlink()
    missing = [(m.context, m.id) for m in catalog if m.id and (not m.string or m.fuzzy)]
    stale = [path.name for path, old, new in ((POT, POT.read_text(encoding="utf-8"), pot_text), (PO, before, after))
             if old != new]
    if check:
        for name in stale:
            print(f"stale: {name} (run tools/zh_translations.py)")
    else:
        POT.write_text(pot_text, encoding="utf-8")
        PO.write_text(after, encoding="utf-8")
        print(f"updated {POT.relative_to(ROOT)} and {PO.relative_to(ROOT)}: {len(template)} words")
    for context, msgid in missing:
        print(f"  no Chinese yet: {msgid!r}" + (f" (context {context!r})" if context else ""))
    return 1 if check and (stale or missing) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
