"""The command line of a before/after identity check: write one checkout's outputs to a folder, then compare two
folders (exit 1 if anything differs). Used by ``benchmarks/page_identity.py`` and ``tests/workbook_cells.py``."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path


def command_line(description: str, write: Callable[[argparse.Namespace], None],
                 compare: Callable[[Path, Path], int], options: Callable[[argparse.ArgumentParser], None],
                 write_command: str = "write", argv: list[str] | None = None) -> int:
    """``WRITE_COMMAND [options]`` calls ``write`` with the parsed options; ``compare BEFORE AFTER`` returns
    ``compare``'s exit code."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    options(commands.add_parser(write_command))
    comparing = commands.add_parser("compare")
    comparing.add_argument("before", type=Path)
    comparing.add_argument("after", type=Path)
    args = parser.parse_args(argv)
    if args.command == "compare":
        return compare(args.before, args.after)
    write(args)
    return 0
