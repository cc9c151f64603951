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
    console.print(f"[bold]{item}[/bold] [{style}]{state}[/{style}]")


def cmd_list(args: argparse.Namespace) -> int:
    from . import catalog

    for brief in catalog.discover():
        print(f"{brief.name}\t{brief.document}\t{brief.title}")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from .run import parse_cli_parameters, run_brief

    params = parse_cli_parameters(args.parameter)
    with console.status(f"running {args.name}"):
        result = run_brief(args.name, params, strict=args.strict, output=Path(args.output) if args.output else None)
    bad = result.contradicted
    console.print(f"[green]{args.name}[/green]: {len(result.claims)} claims, {len(bad)} contradicted -> {result.notebook}")
    for claim in bad:
        console.print(f"  [red]contradicted[/red] {claim['id']}: computed {claim['text']}, {claim['rule']}")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from .build import build_book

    result = build_book(progress=_progress, run=not args.no_run)
    if result.failures:
        console.print(f"[red]{len(result.failures)} brief(s) failed[/red] (their last good pages were kept):")
        for name, reason in result.failures.items():
            console.print(f"  {name}: {reason}")
        return 1
    console.print(f"[green]book built[/green]: {result.html / 'index.html'}")
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from .diff import diff
    from .report import FORMATS, to_terminal

    try:
        report = diff(args.old, args.new)
    except BriefsError:
        raise
    except Exception as exc:  # like diff(1): any trouble reading or comparing is status 2, not a traceback
        reason = escape(f"could not compare {args.old} with {args.new}: {type(exc).__name__}: {exc}")
        console.print(f"[red]error:[/red] {reason}", soft_wrap=True)
        return 2
    if args.format == "text" and not args.output:
        to_terminal(report, Console(highlight=False, soft_wrap=False))
    else:
        text = FORMATS[args.format](report)
        if args.output:
            Path(args.output).write_text(text, encoding="utf-8", newline="\n")
        else:
            sys.stdout.write(text)
    return 1 if report.changed else 0


def cmd_lock(args: argparse.Namespace) -> int:
    from .lock import lock, lock_dir

    folder = Path(args.dir) if args.dir else lock_dir()
    touched = lock(folder=folder, run=args.run, progress=_progress)
    console.print(f"[green]outputs lock[/green] {escape(str(folder))}: {len(touched)} file(s) written or removed")
    for rel in touched:
        console.print(f"  {rel}", highlight=False, markup=False)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from .lock import check, lock_dir
    from .report import to_terminal

    folder = Path(args.dir) if args.dir else lock_dir()
    result = check(folder=folder, progress=_progress)
    if result.ok:
        console.print(f"[green]outputs lock is current[/green]: {escape(str(folder))}")
        return 0
    to_terminal(result.report, Console(highlight=False))
    console.print(f"[red]error:[/red] the outputs lock in {escape(str(folder))} is stale; these files differ from a fresh run:", soft_wrap=True)
    for rel in result.files:
        console.print(f"  {rel}", highlight=False, markup=False)
    console.print("Run `briefs lock --run` and commit outputs/ if the change is intended.", markup=False)
    return 1


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

    p = sub.add_parser(
        "diff", help="what changed between two versions of the briefs",
        description="Compare executed briefs claim by claim and cell by cell. OLD and NEW are each an executed "
        "notebook, a run folder (build/runs) or an edition folder. Exit status: 0 no change, 1 changes, 2 trouble.",
    )
    p.add_argument("old")
    p.add_argument("new")
    p.add_argument("--format", choices=["text", "md", "html"], default="text", help="terminal text (default), Markdown, or self-contained HTML")
    p.add_argument("-o", "--output", help="write the report to this file")
    p.set_defaults(func=cmd_diff)

    p = sub.add_parser("lock", help="rewrite the outputs lock (outputs/) from build/runs",
                       description="Rewrite outputs/: every brief's claims, values, tables and chart data as CSV.")
    p.add_argument("--run", action="store_true", help="run every brief into build/runs first")
    p.add_argument("--dir", help="the lock folder (default: outputs/)")
    p.set_defaults(func=cmd_lock)

    p = sub.add_parser("check", help="fail if the outputs lock is stale",
                       description="Re-run every brief in a temporary folder and compare with outputs/; exit 1 naming what differs.")
    p.add_argument("--dir", help="the lock folder (default: outputs/)")
    p.set_defaults(func=cmd_check)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except BriefsError as exc:
        console.print(f"[red]error:[/red] {exc}", soft_wrap=True)
        return exit_code(exc)
    except KeyboardInterrupt:
        console.print("interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
