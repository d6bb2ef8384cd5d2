"""The enum members the engine reads on every evaluation, as plain module names.

In Python 3.11 reading a member from its class (``Status.ELIGIBLE``) costs about 60 ns, a module's global name a
few; the assess path reads these hundreds of times per company, so its modules import them from here (measured in
issue #16: about a tenth of an assessment's CPU). The values are the members themselves.
"""

from __future__ import annotations

from calculator.engine.enums import Certainty, Confidence, MoneyKind, Outcome, SideKind, Status

ELIGIBLE, NEEDS_INFO = Status.ELIGIBLE, Status.NEEDS_INFO
NOT_ELIGIBLE, NOT_IN_FORCE = Status.NOT_ELIGIBLE, Status.NOT_IN_FORCE
CONFIRMED, SECONDARY, UNCONFIRMED = Confidence.CONFIRMED, Confidence.SECONDARY, Confidence.UNCONFIRMED
MONEY, NON_MONETARY, UNKNOWN = Outcome.MONEY, Outcome.NON_MONETARY, Outcome.UNKNOWN
CASH, OBLIGATION = MoneyKind.CASH, MoneyKind.OBLIGATION
COMPETITIVE, DETERMINED = Certainty.COMPETITIVE, Certainty.DETERMINED
IF_CERTIFIED, LATER_YEARS = SideKind.IF_CERTIFIED, SideKind.LATER_YEARS
