"""`briefs data pull|status|update`: the official series from the command line.

Kept apart from `cli/main.py` so the series commands can grow without touching the
shared entry point; handlers raise BriefsError and `briefs.cli.main.main` turns them into
exit codes. Each handler calls one library function.
"""

from __future__ import annotations

import argparse
import os

from rich.console import Console
from rich.markup import escape

from briefs.cli.console import console, progress
from briefs.errors import UsageError


class RichPull:
    """One progress bar per file, and one line per outcome above the bars (a data.official.fetch.Progress)."""

    def __init__(self, bars):
        self.bars = bars
        self.tasks: dict[str, int] = {}

    def start(self, name: str, total: int | None) -> None:
        if name in self.tasks:  # several candidates of one series: one bar at a time
            self.bars.remove_task(self.tasks.pop(name))
        self.tasks[name] = self.bars.add_task(name, total=total)

    def advance(self, name: str, size: int) -> None:
        if name in self.tasks:
            self.bars.advance(self.tasks[name], size)

    def finish(self, name: str, outcome: str, ok: bool) -> None:
        if name in self.tasks:
            self.bars.remove_task(self.tasks.pop(name))
        if not ok:  # the reason is the error line printed at the end (all reasons, once)
            outcome = "refused, see below"
        style = "green" if ok else "red"
        self.bars.console.print(f"[bold]{escape(name)}[/bold] [{style}]{escape(outcome)}[/{style}]", soft_wrap=True)


def _bars():
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,  # no bars (nor blank lines) in a log
    )


def cmd_pull(args: argparse.Namespace) -> int:
    from briefs.data.official.pull import pull

    with _bars() as bars:
        report = pull(args.only, mirror=args.mirror, force=args.force, timeout=args.timeout, progress=RichPull(bars))
    console.print(f"[green]{len(report.outcomes)} snapshot(s) verified[/green] in {escape(str(report.folder))}")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from briefs.data.official.registry import status, strays

    out = Console(highlight=False, soft_wrap=True)
    out.print("Official series: the vintage data/external.json records, and what data/external/ holds")
    problems = []
    for item in status():
        style = {"verified": "green", "absent": "yellow"}.get(item.state, "red")
        months = " to ".join(item.declared) if item.declared else "months not recorded"
        if item.present and item.coverage != item.declared:
            months += f" (the file holds {' to '.join(item.coverage) if item.coverage else 'no months'})"
        taken = "".join([f", taken {item.taken}" if item.taken else "", f" from {item.origin}" if item.origin else ""])
        out.print(f"  [bold]{escape(item.name)}[/bold]: [{style}]{item.state}[/{style}], {escape(months)}")
        out.print(f"    {escape(item.file)}{escape(taken)}")
        if item.problem:
            problems.append(item.problem)
    for problem in problems:
        console.print(f"[red]invalid:[/red] {escape(problem)}", soft_wrap=True)
    for stray in strays():
        console.print(f"[yellow]stray:[/yellow] {escape(stray.text())}", soft_wrap=True)
    return 0


def _files(pairs: list[str] | None) -> dict[str, str]:
    files = {}
    for pair in pairs or []:
        name, sep, path = pair.partition("=")
        if not sep or not name or not path:
            raise UsageError(f"--file {pair!r}: write it NAME=PATH (or NAME=URL), NAME being a series of `briefs data status`")
        files[name] = path
    return files


def cmd_update(args: argparse.Namespace) -> int:
    from briefs.publish.update import update

    with _bars() as bars:
        result = update(
            args.only,
            mirror=args.mirror,
            files=_files(args.file),
            run=not args.no_run,
            report=args.report,
            timeout=args.timeout,
            progress=RichPull(bars),
            say=progress,
            workers=args.jobs,
        )
    if not result.new_vintages:
        console.print("no newer vintage: data/external.json unchanged")
        return result.exit_status
    console.print(f"recorded new vintages of {', '.join(result.new_vintages)} in data/external.json")
    if result.ran:
        console.print(
            f"re-ran {', '.join(result.rerun) or 'no brief'}"
            + (f"; {len(result.flips)} claim(s) changed verdict" if result.flips else "")
        )
    from briefs.data.official.schema import display_path

    console.print(f"report: {escape(display_path(result.report))}")
    return result.exit_status


def add_commands(sub: argparse._SubParsersAction) -> None:
    data = sub.add_parser(
        "data",
        help="fetch and check the official series",
        description="The official monthly series: external snapshots described in data/external.json.",
    )
    actions = data.add_subparsers(dest="data_command", required=True, metavar="ACTION")
    mirror_default = os.environ.get("BRIEFS_MIRROR") or None

    p = actions.add_parser(
        "pull",
        help="fetch the recorded vintages, verified by sha256",
        description="Fetch the vintage data/external.json records for each series, from its recorded address or from a "
        "mirror, into data/external/ (or $BRIEFS_EXTERNAL). A file whose sha256 differs is refused, nothing is replaced, "
        "and one line says what it is instead (an older or a newer vintage, or a damaged file).",
    )
    p.add_argument(
        "--mirror",
        metavar="DIR",
        default=mirror_default,
        help="copy the files from this folder (or http(s) address) instead of their recorded addresses (default: $BRIEFS_MIRROR)",
    )
    p.add_argument("--only", action="append", metavar="NAME", help="pull only this series (repeatable; see `briefs data status`)")
    p.add_argument("--force", action="store_true", help="fetch again even when the present file is verified")
    p.add_argument(
        "--timeout",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="give up on a download after this long without an answer (default 60)",
    )
    p.set_defaults(func=cmd_pull)

    p = actions.add_parser(
        "status",
        help="list the series: vintage in use, present, verified, months held",
        description="List each official series: the vintage data/external.json records (file, months, when and where it "
        "was taken), whether it is present and verified against its sha256, the months the file holds; then any stray "
        "file in the snapshot folder.",
    )
    p.set_defaults(func=cmd_status)

    p = actions.add_parser(
        "update",
        help="bring in newer vintages, re-run the briefs that read them, report what changed",
        description="Find the newest vintage of each series (in a mirror, by the file names the series may have; or a "
        "file named with --file), check it against its schema and report revised months, record it in "
        "data/external.json all or nothing (the superseded file goes to data/external/superseded/), re-run the briefs "
        "that read a series that moved, and write a Markdown report of what changed. Exit status: 0 nothing new, "
        "4 new vintages recorded, 5 new vintages and a claim changed verdict, 1 a failure, 2 bad input.",
    )
    p.add_argument(
        "--mirror",
        metavar="DIR",
        default=mirror_default,
        help="look for newer files in this folder (or http(s) address with a directory index) (default: $BRIEFS_MIRROR)",
    )
    p.add_argument(
        "--file",
        action="append",
        metavar="NAME=PATH",
        help="take this file (or address) as the new vintage of series NAME (repeatable)",
    )
    p.add_argument("--only", action="append", metavar="NAME", help="update only this series (repeatable)")
    p.add_argument("--no-run", action="store_true", help="record the new vintages but run no brief")
    p.add_argument("--report", metavar="FILE", help="write the Markdown report here (default: build/update/report.md)")
    p.add_argument("-j", "--jobs", type=int, metavar="N", help="run up to N briefs at once (default: one per core)")
    p.add_argument(
        "--timeout",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="give up on a download after this long without an answer (default 60)",
    )
    p.set_defaults(func=cmd_update)
