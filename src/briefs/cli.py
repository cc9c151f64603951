"""The `briefs` command: a thin layer over library functions that tests call directly.

Every error the library raises is a BriefsError with a one-line message; this
module prints it and exits with the code `errors.exit_code` assigns.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console

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


def cmd_validate(args: argparse.Namespace) -> int:
    from .validate import validate

    verdicts = validate(args.resource, args.package)
    for v in verdicts:
        if v.ok:
            print(f"{v.resource}: {v.rows} rows, valid")
        else:
            console.print(f"[red]invalid[/red] {v.resource}: {v.problem}", soft_wrap=True)
    bad = [v for v in verdicts if not v.ok]
    return 2 if bad else 0


def cmd_new(args: argparse.Namespace) -> int:
    from .scaffold import new_brief

    made = new_brief(args.name, args.document, args.title)
    print(f"created {made.notebook.relative_to(made.notebook.parents[1])} and "
          f"{made.csv.relative_to(made.csv.parents[1])} (resource {made.resource} in data/datapackage.json)")
    return 0


def cmd_docs_cli(args: argparse.Namespace) -> int:
    from .clidoc import PAGE, write

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
    p.set_defaults(func=cmd_build)

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
        console.print(f"[red]error:[/red] {exc}", soft_wrap=True)
        return exit_code(exc)
    except KeyboardInterrupt:
        console.print("interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
