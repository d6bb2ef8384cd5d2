# ruff: noqa
# One-off (issue #15, item 3), run once against main at 634547e; kept in history only. See README.md here.
import ast, sys
from pathlib import Path
for name in sys.argv[1:]:
    path = Path(name)
    src = path.read_text()
    lines = src.splitlines(keepends=True)
    for node in ast.walk(ast.parse(src)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "N_" \
                and node.end_lineno > node.lineno:
            arg = node.args[0]
            col = len(lines[arg.lineno - 1].encode()[:arg.col_offset].decode())
            for i in range(arg.lineno, arg.end_lineno):
                lines[i] = " " * col + lines[i].lstrip()
    path.write_text("".join(lines))
