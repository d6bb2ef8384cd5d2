"""One-off importer: turn ../shared/policy/sources.md into incentive_tables/sources.toml.

Kept in the repo so an analyst can re-run it when sources.md changes:
    python tools/import_sources.py ../shared/policy/sources.md > incentive_tables/sources.toml
"""

from __future__ import annotations

import re
import sys

TYPES = {"O": "official", "S": "secondary", "O (draft only)": "official_draft", "O (draft)": "official_draft"}


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
