"""A server-rendered SVG bar chart of estimated support by program (no script, no CDN)."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

from calculator.engine import Status

WIDTH, BAR, GAP, LABEL = 720, 22, 10, 300


def support_chart(programs: list[dict[str, Any]], title: str) -> Markup:
    """Horizontal bars for the programs that count in the totals (high end, with the low end marked)."""
    rows = [p for p in programs if p["status"] == Status.ELIGIBLE and not p["excluded_by"] and p["estimate"]
            and p["estimate"]["high"] > 0]
    rows.sort(key=lambda p: -p["estimate"]["high"])
    if not rows:
        return Markup("")
    top = max(p["estimate"]["high"] for p in rows)
    height = len(rows) * (BAR + GAP) + GAP
    span = WIDTH - LABEL - 140
    parts = [f'<svg class="chart" role="img" aria-labelledby="chart-title" viewBox="0 0 {WIDTH} {height}" '
             f'width="100%" xmlns="http://www.w3.org/2000/svg"><title id="chart-title">{escape(title)}</title>']
    for i, program in enumerate(rows):
        y = GAP + i * (BAR + GAP)
        who = f" · {program['person_ref']}" if program.get("person_ref") else ""
        label = f"{program['name']}{who}"
        short = label if len(label) <= 34 else label[:33] + "…"
        high = span * program["estimate"]["high"] / top
        low = span * program["estimate"]["low"] / top
        parts.append(f'<text x="{LABEL - 8}" y="{y + BAR * 0.7:.1f}" text-anchor="end" class="chart-label">'
                     f'<title>{escape(label)}</title>{escape(short)}</text>')
        parts.append(f'<rect x="{LABEL}" y="{y}" width="{max(high, 1):.1f}" height="{BAR}" class="chart-range"/>')
        parts.append(f'<rect x="{LABEL}" y="{y}" width="{max(low, 0):.1f}" height="{BAR}" class="chart-low"/>')
        parts.append(f'<text x="{LABEL + high + 6:.1f}" y="{y + BAR * 0.7:.1f}" class="chart-value">'
                     f'{escape(program["estimate"]["text"])}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
