"""Generate ``docs/programs.md``: every program's conditions, figures, dates and sources, in zh and en.

    python -m calculator.catalogue_doc            # writes docs/programs.md
    python -m calculator.catalogue_doc --check    # exit 1 when docs/programs.md is out of date

Analysts review the policy here without reading code; a test fails when it falls behind the tables.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from calculator.engine import FAMILY_NAMES, Catalogue, describe_program, load_catalogue
from calculator.i18n import gettext

OUTPUT = Path(__file__).resolve().parents[1] / "docs" / "programs.md"
FAMILIES = {key: f"{gettext(name, 'zh')} · {gettext(name, 'en')}" for key, name in FAMILY_NAMES.items()}


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _value(value: Any) -> str:
    if isinstance(value, dict) and "lookup" in value:
        return f"band from `{value['lookup']}` by `{value['key']}`"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def program_section(catalogue: Catalogue, pid: str) -> list[str]:
    """One program's section: heading and facts, criteria, self-check, benefits and figures, limits and notes."""
    d = describe_program(catalogue, catalogue.programs[pid])
    out = _facts(d)
    out += criteria_table(d["criteria"])
    out += _self_check(d["self_check"])
    out += _benefits(d)
    out += _notes(d)
    out.append("")
    return out


def _facts(d: dict[str, Any]) -> list[str]:
    """The heading and the bulleted facts: summary, issuer, dates, window, sources, branches."""
    eff = d["effective"]
    out = [f"### {d['name']['zh']} · {d['name']['en']}", "", f"`{d['id']}` · {d['applies_to']} · {d['certainty']} · "
           f"rests on **{d['confidence']}**", ""]
    out += [f"- 摘要：{d['summary']['zh']}", f"- Summary: {d['summary']['en']}",
            f"- Issuer / 发布机关: {d['issuer']['zh']} · {d['issuer']['en']}",
            f"- Instrument / 依据: {d['instrument']}",
            f"- In force / 有效期: {eff['from']} → {eff['to'] or '(no end date / 未定)'} "
            f"({eff['basis']}; {eff['confidence']} {', '.join(eff['source']) or '—'}"
            + (f"; end {eff['end_confidence']}" if eff["end_confidence"] else "")
            + (f"; valid for {eff['valid_for_years']} years, {eff['valid_for_confidence']}, flagged after"
               if eff["valid_for_years"] else "") + ")"]
    for key, label in (("start_reason", "Before the start / 生效前"), ("end_reason", "After the end / 失效后")):
        if eff[key]:
            out.append(f"- {label}: {eff[key]['en']} / {eff[key]['zh']}")
    if d["cohort"]:
        c = d["cohort"]
        out.append(f"- Closed to / 截止: `{c['field']}` on or after {c['closed_from']} ({c['confidence']}): "
                   f"{c['text']['en']} / {c['text']['zh']}")
    window = d["window"]
    periods = "; ".join(f"{p['opens']}–{p['closes']} ({p['confidence']})" for p in window["periods"])
    out.append(f"- Window / 申报: {window['mode']}" + (f" — {periods}" if periods else "")
               + (f" — {window['text']['en']}" if window["text"] else ""))
    if d["sources"]:
        out.append(f"- Sources / 来源: {', '.join(d['sources'])}" + (f" · official text: {d['official_text']}"
                                                                     if d["official_text"] else ""))
    out.append(f"- Sources last checked / 来源核对: {d['checked']}"
               + (f" · added / 新增: {d['added']}" if d["added"] else ""))
    if d["branches"]:
        out.append("- Any one of these branches / 满足以下任一组: " + "; ".join(
            f"`{b['id']}` ({b['text']['en']} / {b['text']['zh']})" for b in d["branches"]))
    return out


def _self_check(check: dict[str, Any] | None) -> list[str]:
    """The self-check paragraph and its criteria (nothing when the program has none)."""
    if not check:
        return []
    beside = "; its formula shown beside it, labelled 'if certified'" if check["if_certified"] else ""
    out = ["", f"**Self-check / 自查** (`{check['id']}`, shown when the program is not eligible or needs "
               f"information; never an amount{beside}): {check['text']['en']} / {check['text']['zh']}"]
    return out + criteria_table(check["criteria"])


def _benefits(d: dict[str, Any]) -> list[str]:
    """Each benefit period and the table of figures."""
    out: list[str] = []
    for row in d["benefits"]:
        period = "" if len(d["benefits"]) == 1 else f" {row['from'] or '…'} → {row['to'] or '…'}"
        out += ["", f"**Benefit / 待遇**{period} (`{row['kind']}`, money: `{row['money_kind']}`): "
                    f"{row['text']['en']}  ", f"{row['text']['zh']}"]
        if row["pool"]:
            out.append(f"  Pool / 资金池: {row['pool']['en']} / {row['pool']['zh']}")
    if d["figures"]:
        out += ["", "| figure | value | unit | confidence | source | from | to |", "|---|---|---|---|---|---|---|"]
        for f in d["figures"]:
            context = " (context only / 仅作参考)" if f["role"] == "context" else ""
            out.append(f"| `{f['name']}`{context} | {f['value']} | {f['unit']} | {f['confidence']} | "
                       f"{', '.join(f['source'])} | {f['effective_from'] or '—'} | {f['effective_to'] or '—'} |")
    return out


def _notes(d: dict[str, Any]) -> list[str]:
    """Input limits, stacking groups, flags and dated notes."""
    out: list[str] = []
    for limit in d["input_limits"]:
        bounds = " ".join(f"{key} `{limit[key]}`" for key in ("min", "max") if limit[key])
        out.append(f"- Input limit / 输入限制: `{limit['field']}` {bounds}: {limit['text']['en']} / "
                   f"{limit['text']['zh']}")
    if d["stacking"]:
        out.append("")
        for g in d["stacking"]:
            out.append(f"- Stacking `{g['group']}` ({g['kind']}, {g['confidence']}): "
                       f"{g['text']['en']} / {g['text']['zh']}")
    for item in d["flags"]:
        dates = _dates(item["from"], item["to"])
        when = " (when its condition holds / 条件满足时)" if item["conditional"] else ""
        level = f", {item['confidence']}" if item["confidence"] else ""
        out.append(f"- Flag / 标注 `{item['code']}`{dates}{when}{level}: {item['text']['en']} / {item['text']['zh']}")
    for note in d["dated_advisories"]:
        out.append(f"- Note / 提示{_dates(note['from'], note['to'])}: {note['text']['en']} / {note['text']['zh']}")
    return out


def criteria_table(criteria: list[dict[str, Any]]) -> list[str]:
    if not criteria:
        return []
    out = ["", "| criterion | condition / 条件 | test | confidence | source |", "|---|---|---|---|---|"]
    for c in criteria:
        test = f"`{c['input']}` {c['op']} {_value(c['value'])}".strip()
        branch = f" (branch `{c['branch']}`)" if c["branch"] else ""
        out.append(f"| `{c['id']}`{branch} | {_cell(c['text']['en'])}<br>{_cell(c['text']['zh'])} | "
                   f"{_cell(test)} | {c['confidence']} | {', '.join(c['source']) or '—'} |")
    return out


def _dates(start: str | None, end: str | None) -> str:
    return "" if not start and not end else f" [{start or '…'} → {end or '…'}]"


def render(catalogue: Catalogue) -> str:
    lines = ["# 政策目录 · Program catalogue", "",
             "Generated from `incentive_tables/` by `python -m calculator.catalogue_doc`; do not edit by hand. "
             "由规则表自动生成，请勿手工修改。", "",
             f"Tables version / 规则表版本: `{catalogue.tables_version}` · {len(catalogue.programs)} programs · "
             f"policy reference revision / 政策参考版本: {catalogue.reference_revision}", ""]
    for family, title in FAMILIES.items():
        ids = sorted(pid for pid, p in catalogue.programs.items() if p.family == family)
        lines += [f"## {title}", ""]
        lines += [f"- [`{pid}`](#{pid}) {catalogue.programs[pid].spec.name['zh']} · "
                  f"{catalogue.programs[pid].spec.name['en']}" for pid in ids]
        lines.append("")
        for pid in ids:
            lines += [f'<a id="{pid}"></a>', "", *program_section(catalogue, pid)]
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    text = render(load_catalogue())
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print("docs/programs.md is out of date: run `python -m calculator.catalogue_doc`", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
