"""`briefs diff|lock|check`: what changed between runs, and the committed outputs lock."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.markup import escape

from briefs.cli.console import console
import sys

from rich.console import Console

from briefs.cli.console import progress
from briefs.errors import BriefsError


def cmd_diff(args: argparse.Namespace) -> int:
    from briefs.review.diff import diff
    from briefs.review.report import FORMATS, to_terminal

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
        text = FORMATS[args.format](report, links=args.links) if args.format != "text" else FORMATS["text"](report)
        if args.output:
            Path(args.output).write_text(text, encoding="utf-8", newline="\n")
        else:
            sys.stdout.write(text)
    return 1 if report.changed else 0


def cmd_lock(args: argparse.Namespace) -> int:
    from briefs.project.paths import lock_dir
    from briefs.review.outputs_lock import lock

    folder = Path(args.dir) if args.dir else lock_dir()
    touched = lock(folder=folder, run=args.run, progress=progress)
    console.print(f"[green]outputs lock[/green] {escape(str(folder))}: {len(touched)} file(s) written or removed")
    for rel in touched:
        console.print(f"  {rel}", highlight=False, markup=False)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from briefs.project.paths import lock_dir
    from briefs.review.outputs_lock import check
    from briefs.review.report import to_terminal

    if args.package:
        from briefs.publish.archive import check as check_archive

        if args.dir:
            console.print("[red]error:[/red] --dir and --package cannot be used together", soft_wrap=True)
            return 2
        result = check_archive(Path(args.package), progress=progress)
        where = args.package
        if result.ok:
            console.print(f"[green]the briefs give the archive's outputs again[/green], byte for byte: {escape(where)}")
            return 0
        to_terminal(result.report, Console(highlight=False))
        console.print(
            f"[red]error:[/red] run on the data in {escape(where)}, the briefs do not give its outputs; these files differ:",
            soft_wrap=True,
        )
        for rel in result.files:
            console.print(f"  {rel}", highlight=False, markup=False)
        return 1
    folder = Path(args.dir) if args.dir else lock_dir()
    result = check(folder=folder, progress=progress)
    if result.ok:
        console.print(f"[green]outputs lock is current[/green]: {escape(str(folder))}")
        return 0
    to_terminal(result.report, Console(highlight=False))
    console.print(
        f"[red]error:[/red] the outputs lock in {escape(str(folder))} is stale; these files differ from a fresh run:",
        soft_wrap=True,
    )
    for rel in result.files:
        console.print(f"  {rel}", highlight=False, markup=False)
    console.print("Run `briefs lock --run` and commit outputs/ if the change is intended.", markup=False)
    return 1


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "diff",
        help="what changed between two versions of the briefs",
        description="Compare executed briefs claim by claim and cell by cell. OLD and NEW are each an executed "
        "notebook, a run folder (build/runs) or an edition folder. Exit status: 0 no change, 1 changes, 2 trouble.",
    )
    p.add_argument("old", help="the earlier version: an executed notebook, a run folder or an edition folder")
    p.add_argument("new", help="the later version, of the same kinds")
    p.add_argument(
        "--format",
        choices=["text", "md", "html"],
        default="text",
        help='terminal text (default), Markdown (the text of an edition\'s "What changed" page), or self-contained HTML',
    )
    p.add_argument(
        "--links", metavar="URL", help="link every item to its place in the edition published at URL (its root, ending in /)"
    )
    p.add_argument("-o", "--output", help="write the report to this file")
    p.set_defaults(func=cmd_diff)

    p = sub.add_parser(
        "lock",
        help="rewrite the outputs lock (outputs/) from build/runs",
        description="Rewrite outputs/: every brief's claims, values, tables and chart data as CSV.",
    )
    p.add_argument("--run", action="store_true", help="run every brief into build/runs first")
    p.add_argument("--dir", help="the lock folder (default: outputs/)")
    p.set_defaults(func=cmd_lock)

    p = sub.add_parser(
        "check",
        help="fail if the outputs lock is stale",
        description="Re-run every brief in a temporary folder and compare with outputs/; exit 1 naming what differs. "
        "With --package, run them on an edition's data archive and compare with the outputs it holds.",
    )
    p.add_argument("--dir", help="the lock folder (default: outputs/)")
    p.add_argument(
        "--package",
        metavar="ARCHIVE",
        help="an edition's data archive (data/briefs-data-EDITION.zip): check that the briefs give its outputs again",
    )
    p.set_defaults(func=cmd_check)
