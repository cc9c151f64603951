"""`briefs validate|new|docs`: checking data, starting a brief, generating reference pages."""

from __future__ import annotations

import argparse


from briefs.cli.console import console


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
    from briefs.book.scaffold import new_brief

    made = new_brief(args.name, args.document, args.title)
    print(
        f"created {made.notebook.relative_to(made.notebook.parents[1])} and "
        f"{made.csv.relative_to(made.csv.parents[1])} (resource {made.resource} in data/datapackage.json)"
    )
    return 0


def cmd_docs_cli(args: argparse.Namespace) -> int:
    from briefs.book.clidoc import PAGE, write

    write(args.top_parser, check=args.check)
    print(f"{PAGE} is up to date" if args.check else f"wrote {PAGE}")
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "validate",
        help="check data resources against their schemas",
        description="Check data resources against their schemas and rules, the way a brief loads them, without running anything.",
    )
    p.add_argument("resource", nargs="*", help="resources to check (default: every resource in the package)")
    p.add_argument("--package", help="the datapackage.json (or its folder) to check instead of data/")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser(
        "new",
        help="start a new brief from the template",
        description="Start a new brief: notebooks/NAME.md from the template, and an empty figures resource data/NAME_figures.csv registered in data/datapackage.json.",
    )
    p.add_argument("name", help="the brief's name: lower-case letters, digits and hyphens")
    p.add_argument("--document", required=True, help="id of the source document in data/documents.csv, such as 002")
    p.add_argument("--title", help="the page title (default: the document's title)")
    p.set_defaults(func=cmd_new)

    p = sub.add_parser(
        "docs",
        help="generate pages of the book from the code",
        description="Generate pages of the book from the code, so they cannot drift from it.",
    )
    docs = p.add_subparsers(dest="docs_command", required=True, metavar="PAGE")
    q = docs.add_parser(
        "cli",
        help="the command reference, book/guides/cli.md",
        description="Write the command reference book/guides/cli.md from the commands' own help text.",
    )
    q.add_argument("--check", action="store_true", help="write nothing; fail if the committed page is out of date")
    q.set_defaults(func=cmd_docs_cli)
