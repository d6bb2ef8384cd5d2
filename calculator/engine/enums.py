"""Every closed set of codes the engine, the rule tables and the results use, as string enums.

``StrEnum`` members are ``str``: they compare equal to the old literals (``Status.ELIGIBLE == "eligible"``),
hash like them (dictionaries keyed by the literal still answer) and serialise to the same JSON. Declarative
data: adding a member here is how a table learns a new code (the table schemas validate against these).
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """A program's result for one subject."""

    ELIGIBLE = "eligible"
    NEEDS_INFO = "needs_info"
    NOT_ELIGIBLE = "not_eligible"
    NOT_IN_FORCE = "not_in_force"


class Family(StrEnum):
    """The four families results and totals are grouped by (in display order)."""

    FINANCIAL_SUPPORT = "financial_support"
    TALENT = "talent"
    PROCUREMENT = "procurement"
    REGULATORY = "regulatory"


class Confidence(StrEnum):
    """How well a figure, date or rule is sourced; a result is as strong as the weakest thing it used."""

    CONFIRMED = "CONFIRMED"
    SECONDARY = "SECONDARY"
    UNCONFIRMED = "UNCONFIRMED"

    @staticmethod
    def weakest(*levels: str) -> Confidence:
        """The weakest of several levels (a result is as strong as its weakest figure)."""
        if _UNCONFIRMED in levels:
            return _UNCONFIRMED
        return _SECONDARY if _SECONDARY in levels else _CONFIRMED

    @staticmethod
    def strongest(*levels: str) -> Confidence:
        """The strongest level: a refusal needs only one failed condition, so it is as sure as the surest one."""
        if _CONFIRMED in levels:
            return _CONFIRMED
        return _SECONDARY if _SECONDARY in levels else _UNCONFIRMED


# The levels as plain module names: read on every evaluation, where a look-up on the enum class costs more.
_CONFIRMED, _SECONDARY, _UNCONFIRMED = Confidence.CONFIRMED, Confidence.SECONDARY, Confidence.UNCONFIRMED
weakest, strongest = Confidence.weakest, Confidence.strongest  # the same, without the look-up on the class


class Certainty(StrEnum):
    """Whether an amount follows from a formula, is awarded competitively ("up to"), or is not money."""

    DETERMINED = "determined"
    COMPETITIVE = "competitive"
    NOT_MONETARY = "not_monetary"


class MoneyKind(StrEnum):
    """What kind of money a benefit is (for totals that do not add cash to tax saved in later years).

    A program's amount is ``cash`` or ``tax_this_year`` (or, without an amount, ``non_cash`` / ``obligation``);
    ``tax_later_years`` is only ever a labelled side figure (:class:`SideKind`), never a program's amount.
    """

    CASH = "cash"
    TAX_THIS_YEAR = "tax_this_year"
    TAX_LATER_YEARS = "tax_later_years"
    NON_CASH = "non_cash"
    OBLIGATION = "obligation"


PRICED_KINDS = (MoneyKind.CASH, MoneyKind.TAX_THIS_YEAR)  # the kinds a total adds up (each on its own)


class SideKind(StrEnum):
    """A labelled figure beside a result that no total includes."""

    LATER_YEARS = "later_years"  # tax value usable only in later years (carried-forward deduction, longer loss period)
    IF_CERTIFIED = "if_certified"  # what a certificate would unlock (beside a recognition self-check)


class SelfCheckOutcome(StrEnum):
    """A forward-looking self-check (e.g. high-tech recognition): never priced, never in a total."""

    LIKELY = "likely_to_qualify"
    NOT_YET = "not_yet"
    NEEDS_INFO = "needs_info"


class BenefitKind(StrEnum):
    """The benefit formulas; each has one entry in ``calculator.engine.benefits.REGISTRY``."""

    FIXED = "fixed"
    UP_TO = "up_to"
    PERCENT_OF_BASE = "percent_of_base"
    BY_CATEGORY = "by_category"
    PER_HEAD = "per_head"
    TIERED = "tiered"
    RATE_TIMES_QUANTITIES = "rate_times_quantities"
    BAND_LOOKUP = "band_lookup"
    CIT_RATE_DIFFERENTIAL = "cit_rate_differential"
    RD_SUPER_DEDUCTION = "rd_super_deduction"
    IIT_EXCESS_OVER_SHARE = "iit_excess_over_share"
    IIT_EXCESS_OVER_HK_BURDEN = "iit_excess_over_hk_burden"
    SUM = "sum"
    BY_CONDITION = "by_condition"
    PER_PROJECT = "per_project"
    UNKNOWN = "unknown"
    NON_MONETARY = "non_monetary"
    LOSS_CARRY_FORWARD = "loss_carry_forward"


class Outcome(StrEnum):
    """What a benefit formula produced for one subject."""

    MONEY = "money"
    UNKNOWN = "unknown"
    NON_MONETARY = "non_monetary"


class Operator(StrEnum):
    """Criterion operators."""

    EQ = "eq"
    NE = "ne"
    GT = "gt"
    GE = "ge"
    LT = "lt"
    LE = "le"
    BETWEEN = "between"
    IN = "in"
    NOT_IN = "not_in"
    IS_TRUE = "is_true"
    IS_FALSE = "is_false"
    CONTAINS = "contains"
    NOT_CONTAINS = "not_contains"
    IS_KNOWN = "is_known"


COMPARISONS = frozenset({Operator.GT, Operator.GE, Operator.LT, Operator.LE})  # a near miss is priced for these
NO_VALUE = frozenset({Operator.IS_TRUE, Operator.IS_FALSE, Operator.IS_KNOWN})  # operators that take no value


class EffectiveBasis(StrEnum):
    """Which date decides whether a program is in force: the as-of date, or the profile's tax year."""

    AS_OF = "as_of"
    TAX_YEAR = "tax_year"


class WindowMode(StrEnum):
    """How applications are taken."""

    ANNUAL_GUIDE = "annual_guide"
    AT_FILING = "at_filing"
    ROLLING = "rolling"
    BY_CALL = "by_call"
    NONE = "none"


class WindowState(StrEnum):
    """Where the as-of date falls among a program's known application periods."""

    OPEN = "open"
    UPCOMING = "upcoming"
    CLOSED = "closed"
    CONTINUOUS = "continuous"
    UNKNOWN = "unknown"
    NOT_APPLICABLE = "not_applicable"


class ItemType(StrEnum):
    """Items of a non-monetary benefit."""

    PERMISSION = "permission"
    OBLIGATION = "obligation"
    LABEL = "label"
    INFORMATION = "information"
    ADVISORY = "advisory"  # a checklist note; its confidence is shown on the item and never weakens the result


class AppliesTo(StrEnum):
    """Who a program is for (a product is evaluated on its company's profile)."""

    COMPANY = "company"
    PERSON = "person"
    PRODUCT = "product"


class Subject(StrEnum):
    """The two kinds of profile a program is evaluated on."""

    COMPANY = "company"
    PERSON = "person"


class StackingKind(StrEnum):
    CHOOSE_ONE = "choose_one"
    TAKE_HIGHER = "take_higher"
    COMBINED_LIMIT = "combined_limit"
    WARNING = "warning"


EXCLUSIVE = frozenset({StackingKind.CHOOSE_ONE, StackingKind.TAKE_HIGHER})


class ReferenceKind(StrEnum):
    ENUM = "enum"
    FIGURES = "figures"
    BRACKETS = "brackets"
    BANDS = "bands"
    SIZE_CLASSES = "size_classes"


class DerivedKind(StrEnum):
    RATIO = "ratio"
    PERCENT = "percent"
    DAYS_SINCE = "days_since"
    MONTHS_SINCE = "months_since"
    YEARS_SINCE = "years_since"
    SIZE_CLASS = "size_class"
    CERTIFICATE_COVERAGE = "certificate_coverage"
    FIRST_KNOWN = "first_known"
    SWITCHED = "switched"  # one input when a yes/no input is yes (``if_yes``), else another (``input``)


class Unit(StrEnum):
    """Units of program figures."""

    CNY = "CNY"
    HKD = "HKD"
    RATIO = "ratio"
    YEARS = "years"
    DAYS = "days"
    MONTHS = "months"
    PEOPLE = "people"
    CNY_PER_M2_MONTH = "CNY_per_m2_month"


class SourceType(StrEnum):
    OFFICIAL = "official"
    SECONDARY = "secondary"
    OFFICIAL_DRAFT = "official_draft"


class SourceQuality(StrEnum):
    """How a reader should weigh a source (shown beside it in plain words; see ``tools/import_sources.py``)."""

    OFFICIAL_TEXT = "official_text"    # the official text itself, or a full or verbatim reproduction of it
    OFFICIAL_PRESS = "official_press"  # a press report, release, summary or Q&A about an official act
    SECONDARY = "secondary"            # a secondary summary, aggregator or third-party extraction


class WhenUnknown(StrEnum):
    """What a by-category benefit shows when the category is not answered."""

    RANGE = "range"
    UP_TO_MAX = "up_to_max"
    NEEDS_INFO = "needs_info"


class Regime(StrEnum):
    """Corporate income tax regimes the R&D super-deduction is priced at."""

    STANDARD = "standard"
    HNTE = "hnte"
    SMALL_LOW_PROFIT = "small_low_profit"
    QIANHAI = "qianhai"


class TaxMethod(StrEnum):
    QUICK_DEDUCTION = "quick_deduction"
    MARGINAL = "marginal"


class GapDirection(StrEnum):
    INCREASE = "increase"
    DECREASE = "decrease"
    WAIT = "wait"
    EXPIRED = "expired"
    CONDITION = "condition"  # a yes/no condition to meet (the table says what to do)
