"""Answers that travel with the page, never stored: hidden form fields and the "keep or share" link.

The answers are the profile schema's input as the forms read it (``{"company": {...}}`` or ``{"people": [...]}``,
values as typed, money with its 万 when typed in 10,000 yuan), plus the assessment date. They go back to the server
either as hidden form fields (the next questions, the language switch, "Change my answers") or in a link,
``?a=v1.<base64url of compact JSON>``. A link is read back into the same form fields and then through the same
form reading and profile schema as a submitted form, so it is validated like any other input; this module only
refuses what is not a link it could have written (the version, the length, the encoding, the shape, a name the
forms do not ask), each refusal naming what and the limit.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import re
import zlib
from decimal import Decimal, InvalidOperation
from typing import Any

from werkzeug.datastructures import MultiDict

from calculator.engine import EarlierRun, Figure
from calculator.i18n import N_, t
from calculator.web.forms import FIELDS, prefix

VERSION = "v1"
MAX_LINK = 6000  # characters of the ``a`` parameter: the request line stays under the front's 8,000-byte limit
MAX_PEOPLE = 50  # people a talent page holds (calculator.web.forms.people_count)
Answers = dict[str, Any]  # {"company": {...}} or {"people": [{...}, ...]}

TOO_LONG = N_("This link is too long: a link to keep or share answers may have at most {limit} characters.")
VERSION_UNKNOWN = N_("This link was not made by this calculator, or by a version it cannot read: its answers must "
                     "start with “{version}.”.")
DAMAGED = N_("This link is damaged: its answers could not be read (it may have been cut short or changed). "
             "Ask for the link again, or answer the questions.")
UNKNOWN_NAME = N_("This link has an answer to a question the calculator does not ask: “{name}”.")
TOO_MANY_PEOPLE = N_("This link has {count} people; at most {limit} people can be checked on one page.")
NOT_SHARED = N_("These answers are too long to keep in a link (more than {limit} characters): download the "
                "workbook to keep them.")


class LinkError(ValueError):
    """A link that is not one this calculator could have written: the message id and its parameters."""

    def __init__(self, msgid: str, **params: Any) -> None:
        super().__init__(msgid)
        self.msgid = msgid
        self.params = params

    def render(self, lang: str) -> str:
        return t(self.msgid, lang, **self.params)


def subject_pairs(subject: str, answers: dict[str, Any], index: int | None = None,
                  skip: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    """One subject's answers as form fields (a list of codes with its ``__present`` marker: none is an answer)."""
    head = prefix(subject, index)
    out: list[tuple[str, str]] = []
    for name, value in answers.items():
        key = head + name
        if key in skip:
            continue
        if isinstance(value, list):
            out.append((f"{key}__present", "1"))
            out += [(key, str(code)) for code in value]
        elif value is not None:
            out.append((key, str(value)))
    return out


def hidden_fields(answers: Answers, as_of: str, skip: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    """The answers as form fields, but those named in ``skip`` (the questions the page asks again)."""
    out: list[tuple[str, str]] = []
    if "company" in answers:
        out += subject_pairs("company", answers["company"], skip=skip)
    else:
        people = answers.get("people") or [{}]
        out.append(("people-count", str(len(people))))
        for index, person in enumerate(people):
            out += subject_pairs("person", person, index, skip)
    if as_of:
        out.append(("as_of", as_of))
    return out


def link_token(answers: Answers, as_of: str) -> str | None:
    """``v1.<base64url>`` of the answers (None when longer than :data:`MAX_LINK`)."""
    payload = dict(answers) | ({"as_of": as_of} if as_of else {})
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    token = f"{VERSION}." + base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii").rstrip("=")
    return token if len(token) <= MAX_LINK else None


def read_token(token: str) -> tuple[str, MultiDict[str, str]]:
    """(``company`` or ``talent``, the form fields) of a link's answers; :class:`LinkError` if it is not a link this
    calculator could have written. The values themselves are checked later, by the form reading and the schema."""
    if len(token) > MAX_LINK:
        raise LinkError(TOO_LONG, limit=MAX_LINK)
    version, dot, body = token.partition(".")
    if version != VERSION or not dot:
        raise LinkError(VERSION_UNKNOWN, version=VERSION)
    try:
        payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode("utf-8"))
    except (binascii.Error, ValueError, RecursionError):  # RecursionError: JSON nested thousands deep
        raise LinkError(DAMAGED) from None
    if not isinstance(payload, dict) or not isinstance(payload.get("as_of", ""), str) or \
            set(payload) - {"as_of"} not in ({"company"}, {"people"}):
        raise LinkError(DAMAGED)
    return answers_form(payload, payload.get("as_of", ""))


def answers_form(payload: dict[str, Any], as_of: str = "") -> tuple[str, MultiDict[str, str]]:
    """(``company`` or ``talent``, the form fields) of a profile read from outside (a link, a workbook's Inputs
    sheet): only questions the forms ask, answered with texts, numbers or lists of codes."""
    if "company" in payload:
        return "company", MultiDict(hidden_fields({"company": checked("company", payload["company"])}, as_of))
    people = payload.get("people")
    if not isinstance(people, list) or not people:
        raise LinkError(DAMAGED)
    if len(people) > MAX_PEOPLE:
        raise LinkError(TOO_MANY_PEOPLE, count=len(people), limit=MAX_PEOPLE)
    return "talent", MultiDict(hidden_fields({"people": [checked("person", p) for p in people]}, as_of))


def checked(subject: str, answers: Any) -> dict[str, Any]:
    """One subject's answers from a link: a mapping of asked questions to texts, numbers or lists of codes."""
    if not isinstance(answers, dict):
        raise LinkError(DAMAGED)
    for name, value in answers.items():
        if name not in FIELDS[subject]:
            raise LinkError(UNKNOWN_NAME, name=str(name)[:64])
        if not answer_shaped(value):
            raise LinkError(DAMAGED)
    return answers


def answer_shaped(value: Any) -> bool:
    """A text or a number (as a form sends it), or a list of codes."""
    if isinstance(value, list):
        return all(isinstance(v, str) for v in value)
    return isinstance(value, str | int | float) and not isinstance(value, bool)


# --- the earlier run of a restored workbook, carried by the results page (the language switch keeps its section) ---
SINCE_VERSION = "s1"
MAX_SINCE = 24_000  # characters of the ``since`` field (compressed: 50 people × 100 programs take about 6,000)
MAX_SINCE_JSON = 400_000  # bytes of its JSON once decompressed
MAX_PROGRAMS = 400  # programs of one subject (calculator.workbook.earlier reads at most 400 rows)
MAX_AMOUNT = Decimal(10) ** 12
PROGRAM_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")
SINCE_DAMAGED = N_("The comparison with the workbook could not be carried to this page (it was damaged or is not "
                   "one this calculator writes): upload the workbook again to see what changed.")


class SinceDamaged(ValueError):
    """A ``since`` field this calculator could not have written."""


def answers_digest(answers: Answers, as_of: str) -> str:
    """A short digest of the answers and the date: the section is carried only while the answers stay the
    workbook's (answering another question makes a new comparison, not the workbook's)."""
    text = json.dumps([answers, as_of], ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


STATUS_LETTERS = {"eligible": "e", "needs_info": "n", "not_eligible": "x", "not_in_force": "o"}
LETTER_STATUS = {letter: status for status, letter in STATUS_LETTERS.items()}


def _amount_text(value: Decimal | None) -> str:
    if value is None:
        return ""
    value = value.normalize()
    return str(int(value)) if value == value.to_integral_value() else format(value, "f")


def _figures_out(figures: dict[str, Figure]) -> str:
    """``program:status letter:low:high`` per program, joined by ``;`` (compresses to about 15 characters each)."""
    return ";".join(f"{program}:{STATUS_LETTERS[f.status]}:{_amount_text(f.low)}:{_amount_text(f.high)}"
                    for program, f in figures.items())


def since_token(earlier: EarlierRun, answers: Answers, as_of: str) -> str | None:
    """``s1.<base64url of compressed JSON>`` of an earlier run's figures and the answers' digest (None when longer
    than :data:`MAX_SINCE`)."""
    payload = {"d": earlier.as_of.isoformat() if earlier.as_of else None, "v": earlier.tables_version,
               "h": answers_digest(answers, as_of), "c": _figures_out(earlier.figures),
               "p": {str(index): _figures_out(figures) for index, figures in earlier.people.items()}}
    packed = zlib.compress(json.dumps(payload, separators=(",", ":")).encode("utf-8"), 9)
    token = f"{SINCE_VERSION}." + base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")
    return token if len(token) <= MAX_SINCE else None


def read_since(token: str, answers: Answers, as_of: str) -> EarlierRun | None:
    """The earlier run a results page carried, when the answers are still the ones it was compared with (None when
    they changed); :class:`SinceDamaged` for a field this calculator could not have written."""
    if len(token) > MAX_SINCE:
        raise SinceDamaged("too long")
    version, dot, body = token.partition(".")
    if version != SINCE_VERSION or not dot:
        raise SinceDamaged("version")
    try:
        unpacker = zlib.decompressobj()
        text = unpacker.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)), MAX_SINCE_JSON)
        if unpacker.unconsumed_tail or not unpacker.eof:
            raise SinceDamaged("too large or cut short")
        payload = json.loads(text.decode("utf-8"))
    except (binascii.Error, zlib.error, ValueError, RecursionError):
        raise SinceDamaged("encoding") from None
    if not isinstance(payload, dict) or set(payload) != {"d", "v", "h", "c", "p"}:
        raise SinceDamaged("shape")
    if payload["h"] != answers_digest(answers, as_of):
        return None
    people = payload["p"]
    if not isinstance(people, dict) or len(people) > MAX_PEOPLE or \
            not all(isinstance(k, str) and k.isdigit() and int(k) < MAX_PEOPLE for k in people):
        raise SinceDamaged("people")
    version_text = payload["v"]
    if version_text is not None and (not isinstance(version_text, str) or len(version_text) > 64):
        raise SinceDamaged("version")
    return EarlierRun(_day(payload["d"]), version_text, _figures_in(payload["c"]),
                      {int(k): _figures_in(v) for k, v in people.items()})


def _day(value: Any) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else _bad("date")
    except ValueError:
        raise SinceDamaged("date") from None


def _bad(what: str) -> Any:
    raise SinceDamaged(what)


def _figures_in(value: Any) -> dict[str, Figure]:
    if not isinstance(value, str):
        raise SinceDamaged("figures")
    parts = value.split(";") if value else []
    if len(parts) > MAX_PROGRAMS:
        raise SinceDamaged("figures")
    out: dict[str, Figure] = {}
    for part in parts:
        fields = part.split(":")
        if len(fields) != 4 or not PROGRAM_ID.fullmatch(fields[0]) or fields[1] not in LETTER_STATUS:
            raise SinceDamaged("figure")
        out[fields[0]] = Figure(LETTER_STATUS[fields[1]], _amount(fields[2] or None), _amount(fields[3] or None))
    return out


def _amount(value: Any) -> Decimal | None:
    if value is None:
        return None
    try:
        found = Decimal(value) if isinstance(value, str) and len(value) <= 32 else _bad("amount")
    except InvalidOperation:
        raise SinceDamaged("amount") from None
    if not found.is_finite() or not 0 <= found <= MAX_AMOUNT:
        raise SinceDamaged("amount")
    return found
