"""Application window state on the as-of date: open, upcoming, closed, continuous, unknown."""

from __future__ import annotations

import datetime as dt

from calculator.engine.enums import WindowMode, WindowState
from calculator.engine.model import Period, WindowStatus
from calculator.engine.specs import WindowSpec


def window_state(spec: WindowSpec, as_of: dt.date) -> WindowStatus:
    """Where the as-of date falls among the program's known (cited) application periods."""
    mode = spec.mode
    state = WindowState.UNKNOWN
    opens = closes = None
    upcoming: Period | None = None
    last: Period | None = None
    if mode in (WindowMode.AT_FILING, WindowMode.ROLLING):
        state = WindowState.CONTINUOUS
    elif mode == WindowMode.NONE:
        state = WindowState.NOT_APPLICABLE
    for period in sorted(spec.periods, key=lambda p: p.opens):
        if period.opens <= as_of <= period.closes:
            state, opens, closes = WindowState.OPEN, period.opens, period.closes
        elif period.opens > as_of and upcoming is None:
            upcoming = Period(period.opens, period.closes)
        elif period.closes < as_of:
            last = Period(period.opens, period.closes)
    if state != WindowState.OPEN and mode in (WindowMode.ANNUAL_GUIDE, WindowMode.BY_CALL):
        if upcoming is not None:
            state = WindowState.UPCOMING
        elif last is not None:
            state = WindowState.CLOSED
    return WindowStatus(mode=mode, state=state, text=spec.text, opens=opens, closes=closes, next=upcoming, last=last)
