# ruff: noqa
# One-off (issue #15, item 3), run once against main at 634547e; kept in history only. See README.md here.
"""One-off: gather every (English, Chinese) pair the old dictionaries hold, with where each came from."""
import importlib, json, sys
from collections import defaultdict

MODULES = ["calculator.engine.texts", "calculator.engine.report", "calculator.workbook.labels",
           "calculator.workbook.cells", "calculator.batch.writer", "calculator.batch.texts",
           "calculator.batch.jobs", "calculator.batch.template", "schemas.messages", "schemas.as_of",
           "calculator.api.errors", "calculator.web.forms", "calculator.web.views", "calculator.i18n.formatting"]
pairs = defaultdict(dict)   # en -> {zh: [where]}

def add(en, zh, where):
    pairs[en].setdefault(zh, []).append(where)

def walk(obj, where):
    if isinstance(obj, dict):
        if set(obj) >= {"en", "zh"} and isinstance(obj.get("en"), str) and isinstance(obj.get("zh"), str):
            add(obj["en"], obj["zh"], where)
            if "hint_en" in obj and obj.get("hint_en"):
                add(obj["hint_en"], obj["hint_zh"], where + ".hint")
            return
        for k, v in obj.items():
            walk(v, f"{where}.{k}")
    elif isinstance(obj, list | tuple):
        pass

for name in MODULES:
    mod = importlib.import_module(name)
    for attr, value in vars(mod).items():
        if attr.startswith("_") and attr != "_BUILTIN":
            continue
        if isinstance(value, dict):
            walk(value, f"{name}.{attr}")
# template instructions: parallel lists
from calculator.batch import template
for i, (en, zh) in enumerate(zip(template.INSTRUCTIONS["en"], template.INSTRUCTIONS["zh"])):
    add(en, zh, f"template.INSTRUCTIONS[{i}]")
# field labels and hints
from schemas.profile import field_catalogue
for subject, fields in field_catalogue().items():
    for fname, meta in fields.items():
        add(meta["en"], meta["zh"], f"field.{subject}.{fname}")
        if meta["hint_en"]:
            add(meta["hint_en"], meta["hint_zh"], f"field.{subject}.{fname}.hint")
# the page catalogue
from babel.messages.pofile import read_po
with open(sys.argv[1], "rb") as h:
    for m in read_po(h):
        if m.id:
            add(m.id, m.string, "po")
json.dump(pairs, open(sys.argv[2], "w"), ensure_ascii=False, indent=1)
conflicts = {en: z for en, z in pairs.items() if len(z) > 1}
print(len(pairs), "english texts;", len(conflicts), "with more than one Chinese")
for en, z in conflicts.items():
    print(repr(en))
    for zh, where in z.items():
        print("   ", repr(zh), where[:4])
