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

from briefs import __version__
from briefs.errors import BriefsError, exit_code

console = Console(stderr=True, highlight=False)


def _progress(item: str, state: str) -> None:
    """Plain progress lines for long steps outside the live build table."""
    style = next((v for k, v in BuildDisplay.STYLES.items() if state.startswith(k)), "")
    console.print(f"[bold]{escape(item)}[/bold] " + (f"[{style}]{escape(state)}[/{style}]" if style else escape(state)))


class BuildDisplay:
    """A live table of every brief's state while the book builds (plain lines when not a terminal)."""

    STYLES = {"queued": "dim", "running": "cyan", "unchanged": "blue", "done": "green", "failed": "red"}

    def __init__(self) -> None:
        self.states: dict[str, str] = {}
        self.live = None

    def table(self):
        from rich.table import Table

        table = Table(show_header=True, header_style="bold", box=None)
        table.add_column("brief")
        table.add_column("state")
        for item, state in self.states.items():
            style = next((v for k, v in self.STYLES.items() if state.startswith(k)), "")
            table.add_row(escape(item), f"[{style}]{escape(state)}[/{style}]" if style else escape(state))
        return table

    def __call__(self, item: str, state: str) -> None:
        self.states[item] = state
        if self.live is not None:
            self.live.update(self.table())
        else:
            _progress(item, state)

    def __enter__(self):
        if console.is_terminal:
            from rich.live import Live

            self.live = Live(self.table(), console=console, refresh_per_second=8)
            self.live.__enter__()
        return self

    def __exit__(self, *exc):
        if self.live is not None:
            self.live.__exit__(*exc)


def cmd_list(args: argparse.Namespace) -> int:
    from briefs.project import catalog

    for brief in catalog.discover():
        print(f"{brief.name}\t{brief.document}\t{brief.title}")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from briefs.execute.run import parse_cli_parameters, run_brief

    params = parse_cli_parameters(args.parameter)
    with console.status(f"running {escape(args.name)}"):
        result = run_brief(args.name, params, strict=args.strict, output=Path(args.output) if args.output else None)
    bad = result.contradicted
    console.print(f"[green]{escape(args.name)}[/green]: {len(result.claims)} claims, {len(bad)} contradicted -> {escape(str(result.notebook))}")
    for claim in bad:
        console.print(f"  [red]contradicted[/red] {escape(claim['id'])}: computed {escape(claim['text'])}, {escape(claim['rule'])}")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from briefs.book.build import build_book

    with BuildDisplay() as display:
        result = build_book(progress=display, run=not args.no_run, force=args.force, workers=args.workers, pdf=args.pdf)
    if result.failures:
        console.print(f"[red]{len(result.failures)} brief(s) failed[/red] (their last good pages were kept):")
        for name, reason in result.failures.items():
            line = reason if reason.startswith(f"{name}: ") else f"{name}: {reason}"
            console.print(f"  {escape(line)}", soft_wrap=True)
        return 1
    console.print(f"[green]book built[/green]: {escape(str(result.html / 'index.html'))}")
    return 0


def cmd_stage(args: argparse.Namespace) -> int:
    from briefs.book.build import stage_book

    with BuildDisplay() as display:
        result = stage_book(progress=display, run=not args.no_run, force=args.force, workers=args.workers)
    for name, reason in result.failures.items():
        console.print(f"[red]failed[/red] {escape(reason if reason.startswith(f'{name}: ') else f'{name}: {reason}')}", soft_wrap=True)
    source = result.source.relative_to(Path.cwd()) if result.source.is_relative_to(Path.cwd()) else result.source
    console.print(f"[green]book source written[/green]: {escape(str(source))}; build it with `jupyter-book build {escape(str(source))}`",
                  soft_wrap=True)
    return 1 if result.failures else 0


def cmd_release(args: argparse.Namespace) -> int:
    from briefs.publish.release import release

    result = release(args.version, date=args.date, force=args.force, strict=args.strict,
                     site=Path(args.site) if args.site else None, progress=_progress)
    verb = "replaced" if result.replaced else "released"
    console.print(f"[green]edition {result.name} {verb}[/green] ({result.date}): {result.edition / 'index.html'}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from briefs.publish.release import make_server, site_dir

    site = Path(args.site) if args.site else site_dir()
    server = make_server(site, args.port)
    host, port = server.server_address[:2]
    console.print(f"serving {site} at [bold]http://{host}:{port}/[/bold] (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        console.print("stopped")
    finally:
        server.server_close()
    return 0


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
        text = FORMATS[args.format](report)
        if args.output:
            Path(args.output).write_text(text, encoding="utf-8", newline="\n")
        else:
            sys.stdout.write(text)
    return 1 if report.changed else 0


def cmd_lock(args: argparse.Namespace) -> int:
    from briefs.review.outputs_lock import lock, lock_dir

    folder = Path(args.dir) if args.dir else lock_dir()
    touched = lock(folder=folder, run=args.run, progress=_progress)
    console.print(f"[green]outputs lock[/green] {escape(str(folder))}: {len(touched)} file(s) written or removed")
    for rel in touched:
        console.print(f"  {rel}", highlight=False, markup=False)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from briefs.review.outputs_lock import check, lock_dir
    from briefs.review.report import to_terminal

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

def cmd_validate(args: argparse.Namespace) -> int:
    from briefs.data.verdicts import validate

    verdicts = validate(args.resource, args.package)
    for v in verdicts:
        if v.ok:
            print(f"{v.resource}: {v.rows} rows, valid")
        else:
            console.print(f"[red]invalid[/red] {v.resource}: {v.problem}", soft_wrap=True)
    bad = [v for v in verdicts if not v.ok]
    return 2 if bad else 0


def cmd_new(args: argparse.Namespace) -> int:
    from briefs.project.scaffold import new_brief

    made = new_brief(args.name, args.document, args.title)
    print(f"created {made.notebook.relative_to(made.notebook.parents[1])} and "
          f"{made.csv.relative_to(made.csv.parents[1])} (resource {made.resource} in data/datapackage.json)")
    return 0


def cmd_docs_cli(args: argparse.Namespace) -> int:
    from briefs.book.clidoc import PAGE, write

    write(check=args.check)
    print(f"{PAGE} is up to date" if args.check else f"wrote {PAGE}")
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
    p.add_argument("--force", action="store_true", help="re-run every brief and recompile, even if nothing changed")
    p.add_argument("-j", "--workers", type=int, default=None, help="briefs run at once (default: one per core)")
    p.add_argument("--pdf", action=argparse.BooleanOptionalAction, default=None,
                   help="print every brief to PDF with headless Chromium (default: when Chromium is installed)")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("stage", help="write the book's source for jupyter-book, without compiling it",
                       description="Run the briefs whose inputs changed, then write the book's source (configuration, generated "
                                   "table of contents, executed notebooks) to build/book/src without compiling it: "
                                   "`jupyter-book build build/book/src` then builds the pages with Jupyter Book's own command.")
    p.add_argument("--no-run", action="store_true", help="reuse the executed notebooks already in build/runs")
    p.add_argument("--force", action="store_true", help="re-run every brief, even if nothing changed")
    p.add_argument("-j", "--workers", type=int, default=None, help="briefs run at once (default: one per core)")
    p.set_defaults(func=cmd_stage)

    from briefs.cli.data import add_commands as add_data_commands

    add_data_commands(sub)

    p = sub.add_parser("release", help="build the book as a dated edition in site/VERSION",
                       description="Run every brief and build the book as edition VERSION in site/VERSION/, then update "
                                   "site/versions.json, site/latest/ and site/index.html. Nothing changes if it fails.")
    p.add_argument("version", help="edition name: letters, digits, dots, hyphens, underscores (e.g. 2026.11)")
    p.add_argument("--date", help="the edition's date, YYYY-MM-DD (default: from SOURCE_DATE_EPOCH, else today)")
    p.add_argument("--force", action="store_true", help="replace an edition that already exists")
    p.add_argument("--strict", action="store_true", help="fail if any claim is contradicted")
    p.add_argument("--site", help="the site folder (default: site/ in the project)")
    p.set_defaults(func=cmd_release)

    p = sub.add_parser("serve", help="preview site/ on 127.0.0.1", description="Serve site/ over HTTP on 127.0.0.1 to preview the editions.")
    p.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000; 0 picks a free one)")
    p.add_argument("--site", help="the site folder (default: site/ in the project)")
    p.set_defaults(func=cmd_serve)
    p = sub.add_parser(
        "diff", help="what changed between two versions of the briefs",
        description="Compare executed briefs claim by claim and cell by cell. OLD and NEW are each an executed "
        "notebook, a run folder (build/runs) or an edition folder. Exit status: 0 no change, 1 changes, 2 trouble.",
    )
    p.add_argument("old", help="the earlier version: an executed notebook, a run folder or an edition folder")
    p.add_argument("new", help="the later version, of the same kinds")
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

    p = sub.add_parser("validate", help="check data resources against their schemas",
                       description="Check data resources against their schemas and rules, the way a brief loads them, without running anything.")
    p.add_argument("resource", nargs="*", help="resources to check (default: every resource in the package)")
    p.add_argument("--package", help="the datapackage.json (or its folder) to check instead of data/")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("new", help="start a new brief from the template",
                       description="Start a new brief: notebooks/NAME.md from the template, and an empty figures resource data/NAME_figures.csv registered in data/datapackage.json.")
    p.add_argument("name", help="the brief's name: lower-case letters, digits and hyphens")
    p.add_argument("--document", required=True, help="id of the source document in data/documents.csv, such as 002")
    p.add_argument("--title", help="the page title (default: the document's title)")
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("docs", help="generate pages of the book from the code",
                       description="Generate pages of the book from the code, so they cannot drift from it.")
    docs = p.add_subparsers(dest="docs_command", required=True, metavar="PAGE")
    q = docs.add_parser("cli", help="the command reference, book/guides/cli.md",
                        description="Write the command reference book/guides/cli.md from the commands' own help text.")
    q.add_argument("--check", action="store_true", help="write nothing; fail if the committed page is out of date")
    q.set_defaults(func=cmd_docs_cli)
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
