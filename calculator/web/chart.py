"""The results page's chart of estimated support by program: HTML text with a bar under each line (no script, no
CDN).

Names and amounts are HTML text, so they wrap on a narrow screen and keep the page's font size in every language
(a chart drawn wholly in SVG scales its text down with its width: about 5 px on a phone). Each bar is a small SVG
scaled to its row's width (no text inside), marked decorative: the list of names and amounts is the chart's text
equivalent. The CSP allows no inline styles, so bar lengths are SVG attributes, not ``style``.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

from calculator.engine import Status

SCALE = 1000  # bar lengths in thousandths of the longest bar


def support_chart(programs: list[dict[str, Any]], title: str) -> Markup:
    """One line per program that counts in the totals (largest first): its name, its estimate, and a bar to the
    high end with the low end marked."""
    rows = [p for p in programs if p["status"] == Status.ELIGIBLE and not p["excluded_by"] and p["estimate"]
            and p["estimate"]["high"] > 0]
    rows.sort(key=lambda p: -p["estimate"]["high"])
    if not rows:
        return Markup("")
    top = max(p["estimate"]["high"] for p in rows)
    parts = [f'<figure class="chart" aria-labelledby="chart-title"><figcaption id="chart-title">{escape(title)}'
             f'</figcaption><ol class="chart-rows">']
    for program in rows:
        who = f" · {program['person_ref']}" if program.get("person_ref") else ""
        high = SCALE * program["estimate"]["high"] / top
        low = SCALE * program["estimate"]["low"] / top
        parts.append(
            f'<li class="chart-row"><span class="chart-label">{escape(program["name"])}{escape(who)}</span> '
            f'<span class="chart-value">{escape(program["estimate"]["text"])}</span>'
            f'<svg class="chart-bar" aria-hidden="true" focusable="false" viewBox="0 0 {SCALE} 10" '
            f'preserveAspectRatio="none" width="100%" height="14" xmlns="http://www.w3.org/2000/svg">'
            f'<rect class="chart-range" x="0" y="0" width="{max(high, 2):.1f}" height="10"/>'
            f'<rect class="chart-low" x="0" y="0" width="{max(low, 0):.1f}" height="10"/></svg></li>')
    parts.append("</ol></figure>")
    return Markup("".join(parts))
