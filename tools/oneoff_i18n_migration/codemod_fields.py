# ruff: noqa
# One-off (issue #15, item 3), run once against main at 634547e; kept in history only. See README.md here.
"""One-off: move the Chinese labels and hints out of the profile schemas (info(unit, en, zh, hint_en, hint_zh,
section) -> info(unit, N_(en), N_(hint_en), section)), writing the Chinese to a JSON file for the catalogue."""
import ast, json, sys
from pathlib import Path

WIDTH = 120
moved = {}

def value(node):
    return ast.literal_eval(node)

def rewrite(path: Path):
    src = path.read_text()
    tree = ast.parse(src)
    lines = src.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    def pos(lineno, col):  # col is in utf-8 bytes
        line = lines[lineno - 1]
        return offsets[lineno - 1] + len(line.encode()[:col].decode())
    edits = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "info"):
            continue
        args = list(node.args)
        kw = {k.arg: k.value for k in node.keywords}
        names = ["unit", "en", "zh", "hint_en", "hint_zh", "section"]
        got = dict(zip(names, args))
        got.update(kw)
        seg = lambda n: src[pos(n.lineno, n.col_offset):pos(n.end_lineno, n.end_col_offset)]
        en, zh = value(got["en"]), value(got["zh"])
        moved.setdefault(en, set()).add(zh)
        hint = value(got["hint_en"]) if "hint_en" in got else ""
        if hint:
            moved.setdefault(hint, set()).add(value(got["hint_zh"]))
        pieces = [seg(got["unit"]), f"N_({seg(got['en'])})"]
        if hint:
            pieces.append(f"N_({seg(got['hint_en'])})")
        if "section" in got:
            pieces.append(seg(got["section"]) if hint else f"section={seg(got['section'])}")
        start = pos(node.lineno, node.col_offset)
        end = pos(node.end_lineno, node.end_col_offset)
        first = args[0] if args else None
        breaks = "\n" in src[start:pos(first.lineno, first.col_offset)]
        call_line_start = src.rfind("\n", 0, start) + 1
        indent = " " * (len(src[call_line_start:start]) - len(src[call_line_start:start].lstrip()) + 4)
        # greedy packing
        col = (len(indent) if breaks else start - call_line_start + len("info("))
        out = "info(" + ("\n" + indent if breaks else "")
        first_piece = True
        # characters after the call on its last line (closing parens of the outer call)
        tail = len(src[end:src.find("\n", end)])
        for i, piece in enumerate(pieces):
            last = i == len(pieces) - 1
            text = piece + (")" if last else ",")
            need = len(text.splitlines()[0]) + (0 if first_piece else 1) + (tail if last and "\n" not in text else 0)
            if not first_piece and col + need > WIDTH:
                out += "\n" + indent
                col = len(indent)
            elif not first_piece:
                out += " "
                col += 1
            out += text
            col = len(text.splitlines()[-1]) + (col if "\n" not in text else 0)
            first_piece = False
        edits.append((start, end, out))
    for start, end, out in sorted(edits, reverse=True):
        src = src[:start] + out + src[end:]
    path.write_text(src)
    return len(edits)

for name in sys.argv[2:]:
    print(name, rewrite(Path(name)))
conflicts = {k: v for k, v in moved.items() if len(v) > 1}
print("conflicts:", conflicts)
json.dump({k: sorted(v)[0] for k, v in moved.items()}, open(sys.argv[1], "w"), ensure_ascii=False, indent=1)
print(len(moved), "texts moved")
