"""One-off importer: turn ../shared/policy/sources.md into incentive_tables/sources.toml.

Kept in the repo so an analyst can re-run it when sources.md changes:
    python tools/import_sources.py ../shared/policy/sources.md > incentive_tables/sources.toml
"""

from __future__ import annotations

import re
import sys

TYPES = {"O": "official", "S": "secondary", "O (draft only)": "official_draft", "O (draft)": "official_draft"}
# How a reader should weigh a source, in plain words (shown beside it on pages and in workbooks):
#   official_text  — the official text itself: an official page, a register entry, a statute, or a full or verbatim
#                    reproduction of the text (sources.md type O, drafts included: their titles say "draft");
#   official_press — type O in sources.md, but what was read is a press report, release, summary, Q&A or FAQ about
#                    the official act, not its text (the keys below, as sources.md describes each);
#   secondary      — sources.md type S (summaries, aggregators, third-party extractions, machine translations).
OFFICIAL_PRESS = {
    "VOUCH-MODEL": "Report on the operating rules",
    "VOUCH-CORPUS": "HKCD summary of the guide",
    "QH-AI": "press report of the final measures",
    "GPSME": "reports of the notice's issuance",
    "GPSME-CAIGOU": "newspaper report quoting an implementing text",
    "GPSME-19": "news flash quoting the notice",
    "FIRSTSET": "notice as reported by the press",
    "SZ-TRADE": "Yicai report on the plan",
    "ACTION": "reports of the action plans on repost sites",
    "RVISA": "newspaper (南方日报) reproduction",
    "HNTE": "a government Q&A about the criteria, not the criteria's text",
    "HK-ALLOW": "the tax authority's budget FAQ",
    "HK-CONCESSIONS": "government news and press release",
    "FX-CP-LOOKUP": "where the rate is published; the official pages were not opened",
    "CSL-2025": "the regulator's release on the amendment",
}


def quality(key: str, typ: str) -> str:
    if TYPES[typ] == "secondary":
        return "secondary"
    return "official_press" if key in OFFICIAL_PRESS else "official_text"


def toml_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main(path: str) -> None:
    section = ""
    with open(path, encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    text = "\n".join(lines)
    pinned = dict(re.findall(r"repository\s+([\w.-]+/[\w.-]+)[^()]*\(.*?at commit\s+([0-9a-f]{40})", text, re.S))
    out = [
        "# Every source a rule table may cite, by key. Generated from ../shared/policy/sources.md",
        "# by tools/import_sources.py; edit sources.md and re-run rather than editing by hand.",
        "",
    ]
    for line in lines:
        if line.startswith("## "):
            section = line[3:].strip()
        if not line.startswith("| ") or line.startswith("| Key") or line.startswith("|---"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 5:
            continue
        key, title, address, typ, supports = cells
        title = re.sub(r"^\*\(new \d{4}-\d{2}-\d{2}\)\*\s*", "", title)  # the revision marker is not part of the title
        row_commit = re.search(r"at commit\s+([0-9a-f]{40})", address)  # a row's own commit beats the file-wide one
        urls = re.findall(r"https?://[^\s;]+", address)
        repos = re.findall(r"GitHub ([\w.-]+/[\w.-]+), `([^`]+)`", address)
        out.append(f"[{key}]")
        out.append(f"title = {toml_str(title)}")
        out.append(f"section = {toml_str(section)}")
        out.append(f"type = {toml_str(TYPES[typ])}")
        out.append(f"quality = {toml_str(quality(key, typ))}")
        out.append("urls = [" + ", ".join(toml_str(u) for u in urls) + "]")
        if repos:
            out.append("github = [")
            for repo, rpath in repos:
                pin = row_commit.group(1) if row_commit else pinned.get(repo)
                commit = f", commit = {toml_str(pin)}" if pin else ""
                out.append(f"  {{ repository = {toml_str(repo)}, path = {toml_str(rpath)}{commit} }},")
            out.append("]")
        out.append(f"supports = {toml_str(supports)}")
        out.append("")
    print("\n".join(out))


if __name__ == "__main__":
    main(sys.argv[1])
