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
import json
from typing import Any

from werkzeug.datastructures import MultiDict

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
