"""The `briefs` command: a thin layer over library functions that tests call directly.

Every error the library raises is a BriefsError with a one-line message; this
module prints it and exits with the code `errors.exit_code` assigns.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys

from rich.markup import escape

from briefs import __version__
from briefs.cli import author, data, make, publish, review
from briefs.cli.console import console
from briefs.errors import INTERRUPTED, BriefsError, exit_code


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="briefs", description="Reproducible policy briefs, built as a Jupyter Book.")
    top.add_argument("--version", action="version", version=f"briefs {__version__}")
    top.set_defaults(top_parser=top)  # for `briefs docs cli`, which documents the whole command
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for group in (make, data, publish, review, author):  # the order of `briefs --help` and the reference page
        group.add_commands(sub)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except BriefsError as exc:
        # Messages quote user input and data, which may contain [brackets]: print them, never parse them.
        console.print(f"[red]error:[/red] {escape(str(exc))}", soft_wrap=True)
        return exit_code(exc)
    except KeyboardInterrupt:
        console.print("interrupted")
        return INTERRUPTED


def run() -> None:
    """The console script: `main`, then exit with its status.

    After Ctrl-C, everything the command had started is stopped and nothing published was
    changed by the time `main` returns; the interpreter's own teardown is skipped, because a
    browser session cut short by the interrupt can crash it after the fact (exit 139 instead of 130).
    """
    status = main()
    if status == INTERRUPTED:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
    # The teardown's garbage collection walks everything the command made (notebooks, tables,
    # kernel clients): about 0.3 s after a build. Frozen, those objects are freed by the
    # process's end instead; exit handlers still run.
    gc.freeze()
    sys.exit(status)


if __name__ == "__main__":
    run()
