"""A program's card, written in Python: the markup ``templates/_program.html``'s ``program_card`` macro wrote, byte for
byte, without the template engine's work per value (a results page has some 45 cards: issue #16).

A card on the results page shows what the answers decided (each input to find out is a button of the answers form
that opens the page of questions at its question, named by ``numbers``: calculator.web.next_questions.NUMBERS); its
conditions, formula, documents and sources load on demand (``more``: the URL of the program's own page, posted with
the answers form that holds the cards), which keeps the results page light, as do the benefit items of programs not
(yet) found eligible (long lists of obligations for the regulatory ones), and the application window of a program
not eligible or not in force. On that page (``more`` None) the card is shown whole, ``tail`` (the part that depends
on the program alone, ``program_tail`` in ``_program.html``) at its end.

Values are read as the template read them: a key a card lacks reads as the template engine's undefined value
(false, written as nothing); every value written is escaped as ``markupsafe.escape`` and autoescape do
(:func:`calculator.web.markup.escape`, without making each a ``Markup``). :func:`program_cards` writes a results
page's cards of one family in one call.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from markupsafe import Markup

from calculator.web.markup import SPLICED, SPLICED_END, escape


class _Undefined:
    """A key the card lacks, as the template engine read it: false, written as nothing, iterates as empty."""

    __slots__ = ()

    def __bool__(self) -> bool:
        return False

    def __str__(self) -> str:
        return ""

    def __html__(self) -> str:
        return ""

    def __iter__(self) -> Iterator[Any]:
        return iter(())


UNDEFINED: Any = _Undefined()

# The pieces of a card holding a line break that :func:`calculator.web.markup.squeeze` drops (it is between two
# block-level tags, or at the card's edge, where the results page has block-level tags): (as written, squeezed),
# indexed by ``squeezed``. The line breaks it keeps (after an inline tag: ``</h4>``, ``</span>``, ``</strong>``) are
# written in both. Each piece before which a break is dropped follows a block-level closing tag on every card.
ARTICLE = ('\n<article class="program status-', '<article class="program status-')
HEADER = ('">\n<header>\n<h4>', '"><header><h4>')
REASONS = ('\n<div class="reasons"><strong>', '<div class="reasons"><strong>')
GAPS = ('\n<div class="gaps"><strong>', '<div class="gaps"><strong>')
SELF_CHECK = ('\n<section class="self-check self-check-', '<section class="self-check self-check-')
SELF_CHECK_TITLE = ('">\n<h5>', '"><h5>')
SELF_CHECK_BADGE = ('</h5>\n<p><span class="badge badge-self-check">', '</h5><p><span class="badge badge-self-check">')
SELF_CHECK_END = ("\n</section>", "</section>")
MISSING = ('\n<div class="missing"><strong>', '<div class="missing"><strong>')
ITEMS = ('\n<div class="items items-', '<div class="items items-')
WINDOW = ('\n<p class="window"><strong>', '<p class="window"><strong>')
CHECKED = ('\n<p class="checked">', '<p class="checked">')
MORE = ('\n<p class="more"><button formaction="', '<p class="more"><button formaction="')
ARTICLE_END = ("\n</article>\n", "</article>")


def program_cards(cards: Any, ui: Mapping[str, Any], url: str, lang: str, numbers: Mapping[str, Any]) -> Markup:
    """The cards of one family on the results page (each a program's entry and its head: calculator.web.cards),
    each opening its program's page (``url``: its address up to the program's id), as the template's loop over them
    wrote them and ``squeeze`` left them, marked as such (:data:`calculator.web.markup.SPLICED`: the template puts
    them between two block-level tags)."""
    out = [SPLICED]
    for p, head in cards:
        person = p["person"]
        more = f"{url}{p['id']}?lang={lang}" if person is None else f"{url}{p['id']}?lang={lang}&person={person}"
        out.append(program_card(p, ui, None, more, numbers, squeezed=True, head=head))
    out.append(SPLICED_END)
    return Markup("".join(out))


def program_card(p: Mapping[str, Any], ui: Mapping[str, Any], tail: Any, more: Any = None,
                 numbers: Mapping[str, Any] | None = None, squeezed: bool = False,
                 head: Mapping[str, Any] | None = None) -> Markup:
    """One card (see the module's docstring), as the ``program_card`` macro wrote it; ``squeezed`` (a results page's
    card, ``more`` given): as :func:`calculator.web.markup.squeeze` leaves it between two block-level tags; ``head``:
    the card's head (:func:`calculator.web.card_view.card_view`), if not the entry's ``card``."""
    sq = 1 if squeezed else 0
    get = p.get
    card = get("card", UNDEFINED) if head is None else head
    out: list[str] = []
    add = out.append
    status, person = get("status", UNDEFINED), get("person", UNDEFINED)
    code = escape(status)
    who = escape(get("id", UNDEFINED)) if person is None else f'{escape(get("id", UNDEFINED))}-{escape(person)}'
    add(f'{ARTICLE[sq]}{code}" id="{who}{HEADER[sq]}{escape(get("name", UNDEFINED))}</h4>\n<span class="badge badge-'
        f'{code}">{escape(card.get("badge", UNDEFINED))}</span>\n</header>')
    _amount(get, card, add)
    _notes(get, ui, add, sq)
    if check := get("self_check", UNDEFINED):
        _self_check(check, get, ui, add, sq)
    if missing := get("missing", UNDEFINED):
        _missing(missing, person, ui, more, numbers, add, sq)
    if not more or status == "eligible":
        _groups(card.get("groups", UNDEFINED), add, sq)
    flags = card.get("flags", UNDEFINED) if more else get("flags", UNDEFINED)
    if flags:
        add('<ul class="flags">')
        _items(flags, "text", add)
        add("</ul>")
    if not more or status not in ("not_eligible", "not_in_force"):
        add(f'{WINDOW[sq]}{escape(ui.get("application", UNDEFINED))}</strong> '
            f'{escape(get("window", UNDEFINED).get("text", UNDEFINED))}</p>')
    add(f'{CHECKED[sq]}{escape(get("checked_text", UNDEFINED))}</p>')
    if more:
        items = get("benefit", UNDEFINED).get("items")
        word = "details_items" if items and status != "eligible" else "details"
        add(f'{MORE[sq]}{escape(more)}">{escape(ui.get(word, UNDEFINED))}</button></p>')
    else:
        _criteria(get("criteria", UNDEFINED), ui, add)
        add(escape(tail))
        add("\n</details>")
    add(ARTICLE_END[sq])
    return Markup("".join(out))


def _items(entries: Any, key: str, add: Callable[[str], None]) -> None:
    """``<li>`` of each entry's ``key``."""
    for entry in entries:
        add(f"<li>{escape(entry.get(key, UNDEFINED))}</li>")


def _texts(texts: Any, add: Callable[[str], None]) -> None:
    """``<li>`` of each text."""
    for text in texts:
        add(f"<li>{escape(text)}</li>")


def _amount(get: Callable[..., Any], card: Any, add: Callable[[str], None]) -> None:
    if amount := card.get("amount", UNDEFINED):
        add(f'<p class="amount">{escape(amount)}')
        if certainty := card.get("certainty", UNDEFINED):
            add(f' <span class="certainty">· {escape(certainty)}</span>')
        if get("estimate", UNDEFINED):
            add(f' <span class="money-kind">· {escape(get("money_kind_text", UNDEFINED))}</span>')
        add("</p>")


def _labelled(add: Callable[[str], None], css: str, label: Any, text: Any) -> None:
    """A paragraph of a bold label and its text (a side figure's note, why a program is not counted)."""
    add(f'<p class="{css}"><strong>{escape(label)}</strong> {escape(text)}</p>')


def _notes(get: Callable[..., Any], ui: Mapping[str, Any], add: Callable[[str], None], sq: int) -> None:
    """Later years, why it is not counted, why not, what would change it, why it is not in force."""
    if later := get("later_years", UNDEFINED):
        _labelled(add, "side side-later-years", ui.get("later_years", UNDEFINED), later.get("note", UNDEFINED))
    if excluded := get("excluded_by", UNDEFINED):
        _labelled(add, "stacking", ui.get("not_counted", UNDEFINED), excluded.get("text", UNDEFINED))
    if reasons := get("reasons", UNDEFINED):
        add(f'{REASONS[sq]}{escape(ui.get("why_not", UNDEFINED))}</strong>\n<ul>')
        _texts(reasons, add)
        add("</ul></div>")
    if gaps := get("gaps", UNDEFINED):
        add(f'{GAPS[sq]}{escape(ui.get("what_would_change", UNDEFINED))}</strong>\n<ul>')
        _items(gaps, "text", add)
        add("</ul></div>")
    if reason := get("not_in_force_reason", UNDEFINED):
        add(f"<p>{escape(reason)}</p>")


def _self_check(check: Any, get: Callable[..., Any], ui: Mapping[str, Any], add: Callable[[str], None],
                sq: int) -> None:
    title = escape(check.get("title", UNDEFINED))
    add(f'{SELF_CHECK[sq]}{escape(check.get("outcome", UNDEFINED))}" aria-label="{title}{SELF_CHECK_TITLE[sq]}{title}'
        f'{SELF_CHECK_BADGE[sq]}{escape(check.get("outcome_text", UNDEFINED))}</span> '
        f'{escape(check.get("text", UNDEFINED))}</p>')
    if certified := get("if_certified", UNDEFINED):
        _labelled(add, "side side-if-certified", ui.get("if_certified", UNDEFINED), certified.get("note", UNDEFINED))
    if reasons := check.get("reasons", UNDEFINED):
        add('<ul class="reasons">')
        _texts(reasons, add)
        add("</ul>")
    for css, word, key in (("gaps", "what_would_change", "text"), ("missing", "to_find_out", "label")):
        if entries := check.get(css, UNDEFINED):
            add(f'<div class="{css}"><strong>{escape(ui.get(word, UNDEFINED))}</strong>\n<ul>')
            _items(entries, key, add)
            add("</ul></div>")
    add(SELF_CHECK_END[sq])


def _missing(missing: Any, person: Any, ui: Mapping[str, Any], more: Any, numbers: Mapping[str, Any] | None,
             add: Callable[[str], None], sq: int) -> None:
    """What to find out: on the results page each a button naming its question, when it has a number."""
    add(f'{MISSING[sq]}{escape(ui.get("to_find_out", UNDEFINED))}</strong>\n<ul>')
    table = None if not (more and numbers) else numbers["company"] if person is None else numbers["person"]
    for entry in missing:
        field = entry.get("field", UNDEFINED)
        if table and field in table:
            number = escape(table[field] if person is None else f"{person}.{table[field]}")
            add(f'<li><button name=ask value={number}>{escape(entry.get("label", UNDEFINED))}</button></li>')
        else:
            add(f'<li>{escape(entry.get("label", UNDEFINED))}</li>')
    add("</ul></div>")


def _groups(groups: Any, add: Callable[[str], None], sq: int) -> None:
    """The benefit's items, by group."""
    for group in groups:
        add(f'{ITEMS[sq]}{escape(group.get("key", UNDEFINED))}"><strong>{escape(group.get("heading", UNDEFINED))}'
            "</strong>\n<ul>")
        for item in group.get("items", UNDEFINED):
            text = escape(item.get("text", UNDEFINED))
            if article := item.get("article", UNDEFINED):
                add(f'<li>{text} <span class="article">({escape(article)})</span></li>')
            else:
                add(f"<li>{text}</li>")
        add("</ul></div>")


def _criteria(criteria: Any, ui: Mapping[str, Any], add: Callable[[str], None]) -> None:
    """The table of conditions of a card shown whole (its ``details``, open)."""
    required, answer = escape(ui.get("required", UNDEFINED)), escape(ui.get("your_answer", UNDEFINED))
    result = escape(ui.get("result", UNDEFINED))
    add("\n<details open>\n<summary>")
    add(escape(ui.get("details", UNDEFINED)))
    add('</summary>\n<table class="criteria">\n<caption class="visually-hidden">')
    add(escape(ui.get("conditions", UNDEFINED)))
    add('</caption>\n<thead><tr><th scope="col">')
    add(escape(ui.get("condition", UNDEFINED)))
    add('</th><th scope="col">')
    add(required)
    add('</th><th scope="col">')
    add(answer)
    add('</th><th scope="col">')
    add(result)
    add("</th></tr></thead>\n<tbody>\n")
    for crit in criteria:
        outcome = crit.get("result", UNDEFINED)
        add('\n<tr class="result-')
        add(escape(outcome))
        add('"><td>')
        add(escape(crit.get("condition", UNDEFINED)))
        add('</td><td data-label="')
        add(required)
        add('">')
        add(escape(crit.get("required", UNDEFINED)))
        add('</td><td data-label="')
        add(answer)
        add('">')
        add(escape(crit.get("actual", UNDEFINED)))
        add('</td>\n<td data-label="')
        add(result)
        add('">')
        add(escape(ui.get(outcome, UNDEFINED)))
        add("</td></tr>\n")
    add("\n</tbody>\n</table>\n")
