"""The next questions in the assessment document (``questions`` and ``questions_summary`` of each subject).

See ``docs/contract.md``. Each question names the input (the same ``field`` as a program's ``missing[]`` item, so
a "to find out" item can link to it), its label, the kind of answer it takes, the programs it settles with what
each has at stake, the total at stake (cash and this year's tax, also per kind) and a sentence saying so.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Protocol

from calculator.engine.catalogue import Program
from calculator.engine.enums import MoneyKind
from calculator.engine.model import Estimate
from calculator.engine.question_stakes import Stake
from calculator.engine.questions import Question, Ranking
from calculator.i18n import N_, formatting, t

# By (money at stake, open-ended) and by whether one or several programs are settled.
SETTLES = {
    "money": (N_("Settles 1 program worth up to {amount}"), N_("Settles {count} programs worth up to {amount}")),
    "unpriced": (N_("Settles 1 program whose amount is not known yet"),
                 N_("Settles {count} programs whose amounts are not known yet")),
    "no_money": (N_("Settles 1 program with no amount at stake (a permission, label or obligation)"),
                 N_("Settles {count} programs with no amount at stake (permissions, labels or obligations)")),
}
SUMMARY = {
    "money": (N_("Answer these to settle 1 program worth up to {amount}"),
              N_("Answer these to settle {count} programs worth up to {amount}")),
    "unpriced": (N_("Answer these to settle 1 program whose amount is not known yet"),
                 N_("Answer these to settle {count} programs whose amounts are not known yet")),
    "no_money": (N_("Answer these to settle 1 program with no amount at stake"),
                 N_("Answer these to settle {count} programs with no amount at stake")),
}
MORE = N_("{text}, or more (some amounts are not known yet or depend on the figures you give)")
SPLIT = N_("{text} (cash {cash_amount}; tax this year {tax_amount})")


class Labels(Protocol):
    """What the reporter gives this module: input labels and program names in the document's language."""

    @property
    def lang(self) -> str: ...

    def label(self, subject: str, name: str) -> str: ...

    def program_texts(self, program: Program) -> dict[str, Any]: ...


def cents(amount: Decimal) -> float:
    return float(amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def money_doc(estimate: Estimate, lang: str) -> dict[str, Any]:
    return {"low": cents(estimate.low), "high": cents(estimate.high), "currency": "CNY",
            "text": formatting.money_range(estimate.low, estimate.high, lang)}


def sentence(words: dict[str, tuple[str, str]], count: int, at_stake: Estimate, by_kind: dict[MoneyKind, Estimate],
             open_ended: bool, lang: str) -> str:
    """"Settles 2 programs worth up to CNY 3,000,000" (with the cash / tax split when both are at stake)."""
    key = "money" if at_stake.high > 0 else "unpriced" if open_ended else "no_money"
    text = t(words[key][0 if count == 1 else 1], lang, count=count, amount=at_stake.high)
    if key == "money" and all(by_kind.get(kind, Estimate(Decimal(0), Decimal(0))).high > 0
                              for kind in (MoneyKind.CASH, MoneyKind.TAX_THIS_YEAR)):
        text = t(SPLIT, lang, text=text, cash_amount=by_kind[MoneyKind.CASH].high,
                 tax_amount=by_kind[MoneyKind.TAX_THIS_YEAR].high)
    if key == "money" and open_ended:
        text = t(MORE, lang, text=text)
    return text


def stake_doc(labels: Labels, subject: str, stake: Stake) -> dict[str, Any]:
    return {"id": stake.program.id, "name": labels.program_texts(stake.program)["name"],
            "money_kind": str(stake.money_kind), "at_stake": money_doc(stake.at_stake, labels.lang),
            "open_ended": stake.open_ended,
            "together_with": [{"field": name, "label": labels.label(subject, name)} for name in stake.together_with]}


def question_doc(labels: Labels, subject: str, rank: int, question: Question) -> dict[str, Any]:
    lang = labels.lang
    by_kind = dict(question.by_kind)
    return {"field": question.field, "label": labels.label(subject, question.field), "kind": str(question.kind),
            "rank": rank, "programs": [stake_doc(labels, subject, s) for s in question.stakes],
            "at_stake": money_doc(question.at_stake, lang) | {"open_ended": question.open_ended},
            "by_kind": {str(kind): money_doc(amount, lang) for kind, amount in by_kind.items()},
            "text": sentence(SETTLES, len(question.stakes), question.at_stake, by_kind, question.open_ended, lang)}


def questions_doc(labels: Labels, ranking: Ranking | None, written: int | None = None) -> dict[str, Any]:
    """``questions`` (best first) and ``questions_summary`` for one subject (empty when nothing was ranked). With
    ``written``, only the first ``written`` questions are written whole; the others carry their ``field`` and
    ``rank`` only (a results page shows the top few and counts the rest)."""
    if ranking is None:
        return {"questions": [], "questions_summary": None}
    subject = str(ranking.subject)
    questions = [question_doc(labels, subject, rank, q) if written is None or rank <= written
                 else {"field": q.field, "rank": rank} for rank, q in enumerate(ranking.questions, start=1)]
    if not questions:
        return {"questions": [], "questions_summary": None}
    total, by_kind, open_ended = ranking.total()
    count = len(ranking.best_stakes())
    summary = {"programs": count, "at_stake": money_doc(total, labels.lang) | {"open_ended": open_ended},
               "by_kind": {str(kind): money_doc(amount, labels.lang) for kind, amount in by_kind.items()},
               "text": sentence(SUMMARY, count, total, by_kind, open_ended, labels.lang)}
    return {"questions": questions, "questions_summary": summary}
