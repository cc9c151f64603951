"""`briefs data pull|status`: the official series snapshots from the command line.

Kept apart from `cli/main.py` so the series commands can grow without touching the
shared entry point; handlers raise BriefsError and `briefs.cli.main.main` turns them into
exit codes.
"""

from __future__ import annotations

import argparse
import os

from briefs.cli.console import console


class RichPull:
    """One progress bar per file, and one line per outcome above the bars (a registry.PullProgress)."""

    def __init__(self, bars):
        self.bars = bars
        self.tasks: dict[str, int] = {}

    def start(self, name: str, total: int | None) -> None:
        self.tasks[name] = self.bars.add_task(name, total=total)

    def advance(self, name: str, size: int) -> None:
        self.bars.advance(self.tasks[name], size)

    def finish(self, name: str, outcome: str, ok: bool) -> None:
        if name in self.tasks:
            self.bars.remove_task(self.tasks.pop(name))
        style = "green" if ok else "red"
        self.bars.console.print(f"[bold]{name}[/bold] [{style}]{outcome}[/{style}]", soft_wrap=True)


def cmd_pull(args: argparse.Namespace) -> int:
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

    from briefs.data.official.registry import pull

    bars = Progress(
        TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
        console=console, transient=True,
    )
    with bars:
        report = pull(
            args.only, mirror=args.mirror, update_checksums=args.update_checksums, force=args.force,
            timeout=args.timeout, progress=RichPull(bars),
        )
    if report.recorded:
        console.print(f"recorded new checksums for {', '.join(report.recorded)} in data/external.json: commit it with the briefs you re-ran")
    console.print(f"[green]{len(report.outcomes)} snapshot(s) verified[/green] in {report.folder}")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from briefs.data.official.registry import status

    table = Table(title="Official series", title_justify="left")
    table.add_column("series", no_wrap=True)
    table.add_column("state", no_wrap=True)
    table.add_column("months held")
    problems = []
    for item in status():
        style = {"verified": "green", "absent": "yellow"}.get(item.state, "red")
        held = " to ".join(item.coverage) if item.coverage else "-"
        if item.present and item.declared and item.coverage != item.declared:
            held += f" (described: {' to '.join(item.declared)})"
        table.add_row(item.name, f"[{style}]{item.state}[/{style}]", held)
        if item.problem:
            problems.append(item.problem)
    Console(highlight=False).print(table)
    for problem in problems:
        console.print(f"[red]invalid:[/red] {problem}", soft_wrap=True)
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    data = sub.add_parser("data", help="fetch and check the official series", description="The official monthly series: external snapshots described in data/external.json.")
    actions = data.add_subparsers(dest="data_command", required=True, metavar="ACTION")

    p = actions.add_parser(
        "pull", help="fetch the snapshots, verified by sha256",
        description="Fetch each snapshot from its recorded address, or from a mirror, into data/external/ (or $BRIEFS_EXTERNAL). "
        "A file whose sha256 differs from data/external.json is refused and nothing is replaced.",
    )
    p.add_argument(
        "--mirror", metavar="DIR", default=os.environ.get("BRIEFS_MIRROR") or None,
        help="copy the files from this folder (or http(s) address) instead of their recorded addresses (default: $BRIEFS_MIRROR)",
    )
    p.add_argument("--only", action="append", metavar="NAME", help="pull only this series (repeatable; see `briefs data status`)")
    p.add_argument("--force", action="store_true", help="fetch again even when the present file is verified")
    p.add_argument("--update-checksums", action="store_true", help="accept a newer snapshot: validate it against its schema, then record its sha256, size and months in data/external.json")
    p.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS", help="give up on a download after this long without an answer (default 60)")
    p.set_defaults(func=cmd_pull)

    p = actions.add_parser("status", help="list the snapshots: present, verified, months held", description="List each official series: absent or present, verified against its recorded sha256, first and last month found.")
    p.set_defaults(func=cmd_status)
