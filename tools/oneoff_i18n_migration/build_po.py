# ruff: noqa
# One-off (issue #15, item 3), run once against main at 634547e; kept in history only. See README.md here.
"""One-off: the Chinese catalogue for the extracted template, from the old dictionaries' Chinese (moved, not
retyped), the old page catalogue, and the overrides for new or unified wording."""
import json, sys
sys.path.insert(0, "/tmp/i18n-work")
from overrides import NEW
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

pot_path, po_path, pairs_path = sys.argv[1:4]
pairs = json.load(open(pairs_path))
with open(pot_path, "rb") as h:
    template = read_po(h)
catalog = Catalog(locale="zh_Hans_CN", project="shenzhen-ai-incentives", fuzzy=False)
missing, used = [], set()
for m in template:
    if not m.id:
        continue
    key = (m.context, m.id)
    if key in NEW:
        zh = NEW[key]; used.add(key)
    elif m.context is None and m.id in pairs and len(pairs[m.id]) == 1:
        zh = next(iter(pairs[m.id]))
    else:
        zh = ""
        missing.append(key)
    catalog.add(m.id, zh, context=m.context, flags=[f for f in m.flags if f != "fuzzy"])
with open(po_path, "wb") as h:
    write_po(h, catalog, width=120, sort_output=True, omit_header=False)
print("missing:", missing)
print("overrides unused:", set(NEW) - used)
print(len([m for m in catalog if m.id]), "messages")
