"""Application window state on the as-of date: open, upcoming, closed, continuous, unknown."""

from __future__ import annotations

import datetime as dt
from typing import Any


def window_state(spec: dict[str, Any], as_of: dt.date) -> dict[str, Any]:
    """Where the as-of date falls among the program's known (cited) application periods."""
    mode = spec["mode"]
    periods = sorted(spec.get("periods") or [], key=lambda p: p["opens"])
    state: dict[str, Any] = {"mode": mode, "state": "unknown", "opens": None, "closes": None, "next": None,
                             "last": None, "text": spec.get("text")}
    if mode in ("at_filing", "rolling"):
        state["state"] = "continuous"
    elif mode == "none":
        state["state"] = "not_applicable"
    for period in periods:
        if period["opens"] <= as_of <= period["closes"]:
            state.update(state="open", opens=period["opens"], closes=period["closes"])
        elif period["opens"] > as_of and state["next"] is None:
            state["next"] = {"opens": period["opens"], "closes": period["closes"]}
        elif period["closes"] < as_of:
            state["last"] = {"opens": period["opens"], "closes": period["closes"]}
    if state["state"] != "open" and mode in ("annual_guide", "by_call"):
        if state["next"] is not None:
            state["state"] = "upcoming"
        elif state["last"] is not None:
            state["state"] = "closed"
    return state
