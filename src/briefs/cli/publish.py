"""`briefs release|serve`: dated editions in site/, and a local preview of them."""

from __future__ import annotations

import argparse
from pathlib import Path


from rich.markup import escape

from briefs.cli.console import console
from briefs.cli.console import progress


def cmd_release(args: argparse.Namespace) -> int:
    from briefs.publish.release import release

    result = release(
        args.version,
        date=args.date,
        force=args.force,
        strict=args.strict,
        pdf=args.pdf,
        site=Path(args.site) if args.site else None,
        doi=args.doi,
        progress=progress,
    )
    verb = "replaced" if result.replaced else "released"
    console.print(f"[green]edition {result.name} {verb}[/green] ({result.date}): {result.edition / 'index.html'}")
    return 0


def cmd_withdraw(args: argparse.Namespace) -> int:
    from briefs.publish.withdraw import withdraw

    result = withdraw(args.version, site=Path(args.site) if args.site else None)
    console.print(
        f"[green]edition {escape(result.name)} withdrawn[/green]; the site lists {escape(', '.join(result.remaining))}",
        soft_wrap=True,
    )
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from briefs.project.paths import site_dir
    from briefs.publish.serve import make_server

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


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "release",
        help="build the book as a dated edition in site/VERSION",
        description="Run every brief and build the book as edition VERSION in site/VERSION/, then update "
        "site/versions.json, site/latest/ and site/index.html. Nothing changes if it fails.",
    )
    p.add_argument("version", help="edition name: letters, digits, dots, hyphens, underscores (e.g. 2026.11)")
    p.add_argument("--date", help="the edition's date, YYYY-MM-DD (default: from SOURCE_DATE_EPOCH, else today)")
    p.add_argument("--force", action="store_true", help="replace an edition that already exists")
    p.add_argument("--strict", action="store_true", help="fail if any claim is contradicted")
    p.add_argument("--site", help="the site folder (default: site/ in the project)")
    p.add_argument(
        "--pdf",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="print every brief to PDF with headless Chromium (default: when Chromium is installed)",
    )
    p.add_argument(
        "--doi",
        help="the edition's DOI (10.NNNN/suffix), shown in its citations; "
        "default: the one book/citation.yml records for this edition, if any",
    )
    p.set_defaults(func=cmd_release)

    p = sub.add_parser(
        "withdraw",
        help="remove an edition from site/",
        description="Remove edition VERSION from site/ in one step: the other editions stay as they are; "
        "site/versions.json, site/latest/ and site/index.html are rewritten for them.",
    )
    p.add_argument("version", help="the edition to remove, as listed in site/versions.json")
    p.add_argument("--site", help="the site folder (default: site/ in the project)")
    p.set_defaults(func=cmd_withdraw)

    p = sub.add_parser(
        "serve", help="preview site/ on 127.0.0.1", description="Serve site/ over HTTP on 127.0.0.1 to preview the editions."
    )
    p.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000; 0 picks a free one)")
    p.add_argument("--site", help="the site folder (default: site/ in the project)")
    p.set_defaults(func=cmd_serve)
