"""A benefit's non-monetary items and context figures as the assessment document gives them: their table texts made
once per language and shared by every document (read-only). A part of :class:`calculator.engine.report.Reporter`."""

from __future__ import annotations

from typing import Any

from calculator.engine.model import AppliedItem, Figure
from calculator.engine.report_words import RESULT_CODES
from calculator.engine.specs import ItemSpec
from calculator.engine.texts import ITEM_TYPES
from calculator.i18n import fill, formatting, gettext

CONTEXT_KEPT = 4096  # context figure entries kept per language (the tables have far fewer rows; a bound all the same)


class BenefitTexts:
    """A benefit's items and context figures in one language (the attributes are the reporter's)."""

    lang: str
    _texts: dict[tuple[Any, ...], Any]

    def context_doc(self, figure: Figure) -> dict[str, Any]:
        """A figure shown beside a benefit: a row of the tables (the engine hands out the loaded rows), so its entry is
        made once per language and shared by every document (read-only, as the item entries)."""
        entries = self._texts.get(("context",))
        if entries is None:
            entries = self._texts[("context",)] = {}
        known = entries.get(id(figure))
        if known is None or known[0] is not figure:
            if len(entries) >= CONTEXT_KEPT:
                entries.clear()
            lang = self.lang
            known = entries[id(figure)] = (figure, {
                "name": figure.name, "value": formatting.value(figure.value, figure.unit, lang),
                "note": figure.note[lang] if figure.note else None, "confidence": str(figure.confidence)})
        return known[1]

    def item_docs(self, applied: list[AppliedItem]) -> list[dict[str, Any]]:
        """Non-monetary items' entries: each item's table texts made once per language; an item without parameters
        reads the same in every document for each result (met, not met, unknown), so that entry is shared too
        (read-only)."""
        lang = self.lang
        items = self._texts.get(("items",))
        if items is None:
            items = self._texts[("items",)] = {}
        docs = []
        for one in applied:
            item = one.item
            known = items.get(id(item))
            if known is None or known[0] is not item:
                known = items[id(item)] = self.item_texts(item)
            if not one.params:
                docs.append(known[2][RESULT_CODES[one.applies]])
                continue
            doc = known[1].copy()
            doc["text"] = fill(item.text[lang], dict(one.params), lang)
            doc["applies"] = RESULT_CODES[one.applies]
            docs.append(doc)
        return docs

    def item_texts(self, item: ItemSpec) -> tuple[ItemSpec, dict[str, Any], dict[str, dict[str, Any]]]:
        """An item's entry without a result, and its entries without parameters by result code."""
        lang = self.lang
        base = {"type": str(item.type), "type_text": gettext(ITEM_TYPES[item.type], lang), "text": item.text[lang],
                "article": item.article, "applies": None,
                "confidence": str(item.confidence) if item.confidence else None}
        return item, base, {code: {**base, "applies": code} for code in RESULT_CODES.values()}

