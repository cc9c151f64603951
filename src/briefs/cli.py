"""The `briefs` command: a thin layer over library functions that tests call directly.

Every error the library raises is a BriefsError with a one-line message; this
module prints it and exits with the code `errors.exit_code` assigns.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from . import __version__
from .errors import BriefsError, exit_code

console = Console(stderr=True, highlight=False)


def _progress(item: str, state: str) -> None:
    style = "red" if state.startswith("failed") else "green" if state.startswith("done") else "cyan"
    console.print(f"[bold]{escape(item)}[/bold] [{style}]{escape(state)}[/{style}]", soft_wrap=True)


def cmd_list(args: argparse.Namespace) -> int:
    from . import catalog

    for brief in catalog.discover():
        print(f"{brief.name}\t{brief.document}\t{brief.title}")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from .run import parse_cli_parameters, run_brief

    params = parse_cli_parameters(args.parameter)
    with console.status(f"running {escape(args.name)}"):
        result = run_brief(args.name, params, strict=args.strict, output=Path(args.output) if args.output else None)
    bad = result.contradicted
    console.print(f"[green]{escape(args.name)}[/green]: {len(result.claims)} claims, {len(bad)} contradicted -> {escape(str(result.notebook))}")
    for claim in bad:
        console.print(f"  [red]contradicted[/red] {escape(claim['id'])}: computed {escape(claim['text'])}, {escape(claim['rule'])}")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from .build import build_book

    result = build_book(progress=_progress, run=not args.no_run)
    if result.failures:
        console.print(f"[red]{len(result.failures)} brief(s) failed[/red] (their last good pages were kept):")
        for name, reason in result.failures.items():
            line = reason if reason.startswith(f"{name}: ") else f"{name}: {reason}"
            console.print(f"  {escape(line)}", soft_wrap=True)
        return 1
    console.print(f"[green]book built[/green]: {escape(str(result.html / 'index.html'))}")
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="briefs", description="Reproducible policy briefs, built as a Jupyter Book.")
    top.add_argument("--version", action="version", version=f"briefs {__version__}")
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("list", help="list the briefs", description="List the briefs found in notebooks/.")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("run", help="execute one brief with papermill", description="Execute one brief with papermill into build/runs/NAME.ipynb.")
    p.add_argument("name", help="the brief's name (see `briefs list`)")
    p.add_argument("-p", "--parameter", nargs=2, action="append", metavar=("KEY", "VALUE"), help="set a parameter of the brief (repeatable)")
    p.add_argument("--strict", action="store_true", help="fail if any claim is contradicted")
    p.add_argument("-o", "--output", help="write the executed notebook here instead")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("build", help="run every brief and build the book", description="Run every brief, then compile the book to build/html (offline).")
    p.add_argument("--no-run", action="store_true", help="reuse the executed notebooks already in build/runs")
    p.set_defaults(func=cmd_build)
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
        return 130


if __name__ == "__main__":
    sys.exit(main())
